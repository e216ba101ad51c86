"""``sigv4.compat.requests_aws4auth`` against the original package (from PyPI, in the test
venv): the same public surface; the same headers for 1,000 random requests (headers,
bodies, tokens, request dates, keys of other dates) except the documented
deviations, where botocore decides; the AWS suite; the date modes and key regeneration."""

import datetime as real_datetime
import inspect
import json
import random
import types
from unittest import mock

import pytest
import requests
from requests.structures import CaseInsensitiveDict

import requests_aws4auth as orig
import requests_aws4auth.aws4auth as orig_auth
import sigv4.compat.requests_aws4auth as ours
import sigv4.compat.requests_aws4auth.aws4auth as ours_auth
import sigv4.compat.requests_aws4auth.aws4signingkey as ours_key
import sigv4.compat.requests_aws4auth.exceptions as ours_exc
from conftest import SUITE, parse_http, suite_cases
from differential import FROZEN, botocore_canonical, frozen_datetime_module, public, random_request

AK, SK = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def test_the_public_surface_is_the_originals():
    import requests_aws4auth.aws4signingkey as orig_key
    import requests_aws4auth.exceptions as orig_exc

    for o, n in [(orig, ours), (orig_auth, ours_auth), (orig_key, ours_key), (orig_exc, ours_exc)]:
        assert public(n) == public(o), o.__name__
    for cls in ["AWS4Auth", "StrictAWS4Auth", "PassiveAWS4Auth", "AWS4SigningKey"]:
        o, n = getattr(orig, cls), getattr(ours, cls)
        assert public(n) == public(o), cls
        assert inspect.signature(n) == inspect.signature(o), cls
        for name in public(o):
            if callable(getattr(o, name)):
                assert inspect.signature(getattr(n, name)) == inspect.signature(getattr(o, name)), (cls, name)
    assert ours.__version__ == orig.__version__
    assert issubclass(ours.DateMismatchError, ours.RequestsAws4AuthException)




def test_the_same_headers_as_the_original_for_1000_requests():
    rng = random.Random(1717)
    same = deviations = 0
    with mock.patch.object(orig_auth, "datetime", frozen_datetime_module()), \
            mock.patch.object(ours_auth, "datetime", frozen_datetime_module()):
        for i in range(1000):
            service, host, prepared, token = random_request(rng)
            if rng.random() < 0.5:
                prepared.headers["content-type"] = rng.choice(["application/json", "text/plain; charset=utf-8"])
            if rng.random() < 0.5:
                prepared.headers["x-amz-meta-note"] = rng.choice(["a  b", " padded ", "plain"])
            prepared.headers["x-unsigned"] = "not in include_hdrs"
            when = FROZEN - real_datetime.timedelta(days=rng.choice([0, 0, 1, 3]))
            if rng.random() < 0.6:
                prepared.headers["x-amz-date"] = when.strftime("%Y%m%dT%H%M%SZ")
            key_date = rng.choice([FROZEN, when]).strftime("%Y%m%d")
            cls = rng.choice(["AWS4Auth", "PassiveAWS4Auth"])
            p1, p2 = prepared.copy(), prepared.copy()
            want = getattr(orig, cls)(AK, SK, "eu-west-1", service, key_date, session_token=token)(p1).headers
            request_date = p1.headers["x-amz-date"][:8]
            if cls == "PassiveAWS4Auth" and request_date < key_date:
                # Documented: a request dated before its key is refused (AWS refuses what
                # the original signs, a scope of another date).
                with pytest.raises(ours.DateMismatchError):
                    getattr(ours, cls)(AK, SK, "eu-west-1", service, key_date, session_token=token)(p2)
                deviations += 1
                continue
            got = getattr(ours, cls)(AK, SK, "eu-west-1", service, key_date, session_token=token)(p2).headers
            if dict(got) == dict(want):
                same += 1
                continue
            deviations += 1
            # Documented: the canonical URI and query as AWS computes them (botocore's).
            assert {k: v for k, v in got.items() if k != "Authorization"} == \
                {k: v for k, v in want.items() if k != "Authorization"}, i
            creq = ours_auth._explain(prepared.url, service=service).split("\n")
            assert tuple(creq[1:3]) == botocore_canonical(service, prepared), (i, prepared.url)
            assert (orig_auth.AWS4Auth.amz_cano_querystring(prepared.url.partition("?")[2]), ) != (creq[2],) \
                or orig_auth.AWS4Auth(AK, SK, "eu-west-1", service).amz_cano_path(prepared.path_url.partition("?")[0]) != creq[1], i
    print(f"requests-aws4auth: {same} identical, {deviations} documented deviations")
    assert same >= 500, (same, deviations)


