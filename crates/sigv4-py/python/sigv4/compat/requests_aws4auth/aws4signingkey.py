"""Drop-in for ``requests_aws4auth.aws4signingkey``: ``AWS4SigningKey``, derived by the Rust
core."""

import hashlib
import hmac
from datetime import datetime, timezone
from warnings import warn

from sigv4._sigv4 import derive_signing_key as _derive_signing_key


class AWS4SigningKey:
    """A SigV4 signing key for one date (``YYYYMMDD``, today in UTC when None), region and
    service. ``store_secret_key=False`` keeps only the derived key (a distributable key,
    which cannot be regenerated for another date)."""

    def __init__(self, secret_key, region, service, date=None, store_secret_key=True):
        self.region = region
        self.service = service
        self.date = date or datetime.now(timezone.utc).strftime("%Y%m%d")
        self.scope = "{}/{}/{}/aws4_request".format(self.date, self.region, self.service)
        self.store_secret_key = store_secret_key
        self.secret_key = secret_key if self.store_secret_key else None
        self.key = self.generate_key(secret_key, self.region, self.service, self.date)

    @classmethod
    def generate_key(cls, secret_key, region, service, date, intermediates=False):
        """The signing key (bytes); with ``intermediates``, also the date, region and
        service keys, as ``(key, date_key, region_key, service_key)``."""
        key = _derive_signing_key(secret_key, date, region, service)
        if not intermediates:
            return key
        date_key = cls.sign_sha256(("AWS4" + secret_key).encode("utf-8"), date)
        region_key = cls.sign_sha256(date_key, region)
        service_key = cls.sign_sha256(region_key, service)
        return (key, date_key, region_key, service_key)

    @staticmethod
    def sign_sha256(key, msg):
        """HMAC-SHA256 of ``msg`` (str as UTF-8, or bytes) with ``key``."""
        if isinstance(msg, str):
            msg = msg.encode("utf-8")
        return hmac.new(key, msg, hashlib.sha256).digest()

    @property
    def amz_date(self):
        """Deprecated name of ``date``."""
        warn("This attribute has been renamed to 'date'. 'amz_date' is deprecated and will be "
             "removed in a future version.", DeprecationWarning)
        return self.date
