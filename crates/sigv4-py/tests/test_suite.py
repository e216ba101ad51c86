"""Every case of the AWS signing suite that an HTTP client can send, signed through
``sigv4.requests.SigV4Auth`` (and ``sigv4.httpx.SigV4Auth``), gives the suite's
Authorization header."""

import json

import httpx
import pytest
import requests
from requests.structures import CaseInsensitiveDict

import sigv4
import sigv4.httpx
import sigv4.requests
from conftest import SUITE, parse_http, suite_cases

# What no HTTP client sends: an obs-folded (multi-line) header value, a raw space in the
# request line (clients send %20, another request, which other cases cover).
UNSENDABLE = {"get-header-value-multiline", "get-space-normalized", "get-space-unnormalized"}


def case_setup(case):
    ctx = json.loads((SUITE / case / "context.json").read_text())
    c = ctx["credentials"]
    creds = sigv4.Credentials(c["access_key_id"], c["secret_access_key"], c.get("token"))
    signer = sigv4.Signer(
        ctx["service"],
        ctx["region"],
        creds,
        path_mode="service" if ctx["normalize"] else "service-unnormalized",
        session_token_after=ctx.get("omit_session_token", False),
        content_sha256_header=ctx["sign_body"],
    )
    method, target, headers, body = parse_http((SUITE / case / "request.txt").read_text())
    if case == "get-space-normalized":
        target = "/example space/"
    # Repeated names go as one header, values joined: the same canonical form.
    joined = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value.strip()}" if key in joined else value.strip()
    joined["x-amz-date"] = "20150830T123600Z"
    expected = next(
        line.split(":", 1)[1]
        for line in (SUITE / case / "header-signed-request.txt").read_text().split("\n")
        if line.lower().startswith("authorization:")
    )
    return signer, method, target, joined, body, expected


@pytest.mark.parametrize("case", [c for c in suite_cases() if c not in UNSENDABLE])
def test_requests_auth_gives_the_suite_signature(case):
    signer, method, target, headers, body, expected = case_setup(case)
    host = headers["host"]
    prepared = requests.Request(method, f"https://{host}/", data=body or None).prepare()
    prepared.url = f"https://{host}{target}"  # as written, not re-quoted by requests
    prepared.headers = CaseInsensitiveDict(headers)
    prepared.body = body or None
    signed = sigv4.requests.SigV4Auth(signer=signer)(prepared)
    assert signed.headers["Authorization"] == expected


@pytest.mark.parametrize("case", ["get-vanilla", "get-vanilla-query-order-key-case", "get-vanilla-utf8-query", "post-x-www-form-urlencoded"])
def test_httpx_auth_gives_the_suite_signature(case):
    signer, method, target, headers, body, expected = case_setup(case)
    host = headers["host"]
    request = httpx.Request(method, f"https://{host}{target}", headers=headers, content=body)
    flow = sigv4.httpx.SigV4Auth(signer=signer).auth_flow(request)
    signed = next(flow)
    assert signed.headers["authorization"] == expected


def test_the_time_comes_from_datetime(monkeypatch):
    """A frozen ``datetime`` (as freezegun or mock.patch give) is the time signed."""
    import datetime as real
    import sigv4._body as body

    class Frozen(real.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.datetime(2015, 8, 30, 12, 36, tzinfo=real.timezone.utc)

    monkeypatch.setattr(body.datetime, "datetime", Frozen)
    signer, method, target, headers, _, expected = case_setup("get-vanilla")
    del headers["x-amz-date"]
    prepared = requests.Request(method, "https://example.amazonaws.com/").prepare()
    prepared.headers = CaseInsensitiveDict(headers)
    signed = sigv4.requests.SigV4Auth(signer=signer)(prepared)
    assert signed.headers["x-amz-date"] == "20150830T123600Z"
    assert signed.headers["Authorization"] == expected
