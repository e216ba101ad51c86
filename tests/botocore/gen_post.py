#!/usr/bin/env python3
"""Random S3 POST policies signed by botocore's `generate_presigned_post`, one JSON object a
line: the inputs (bucket, key, expiry, the fields and conditions in order, credentials) and
the form fields botocore returned. `tests/tests/post_policy.rs` builds each with
`sigv4::post::PostPolicy` at the same time and asserts the same fields byte for byte
(the base64 policy document included, so the JSON is the same too).

    python3 tests/botocore/gen_post.py --count 200 --seed 1 --out post.jsonl
"""

import argparse
import datetime
import json
import random
import sys
from unittest import mock

import botocore.session
from botocore.config import Config

try:
    import awscrt  # noqa: F401

    sys.exit("awscrt is installed: botocore would sign with the CRT, not SigV4")
except ImportError:
    pass

NOW = datetime.datetime(2026, 12, 1, 16, 40, 5, tzinfo=datetime.timezone.utc)
TEXT = ["plain", "with space", "quote\"d", "back\\slash", "ünïcödé", "emoji 😀", "tab\tnl\n",
        "slash/ok", "", "<b>&amp;</b>", "ctl\u0001", "del\u007f"]
META = ["author", "uuid", "tag", "note-1"]


def case(rng, n):
    bucket = rng.choice(["examplebucket", "my.bucket-1", "b" * 40])
    prefix = rng.choice(["uploads/", "user/user1/", "", "a b/ü/"])
    key = prefix + "${filename}" if rng.random() < 0.5 else prefix + rng.choice(["file.txt", "ü.bin", "x"])
    ops = []
    used = set()
    for _ in range(rng.randint(0, 6)):
        kind = rng.choice(["range", "ctype", "status", "acl", "meta", "field", "starts"])
        if kind == "range":
            lo = rng.randint(0, 1000)
            ops.append(["range", lo, lo + rng.randint(0, 10 << 20)])
            continue
        if kind == "starts":
            ops.append(["starts", rng.choice(["Content-Type", "x-amz-meta-tag", "success_action_redirect"]),
                        rng.choice(TEXT)])
            continue
        name = {"ctype": "Content-Type", "status": "success_action_status", "acl": "acl",
                "meta": "x-amz-meta-" + rng.choice(META), "field": rng.choice(["Cache-Control", "Expires", "x-amz-storage-class"])}[kind]
        if name in used:
            continue
        used.add(name)
        value = {"status": str(rng.choice([200, 201, 204])), "acl": rng.choice(["private", "public-read"])}.get(kind, rng.choice(TEXT))
        ops.append([kind, name, value])
    token = rng.choice([None, "FwoGZXIvYXdzE/token+with=chars" + str(n % 3)])
    return {"bucket": bucket, "key": key, "expires": rng.choice([60, 3600, 604800]), "ops": ops, "token": token}


CLIENTS = {}


def client_for(token):
    """One client per session token (making one takes a third of a second)."""
    if token not in CLIENTS:
        CLIENTS[token] = botocore.session.get_session().create_client(
            "s3", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            aws_session_token=token, config=Config(signature_version="s3v4"))
    return CLIENTS[token]


def sign(c):
    client = client_for(c["token"])
    fields, conditions = {}, []
    for op in c["ops"]:
        if op[0] == "range":
            conditions.append(["content-length-range", op[1], op[2]])
        elif op[0] == "starts":
            conditions.append(["starts-with", "$" + op[1], op[2]])
        else:
            fields[op[1]] = op[2]
            conditions.append({op[1]: op[2]})
    with mock.patch("botocore.signers.get_current_datetime", return_value=NOW.replace(tzinfo=None)), \
            mock.patch("botocore.auth.get_current_datetime", return_value=NOW.replace(tzinfo=None)):
        out = client.generate_presigned_post(c["bucket"], c["key"], Fields=fields,
                                             Conditions=conditions, ExpiresIn=c["expires"])
    return list(out["fields"].items())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w") as f:
        for n in range(args.count):
            c = case(rng, n)
            c["now"] = NOW.strftime("%Y%m%dT%H%M%SZ")
            c["fields"] = sign(c)
            f.write(json.dumps(c) + "\n")


if __name__ == "__main__":
    main()
