"""Drop-in for ``requests_aws4auth``: ``from sigv4.compat.requests_aws4auth import
AWS4Auth``, signing through the Rust core. See ``aws4auth`` for what is signed."""

from .aws4auth import AWS4Auth, PassiveAWS4Auth, StrictAWS4Auth
from .aws4signingkey import AWS4SigningKey
from .exceptions import DateMismatchError, NoSecretKeyError, RequestsAws4AuthException

del aws4auth
del aws4signingkey
del exceptions

__version__ = "1.4.0"
