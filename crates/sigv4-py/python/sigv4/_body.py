"""How a body is signed, shared by the requests and httpx auth classes: what can be hashed
is hashed (files in pieces, then rewound, never held twice); what cannot (a generator) goes
``UNSIGNED-PAYLOAD`` to S3 and is refused elsewhere, since other services sign payloads."""

import datetime

from sigv4._sigv4 import Sha256, SigningError

CHUNK = 1 << 20


def amz_date():
    """The time of signing, read from ``datetime`` at each call (so frozen clocks apply)."""
    t = datetime.datetime.now(datetime.timezone.utc)
    return "%04d%02d%02dT%02d%02d%02dZ" % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def payload(body, service, unsigned=False):
    """``(body, content_sha256)`` to pass to ``Signer.sign`` for a request body; with
    ``unsigned``, S3 bodies go ``UNSIGNED-PAYLOAD`` without being read."""
    if unsigned and service == "s3":
        return None, "UNSIGNED-PAYLOAD"
    if body is None or isinstance(body, (bytes, bytearray, str)):
        return body, None
    if hasattr(body, "read") and hasattr(body, "seek") and hasattr(body, "tell"):
        start = body.tell()
        h = Sha256()
        while True:
            piece = body.read(CHUNK)
            if not piece:
                break
            h.update(piece if isinstance(piece, bytes) else piece.encode())
        body.seek(start)
        return None, h.hexdigest()
    if service == "s3":
        return None, "UNSIGNED-PAYLOAD"
    raise SigningError(
        "the body is a stream and %s signs payloads: pass bytes, a seekable file, "
        "or set x-amz-content-sha256" % service
    )


class AuthConfig:
    """What both auth classes (requests, httpx) are made of: a signer, and whether S3 bodies
    go ``UNSIGNED-PAYLOAD``."""

    def __init__(self, service=None, region=None, credentials=None, signer=None,
                 unsigned_payload=False, region_set=None):
        if signer is None:
            if service is None:
                raise TypeError("SigV4Auth needs a service (or a signer)")
            from sigv4._sigv4 import Signer

            signer = Signer(service, region, credentials, region_set=region_set)
        self.signer = signer
        self.unsigned_payload = unsigned_payload
