"""Drop-in for ``requests_aws4auth.exceptions``."""


class RequestsAws4AuthException(Exception):
    """The base of this package's errors."""


class DateMismatchError(RequestsAws4AuthException):
    """``StrictAWS4Auth``: the request's date is not the signing key's."""


class NoSecretKeyError(RequestsAws4AuthException):
    """A new signing key is needed but the secret key was not kept."""


class DateFormatError(RequestsAws4AuthException):
    """A date header is in no format servers send."""
