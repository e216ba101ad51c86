//! Where canonical text goes: into SHA-256, or rendered as text for people and golden tests.
//! The same writer drives both, so the text shown is the text hashed.

use core::fmt;
use sha2::{Digest, Sha256};

/// A byte sink.
pub(crate) trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }
}

/// Feeds SHA-256 through a small stack buffer, so the many short writes of a canonical
/// request reach the hash as whole blocks.
pub(crate) struct HashSink {
    hash: Sha256,
    buf: [u8; 256],
    len: usize,
}

impl HashSink {
    pub(crate) fn new() -> Self {
        Self {
            hash: Sha256::new(),
            buf: [0; 256],
            len: 0,
        }
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        self.hash.update(&self.buf[..self.len]);
        self.hash.finalize().into()
    }
}

impl Sink for HashSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.len + bytes.len() <= self.buf.len() {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.hash.update(&self.buf[..self.len]);
        self.len = 0;
        if bytes.len() >= self.buf.len() {
            self.hash.update(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    #[inline]
    fn byte(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        } else {
            self.put(&[b]);
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

/// Writes into a fixed-capacity string, recording overflow.
pub(crate) struct StrSink<'s, const N: usize> {
    pub(crate) out: &'s mut heapless::String<N>,
    pub(crate) overflow: bool,
}

impl<const N: usize> Sink for StrSink<'_, N> {
    fn put(&mut self, bytes: &[u8]) {
        // Only ASCII is written here.
        let s = core::str::from_utf8(bytes).unwrap_or("?");
        if self.out.push_str(s).is_err() {
            self.overflow = true;
        }
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
            dst.copy_from_slice(bytes);
        }
        self.len = end;
    }
}

/// Lowercase hex of 32 bytes.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // 64 bytes of output for 32 of input: the only error is a size mismatch.
    let _ = hex::encode_to_slice(bytes, &mut out);
    out
}
