"""``SigV4Auth`` for requests: ``requests.get(url, auth=SigV4Auth("execute-api"))``."""

import requests as _requests

from sigv4._body import AuthConfig, amz_date, payload


class SigV4Auth(AuthConfig, _requests.auth.AuthBase):
    """Signs each request in headers.

    ``service`` and ``region`` (found as the AWS SDKs find it when None); ``credentials``
    a ``sigv4.Credentials`` (the AWS SDKs' default chain when None); or a ready ``signer``.
    ``unsigned_payload=True``: S3 bodies go ``UNSIGNED-PAYLOAD``, never read to be hashed.
    ``region_set="us-*"`` (or ``"*"``, ``"us-east-1,eu-west-1"``): sign with SigV4A, as S3
    Multi-Region Access Points require.
    """

    def __call__(self, r):
        headers = r.headers
        body, sha = payload(r.body, self.signer.service, self.unsigned_payload)
        # requests' CaseInsensitiveDict keeps (name, value) pairs by lower-case name: read
        # and write them there directly (its items() and update() cost more than signing).
        store = getattr(headers, "_store", None)
        if store is None:
            headers.pop("authorization", None)  # a previous signature (a redirect, a retry)
            if "x-amz-date" not in headers:
                headers["x-amz-date"] = amz_date()
            headers.update(self.signer.sign(r.method, r.url, headers, body, sha))
            return r
        store.pop("authorization", None)
        if "x-amz-date" not in store:
            store["x-amz-date"] = ("x-amz-date", amz_date())
        for name, value in self.signer.sign(r.method, r.url, store.values(), body, sha).items():
            store[name] = (name, value)
        return r
