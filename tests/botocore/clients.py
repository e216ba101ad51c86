#!/usr/bin/env python3
"""Signs requests with botocore (and awscurl) and sends them to the local verifying servers
the Rust test started on 127.0.0.1. Prints one JSON object a line: name, status, code, body.

    clients.py --service-port P --s3-port Q --awscurl PATH
"""
import argparse
import json
import subprocess
import sys
import urllib.error
import urllib.request

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

AK = "AKIDLOCALTEST"
SK = "local/secret+KEY"
REGION = "us-east-1"


def send(method, url, headers, body):
    req = urllib.request.Request(url, data=body or None, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def code_of(body):
    start = body.find("<Code>")
    return body[start + 6 : body.find("</Code>")] if start >= 0 else None


def signed(auth_cls, service, method, url, body=b"", headers=None, unsigned=False, secret=SK):
    creds = Credentials(AK, secret)
    auth = auth_cls(creds, service, REGION, **({"expires": 300} if "Query" in auth_cls.__name__ else {}))
    request = AWSRequest(method=method, url=url, data=body or None, headers=headers or {})
    if unsigned:
        request.context["client_config"] = Config(s3={"payload_signing_enabled": False})
    auth.add_auth(request)
    return request


def flip_last_hex(s):
    return s[:-1] + ("1" if s[-1] == "0" else "0")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--service-port", type=int, required=True)
    ap.add_argument("--s3-port", type=int, required=True)
    ap.add_argument("--awscurl", required=True)
    args = ap.parse_args()
    svc = "http://127.0.0.1:%d" % args.service_port
    s3 = "http://127.0.0.1:%d" % args.s3_port
    cases = []

    def run(name, request):
        status, body = send(request.method, request.url, request.headers.items(), request.body)
        cases.append({"name": name, "status": status, "code": code_of(body), "body": body})

    run("service-get", signed(SigV4Auth, "execute-api", "GET", svc + "/items/a%20b?b=2&a=1&flag"))
    run("service-post", signed(SigV4Auth, "execute-api", "POST", svc + "/items", b'{"name": "x"}', {"Content-Type": "application/json"}))
    run("service-presigned", signed(SigV4QueryAuth, "execute-api", "GET", svc + "/items?x=1"))
    run("s3-put", signed(S3SigV4Auth, "s3", "PUT", s3 + "/bucket/key%20with%20space.txt", b"hello world", {"x-amz-meta-a": "1"}))
    run("s3-put-unsigned", signed(S3SigV4Auth, "s3", "PUT", s3 + "/bucket/k", b"streamed", unsigned=True))
    run("s3-presigned-get", signed(S3SigV4QueryAuth, "s3", "GET", s3 + "/bucket/key%2Bplus"))

    bad = signed(SigV4Auth, "execute-api", "GET", svc + "/items?b=2")
    bad.headers.replace_header("Authorization", flip_last_hex(bad.headers["Authorization"]))
    run("service-tampered", bad)
    bad = signed(S3SigV4QueryAuth, "s3", "GET", s3 + "/bucket/key")
    bad.url = flip_last_hex(bad.url)
    run("s3-presigned-tampered", bad)
    run("service-wrong-secret", signed(SigV4Auth, "execute-api", "GET", svc + "/items", secret="wrong"))
    hashed = signed(S3SigV4Auth, "s3", "PUT", s3 + "/bucket/k", b"original body")
    hashed.data = b"altered body!"
    run("s3-body-altered", hashed)

    for name, path, secret in [("awscurl-get", "/plain/path", SK), ("awscurl-wrong-secret", "/plain/path", "wrong")]:
        out = subprocess.run(
            [args.awscurl, "--service", "execute-api", "--region", REGION, "--access_key", AK,
             "--secret_key", secret, "--fail-with-body", svc + path],
            capture_output=True, text=True, timeout=60,
        )
        cases.append({"name": name, "status": 200 if out.returncode == 0 else 403,
                      "code": code_of(out.stdout), "body": out.stdout + out.stderr})

    for c in cases:
        print(json.dumps(c))


if __name__ == "__main__":
    sys.exit(main())
