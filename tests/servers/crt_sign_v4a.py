"""Signs N generated requests with the AWS Common Runtime's SigV4A signer (awscrt,
AwsSigningAlgorithm.V4_ASYMMETRIC), half in headers and half presigned, and prints each
signed request as one JSON line: method, path (with query), headers, body (hex), and the
case's service, region set and time. Run by tests/tests/awscrt_sigv4a.rs with the Python of
.venv-awscurl (awscurl depends on awscrt; it is kept out of the botocore oracle's venv).

usage: crt_sign_v4a.py N SEED ACCESS_KEY SECRET
"""
import datetime
import io
import json
import random
import sys

from awscrt.auth import (
    AwsCredentialsProvider,
    AwsSignatureType,
    AwsSigningAlgorithm,
    AwsSigningConfig,
    aws_sign_request,
)
from awscrt.http import HttpHeaders, HttpRequest

UNRESERVED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~"


def word(rng):
    return "".join(rng.choice(UNRESERVED) for _ in range(rng.randint(1, 12)))


def main():
    n, seed, ak, secret = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    rng = random.Random(seed)
    for i in range(n):
        path = "".join("/" + word(rng) for _ in range(rng.randint(1, 3)))
        query = "&".join(f"{word(rng)}={word(rng)}" for _ in range(rng.randint(0, 3)))
        target = path + ("?" + query if query else "")
        headers = [("host", "example.amazonaws.com")]
        for name in rng.sample(["x-amz-meta-a", "content-type", "x-custom", "accept"], rng.randint(0, 3)):
            headers.append((name, word(rng)))
        body = bytes(rng.randrange(32, 127) for _ in range(rng.randint(0, 64)))
        method = rng.choice(["GET", "POST", "PUT", "DELETE"])
        service = rng.choice(["service", "execute-api", "events"])
        region_set = rng.choice(["us-east-1", "*", "us-*", "us-east-1,eu-west-1"])
        token = word(rng) if rng.random() < 0.3 else None
        when = datetime.datetime(2015, 8, 30, 12, 36, tzinfo=datetime.timezone.utc) + datetime.timedelta(
            seconds=rng.randint(0, 10_000_000)
        )
        presigned = i % 2 == 1
        config = AwsSigningConfig(
            algorithm=AwsSigningAlgorithm.V4_ASYMMETRIC,
            signature_type=(
                AwsSignatureType.HTTP_REQUEST_QUERY_PARAMS
                if presigned
                else AwsSignatureType.HTTP_REQUEST_HEADERS
            ),
            credentials_provider=AwsCredentialsProvider.new_static(ak, secret, token),
            region=region_set,
            service=service,
            date=when,
            expiration_in_seconds=3600 if presigned else None,
        )
        request = HttpRequest(method, target, HttpHeaders(headers), io.BytesIO(body))
        aws_sign_request(request, config).result(timeout=10)
        print(
            json.dumps(
                {
                    "method": request.method,
                    "path": request.path,
                    "headers": [[k, v] for k, v in request.headers],
                    "body": body.hex(),
                    "service": service,
                    "region_set": region_set,
                    "time": when.strftime("%Y%m%dT%H%M%SZ"),
                    "presigned": presigned,
                }
            )
        )


if __name__ == "__main__":
    main()
