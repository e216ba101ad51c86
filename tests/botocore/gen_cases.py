#!/usr/bin/env python3
"""Signs random requests with botocore and writes what it produced, one JSON object a line.

The Rust test `tests/tests/botocore.rs` signs the same requests with sigv4-core and asserts
byte equality of the canonical request, the string to sign, the signature, and the headers
or URL botocore added. botocore is the oracle here, so awscrt must not be installed (it
switches botocore to another signer); this script refuses to run if it is.

    python3 tests/botocore/gen_cases.py --count 2000 --seed 1 --out cases.jsonl

Where botocore knowingly departs from the SigV4 spec the generator stays off that ground
and says so:
- A `Date` header makes botocore sign `Date` instead of adding `X-Amz-Date`: never sent.
- botocore signs the query of a header-signed request as sent, without re-encoding it, so
  the query sent is already canonically encoded (what botocore itself always sends).
- Presigning parses the query with `parse_qs`, which keeps one value of a repeated key and
  reads `+` as a space: presigned cases have unique keys and encode `+` as `%2B`.
- A caller's own `X-Amz-Content-SHA256` header replaces the payload hash: never sent.
"""

import argparse
import datetime
import hashlib
import json
import random
import sys
from urllib.parse import quote

import botocore
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

try:
    import awscrt  # noqa: F401

    sys.exit("awscrt is installed: botocore would sign with the CRT, not SigV4Auth")
except ImportError:
    pass

SERVICES = ["sts", "dynamodb", "execute-api", "es", "lambda", "sqs", "service", "iam"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1"]
METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]
# Characters that appear in keys and values, decoded: reserved, unreserved, space, plus,
# percent, and UTF-8 from several planes.
ALPHABET = (
    list("abcXYZ019-._~")
    + list(" +%!*'();:@&=$,/?#[]")
    + ["é", "ß", "ሴ", "日本", "😀", "Ω"]
)
HEADER_VALUE_CHARS = list("abcXYZ019-._~!*'();:@&=+$,/?#[]%\"") + [" ", "  ", "\t"]


def rand_text(rng, n_max, alphabet=ALPHABET, n_min=1):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(n_min, n_max)))


def rand_path(rng, service_rules):
    segments = []
    for _ in range(rng.randint(0, 5)):
        roll = rng.random()
        if service_rules and roll < 0.1:
            segments.append(rng.choice([".", ".."]))
        elif roll < 0.15:
            segments.append("")  # a repeated slash
        else:
            # Encoded as botocore encodes S3 keys: only unreserved characters stay bare.
            segments.append(quote(rand_text(rng, 8), safe="-_.~"))
    path = "/" + "/".join(segments)
    if segments and rng.random() < 0.2:
        path += "/"
    return path


def rand_query(rng, presign):
    params = []
    keys = set()
    for _ in range(rng.choice([0, 0, 1, 2, 3, 5])):
        key = rand_text(rng, 6)
        if presign and key in keys:
            continue
        keys.add(key)
        roll = rng.random()
        if roll < 0.15 and not presign:
            params.append(quote(key, safe="-_.~"))  # no '=': signs as 'key='
            continue
        value = "" if roll < 0.3 else rand_text(rng, 8)
        params.append(quote(key, safe="-_.~") + "=" + quote(value, safe="-_.~"))
        if not presign and rng.random() < 0.2:
            # a repeated key with another value
            params.append(quote(key, safe="-_.~") + "=" + quote(rand_text(rng, 4), safe="-_.~"))
    return "&".join(params)


def rand_headers(rng):
    headers = []
    for i in range(rng.randint(0, 4)):
        name = rng.choice(["X-Test-%d" % i, "x-amz-meta-%d" % i, "Content-Type", "Range"])
        name = "".join(c.upper() if rng.random() < 0.3 else c for c in name)
        value = rand_text(rng, 10, HEADER_VALUE_CHARS)
        if rng.random() < 0.2:
            value = "  " + value + "\t "
        headers.append((name, value))
        if rng.random() < 0.15:
            headers.append((name, rand_text(rng, 5, HEADER_VALUE_CHARS)))  # repeated name
    if rng.random() < 0.1:
        headers.append(("User-Agent", "gen/1.0"))  # never signed
    return headers


