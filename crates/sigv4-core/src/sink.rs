//! Where canonical text goes: into SHA-256, or rendered as text for people and golden tests.
//! The same writer drives both, so the text shown is the text hashed.

use core::fmt;

/// A byte sink.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }
}

/// Copies `src` into `dst` (equal lengths). Short copies (most of a canonical request is
/// pieces of a few bytes) are done inline with overlapping fixed-size moves instead of a
/// call to `memcpy`, which costs more than the copy itself at these sizes.
#[inline(always)]
fn copy(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0 => {}
        // Three single-byte moves that cover 1, 2 or 3 bytes (a loop here is turned back
        // into a `memcpy` call by the optimiser).
        1..=3 => {
            dst[0] = src[0];
            dst[n / 2] = src[n / 2];
            dst[n - 1] = src[n - 1];
        }
        4..=7 => overlapping::<4>(dst, src),
        8..=16 => overlapping::<8>(dst, src),
        17..=32 => overlapping::<16>(dst, src),
        33..=64 => overlapping::<32>(dst, src),
        _ => dst.copy_from_slice(src),
    }
}

/// Copies `K <= n <= 2K` bytes as two fixed-size moves of `K` that may overlap.
#[inline(always)]
fn overlapping<const K: usize>(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    dst[..K].copy_from_slice(&src[..K]);
    dst[n - K..n].copy_from_slice(&src[n - K..]);
}

/// A fixed stack buffer of bytes; writes past its end are recorded as overflow, not
/// truncated silently. Also the fixed-capacity ASCII text the signer hands out (an
/// `Authorization` value, a signed header list).
#[derive(Clone)]
pub(crate) struct Buf<const N: usize> {
    buf: [u8; N],
    len: usize,
    overflow: bool,
}

impl<const N: usize> Buf<N> {
    pub(crate) const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            overflow: false,
        }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Only ASCII is ever written, so this never falls back to the empty string.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    pub(crate) fn overflowed(&self) -> bool {
        self.overflow
    }

    /// Appends if it fits; returns whether it did.
    #[inline(always)]
    fn try_put(&mut self, bytes: &[u8]) -> bool {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                copy(dst, bytes);
                self.len = end;
                true
            }
            None => false,
        }
    }
}

impl<const N: usize> Sink for Buf<N> {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if !self.try_put(bytes) {
            self.overflow = true;
        }
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = b;
                self.len += 1;
            }
            None => self.overflow = true,
        }
    }
}

/// A stack buffer of bytes whose unused capacity is never written: for a buffer that is
/// large by its limit and short in use (a presigned query's signed header list, 1 KiB,
/// mostly `host`), where [`Buf`] zeroed all of it first. For text known to fit: a write
/// past its end is dropped, and its callers check the length written.
// No overflow flag: its store and the length's, on either side of the uninitialised
// capacity, were merged into a memset of all of it.
#[derive(Clone, Default)]
pub(crate) struct LazyBuf<const N: usize>(heapless::Vec<u8, N>);

impl<const N: usize> LazyBuf<N> {
    pub(crate) const fn new() -> Self {
        Self(heapless::Vec::new())
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Only ASCII is ever written, so this never falls back to the empty string.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl<const N: usize> Sink for LazyBuf<N> {
    fn put(&mut self, bytes: &[u8]) {
        let fits = self.0.extend_from_slice(bytes).is_ok();
        debug_assert!(fits, "LazyBuf: a write past its end");
    }

    fn byte(&mut self, b: u8) {
        let fits = self.0.push(b).is_ok();
        debug_assert!(fits, "LazyBuf: a write past its end");
    }
}

/// Feeds SHA-256 through a stack buffer, so the many short writes of a canonical request
/// reach the hash as whole blocks. The compression function is driven directly: the
/// `Sha256` wrapper kept a second block buffer of its own.
pub(crate) struct HashSink {
    state: [u32; 8],
    /// Bytes compressed into `state` (a multiple of 64).
    done: u64,
    buf: Buf<256>,
}

impl HashSink {
    // Inlined, and finished by reference: made in a call or passed by value, its 384
    // bytes were copied on every signing.
    #[inline(always)]
    pub(crate) fn new() -> Self {
        Self {
            state: crate::hmac_key::IV,
            done: 0,
            buf: Buf::new(),
        }
    }

    pub(crate) fn finish(&mut self) -> [u8; 32] {
        let out = crate::hmac_key::finish(&mut self.state, self.done, self.buf.as_bytes());
        self.state = crate::hmac_key::IV;
        self.done = 0;
        self.buf.len = 0;
        out
    }

    /// `bytes` do not fit: the buffer is filled and compressed, then the whole blocks of
    /// what is left, and the rest kept.
    #[cold]
    fn flush_and_put(&mut self, bytes: &[u8]) {
        let room = self.buf.buf.len() - self.buf.len;
        let (head, rest) = bytes.split_at(room.min(bytes.len()));
        self.buf.buf[self.buf.len..self.buf.len + head.len()].copy_from_slice(head);
        crate::hmac_key::compress_blocks(&mut self.state, &self.buf.buf);
        let whole = rest.len() - rest.len() % 64;
        crate::hmac_key::compress_blocks(&mut self.state, &rest[..whole]);
        self.done += u64::try_from(self.buf.buf.len() + whole).unwrap_or(0);
        let tail = &rest[whole..];
        self.buf.buf[..tail.len()].copy_from_slice(tail);
        self.buf.len = tail.len();
    }
}

impl Sink for HashSink {
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        if !self.buf.try_put(bytes) {
            self.flush_and_put(bytes);
        }
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        if self.buf.len < self.buf.buf.len() {
            self.buf.buf[self.buf.len] = b;
            self.buf.len += 1;
        } else {
            self.flush_and_put(&[b]);
        }
    }
}

/// Renders into a `core::fmt::Write`; bytes that are not UTF-8 (obs-text in a header value)
/// show as U+FFFD. The first error is kept and later writes are dropped.
pub(crate) struct TextSink<'w, W: fmt::Write + ?Sized> {
    out: &'w mut W,
    pub(crate) failed: bool,
}