@pytest.mark.parametrize("case", [c for c in suite_cases() if c not in
                                  {"get-header-value-multiline", "get-space-normalized", "get-space-unnormalized"}])
def test_the_aws_suite_through_aws4auth(case):
    ctx = json.loads((SUITE / case / "context.json").read_text())
    if not ctx["normalize"] or ctx.get("omit_session_token"):
        pytest.skip("AWS4Auth always normalises service paths and signs the token")
    method, target, headers, body = parse_http((SUITE / case / "request.txt").read_text())
    joined = {}
    for name, value in headers:
        joined[name.lower()] = f"{joined[name.lower()]},{value.strip()}" if name.lower() in joined else value.strip()
    joined["x-amz-date"] = "20150830T123600Z"
    c = ctx["credentials"]
    # Signing exactly the headers the suite signs (include_hdrs), the signature is the suite's.
    expected_creq = (SUITE / case / "header-canonical-request.txt").read_text().split("\n")
    auth = ours.AWS4Auth(c["access_key_id"], c["secret_access_key"], ctx["region"], ctx["service"], "20150830",
                         session_token=c.get("token"), include_hdrs=set(expected_creq[-2].split(";")))
    p = requests.Request(method, "https://example.amazonaws.com/").prepare()
    p.url = "https://example.amazonaws.com" + target
    p.headers = CaseInsensitiveDict(joined)
    p.body = body or None
    signed = auth(p)
    expected = next(line.split(":", 1)[1]
                    for line in (SUITE / case / "header-signed-request.txt").read_text().split("\n")
                    if line.lower().startswith("authorization:"))
    assert signed.headers["Authorization"] == expected


def test_date_modes_and_key_regeneration():
    p = lambda d: requests.Request("GET", "https://h.example.com/", headers={"x-amz-date": d}).prepare()
    auth = ours.AWS4Auth(AK, SK, "eu-west-1", "es", "20240101")
    auth(p("20240105T000000Z"))
    assert auth.date == "20240105" and auth.signing_key.date == "20240105"
    with pytest.raises(ours.DateMismatchError):
        ours.StrictAWS4Auth(AK, SK, "eu-west-1", "es", "20240101")(p("20240105T000000Z"))
    passive = ours.PassiveAWS4Auth(AK, SK, "eu-west-1", "es", "20240101")
    signed = passive(p("20240103T000000Z"))
    assert "/20240101/eu-west-1/es/" in signed.headers["Authorization"]
    key = ours.AWS4SigningKey(SK, "eu-west-1", "es", "20240101", store_secret_key=False)
    assert key.secret_key is None
    assert key.key == orig.AWS4SigningKey(SK, "eu-west-1", "es", "20240101").key
    with pytest.raises(ours.NoSecretKeyError):
        ours.AWS4Auth(AK, key)(p("20240102T000000Z"))
    # An x-amz-date in ISO 8601 is sent as the amz-date it was signed as, and verifies.
    iso = ours.AWS4Auth(AK, SK, "eu-west-1", "es", "20240105")(p("2024-01-05T10:11:12Z"))
    assert iso.headers["x-amz-date"] == "20240105T101112Z"
    import sigv4
    when = real_datetime.datetime(2024, 1, 5, 10, 11, 12, tzinfo=real_datetime.timezone.utc).timestamp()
    who = sigv4.verify("GET", iso.url, dict(iso.headers, host="h.example.com"), b"", region="eu-west-1",
                       service="es", secrets={AK: SK}, now=when)
    assert who["access_key_id"] == AK
    with pytest.raises(TypeError, match="takes 2, 4 or 5 arguments, 3 given"):
        ours.AWS4Auth(AK, SK, "eu-west-1")
    with pytest.raises(ValueError, match="raise_invalid_date"):
        ours.AWS4Auth(AK, SK, "eu-west-1", "es", raise_invalid_date="yes")


def test_refreshable_credentials_are_read_at_each_call():
    class Creds:
        n = 0

        def get_frozen_credentials(self):
            Creds.n += 1
            return types.SimpleNamespace(access_key=f"AKID{Creds.n}", secret_key="s", token=f"tok{Creds.n}")

    auth = ours.AWS4Auth(region="eu-west-1", service="es", refreshable_credentials=Creds())
    for n in (1, 2):
        r = auth(requests.Request("GET", "https://h.example.com/").prepare())
        assert f"Credential=AKID{n}/" in r.headers["Authorization"]
        assert r.headers["x-amz-security-token"] == f"tok{n}"
    with pytest.raises(TypeError, match="service must be provided"):
        ours.AWS4Auth(region="eu-west-1", refreshable_credentials=Creds())
