"""Signing one W1 request from Python, each signer in the same run: sigv4.requests.SigV4Auth,
the compat AWS4Auth, requests-aws4auth, aws-requests-auth and botocore's SigV4Auth. Only the
auth call is timed (a copy of an already prepared request is signed each round); medians of
repeated batches, and each one's ratio to ours. Then SHA-256 throughput on a large file
through sigv4.Sha256 against hashlib (OpenSSL) as the floor.

    .venv-py/bin/python benches/python/sign_w1.py [--hash-mib 1024]

Needs the test venv of scripts/test (.venv-py: the sigv4 package, the three originals,
botocore).
"""

import argparse
import hashlib
import os
import statistics
import tempfile
import time

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

import aws_requests_auth.aws_auth as ara
import requests_aws4auth
import sigv4
import sigv4.compat.requests_aws4auth as compat
import sigv4.requests

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
URL = "https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x"
HEADERS = {"x-amz-date": "20240517T083015Z", "range": "bytes=0-1023", "user-agent": "bench/1.0"}


def prepared():
    return requests.Request("GET", URL, headers=HEADERS).prepare()


def per_call(fn, rounds=2000, batches=15):
    """Median seconds of one call of ``fn(request)``, copies made outside the timing."""
    base = prepared()
    results = []
    for _ in range(batches):
        reqs = [base.copy() for _ in range(rounds)]
        start = time.perf_counter()
        for r in reqs:
            fn(r)
        results.append((time.perf_counter() - start) / rounds)
    return statistics.median(results)


def botocore_sign():
    creds = botocore.credentials.Credentials(AK, SK)
    auth = botocore.auth.S3SigV4Auth(creds, "s3", "us-east-1")

    def sign(r):
        req = botocore.awsrequest.AWSRequest(method="GET", url=URL, headers=dict(r.headers))
        auth.add_auth(req)

    return sign


def main():
    cli = argparse.ArgumentParser()
    cli.add_argument("--hash-mib", type=int, default=256)
    args = cli.parse_args()
    creds = sigv4.Credentials(AK, SK)
    signers = {
        "sigv4.requests.SigV4Auth": sigv4.requests.SigV4Auth("s3", "us-east-1", creds),
        "sigv4.compat AWS4Auth": compat.AWS4Auth(AK, SK, "us-east-1", "s3", "20240517"),
        "requests-aws4auth 1.4.0": requests_aws4auth.AWS4Auth(AK, SK, "us-east-1", "s3", "20240517"),
        "aws-requests-auth 0.4.3": ara.AWSRequestsAuth(AK, SK, "examplebucket.s3.amazonaws.com", "us-east-1", "s3"),
        "botocore S3SigV4Auth": botocore_sign(),
    }
    times = {name: per_call(fn) for name, fn in signers.items()}
    ours = times["sigv4.requests.SigV4Auth"]
    print(f"{'signer (W1, the auth call only)':34} {'median':>10} {'x ours':>8}")
    for name, t in times.items():
        print(f"{name:34} {t * 1e6:8.1f} us {t / ours:8.2f}")

    size = args.hash_mib << 20
    with tempfile.NamedTemporaryFile(delete=False) as f:
        chunk = os.urandom(1 << 20)
        for _ in range(args.hash_mib):
            f.write(chunk)
        path = f.name
    try:
        def hash_with(factory):
            h = factory()
            with open(path, "rb") as src:
                for piece in iter(lambda: src.read(1 << 20), b""):
                    h.update(piece)
            return h.hexdigest()

        for name, factory in [("sigv4.Sha256", sigv4.Sha256), ("hashlib.sha256", hashlib.sha256)]:
            best = min(_timed(hash_with, factory) for _ in range(3))
            print(f"SHA-256 of {args.hash_mib} MiB via {name:15} {size / best / 1e6:8.0f} MB/s")
    finally:
        os.unlink(path)


def _timed(fn, arg):
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