impl<'w, W: fmt::Write + ?Sized> TextSink<'w, W> {
    pub(crate) fn new(out: &'w mut W) -> Self {
        Self { out, failed: false }
    }
}

impl<W: fmt::Write + ?Sized> Sink for TextSink<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        // Almost everything written is ASCII: one check, one write.
        if let Ok(text) = core::str::from_utf8(bytes) {
            self.failed = self.out.write_str(text).is_err();
            return;
        }
        for chunk in bytes.utf8_chunks() {
            let mut r = self.out.write_str(chunk.valid());
            if !chunk.invalid().is_empty() {
                r = r.and_then(|()| self.out.write_char(char::REPLACEMENT_CHARACTER));
            }
            if r.is_err() {
                self.failed = true;
                return;
            }
        }
    }
}

/// Text written through a [`Sink`]: measured first, then written into a caller's buffer.
pub(crate) trait Render {
    fn render<S: Sink>(&self, out: &mut S);

    /// The length of the text.
    fn rendered_len(&self) -> usize {
        let mut n = CountSink(0);
        self.render(&mut n);
        n.0
    }

    /// Displays the text.
    fn render_fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut text = TextSink::new(f);
        self.render(&mut text);
        if text.failed {
            return Err(fmt::Error);
        }
        Ok(())
    }

    /// Writes the text into `buf` and returns its length; `buf` is untouched when too short.
    fn render_into(&self, buf: &mut [u8]) -> Result<usize, crate::Error> {
        let required = self.rendered_len();
        if buf.len() < required {
            return Err(crate::Error::BufferTooSmall { required });
        }
        let mut sink = SliceSink { buf, len: 0 };
        self.render(&mut sink);
        Ok(sink.len)
    }
}

/// Counts bytes, to size an output before writing it.
pub(crate) struct CountSink(pub(crate) usize);

impl Sink for CountSink {
    fn put(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Writes into a caller's slice; past its end only counts.
pub(crate) struct SliceSink<'b> {
    pub(crate) buf: &'b mut [u8],
    pub(crate) len: usize,
}

impl Sink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            copy(dst, bytes);
        }
        self.len = end;
    }
}

/// Lowercase hex of 32 bytes.
///
/// Arithmetic, not a table: the loop vectorises, so the text is written in whole vector
/// stores. Written a byte at a time, the copy that reads it back next (into the string to
/// sign, the signature) waited on a failed store-to-load forward.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    write_hex(&mut out, bytes);
    out
}

/// Lowercase hex of `bytes` into `out`, two digits a byte, as far as `out` reaches.
#[inline(always)]
pub(crate) fn write_hex(out: &mut [u8], bytes: &[u8]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = hex_digit(b >> 4);
        pair[1] = hex_digit(b & 15);
    }
}

/// The lower-case hex digit of `n` (below 16), branch-free.
#[inline(always)]
fn hex_digit(n: u8) -> u8 {
    n + b'0' + u8::from(n > 9) * (b'a' - b'0' - 10)
}

#[cfg(test)]
mod tests {
    use super::{HashSink, Sink};
    use sha2::{Digest, Sha256};

    #[test]
    fn the_hash_sink_is_sha256_for_any_length_and_any_split() {
        let data: std::vec::Vec<u8> = (0..3000u32)
            .map(|i| (i * 7 + i / 13).to_le_bytes()[0])
            .collect();
        for len in (0..700).chain([1023, 1024, 1025, 2999, 3000]) {
            let want: [u8; 32] = Sha256::digest(&data[..len]).into();
            // Written whole, in pieces of several sizes, and a byte at a time.
            for piece in [len.max(1), 1, 3, 63, 64, 65, 255, 256, 257] {
                let mut h = HashSink::new();
                for chunk in data[..len].chunks(piece) {
                    if chunk.len() == 1 {
                        h.byte(chunk[0]);
                    } else {
                        h.put(chunk);
                    }
                }
                assert_eq!(h.finish(), want, "{len} in pieces of {piece}");
                // Finishing starts it afresh.
                h.put(&data[..len]);
                assert_eq!(h.finish(), want, "{len} again");
            }
        }
    }

    #[test]
    fn hex_is_lower_case_hex_of_every_byte() {
        let mut bytes = [0u8; 32];
        for start in (0..=255u8).step_by(32) {
            for (i, b) in bytes.iter_mut().enumerate() {
                *b = start + u8::try_from(i).unwrap();
            }
            let text = super::hex32(&bytes);
            for (pair, b) in text.chunks_exact(2).zip(bytes) {
                let want = std::format!("{b:02x}");
                assert_eq!(pair, want.as_bytes());
            }
        }
    }
}
