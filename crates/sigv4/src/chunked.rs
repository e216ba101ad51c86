//! S3 streaming uploads (aws-chunked): a body sent in signed chunks, optionally ending in a
//! checksum trailer computed while it is sent, so a body of any size is signed without
//! being read twice or held in memory.
//!
//! [`Signer::sign_chunked`] signs the request's headers (the seed) and hands back a
//! [`ChunkEncoder`]; [`AwsChunkedReader`] wraps any reader of the body into the encoded
//! body to send. The `http` feature's [`Signer::sign_http_chunked`](crate::Signer) also sets
//! `content-encoding`, `x-amz-decoded-content-length`, `x-amz-trailer` and `content-length`.
//!
//! ```
//! use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum};
//! use sigv4::{Credentials, Signer};
//! use sigv4_core::{Header, Request};
//! use std::io::Read;
//!
//! let signer = Signer::builder("s3", "us-east-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
//!     .build();
//! let body = vec![7u8; 100_000];
//! let chunked = AwsChunked::signed_with_checksum(Checksum::Crc32c);
//! let length = chunked.encoded_length(body.len() as u64).to_string();
//! let decoded = body.len().to_string();
//! let headers = [
//!     Header::new("content-encoding", "aws-chunked"),
//!     Header::new("x-amz-decoded-content-length", &decoded),
//!     Header::new("x-amz-trailer", chunked.trailer_name().unwrap_or_default()),
//!     Header::new("content-length", &length),
//! ];
//! let req = Request::from_url(
//!     "PUT", "https://bucket.s3.amazonaws.com/key", &headers, chunked.encoding().payload(),
//! )?;
//! let (signed, encoder) = signer.sign_chunked(&req, &chunked, body.len() as u64)?;
//! assert!(signed.get("authorization").is_some());
//! let mut wire = Vec::new();
//! AwsChunkedReader::new(&body[..], encoder).read_to_end(&mut wire)?;
//! assert_eq!(wire.len().to_string(), length);
//! assert!(wire.starts_with(b"10000;chunk-signature="));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::signer::ChainKey;
use crate::{Error, SignedHeaders, Signer};
use sha2::{Digest, Sha256};
use sigv4_core::{
    chunk_header, trailer_section, ChunkEncoding, ChunkSigner, Header, Request, SigningKey,
    Timestamp, MIN_CHUNK_LEN,
};
use std::io::{self, Read};

/// The chunk length used unless set: 64 KiB, as the AWS SDKs send.
pub const DEFAULT_CHUNK_LEN: usize = 64 * 1024;

/// A checksum of the body sent as a trailer (`x-amz-checksum-*`), computed while sending;
/// S3 checks it and stores it with the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Checksum {
    /// CRC-32 (ISO-HDLC), `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (Castagnoli), `x-amz-checksum-crc32c`.
    Crc32c,
    /// SHA-256, `x-amz-checksum-sha256`.
    Sha256,
}

impl Checksum {
    /// The trailer's name.
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The algorithm's name, as `x-amz-sdk-checksum-algorithm` and `x-amz-checksum-algorithm`
    /// give it.
    pub const fn algorithm(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Sha256 => "SHA256",
        }
    }

    /// The length of the base64 value (the trailer section's size is known before sending).
    const fn value_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 8,
            Self::Sha256 => 44,
        }
    }

    /// The checksum of `data`, base64, as the trailer carries it.
    pub fn of(self, data: &[u8]) -> String {
        let mut state = ChecksumHasher::new(self);
        state.update(data);
        state.finish()
    }

    /// A running checksum, for data that arrives in pieces.
    pub fn hasher(self) -> ChecksumHasher {
        ChecksumHasher::new(self)
    }

    /// The checksum a trailer name (`x-amz-checksum-crc32c`, any case) stands for.
    pub fn from_header_name(name: &str) -> Option<Self> {
        [Self::Crc32, Self::Crc32c, Self::Sha256]
            .into_iter()
            .find(|c| c.header_name().eq_ignore_ascii_case(name))
    }
}

/// A running checksum ([`Checksum::hasher`]).
#[derive(Clone)]
pub struct ChecksumHasher(Running);

#[derive(Clone)]
enum Running {
    Crc32(crc32fast::Hasher),
    Crc32c(u32),
    Sha256(Sha256),
}

