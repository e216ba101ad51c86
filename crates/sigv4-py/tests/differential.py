"""Shared by the differential tests of the compat modules: random requests encoded as AWS
clients encode them, botocore's canonical URI and query for them, a frozen clock."""

import datetime as real_datetime
import random  # noqa: F401  (re-exported for the tests)
import types
from urllib.parse import quote, urlsplit

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

FROZEN = real_datetime.datetime(2024, 5, 17, 8, 30, 15)


def frozen_datetime_module():
    """A stand-in for a module's ``datetime`` import whose ``utcnow`` and ``now`` are
    ``FROZEN``, as ``mock.patch`` or freezegun give."""

    class Frozen(real_datetime.datetime):
        @classmethod
        def utcnow(cls):
            return FROZEN

        @classmethod
        def now(cls, tz=None):
            return FROZEN if tz is None else FROZEN.replace(tzinfo=tz)

    return types.SimpleNamespace(datetime=Frozen, timedelta=real_datetime.timedelta,
                                 timezone=real_datetime.timezone, date=real_datetime.date)


def public(obj):
    return sorted(n for n in dir(obj) if not n.startswith("_"))


SEG = "abcXYZ019-_.~"
ODD = ["!", "$", "'", "(", ")", "*", ",", ";", "=", "@", ":", "é", "☃", " ", "+", "/", "%", "&"]


def random_request(rng):
    """A request whose URL is encoded as AWS clients encode it (botocore's own quoting, so
    botocore can judge it): each path segment and each query name and value quoted, with
    dot segments, reserved and UTF-8 characters, repeated keys."""

    def raw(odds, n):
        return "".join(rng.choice(ODD) if rng.random() < odds else rng.choice(SEG)
                       for _ in range(rng.randint(0, n)))

    service = rng.choice(["s3", "es", "execute-api", "sts", "dynamodb"])
    host = "api.example.com" if service != "s3" else "bucket.s3.eu-west-1.amazonaws.com"
    segments = [rng.choice([".", ".."]) if rng.random() < 0.1 else quote(raw(0.2, 6), safe="~")
                for _ in range(rng.randint(0, 3))]
    path = "/" + "/".join(segments)
    params = [(quote(raw(0.1, 4) or "k", safe="-_.~"), quote(raw(0.3, 5), safe="-_.~"))
              for _ in range(rng.randint(0, 4))]
    if params and rng.random() < 0.3:
        params.append((params[0][0], quote(raw(0.2, 4), safe="-_.~")))  # a repeated key
    query = "&".join(f"{k}={v}" for k, v in params)
    url = f"https://{host}{path}" + (f"?{query}" if query else "")
    method = rng.choice(["GET", "PUT", "POST", "DELETE", "HEAD"])
    body = rng.choice([None, b"", b"payload bytes", "text body é", bytes(rng.randrange(256) for _ in range(64))])
    token = rng.choice([None, None, "FwoGZXIvYXdzEXAMPLE//token+="])
    prepared = requests.Request(method, url, data=body).prepare()
    return service, host, prepared, token


def botocore_canonical(service, prepared):
    """botocore's canonical URI and query string for the request as sent."""
    creds = botocore.credentials.Credentials("AKID", "secret")
    cls = botocore.auth.S3SigV4Auth if service == "s3" else botocore.auth.SigV4Auth
    auth = cls(creds, service, "eu-west-1")
    req = botocore.awsrequest.AWSRequest(method=prepared.method, url=prepared.url, data=b"")
    return auth._normalize_url_path(urlsplit(prepared.url).path) or "/", auth.canonical_query_string(req)


