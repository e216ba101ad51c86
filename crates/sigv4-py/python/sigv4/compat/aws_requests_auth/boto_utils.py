"""Drop-in for ``aws_requests_auth.boto_utils``: ``get_credentials`` and
``BotoAWSRequestsAuth``, served by the Rust crate's own default chain (environment,
profiles with roles and SSO, web identity, container, EC2): no botocore needed."""

from collections import namedtuple as _namedtuple

from sigv4._sigv4 import RefreshableCredentials as _RefreshableCredentials

from .aws_auth import AWSRequestsAuth

_ReadOnlyCredentials = _namedtuple("ReadOnlyCredentials", ["access_key", "secret_key", "token"])


class _Refreshable:
    """What the original got from botocore: ``get_frozen_credentials()``."""

    def __init__(self):
        self._inner = _RefreshableCredentials()

    def get_frozen_credentials(self):
        c = self._inner.current()
        return _ReadOnlyCredentials(c.access_key_id, c.secret_access_key, c.session_token)


class Session:
    """The part of botocore's ``Session`` the original uses."""

    def get_credentials(self):
        return _Refreshable()


def get_credentials(credentials_obj=None):
    """The keyword arguments of ``AWSRequestsAuth`` for the credentials the default chain
    finds (or ``credentials_obj``'s, any object with ``get_frozen_credentials()``)."""
    if credentials_obj is None:
        credentials_obj = Session().get_credentials()
    frozen_credentials = credentials_obj.get_frozen_credentials()
    return {
        "aws_access_key": frozen_credentials.access_key,
        "aws_secret_access_key": frozen_credentials.secret_key,
        "aws_token": frozen_credentials.token,
    }


class BotoAWSRequestsAuth(AWSRequestsAuth):
    """``AWSRequestsAuth`` with credentials from the default chain, refreshed as needed."""

    def __init__(self, aws_host, aws_region, aws_service):
        super(BotoAWSRequestsAuth, self).__init__(None, None, aws_host, aws_region, aws_service)
        self._refreshable_credentials = Session().get_credentials()

    def get_aws_request_headers_handler(self, r):
        credentials = get_credentials(self._refreshable_credentials)
        return self.get_aws_request_headers(r, **credentials)
