"""requests and httpx (sync and async) through ``SigV4Auth`` against real servers on
127.0.0.1: ``sigv4 serve`` (it verifies every signature and body hash) and moto (S3 with a
20 MiB file streamed from disk, STS GetCallerIdentity); a tampered request is refused."""

import asyncio
import hashlib
import os

import httpx
import requests

import sigv4
import sigv4.httpx
import sigv4.requests
from conftest import AK, SK


def auth(kind, service="s3", creds=None):
    creds = creds or sigv4.Credentials(AK, SK)
    mod = sigv4.requests if kind == "requests" else sigv4.httpx
    return mod.SigV4Auth(service, "us-east-1", creds)


def test_requests_and_httpx_against_sigv4_serve(serve, tmp_path):
    base = f"http://127.0.0.1:{serve}/bucket"
    r = requests.put(f"{base}/small?tag=a%20b", data=b"hello", auth=auth("requests"))
    assert r.status_code == 200, r.text
    assert r.json()["body_matches_signature"] is True
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(12 << 20))
    with open(big, "rb") as f:
        r = requests.put(f"{base}/big", data=f, auth=auth("requests"))
    assert r.status_code == 200, r.text
    assert "x-amz-content-sha256" in r.json()["signed_headers"]
    r = httpx.put(f"{base}/httpx", content=b"sync body", auth=auth("httpx"))
    assert r.status_code == 200, r.text

    async def go():
        async with httpx.AsyncClient(auth=auth("httpx")) as c:
            return await c.get(f"{base}/async?list-type=2")

    r = asyncio.run(go())
    assert r.status_code == 200, r.text
    # Tampered: a signed header changed after signing.
    prepared = requests.Request("PUT", f"{base}/t", data=b"x", headers={"x-amz-meta-a": "1"}).prepare()
    prepared = auth("requests")(prepared)
    prepared.headers["x-amz-meta-a"] = "2"
    r = requests.Session().send(prepared)
    assert r.status_code == 403 and "SignatureDoesNotMatch" in r.text


def test_s3_and_sts_against_moto(moto, tmp_path):
    creds = sigv4.Credentials(moto["access_key_id"], moto["secret"])
    base = f"http://127.0.0.1:{moto['port']}"
    s3 = auth("requests", "s3", creds)
    assert requests.put(f"{base}/py-bucket", auth=s3).status_code == 200
    data = os.urandom(20 << 20)
    path = tmp_path / "twenty.bin"
    path.write_bytes(data)
    with open(path, "rb") as f:
        r = requests.put(f"{base}/py-bucket/twenty.bin", data=f, auth=s3)
    assert r.status_code == 200, r.text
    r = requests.get(f"{base}/py-bucket/twenty.bin", auth=s3)
    assert r.status_code == 200 and hashlib.sha256(r.content).digest() == hashlib.sha256(data).digest()
    form = {"Action": "GetCallerIdentity", "Version": "2011-06-15"}
    for kind in ("requests", "httpx"):
        sts = auth(kind, "sts", creds)
        post = requests.post if kind == "requests" else httpx.post
        r = post(f"{base}/", data=form, auth=sts)
        assert r.status_code == 200, r.text
        assert ":user/sigv4-test</Arn>" in r.text
    wrong = auth("requests", "sts", sigv4.Credentials(moto["access_key_id"], "wrong"))
    assert requests.post(f"{base}/", data=form, auth=wrong).status_code == 403

    async def with_httpx():
        s3x = auth("httpx", "s3", creds)
        async with httpx.AsyncClient(auth=s3x, timeout=60) as c:

            async def from_disk():
                with open(path, "rb") as f:
                    for piece in iter(lambda: f.read(1 << 20), b""):
                        yield piece

            # A streamed body: UNSIGNED-PAYLOAD, never held whole.
            r = await c.put(f"{base}/py-bucket/async.bin", content=from_disk(),
                            headers={"content-length": str(len(data))})
            assert r.status_code == 200, r.text
            r = await c.get(f"{base}/py-bucket/async.bin")
            assert r.status_code == 200 and hashlib.sha256(r.content).digest() == hashlib.sha256(data).digest()
            r = await c.post(f"{base}/", data=form, auth=auth("httpx", "sts", creds))
            assert r.status_code == 200 and ":user/sigv4-test</Arn>" in r.text, r.text

    asyncio.run(with_httpx())


