"""``sigv4.compat.aws_requests_auth`` against the original package (from PyPI, in the
test venv): the same public surface, and for 1,000 random requests, given the same time,
credentials and options, the same headers; where they differ, the difference is one the
package README documents, and botocore (the reference) sides with ours."""

import inspect
import random
import types
from unittest import mock

import requests

import aws_requests_auth.aws_auth as orig
import sigv4.compat.aws_requests_auth.aws_auth as ours
import sigv4.compat.aws_requests_auth.boto_utils as ours_boto
from differential import FROZEN, botocore_canonical, frozen_datetime_module, public, random_request

def test_the_public_surface_is_the_originals():
    assert public(ours) == public(orig)
    assert public(ours.AWSRequestsAuth) == public(orig.AWSRequestsAuth)
    for name in ["AWSRequestsAuth", "sign", "getSignatureKey"]:
        assert inspect.signature(getattr(ours, name)) == inspect.signature(getattr(orig, name)), name
    for name in public(orig.AWSRequestsAuth):
        o, n = getattr(orig.AWSRequestsAuth, name), getattr(ours.AWSRequestsAuth, name)
        assert inspect.signature(n) == inspect.signature(o), name
    # The original imports botocore, absent here: its names, as its source defines them.
    assert public(ours_boto) == ["AWSRequestsAuth", "BotoAWSRequestsAuth", "Session", "get_credentials"]
    assert str(inspect.signature(ours_boto.get_credentials)) == "(credentials_obj=None)"
    assert str(inspect.signature(ours_boto.BotoAWSRequestsAuth)) == "(aws_host, aws_region, aws_service)"


def test_the_same_headers_as_the_original_for_1000_requests():
    rng = random.Random(20240517)
    same = deviations = 0
    with mock.patch.object(orig, "datetime", frozen_datetime_module()), \
            mock.patch.object(ours, "datetime", frozen_datetime_module()):
        for i in range(1000):
            service, host, prepared, token = random_request(rng)
            args = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", host, "eu-west-1", service, token)
            want = orig.AWSRequestsAuth(*args).get_aws_request_headers(prepared, *args[:2], token)
            got = ours.AWSRequestsAuth(*args).get_aws_request_headers(prepared, *args[:2], token)
            if got == want:
                same += 1
                continue
            deviations += 1
            # The documented differences: the canonical URI or query (ours is AWS's, as
            # botocore computes it), and for S3 x-amz-content-sha256 signed.
            assert {k: v for k, v in got.items() if k != "Authorization"} == \
                {k: v for k, v in want.items() if k != "Authorization"}, i
            signer = ours.AWSRequestsAuth(*args)._signer(args[0], args[1], token)
            creq, _ = signer.explain(prepared.method, prepared.url, {"host": host, "x-amz-date": "20240517T083015Z"}, b"")
            uri, query = creq.split("\n")[1:3]
            b_uri, b_query = botocore_canonical(service, prepared)
            assert (uri, query) == (b_uri, b_query), (i, prepared.url)
            orig_uri = orig.AWSRequestsAuth.get_canonical_path(prepared)
            orig_query = orig.AWSRequestsAuth.get_canonical_querystring(prepared)
            differs = (orig_uri, orig_query) != (uri, query)
            assert differs or service == "s3", (i, prepared.url)
    print(f"aws-requests-auth: {same} identical, {deviations} documented deviations")
    assert same >= 500, (same, deviations)


def test_get_credentials_reads_any_frozen_credentials_object():
    class Obj:
        def get_frozen_credentials(self):
            return types.SimpleNamespace(access_key="AK", secret_key="SK", token=None)

    assert ours_boto.get_credentials(Obj()) == {"aws_access_key": "AK", "aws_secret_access_key": "SK", "aws_token": None}


def test_boto_auth_uses_the_native_chain(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
    auth = ours_boto.BotoAWSRequestsAuth("api.example.com", "eu-west-1", "es")
    p = requests.Request("GET", "https://api.example.com/_search").prepare()
    auth(p)
    assert p.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDFROMENV/")
    assert p.headers["X-Amz-Security-Token"] == "tok"


def test_signing_key_is_the_documented_derivation():
    # The AWS documentation's example: secret, 20120215, us-east-1, iam.
    key = ours.getSignatureKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
    assert key == orig.getSignatureKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
