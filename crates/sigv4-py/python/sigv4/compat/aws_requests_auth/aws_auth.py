"""Drop-in for ``aws_requests_auth.aws_auth``: ``AWSRequestsAuth``, ``sign``,
``getSignatureKey``, signing through the Rust core.

As the original: the headers signed are ``host`` (the ``aws_host`` given), ``x-amz-date``
and, with a token, ``x-amz-security-token``; ``x-amz-content-sha256`` is sent unsigned,
except for S3, which refuses unsigned ``x-amz-*`` headers: there it is signed. The time is
``datetime.datetime.utcnow()`` at each call. Paths and queries are canonicalised as AWS
does (see the package README for where the original differs).
"""

import datetime
import hashlib
import hmac
from urllib.parse import quote, urlparse

import requests

from sigv4._sigv4 import Credentials as _Credentials
from sigv4._sigv4 import Sha256 as _Sha256
from sigv4._sigv4 import Signer as _Signer
from sigv4._sigv4 import derive_signing_key as _derive_signing_key


def sign(key, msg):
    """HMAC-SHA256 of ``msg`` (text, UTF-8) with ``key`` (bytes)."""
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def getSignatureKey(key, dateStamp, regionName, serviceName):
    """The SigV4 signing key of secret ``key`` for ``dateStamp`` (YYYYMMDD), region and
    service, as bytes."""
    return _derive_signing_key(key, dateStamp, regionName, serviceName)


def _body_bytes(r):
    body = r.body if r.body else bytes()
    try:
        return body.encode("utf-8")
    except (AttributeError, UnicodeDecodeError):
        return body


class AWSRequestsAuth(requests.auth.AuthBase):
    """Signs requests with AWS SigV4; as the original, for one host, region and service."""

    def __init__(self, aws_access_key, aws_secret_access_key, aws_host, aws_region, aws_service,
                 aws_token=None):
        self.aws_access_key = aws_access_key
        self.aws_secret_access_key = aws_secret_access_key
        self.aws_host = aws_host
        self.aws_region = aws_region
        self.service = aws_service
        self.aws_token = aws_token
        self._signers = {}

    def __call__(self, r):
        aws_headers = self.get_aws_request_headers_handler(r)
        r.headers.update(aws_headers)
        return r

    def get_aws_request_headers_handler(self, r):
        """Calls ``get_aws_request_headers`` with this object's credentials; override it
        to sign with others."""
        return self.get_aws_request_headers(r=r,
                                            aws_access_key=self.aws_access_key,
                                            aws_secret_access_key=self.aws_secret_access_key,
                                            aws_token=self.aws_token)

    def _signer(self, aws_access_key, aws_secret_access_key, aws_token):
        key = (aws_access_key, aws_secret_access_key, aws_token, self.aws_region, self.service)
        signer = self._signers.get(key)
        if signer is None:
            creds = _Credentials(aws_access_key, aws_secret_access_key, aws_token)
            self._signers = {key: _Signer(self.service, self.aws_region, creds,
                                         content_sha256_header=self.service == "s3")}
            signer = self._signers[key]
        return signer

    def get_aws_request_headers(self, r, aws_access_key, aws_secret_access_key, aws_token):
        """The headers that sign ``r``: ``Authorization``, ``x-amz-date``,
        ``x-amz-content-sha256`` and, with a token, ``X-Amz-Security-Token``."""
        t = datetime.datetime.utcnow()
        amzdate = t.strftime("%Y%m%dT%H%M%SZ")
        body = _body_bytes(r)
        h = _Sha256()
        h.update(body)
        payload_hash = h.hexdigest()
        signer = self._signer(aws_access_key, aws_secret_access_key, aws_token)
        signed = signer.sign(r.method, r.url, {"host": self.aws_host, "x-amz-date": amzdate}, body)
        headers = {
            "Authorization": signed["authorization"],
            "x-amz-date": amzdate,
            "x-amz-content-sha256": payload_hash,
        }
        if aws_token:
            headers["X-Amz-Security-Token"] = aws_token
        return headers

    @classmethod
    def _canonical(cls, r):
        signer = _Signer("execute-api", "us-east-1", _Credentials("AKID", "canonical-only"))
        creq, _ = signer.explain(r.method or "GET", r.url, {"x-amz-date": "20000101T000000Z"}, b"")
        return creq.split("\n")

    @classmethod
    def get_canonical_path(cls, r):
        """The canonical URI of ``r`` (``/`` if it has no path), as AWS computes it."""
        return cls._canonical(r)[1]

    @classmethod
    def get_canonical_querystring(cls, r):
        """The canonical query string of ``r``, as AWS computes it: each name and value
        URI-encoded once (``%20`` for a space), sorted."""
        return cls._canonical(r)[2]