def test_aws_chunked_uploads_and_unsigned_payloads_against_sigv4_serve(serve, tmp_path):
    """Each chunk checked by the server before it is handed on: the whole file arrives,
    in every mode; a changed byte is refused."""
    base = f"http://127.0.0.1:{serve}/bucket"
    signer = sigv4.Signer("s3", "us-east-1", sigv4.Credentials(AK, SK))
    data = os.urandom(3 * 65536 + 12345)
    path = tmp_path / "up.bin"
    path.write_bytes(data)
    for mode in [dict(), dict(checksum="crc32c"), dict(checksum="sha256", unsigned=True)]:
        with open(path, "rb") as f:
            up = sigv4.AwsChunkedUpload(signer, "PUT", f"{base}/chunked", f, len(data), **mode)
            assert up.headers["content-encoding"] == "aws-chunked"
            r = requests.put(f"{base}/chunked", data=up, headers=up.headers)
        assert r.status_code == 200, (mode, r.text)
        assert r.json()["body_matches_signature"] is True, mode
    with open(path, "rb") as f:
        up = sigv4.AwsChunkedUpload(signer, "PUT", f"{base}/chunked", f, len(data))
        wire = bytearray(up.read())
    wire[70000] ^= 1
    r = requests.put(f"{base}/chunked", data=bytes(wire), headers=up.headers)
    assert r.status_code != 200 or r.json()["body_matches_signature"] is False
    # httpx, with the encoded body as an iterator.
    with open(path, "rb") as f:
        up = sigv4.AwsChunkedUpload(signer, "PUT", f"{base}/chunked", f, len(data), checksum="crc32")
        r = httpx.put(f"{base}/chunked", content=up.iter_bytes(), headers=up.headers)
    assert r.status_code == 200 and r.json()["body_matches_signature"] is True, r.text
    # UNSIGNED-PAYLOAD: the body is not read to be hashed.
    with open(path, "rb") as f:
        r = requests.put(f"{base}/unsigned", data=f,
                         auth=sigv4.requests.SigV4Auth("s3", "us-east-1", sigv4.Credentials(AK, SK), unsigned_payload=True))
    assert r.status_code == 200 and r.json()["payload_signed"] is False, r.text
    # A body shorter than declared is an error, before anything wrong is sent.
    with open(path, "rb") as f:
        up = sigv4.AwsChunkedUpload(signer, "PUT", f"{base}/short", f, len(data) + 10)
        try:
            up.read()
            raise AssertionError("no error")
        except sigv4.SigningError as e:
            assert "before the declared length" in str(e)


def test_sigv4a_requests_httpx_and_verify_against_sigv4_serve(serve):
    """``region_set=``: SigV4A (an ECDSA signature for a set of regions) through requests
    and httpx, accepted by ``sigv4 serve``; a set without the server's region refused; the
    package's own ``verify`` takes the signed request, and refuses it tampered."""
    base = f"http://127.0.0.1:{serve}/bucket"
    creds = sigv4.Credentials(AK, SK)
    for mod in (sigv4.requests, sigv4.httpx):
        a = mod.SigV4Auth("s3", "us-east-1", creds, region_set="us-*,eu-west-1")
        get = requests.get if mod is sigv4.requests else httpx.get
        r = get(f"{base}/mrap-object", auth=a)
        assert r.status_code == 200, r.text
        assert r.json()["scope"].endswith("/s3/aws4_request"), r.json()
        assert "x-amz-region-set" in r.json()["signed_headers"]
        elsewhere = mod.SigV4Auth("s3", "us-east-1", creds, region_set="eu-west-1")
        r = get(f"{base}/mrap-object", auth=elsewhere)
        assert r.status_code == 400 and "AuthorizationHeaderMalformed" in r.text, r.text

    signer = sigv4.Signer("s3", "us-east-1", creds, region_set="*")
    url = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/k"
    headers = {"x-amz-date": sigv4.requests.amz_date()}
    headers.update(signer.sign("GET", url, headers))
    assert headers["authorization"].startswith("AWS4-ECDSA-P256-SHA256 Credential=")
    who = sigv4.verify("GET", url, headers, b"", region="us-west-2", service="s3",
                       secrets={AK: SK})
    assert who["algorithm"] == "AWS4-ECDSA-P256-SHA256"
    try:
        sigv4.verify("GET", url + "x", headers, b"", region="us-west-2", service="s3",
                     secrets={AK: SK})
        raise AssertionError("a changed path verified")
    except sigv4.VerificationError:
        pass
