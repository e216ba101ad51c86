"""``AwsChunkedUpload``: an S3 upload of a file (or any reader) sent aws-chunked, every chunk
signed (or, unsigned, with a checksum trailer), one chunk in memory at a time."""

from sigv4._sigv4 import SigningError


class AwsChunkedUpload:
    """The headers and body of an aws-chunked upload of ``length`` bytes read from
    ``fileobj``::

        up = AwsChunkedUpload(signer, "PUT", url, open("big.iso", "rb"), size, checksum="crc32c")
        requests.put(url, data=up, headers=up.headers)   # no auth=: it is signed
        httpx.put(url, content=up.iter_bytes(), headers=up.headers)

    ``headers`` are every header to send (``content-length`` the encoded length);
    the object reads like a file of that length.
    """

    def __init__(self, signer, method, url, fileobj, length, headers=None, *, checksum=None,
                 chunk_size=64 * 1024, unsigned=False):
        self.headers, self._encoder = signer.sign_chunked(
            method, url, headers or {}, length, checksum=checksum, chunk_size=chunk_size,
            unsigned=unsigned)
        self._src = fileobj
        self._buf = b""
        self._done = False
        self._len = int(self.headers["content-length"])

    def __len__(self):
        return self._len

    def _next_frame(self):
        want = self._encoder.next_chunk_len()
        if want == 0:
            self._done = True
            return self._encoder.finish()
        data = b""
        while len(data) < want:
            piece = self._src.read(want - len(data))
            if not piece:
                raise SigningError(
                    "the body ended %d bytes before the declared length" % (want - len(data)))
            data += piece
        return self._encoder.encode_chunk(data)

    def read(self, n=-1):
        """Up to ``n`` bytes of the encoded body (all of it when ``n`` is negative)."""
        while not self._done and (n is None or n < 0 or len(self._buf) < n):
            self._buf += self._next_frame()
        if n is None or n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def iter_bytes(self):
        """The encoded body, frame by frame (for httpx's ``content=``)."""
        while True:
            frame = self.read(64 * 1024)
            if not frame:
                return
            yield frame
