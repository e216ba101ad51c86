"""The native API: bad input raises the right exception with a message naming the
problem; secrets are never shown; presign and verify agree."""

import pytest

import sigv4

CREDS = sigv4.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "TOKEN-SECRET")


def signer(service="execute-api"):
    return sigv4.Signer(service, "us-east-1", CREDS)


def test_bad_input_names_the_problem():
    s = signer()
    cases = [
        (lambda: s.sign("GET", "/no-host"), ValueError, "has no host"),
        (lambda: s.sign("BAD METHOD", "https://h/"), ValueError, "not an HTTP token"),
        (lambda: s.sign("GET", "https://h/", {"bad name": "v"}), ValueError, '"bad name"'),
        (lambda: s.sign("GET", "https://h/", {"é": "v"}), ValueError, "is not an HTTP token"),
        (lambda: s.sign("GET", "https://h/", None, 42), TypeError, "body must be bytes"),
        (lambda: s.sign("GET", "https://h/", {"x-amz-date": "yesterday"}), sigv4.SigningError, "x-amz-date"),
        (lambda: s.presign("GET", "https://h/", 604801), ValueError, "604800"),
        (lambda: sigv4.Signer(""), ValueError, "service"),
        (lambda: sigv4.Credentials("", "x"), ValueError, "must not be empty"),
        (lambda: sigv4.Signer("s3", "us-east-1", CREDS, path_mode="odd"), ValueError, "path_mode"),
    ]
    for call, kind, words in cases:
        with pytest.raises(kind) as e:
            call()
        assert words in str(e.value)


def test_secrets_are_never_shown():
    shown = repr(CREDS) + repr(signer())
    assert "wJalr" not in shown and "TOKEN-SECRET" not in shown
    assert CREDS.secret_access_key.startswith("wJalr")


def test_presigned_and_signed_requests_verify_and_tampering_fails():
    s = signer("s3")
    url = s.presign("GET", "https://bucket.s3.amazonaws.com/key?x=1", 300)
    secrets = {"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
    who = sigv4.verify("GET", url, {"host": "bucket.s3.amazonaws.com"}, b"",
                       region="us-east-1", service="s3", secrets=secrets)
    assert who["access_key_id"] == "AKIDEXAMPLE"
    with pytest.raises(sigv4.VerificationError, match="signature does not match"):
        sigv4.verify("GET", url.replace("key?", "kez?"), {"host": "bucket.s3.amazonaws.com"}, b"",
                     region="us-east-1", service="s3", secrets=secrets)
    headers = {"host": "api.example.com", "content-type": "application/json"}
    added = signer().sign("POST", "https://api.example.com/items", headers, b"{}")
    headers.update(added)
    assert sigv4.verify("POST", "https://api.example.com/items", headers, b"{}",
                        region="us-east-1", service="execute-api", secrets=secrets)
    with pytest.raises(sigv4.VerificationError):
        sigv4.verify("POST", "https://api.example.com/items", headers, b"{!}",
                     region="us-east-1", service="execute-api", secrets=secrets)


def test_large_bodies_hash_like_hashlib():
    import hashlib
    data = bytes(range(256)) * 8192
    h = sigv4.Sha256()
    h.update(data[:100])
    h.update(data[100:])
    assert h.hexdigest() == hashlib.sha256(data).hexdigest()