def make_case(rng, index):
    kind = rng.choice(["SigV4Auth", "S3SigV4Auth", "SigV4QueryAuth", "S3SigV4QueryAuth"])
    s3 = kind.startswith("S3")
    presign = "Query" in kind
    service = "s3" if s3 else rng.choice(SERVICES)
    region = rng.choice(REGIONS)
    scheme = rng.choice(["http", "https"])
    host = rng.choice(
        [
            "%s.%s.amazonaws.com" % (service, region),
            "bucket.s3.amazonaws.com",
            "127.0.0.1",
            "localhost",
            "[::1]",
        ]
    )
    port = rng.choice(["", "", ":443" if scheme == "https" else ":80", ":9000", ":8443"])
    path = rand_path(rng, service_rules=not s3)
    query = rand_query(rng, presign)
    url = "%s://%s%s%s%s" % (scheme, host, port, path, "?" + query if query else "")
    method = "GET" if presign and not s3 else rng.choice(METHODS)
    body = b"" if presign or rng.random() < 0.3 else rand_text(rng, 64).encode()
    token = None
    if rng.random() < 0.3:
        token = "FwoGZXIvYXdzE" + "".join(rng.choice("abcXYZ019+/=") for _ in range(40))
    unsigned = (not presign) and scheme == "https" and rng.random() < 0.25
    seconds = rng.randint(1262304000, 1893456000)  # 2010 .. 2030
    when = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).replace(tzinfo=None)
    expires = rng.choice([1, 60, 3600, 86400, 604800])
    creds = Credentials("AKID%04dEXAMPLE" % index, "secret/%d+KEY" % rng.randint(0, 10**9), token)
    headers = rand_headers(rng)
    return {
        "id": index,
        "class": kind,
        "service": service,
        "region": region,
        "seconds": seconds,
        "access_key_id": creds.access_key,
        "secret": creds.secret_key,
        "token": token,
        "method": method,
        "url": url,
        "headers": headers,
        "body_hex": body.hex(),
        "unsigned": unsigned,
        "expires": expires,
    }, creds, when, body


def sign_with_botocore(case, creds, when, body):
    cls = getattr(botocore.auth, case["class"])
    if "Query" in case["class"]:
        auth = cls(creds, case["service"], case["region"], expires=case["expires"])
    else:
        auth = cls(creds, case["service"], case["region"])
    request = AWSRequest(method=case["method"], url=case["url"], data=body or None)
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: repeated names are kept
    before = {name.lower() for name, _ in case["headers"]}
    if case["unsigned"]:
        request.context["payload_signing_enabled"] = False
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})

    seen = {}
    real_cr, real_sts = auth.canonical_request, auth.string_to_sign

    def canonical_request(req):
        seen["canonical_request"] = real_cr(req)
        return seen["canonical_request"]

    def string_to_sign(req, cr):
        seen["string_to_sign"] = real_sts(req, cr)
        return seen["string_to_sign"]

    auth.canonical_request = canonical_request
    auth.string_to_sign = string_to_sign
    botocore.auth.get_current_datetime = lambda: when
    auth.add_auth(request)

    expected = {
        "canonical_request": seen["canonical_request"],
        "string_to_sign": seen["string_to_sign"],
    }
    if "Query" in case["class"]:
        expected["url"] = request.url
        expected["signature"] = request.url.rsplit("X-Amz-Signature=", 1)[1]
    else:
        added = {}
        for name, value in request.headers.items():
            if name.lower() not in before or name.lower() == "x-amz-security-token":
                added[name.lower()] = value
        expected["headers"] = added
        expected["signature"] = added["authorization"].rsplit("Signature=", 1)[1]
    return expected


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", encoding="utf-8") as out:
        for index in range(args.count):
            case, creds, when, body = make_case(rng, index)
            case["expected"] = sign_with_botocore(case, creds, when, body)
            case["botocore"] = botocore.__version__
            out.write(json.dumps(case, ensure_ascii=False) + "\n")
    print("wrote %d botocore cases to %s" % (args.count, args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