impl std::fmt::Debug for ChecksumHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Running::Crc32(_) => "ChecksumHasher(CRC32)",
            Running::Crc32c(_) => "ChecksumHasher(CRC32C)",
            Running::Sha256(_) => "ChecksumHasher(SHA256)",
        })
    }
}

impl ChecksumHasher {
    fn new(kind: Checksum) -> Self {
        Self(match kind {
            Checksum::Crc32 => Running::Crc32(crc32fast::Hasher::new()),
            Checksum::Crc32c => Running::Crc32c(0),
            Checksum::Sha256 => Running::Sha256(Sha256::new()),
        })
    }

    /// Adds `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            Running::Crc32(h) => h.update(data),
            Running::Crc32c(c) => *c = crc32c::crc32c_append(*c, data),
            Running::Sha256(h) => h.update(data),
        }
    }

    /// The checksum, base64, as the trailer carries it.
    pub fn finish(self) -> String {
        match self.0 {
            Running::Crc32(h) => base64(&h.finalize().to_be_bytes()),
            Running::Crc32c(c) => base64(&c.to_be_bytes()),
            Running::Sha256(h) => base64(&h.finalize()),
        }
    }
}

/// Standard base64 with padding.
/// Standard padded base64, by the core's encoder.
fn base64(bytes: &[u8]) -> String {
    let mut out = vec![0u8; sigv4_core::base64_len(bytes.len())];
    let n = sigv4_core::base64_encode(bytes, &mut out).unwrap_or(0);
    out.truncate(n);
    String::from_utf8(out).unwrap_or_default()
}

/// How to send a body aws-chunked: the encoding, the chunk length, the checksum trailer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AwsChunked {
    encoding: ChunkEncoding,
    chunk_len: usize,
    checksum: Option<Checksum>,
}

impl AwsChunked {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed.
    pub const fn signed() -> Self {
        Self {
            encoding: ChunkEncoding::Signed,
            chunk_len: DEFAULT_CHUNK_LEN,
            checksum: None,
        }
    }

    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: every chunk signed, then `checksum`
    /// in a signed trailer.
    pub const fn signed_with_checksum(checksum: Checksum) -> Self {
        Self {
            encoding: ChunkEncoding::SignedTrailer,
            chunk_len: DEFAULT_CHUNK_LEN,
            checksum: Some(checksum),
        }
    }

    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: chunks unsigned, `checksum` in the trailer
    /// (what the AWS SDKs send by default over HTTPS).
    pub const fn unsigned_with_checksum(checksum: Checksum) -> Self {
        Self {
            encoding: ChunkEncoding::UnsignedTrailer,
            chunk_len: DEFAULT_CHUNK_LEN,
            checksum: Some(checksum),
        }
    }

    /// Sets the chunk length (every chunk but the last): at least 8 KiB, S3's minimum.
    ///
    /// # Errors
    /// [`Error::ChunkLength`] below 8 KiB.
    pub fn chunk_len(mut self, len: usize) -> Result<Self, Error> {
        if len < MIN_CHUNK_LEN {
            return Err(Error::ChunkLength(len));
        }
        self.chunk_len = len;
        Ok(self)
    }

    /// The same options with chunks and trailer signed by SigV4A
    /// (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`, signatures padded to 144
    /// characters); unsigned encodings are unchanged. [`Signer::sign_http_chunked`] applies
    /// it for a SigV4A signer.
    #[must_use]
    pub const fn sigv4a(mut self) -> Self {
        self.encoding = match self.encoding {
            ChunkEncoding::Signed => ChunkEncoding::EcdsaSigned,
            ChunkEncoding::SignedTrailer => ChunkEncoding::EcdsaSignedTrailer,
            other => other,
        };
        self
    }

    /// These options as `signer` sends them: [`AwsChunked::sigv4a`] when it signs SigV4A.
    pub fn for_signer(self, signer: &Signer) -> Self {
        if signer.is_sigv4a() {
            self.sigv4a()
        } else {
            self
        }
    }

    /// The encoding, whose [`ChunkEncoding::payload`] the headers are signed with.
    pub const fn encoding(&self) -> ChunkEncoding {
        self.encoding
    }

    /// The checksum sent in the trailer, if any.
    pub const fn checksum(&self) -> Option<Checksum> {
        self.checksum
    }

