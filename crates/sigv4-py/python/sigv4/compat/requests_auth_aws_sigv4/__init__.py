"""Drop-in for ``requests_auth_aws_sigv4``: ``from sigv4.compat.requests_auth_aws_sigv4
import AWSSigV4``, signing through the Rust core.

As the original: ``Host`` (the URL's host name), ``Content-Type`` and ``User-Agent`` are set
when absent, ``X-AMZ-Date``, ``x-amz-security-token`` and ``x-amz-content-sha256`` are
added, and ``host`` and every ``x-amz-*`` header are signed; the time is
``datetime.datetime.utcnow()`` at each call. Credentials given, else found by the Rust
crate's default chain (environment, profiles with roles and SSO, web identity, container,
EC2: no boto3 needed); region given, else ``AWS_REGION``/``AWS_DEFAULT_REGION``/the profile.
Paths, queries and payloads are signed as AWS computes them (the package README lists
where the original differs).
"""

from __future__ import print_function

import datetime
import hashlib
import hmac
import logging
import os
from collections import OrderedDict

from requests import __version__ as requests_version
from requests.auth import AuthBase
from requests.compat import quote, urlencode, urlparse

from sigv4._sigv4 import Credentials as _Credentials
from sigv4._sigv4 import CredentialsError as _CredentialsError
from sigv4._sigv4 import RefreshableCredentials as _RefreshableCredentials
from sigv4._sigv4 import Sha256 as _Sha256
from sigv4._sigv4 import Signer as _Signer

USE_BOTO3 = False

__version__ = "0.7"

log = logging.getLogger(__name__)


def sign_msg(key, msg):
    """HMAC-SHA256 of ``msg`` (text, UTF-8) with ``key`` (bytes)."""
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _default_region():
    try:
        return _Signer("sts").region
    except ValueError:
        return None


class AWSSigV4(AuthBase):
    """Signs requests for ``service`` with AWS SigV4 in headers.

    Keyword arguments: ``region``, ``aws_access_key_id``, ``aws_secret_access_key``,
    ``aws_session_token``; ``session`` (a boto3 session in the original) is accepted and
    ignored: the credentials come from the native chain.
    """

    def __init__(self, service, **kwargs):
        self.service = service
        self.aws_access_key_id = kwargs.get("aws_access_key_id")
        self.aws_secret_access_key = kwargs.get("aws_secret_access_key")
        self.aws_session_token = kwargs.get("aws_session_token")
        if self.aws_access_key_id is None or self.aws_secret_access_key is None:
            log.debug("Looking up credentials with the default chain")
            try:
                c = _RefreshableCredentials().current()
            except _CredentialsError as e:
                raise KeyError("AWS Access Key ID and Secret Access Key are required (%s)" % e)
            self.aws_access_key_id = c.access_key_id
            self.aws_secret_access_key = c.secret_access_key
            self.aws_session_token = c.session_token
        if self.aws_access_key_id is None or self.aws_secret_access_key is None:
            raise KeyError("AWS Access Key ID and Secret Access Key are required")
        self.region = kwargs.get("region")
        if self.region is None:
            log.debug("Checking environment for region")
            self.region = os.environ.get("AWS_DEFAULT_REGION") or _default_region()
        if self.region is None:
            raise KeyError("Region is required")
        self._signer = None

    def _get_signer(self):
        if self._signer is None:
            creds = _Credentials(self.aws_access_key_id, self.aws_secret_access_key,
                                 self.aws_session_token)
            self._signer = _Signer(self.service, self.region, creds, content_sha256_header=False)
        return self._signer

    def __call__(self, r):
        """Adds the authentication headers to ``r`` (a ``PreparedRequest``) and returns it."""
        t = datetime.datetime.utcnow()
        self.amzdate = t.strftime("%Y%m%dT%H%M%SZ")
        self.datestamp = t.strftime("%Y%m%d")
        p = urlparse(r.url)
        if "Host" not in r.headers:
            r.headers["Host"] = p.hostname
        if "Content-Type" not in r.headers:
            r.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        if "User-Agent" not in r.headers:
            r.headers["User-Agent"] = "python-requests/{} auth-aws-sigv4/{}".format(
                requests_version, __version__)
        r.headers["X-AMZ-Date"] = self.amzdate
        if self.aws_session_token is not None:
            r.headers["x-amz-security-token"] = self.aws_session_token
        body = r.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        h = _Sha256()
        h.update(body)
        r.headers["x-amz-content-sha256"] = h.hexdigest()
        signed = {k.lower(): v for k, v in r.headers.items()
                  if k.lower().startswith("x-amz-") or k.lower() == "host"}
        added = self._get_signer().sign(r.method, r.url, signed, body)
        r.headers["Authorization"] = added["authorization"]
        log.debug("Signed %s %s: %s", r.method, p.path, added["authorization"].split("Signature=")[0])
        return r
