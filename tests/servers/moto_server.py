#!/usr/bin/env python3
"""moto in server mode on 127.0.0.1 with every request's signature checked.

INITIAL_NO_AUTH_ACTION_COUNT=0 is set before moto is imported, so no request goes
unauthenticated; the IAM user whose key the tests sign with is made here, in process, and
allowed everything, with a role it may assume. Prints one JSON line with the key, the role
and the port, then serves until killed.

With --open, authentication stays off: moto then answers the calls that are unsigned by
design (AssumeRoleWithWebIdentity, the instance metadata endpoints), which it answers with
a 500 when authentication is on.

    moto_server.py PORT [--open]
"""
import json
import os
import sys

if "--open" not in sys.argv:
    os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"

from moto.core import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.iam.models import iam_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402

ALLOW_ALL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
})
TRUST = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/sigv4-test" % DEFAULT_ACCOUNT_ID},
                   "Action": "sts:AssumeRole"}],
})


def main():
    port = int(sys.argv[1])
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    iam.create_user(region_name="us-east-1", user_name="sigv4-test", path="/", tags=[])
    iam.put_user_policy("sigv4-test", "allow-all", ALLOW_ALL)
    key = iam.create_access_key(user_name="sigv4-test")
    role = iam.create_role(
        role_name="sigv4-role", assume_role_policy_document=TRUST, path="/",
        permissions_boundary=None, description="", tags=[], max_session_duration="3600",
    )
    iam.put_role_policy("sigv4-role", "allow-all", ALLOW_ALL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print(json.dumps({"access_key_id": key.access_key_id, "secret": key.secret_access_key,
                      "role_arn": role.arn, "port": port}), flush=True)
    try:
        sys.stdin.read()  # until the test closes our stdin, or kills us
    finally:
        server.stop()


if __name__ == "__main__":
    main()