    /// The `x-amz-trailer` value, when a checksum trailer is sent.
    pub fn trailer_name(&self) -> Option<&'static str> {
        self.checksum.map(Checksum::header_name)
    }

    /// Bytes after the final chunk's header line: the trailer lines, the trailer signature
    /// line and the closing empty line.
    fn trailer_section_len(&self) -> u64 {
        let lines = self
            .checksum
            .map_or(0, |c| c.header_name().len() + 1 + c.value_len() + 2);
        let signature = if self.encoding.has_trailer() && self.encoding.signs_chunks() {
            "x-amz-trailer-signature:".len() + self.encoding.signature_len() + 2
        } else {
            0
        };
        (lines + signature + 2) as u64
    }

    /// The `Content-Length` of `decoded_len` bytes sent this way.
    pub fn encoded_length(&self, decoded_len: u64) -> u64 {
        self.encoding
            .encoded_length(
                decoded_len,
                self.chunk_len as u64,
                self.trailer_section_len(),
            )
            .unwrap_or(u64::MAX)
    }
}

impl Default for AwsChunked {
    fn default() -> Self {
        Self::signed()
    }
}

/// Encodes one body into aws-chunked frames, signing each chunk in turn. Made by
/// [`Signer::sign_chunked`]; it holds the day's signing key (never the secret) until dropped.
pub struct ChunkEncoder {
    signer: Chain,
    options: AwsChunked,
    checksum: Option<ChecksumHasher>,
    remaining: u64,
    finished: bool,
}

impl std::fmt::Debug for ChunkEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChunkEncoder")
            .field("signer", &self.signer)
            .field("options", &self.options)
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

/// The chain of signatures an encoder extends.
#[derive(Debug)]
enum Chain {
    V4(ChunkSigner<SigningKey>),
    #[cfg(feature = "sigv4a")]
    V4a(sigv4_core::ChunkSignerV4a<std::sync::Arc<sigv4_core::SigV4aKey>>),
}

impl Chain {
    /// Signs a chunk and appends its header line.
    fn chunk_line(&mut self, data: &[u8], signs: bool, out: &mut Vec<u8>) {
        let len = data.len() as u64;
        let line = match self {
            Self::V4(s) => chunk_header(len, signs.then(|| s.sign_chunk(data)).as_ref()),
            #[cfg(feature = "sigv4a")]
            Self::V4a(s) if signs => sigv4_core::chunk_header_v4a(len, &s.sign_chunk(data)),
            #[cfg(feature = "sigv4a")]
            Self::V4a(_) => chunk_header(len, None),
        };
        out.extend_from_slice(line.as_bytes());
    }

    /// Signs the trailers (when `signs`) and writes the section after the final chunk.
    fn trailer(
        &mut self,
        trailers: &[Header<'_>],
        signs: bool,
        section: &mut [u8],
    ) -> Result<usize, Error> {
        Ok(match self {
            Self::V4(s) => {
                let sig = signs.then(|| s.sign_trailer(trailers)).transpose()?;
                trailer_section(trailers, sig.as_ref(), section)?
            }
            #[cfg(feature = "sigv4a")]
            Self::V4a(s) if signs => {
                let sig = s.sign_trailer(trailers)?;
                sigv4_core::trailer_section_v4a(trailers, &sig, section)?
            }
            #[cfg(feature = "sigv4a")]
            Self::V4a(_) => trailer_section(trailers, None, section)?,
        })
    }
}

impl ChunkEncoder {
    /// An encoder for `decoded_len` bytes, from the seed signature the request's headers
    /// were signed with, at `time`, with `key`.
    ///
    /// # Errors
    /// [`sigv4_core::Error::SeedSignature`], [`sigv4_core::Error::KeyDate`].
    pub fn new(
        key: SigningKey,
        time: Timestamp,
        seed: &str,
        options: AwsChunked,
        decoded_len: u64,
    ) -> Result<Self, Error> {
        let signer = Chain::V4(ChunkSigner::new(key, time, seed)?);
        Ok(Self::with_chain(signer, options, decoded_len))
    }

    /// [`ChunkEncoder::new`] for a SigV4A request (the options' encoding
    /// [`AwsChunked::sigv4a`]): the chain signed with `key` for `service`.
    ///
    /// # Errors
    /// [`sigv4_core::Error::SeedSignature`], [`sigv4_core::Error::Service`].
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    pub fn new_v4a(
        key: std::sync::Arc<sigv4_core::SigV4aKey>,
        time: Timestamp,
        service: &str,
        seed: &str,
        options: AwsChunked,
        decoded_len: u64,
    ) -> Result<Self, Error> {
        let signer = Chain::V4a(sigv4_core::ChunkSignerV4a::new(key, time, service, seed)?);
        Ok(Self::with_chain(signer, options, decoded_len))
    }

