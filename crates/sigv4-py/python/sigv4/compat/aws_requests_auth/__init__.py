"""Drop-in for ``aws_requests_auth``: ``from sigv4.compat.aws_requests_auth.aws_auth import
AWSRequestsAuth``."""
