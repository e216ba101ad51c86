"""``sigv4.compat.requests_auth_aws_sigv4`` against the original package (from PyPI, in
the test venv, without boto3): the same public surface, the same headers for 1,000 random
requests (same time and credentials) except the documented deviations, where botocore
decides; and the command line against ``sigv4 serve``."""

import hashlib
import inspect
import os
import random
import subprocess
import sys
from unittest import mock

import requests

import requests_auth_aws_sigv4 as orig
import sigv4.compat.requests_auth_aws_sigv4 as ours
from conftest import AK, SK
from differential import botocore_canonical, frozen_datetime_module, public, random_request

KEYS = dict(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")


def test_the_public_surface_is_the_originals():
    assert public(ours) == public(orig)
    assert public(ours.AWSSigV4) == public(orig.AWSSigV4)
    assert inspect.signature(ours.AWSSigV4) == inspect.signature(orig.AWSSigV4)
    assert inspect.signature(ours.sign_msg) == inspect.signature(orig.sign_msg)
    assert ours.__version__ == orig.__version__


def test_the_same_headers_as_the_original_for_1000_requests():
    rng = random.Random(77)
    same = deviations = 0
    with mock.patch.object(orig, "datetime", frozen_datetime_module()), \
            mock.patch.object(ours, "datetime", frozen_datetime_module()):
        for i in range(1000):
            service, host, prepared, token = random_request(rng)
            p1, p2 = prepared.copy(), prepared.copy()
            kwargs = dict(KEYS, region="eu-west-1", aws_session_token=token)
            want = orig.AWSSigV4(service, **kwargs)(p1).headers
            got = ours.AWSSigV4(service, **kwargs)(p2).headers
            if dict(got) == dict(want):
                same += 1
                continue
            deviations += 1
            # Documented: the path and query signed as AWS computes them, and a GET's body
            # hashed (the original signs the empty body's hash for every GET).
            body = prepared.body or b""
            body = body.encode() if isinstance(body, str) else body
            assert got["x-amz-content-sha256"] == hashlib.sha256(body).hexdigest()
            if got["x-amz-content-sha256"] != want["x-amz-content-sha256"]:
                assert prepared.method == "GET" and body, i
            signer = ours.AWSSigV4(service, **kwargs)._get_signer()
            signed = {k.lower(): v for k, v in got.items() if k.lower().startswith("x-amz-") or k.lower() == "host"}
            creq, _ = signer.explain(prepared.method, prepared.url, signed, body)
            assert tuple(creq.split("\n")[1:3]) == botocore_canonical(service, prepared), (i, prepared.url)
    print(f"requests-auth-aws-sigv4: {same} identical, {deviations} documented deviations")
    assert same >= 300, (same, deviations)


def test_missing_credentials_and_region_raise_the_originals_errors(monkeypatch, tmp_path):
    for var in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    try:
        ours.AWSSigV4("sts", region="us-east-1")
        raise AssertionError("no KeyError")
    except KeyError as e:
        assert "AWS Access Key ID and Secret Access Key are required" in str(e)
    try:
        ours.AWSSigV4("sts", **KEYS)
        raise AssertionError("no KeyError")
    except KeyError as e:
        assert "Region is required" in str(e)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    auth = ours.AWSSigV4("sts")
    assert (auth.aws_access_key_id, auth.region) == ("AKIDENV", "ap-northeast-1")


def test_the_command_line_against_sigv4_serve(serve):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=AK, AWS_SECRET_ACCESS_KEY=SK, AWS_DEFAULT_REGION="us-east-1")
    url = f"http://127.0.0.1:{serve}/bucket/key?list-type=2"
    out = subprocess.run(
        [sys.executable, "-m", "sigv4.compat.requests_auth_aws_sigv4", url, "--service", "s3", "-i", "-v",
         "-H", "x-amz-meta-a: b"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("HTTP/1.1 200"), out.stdout
    assert "'verified': True" in out.stdout or '"verified": true' in out.stdout, out.stdout
    assert "> Host: 127.0.0.1" in out.stderr
    out = subprocess.run(
        [sys.executable, "-m", "sigv4.compat.requests_auth_aws_sigv4", "http://127.0.0.1:1/x"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert out.returncode == 2 and "option --service is needed" in out.stdout