    fn with_chain(signer: Chain, options: AwsChunked, decoded_len: u64) -> Self {
        Self {
            signer,
            checksum: options.checksum.map(ChecksumHasher::new),
            options,
            remaining: decoded_len,
            finished: false,
        }
    }

    /// The options it encodes with (as the signer adjusted them).
    pub fn options(&self) -> &AwsChunked {
        &self.options
    }

    /// The length of every chunk but the last.
    pub fn chunk_len(&self) -> usize {
        self.options.chunk_len
    }

    /// Body bytes still expected.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The length of the next chunk to encode: a full chunk, or the rest of the body (0
    /// when only [`ChunkEncoder::finish`] is left).
    pub fn next_chunk_len(&self) -> usize {
        usize::try_from(self.remaining).map_or(self.options.chunk_len, |rest| {
            rest.min(self.options.chunk_len)
        })
    }

    /// Appends the frame of the next chunk of body to `out`: `data` must be a full chunk
    /// ([`ChunkEncoder::chunk_len`] bytes), or the rest of the body.
    ///
    /// # Errors
    /// [`Error::BodyLength`] when `data` goes past the declared length, or is short of a
    /// full chunk before the end; [`Error::ChunkLength`] for an empty chunk (the final empty
    /// chunk is [`ChunkEncoder::finish`]'s).
    pub fn encode_chunk(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        let len = data.len() as u64;
        if data.is_empty() {
            return Err(Error::ChunkLength(0));
        }
        if self.finished || len > self.remaining {
            return Err(Error::BodyLength {
                declared_remaining: self.remaining,
                given: len,
            });
        }
        if data.len() != self.options.chunk_len && len != self.remaining {
            return Err(Error::ChunkLength(data.len()));
        }
        let signs = self.options.encoding.signs_chunks();
        if let Some(c) = &mut self.checksum {
            c.update(data);
        }
        self.signer.chunk_line(data, signs, out);
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        self.remaining -= len;
        Ok(())
    }

    /// Appends the final empty chunk and the trailer (checksum and its signature).
    ///
    /// # Errors
    /// [`Error::BodyLength`] when body bytes are still expected.
    pub fn finish(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        if self.finished || self.remaining != 0 {
            return Err(Error::BodyLength {
                declared_remaining: self.remaining,
                given: 0,
            });
        }
        let signs = self.options.encoding.signs_chunks();
        self.signer.chunk_line(b"", signs, out);
        let value = self.checksum.take().map(ChecksumHasher::finish);
        let trailers: Vec<Header<'_>> = match (&self.options.checksum, &value) {
            (Some(kind), Some(v)) => vec![Header::new(kind.header_name(), v)],
            _ => Vec::new(),
        };
        let signs_trailer = self.options.encoding.has_trailer() && signs;
        let mut section = [0u8; 512];
        let n = self
            .signer
            .trailer(&trailers, signs_trailer, &mut section)?;
        out.extend_from_slice(&section[..n]);
        self.finished = true;
        Ok(())
    }
}

/// A reader of the aws-chunked encoding of another reader's body: reads a chunk, signs it,
/// hands out its frame; the body must be exactly the declared length (a short or long body
/// is an [`io::ErrorKind::InvalidData`] error, never a request the server would refuse
/// late). Memory: one chunk.
#[derive(Debug)]
pub struct AwsChunkedReader<R> {
    inner: R,
    encoder: ChunkEncoder,
    chunk: Vec<u8>,
    frame: Vec<u8>,
    at: usize,
    done: bool,
}

impl<R: Read> AwsChunkedReader<R> {
    /// Encodes `inner`'s bytes with `encoder`.
    pub fn new(inner: R, encoder: ChunkEncoder) -> Self {
        Self {
            inner,
            chunk: Vec::with_capacity(encoder.chunk_len()),
            frame: Vec::with_capacity(encoder.chunk_len() + 128),
            encoder,
            at: 0,
            done: false,
        }
    }

