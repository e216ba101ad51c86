"""AWS Signature Version 4, backed by the Rust ``sigv4`` core.

``Credentials``, ``Signer`` (``sign``, ``presign``), ``Sha256`` and ``verify`` come from the
native extension; ``sigv4.requests.SigV4Auth`` and ``sigv4.httpx.SigV4Auth`` sign requests
and httpx calls. Every AWS rule is the Rust crates'.
"""

from sigv4._chunked import AwsChunkedUpload
from sigv4._sigv4 import (
    ChunkEncoder,
    Credentials,
    CredentialsError,
    Sha256,
    Signer,
    SigningError,
    VerificationError,
    verify,
)

__all__ = [
    "AwsChunkedUpload",
    "ChunkEncoder",
    "Credentials",
    "CredentialsError",
    "Sha256",
    "Signer",
    "SigningError",
    "VerificationError",
    "verify",
]
