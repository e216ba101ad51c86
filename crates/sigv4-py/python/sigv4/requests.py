"""``SigV4Auth`` for requests: ``requests.get(url, auth=SigV4Auth("execute-api"))``."""

import requests as _requests

from sigv4._body import amz_date, payload
from sigv4._sigv4 import Signer


class SigV4Auth(_requests.auth.AuthBase):
    """Signs each request in headers.

    ``service`` and ``region`` (found as the AWS SDKs find it when None); ``credentials``
    a ``sigv4.Credentials`` (the AWS SDKs' default chain when None); or a ready ``signer``.
    """

    def __init__(self, service=None, region=None, credentials=None, signer=None):
        if signer is None:
            if service is None:
                raise TypeError("SigV4Auth needs a service (or a signer)")
            signer = Signer(service, region, credentials)
        self.signer = signer

    def __call__(self, r):
        headers = {k: v for k, v in r.headers.items() if k.lower() != "authorization"}
        if "x-amz-date" not in {k.lower() for k in headers}:
            headers["x-amz-date"] = amz_date()
        body, sha = payload(r.body, self.signer.service)
        added = self.signer.sign(r.method, r.url, headers, body, sha)
        r.headers.update(added)
        if "x-amz-date" not in r.headers:
            r.headers["x-amz-date"] = headers["x-amz-date"]
        return r