    /// Reads the next chunk (full, or the rest of the body) and frames it.
    fn refill(&mut self) -> io::Result<()> {
        self.frame.clear();
        self.at = 0;
        // Less than a chunk when the rest is shorter, so it fits a usize.
        let want = usize::try_from(self.encoder.remaining())
            .map_or(self.encoder.chunk_len(), |rest| {
                rest.min(self.encoder.chunk_len())
            });
        self.chunk.resize(want, 0);
        let mut filled = 0;
        while filled < want {
            match self.inner.read(&mut self.chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        let invalid = |e: Error| io::Error::new(io::ErrorKind::InvalidData, e);
        if filled < want {
            return Err(invalid(Error::BodyLength {
                declared_remaining: self.encoder.remaining(),
                given: filled as u64,
            }));
        }
        if want > 0 {
            return self
                .encoder
                .encode_chunk(&self.chunk, &mut self.frame)
                .map_err(invalid);
        }
        // The declared length is sent: the body must end here.
        let mut probe = [0u8; 1];
        loop {
            match self.inner.read(&mut probe) {
                Ok(0) => break,
                Ok(_) => {
                    return Err(invalid(Error::BodyLength {
                        declared_remaining: 0,
                        given: 1,
                    }))
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        self.done = true;
        self.encoder.finish(&mut self.frame).map_err(invalid)
    }
}

impl<R: Read> Read for AwsChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.frame.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.frame.len() - self.at);
        buf[..n].copy_from_slice(&self.frame[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

impl Signer {
    /// Signs `req` (whose payload must be `options`' streaming marker) and returns the
    /// encoder of its `decoded_len`-byte body, seeded with the signature.
    ///
    /// # Errors
    /// As [`Signer::sign`]; [`Error::Core`] with [`sigv4_core::Error::PayloadHash`] when
    /// the request's payload is not `options.encoding().payload()`.
    pub fn sign_chunked(
        &self,
        req: &Request<'_>,
        options: &AwsChunked,
        decoded_len: u64,
    ) -> Result<(SignedHeaders, ChunkEncoder), Error> {
        check_payload(self, req, options)?;
        let (signed, key, time) = self.sign_keeping_key(req)?;
        let encoder = encoder(key, time, signed.signature(), *options, decoded_len)?;
        Ok((signed, encoder))
    }

    /// [`Signer::sign_chunked`] for async callers.
    ///
    /// # Errors
    /// As [`Signer::sign_chunked`].
    pub async fn sign_chunked_async(
        &self,
        req: &Request<'_>,
        options: &AwsChunked,
        decoded_len: u64,
    ) -> Result<(SignedHeaders, ChunkEncoder), Error> {
        check_payload(self, req, options)?;
        let (signed, key, time) = self.sign_keeping_key_async(req).await?;
        let encoder = encoder(key, time, signed.signature(), *options, decoded_len)?;
        Ok((signed, encoder))
    }
}

/// The encoder continuing the chain of the key a request was signed with.
fn encoder(
    key: ChainKey,
    time: Timestamp,
    seed: &str,
    options: AwsChunked,
    decoded_len: u64,
) -> Result<ChunkEncoder, Error> {
    match key {
        ChainKey::V4(key) => ChunkEncoder::new(key, time, seed, options, decoded_len),
        #[cfg(feature = "sigv4a")]
        ChainKey::V4a(key, service) => {
            ChunkEncoder::new_v4a(key, time, &service, seed, options, decoded_len)
        }
    }
}

/// The request is signed with the streaming marker of `options` (as the signer sends
/// them), and a SigV4A signer's chain is never written with SigV4's encoding or the reverse.
fn check_payload(signer: &Signer, req: &Request<'_>, options: &AwsChunked) -> Result<(), Error> {
    let signed = options.encoding.signs_chunks();
    if signed && options.encoding.is_sigv4a() != signer.is_sigv4a() {
        return Err(Error::Unsupported(
            "the aws-chunked encoding is not the signer's algorithm: use \
             AwsChunked::for_signer (SigV4A signs STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD)",
        ));
    }
    if req.payload == options.encoding.payload() {
        Ok(())
    } else {
        Err(sigv4_core::Error::PayloadHash.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_of_known_inputs() {
        // CRC check values of "123456789" (the CRC catalogue), and the S3 documentation's
        // CRC-32C of 66,560 bytes of `a`.
        let check = |c: Checksum| c.of(b"123456789");
        assert_eq!(
            check(Checksum::Crc32),
            base64(&0xCBF4_3926u32.to_be_bytes())
        );
        assert_eq!(
            check(Checksum::Crc32c),
            base64(&0xE306_9283u32.to_be_bytes())
        );
        assert_eq!(Checksum::Crc32c.of(&[b'a'; 66_560]), "sOO8/Q==");
        assert_eq!(
            Checksum::Sha256.of(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
