"""``SigV4Auth`` for httpx, sync and async: ``httpx.get(url, auth=SigV4Auth("s3"))``."""

import httpx as _httpx

from sigv4._body import AuthConfig, amz_date, payload


class SigV4Auth(AuthConfig, _httpx.Auth):
    """Signs each request in headers; as ``sigv4.requests.SigV4Auth``. Bodies given as
    bytes are hashed; streamed ones go ``UNSIGNED-PAYLOAD`` to S3 and are refused
    elsewhere."""

    def _sign(self, request):
        headers = request.headers
        headers.pop("authorization", None)  # a previous signature (a redirect, a retry)
        if "x-amz-date" not in headers:
            headers["x-amz-date"] = amz_date()
        if self.unsigned_payload and self.signer.service == "s3":
            body, sha = None, "UNSIGNED-PAYLOAD"
        elif isinstance(request.stream, _httpx.ByteStream):
            body, sha = request.read(), None
        else:
            body, sha = payload(iter(()), self.signer.service, self.unsigned_payload)
        headers.update(self.signer.sign(request.method, str(request.url), headers.multi_items(), body, sha))

    def auth_flow(self, request):
        self._sign(request)
        yield request
