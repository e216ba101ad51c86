//! aws-chunked bodies (S3 streaming uploads): each chunk signed and chained to the one
//! before, starting from the request's own signature (the *seed*), optionally ending in
//! trailing headers (a checksum computed while sending) with a signature of their own.
//!
//! The wire format, for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`:
//!
//! ```text
//! 10000;chunk-signature=<64 hex>\r\n <65536 bytes> \r\n
//! 400;chunk-signature=<64 hex>\r\n <1024 bytes> \r\n
//! 0;chunk-signature=<64 hex>\r\n \r\n
//! ```
//!
//! With `-TRAILER`, the final chunk is followed by `name:value\r\n` lines, then
//! `x-amz-trailer-signature:<64 hex>\r\n` and an empty line. `STREAMING-UNSIGNED-PAYLOAD-TRAILER`
//! drops every signature: `400\r\n <data> \r\n ... 0\r\n name:value\r\n \r\n`.
//!
//! Each chunk signs
//! `AWS4-HMAC-SHA256-PAYLOAD \n amz-date \n scope \n previous signature \n hex(SHA-256("")) \n hex(SHA-256(chunk))`;
//! the trailer signs
//! `AWS4-HMAC-SHA256-TRAILER \n amz-date \n scope \n previous signature \n hex(SHA-256(canonical trailers))`,
//! the trailers canonicalised as headers are (`name:value\n`, names lower-cased and sorted).
//!
//! ```
//! use sigv4_core::{chunk_header, ChunkEncoding, ChunkSigner, SigningKey, Timestamp};
//! let time = Timestamp::parse_amz_date("20130524T000000Z")?;
//! let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
//! // The seed is the signature of the request's headers (`HeaderSignature::signature`).
//! let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
//! let mut chunks = ChunkSigner::new(&key, time, seed)?;
//! let first = chunks.sign_chunk(&[b'a'; 65536]);
//! assert_eq!(
//!     chunk_header(65536, Some(&first)).as_str(),
//!     "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
//! );
//! // 66560 bytes in chunks of 64 KiB: the Content-Length to send.
//! assert_eq!(ChunkEncoding::Signed.encoded_length(66560, 65536, 2), Some(66824));
//! # Ok::<(), sigv4_core::Error>(())
//! ```

use crate::canonical::headers::{self, Entries, Entry};
use crate::date::{AmzDate, Timestamp};
use crate::error::Error;
use crate::key::{Scope, SigningKey};
use crate::request::{Header, Payload, EMPTY_SHA256_HEX};
use crate::sink::{hex32, Buf, HashSink, Sink};
use core::borrow::Borrow;
use core::fmt;

/// The smallest chunk S3 accepts, except the last.
pub const MIN_CHUNK_LEN: usize = 8 * 1024;

/// SigV4A chunk and trailer signatures on the wire: the DER signature's hex, right-padded
/// with `*` to the longest (72 bytes, 144 digits).
pub(crate) const PADDED_SIGNATURE_LEN: usize = 144;

/// `;chunk-signature=`
const SIGNATURE_EXTENSION: &[u8] = b";chunk-signature=";
/// `x-amz-trailer-signature:`
const TRAILER_SIGNATURE_NAME: &[u8] = b"x-amz-trailer-signature:";

/// How an aws-chunked body is framed and signed: the streaming payloads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkEncoding {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed, no trailer.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks, then signed trailers.
    SignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: no chunk signatures, then trailers (which
    /// carry the integrity: a checksum of the body).
    UnsignedTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`: every chunk signed with SigV4A (the
    /// signature padded with `*` to 144 characters, so lengths are known in advance).
    EcdsaSigned,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`: SigV4A-signed chunks and trailer.
    EcdsaSignedTrailer,
}

/// Every encoding, for lookups.
const ENCODINGS: [ChunkEncoding; 5] = [
    ChunkEncoding::Signed,
    ChunkEncoding::SignedTrailer,
    ChunkEncoding::UnsignedTrailer,
    ChunkEncoding::EcdsaSigned,
    ChunkEncoding::EcdsaSignedTrailer,
];

impl ChunkEncoding {
    /// The payload the request's headers are signed with.
    pub const fn payload(self) -> Payload<'static> {
        match self {
            Self::Signed => Payload::StreamingSigned,
            Self::SignedTrailer => Payload::StreamingSignedTrailer,
            Self::UnsignedTrailer => Payload::StreamingUnsignedTrailer,
            Self::EcdsaSigned => Payload::StreamingEcdsaSigned,
            Self::EcdsaSignedTrailer => Payload::StreamingEcdsaSignedTrailer,
        }
    }

    /// The encoding a streaming payload stands for; `None` for the others.
    pub const fn from_payload(payload: &Payload<'_>) -> Option<Self> {
        match payload {
            Payload::StreamingSigned => Some(Self::Signed),
            Payload::StreamingSignedTrailer => Some(Self::SignedTrailer),
            Payload::StreamingUnsignedTrailer => Some(Self::UnsignedTrailer),
            Payload::StreamingEcdsaSigned => Some(Self::EcdsaSigned),
            Payload::StreamingEcdsaSignedTrailer => Some(Self::EcdsaSignedTrailer),
            _ => None,
        }
    }

    /// The encoding an `x-amz-content-sha256` value names.
    pub fn from_marker(marker: &str) -> Option<Self> {
        ENCODINGS
            .into_iter()
            .find(|e| e.payload().marker() == Some(marker))
    }

    /// Whether each chunk carries a signature.
    pub const fn signs_chunks(self) -> bool {
        !matches!(self, Self::UnsignedTrailer)
    }

    /// Whether trailing headers follow the final chunk.
    pub const fn has_trailer(self) -> bool {
        !matches!(self, Self::Signed | Self::EcdsaSigned)
    }

    /// Whether the chunks are signed with SigV4A.
    pub const fn is_sigv4a(self) -> bool {
        matches!(self, Self::EcdsaSigned | Self::EcdsaSignedTrailer)
    }

    /// Length of each chunk signature on the wire: 64 hex digits, or SigV4A's 144 (a DER
    /// signature padded with `*`); 0 when chunks are not signed.
    pub const fn signature_len(self) -> usize {
        match self {
            Self::UnsignedTrailer => 0,
            Self::EcdsaSigned | Self::EcdsaSignedTrailer => PADDED_SIGNATURE_LEN,
            Self::Signed | Self::SignedTrailer => 64,
        }
    }

    /// Bytes of a chunk's header line for `data_len` bytes of data, `\r\n` included.
    pub const fn chunk_header_len(self, data_len: u64) -> u64 {
        let digits = hex_digits(data_len) as u64;
        let signature = if self.signs_chunks() {
            (SIGNATURE_EXTENSION.len() + self.signature_len()) as u64
        } else {
            0
        };
        digits + signature + 2
    }

    /// The `Content-Length` of `decoded_len` bytes sent in chunks of `chunk_len` (the last
    /// one shorter), then the final empty chunk and `trailer_section_len` bytes after it
    /// ([`trailer_section`]; 2 for the bare `\r\n` of [`ChunkEncoding::Signed`]). `None`
    /// when `chunk_len` is 0 or the length overflows.
    pub const fn encoded_length(
        self,
        decoded_len: u64,
        chunk_len: u64,
        trailer_section_len: u64,
    ) -> Option<u64> {
        if chunk_len == 0 {
            return None;
        }
        let full = decoded_len / chunk_len;
        let rest = decoded_len % chunk_len;
        let per_full = self.chunk_header_len(chunk_len) + 2;
        let Some(mut total) = full.checked_mul(per_full) else {
            return None;
        };
        if rest > 0 {
            total += self.chunk_header_len(rest) + 2;
        }
        let Some(total) = total.checked_add(decoded_len) else {
            return None;
        };
        let Some(total) = total.checked_add(self.chunk_header_len(0)) else {
            return None;
        };
        total.checked_add(trailer_section_len)
    }
}

/// One chunk's (or the trailer's) signature: 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ChunkSignature([u8; 64]);

impl ChunkSignature {
    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 64 hex digits as bytes.
    pub const fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Debug for ChunkSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ChunkSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Signs (or checks) the chunks of one aws-chunked body in order, each signature chained to
/// the previous one. The same type serves a server: [`ChunkSigner::verify_chunk`] computes
/// what the client should have sent and compares in constant time.
///
/// `K` is how the key is held: borrowed (`&SigningKey`), or owned (`SigningKey`, for an
/// encoder or decoder that outlives the key's other owners).
#[derive(Clone)]
pub struct ChunkSigner<K: Borrow<SigningKey>> {
    key: K,
    amz_date: AmzDate,
    previous: [u8; 64],
}

impl<K: Borrow<SigningKey>> fmt::Debug for ChunkSigner<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSigner")
            .field("scope", self.key.borrow().scope())
            .field("amz_date", &self.amz_date)
            .field(
                "previous",
                &core::str::from_utf8(&self.previous).unwrap_or_default(),
            )
            .finish()
    }
}

impl<K: Borrow<SigningKey>> ChunkSigner<K> {
    /// Starts from `seed`, the signature of the request's headers, signed at `time` with
    /// `key` (the same time and key: every chunk repeats the request's date and scope).
    ///
    /// # Errors
    /// [`Error::SeedSignature`] when `seed` is not 64 lower-case hex digits;
    /// [`Error::KeyDate`] when `time` is outside the key's validity.
    pub fn new(key: K, time: Timestamp, seed: &str) -> Result<Self, Error> {
        let previous: [u8; 64] = seed
            .as_bytes()
            .try_into()
            .map_err(|_| Error::SeedSignature)?;
        if !previous
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        {
            return Err(Error::SeedSignature);
        }
        let scope = key.borrow().scope();
        if !scope.covers(time) {
            return Err(Error::KeyDate);
        }
        Ok(Self {
            amz_date: scope.amz_date(time),
            key,
            previous,
        })
    }

    /// The last signature given out (the seed before any chunk).
    pub fn previous(&self) -> &str {
        core::str::from_utf8(&self.previous).unwrap_or_default()
    }

    /// Signs the next chunk (the final, empty one included).
    pub fn sign_chunk(&mut self, data: &[u8]) -> ChunkSignature {
        let mut hash = HashSink::new();
        hash.put(data);
        self.sign_chunk_sha256(&hash.finish())
    }

    /// Signs the next chunk from the SHA-256 of its data, hashed by the caller.
    pub fn sign_chunk_sha256(&mut self, sha256: &[u8; 32]) -> ChunkSignature {
        let signature = self.chunk_signature(sha256);
        self.previous = signature;
        ChunkSignature(signature)
    }

    /// Checks the signature a client sent for the next chunk, and moves on only when it
    /// matches.
    ///
    /// # Errors
    /// [`Error::ChunkSignatureMismatch`].
    pub fn verify_chunk(&mut self, sha256: &[u8; 32], claimed: &[u8]) -> Result<(), Error> {
        let expected = self.chunk_signature(sha256);
        self.accept(expected, claimed)
    }

    /// Signs the trailing headers, the last signature of the body.
    ///
    /// # Errors
    /// [`Error::HeaderName`], [`Error::HeaderValue`], [`Error::TooManyHeaders`].
    pub fn sign_trailer(&mut self, trailers: &[Header<'_>]) -> Result<ChunkSignature, Error> {
        let signature = self.trailer_signature(trailers)?;
        self.previous = signature;
        Ok(ChunkSignature(signature))
    }

    /// Checks the `x-amz-trailer-signature` a client sent for `trailers`.
    ///
    /// # Errors
    /// As [`ChunkSigner::sign_trailer`], and [`Error::ChunkSignatureMismatch`].
    pub fn verify_trailer(&mut self, trailers: &[Header<'_>], claimed: &[u8]) -> Result<(), Error> {
        let expected = self.trailer_signature(trailers)?;
        self.accept(expected, claimed)
    }

    fn accept(&mut self, expected: [u8; 64], claimed: &[u8]) -> Result<(), Error> {
        if crate::scan::ct_eq(&expected, claimed) {
            self.previous = expected;
            Ok(())
        } else {
            Err(Error::ChunkSignatureMismatch)
        }
    }

    fn chunk_signature(&self, sha256: &[u8; 32]) -> [u8; 64] {
        let key = self.key.borrow();
        let text = chunk_string_to_sign(
            b"AWS4-HMAC-SHA256-PAYLOAD",
            &self.amz_date,
            key.scope(),
            &self.previous,
            sha256,
        );
        hex32(&key.mac(text.as_bytes()))
    }

    fn trailer_signature(&self, trailers: &[Header<'_>]) -> Result<[u8; 64], Error> {
        let key = self.key.borrow();
        let text = trailer_string_to_sign(
            b"AWS4-HMAC-SHA256-TRAILER",
            &self.amz_date,
            key.scope(),
            &self.previous,
            trailers,
        )?;
        Ok(hex32(&key.mac(text.as_bytes())))
    }
}

/// A chunk's string to sign, for either algorithm:
/// `algorithm \n amz-date \n scope \n previous \n hex(SHA-256("")) \n hex(sha256)` (a
/// chunk carries no headers: the empty string's hash stands for them).
pub(crate) fn chunk_string_to_sign(
    algorithm: &[u8],
    amz_date: &AmzDate,
    scope: &Scope,
    previous: &[u8],
    sha256: &[u8; 32],
) -> Buf<STRING_TO_SIGN_CAP> {
    payload_string_to_sign(
        algorithm,
        amz_date,
        scope,
        previous,
        EMPTY_SHA256_HEX,
        sha256,
    )
}

/// The string to sign of a chained payload (an aws-chunked chunk, an event-stream
/// message): `algorithm \n amz-date \n scope \n previous \n headers_hash \n hex(sha256)`,
/// `headers_hash` the hex SHA-256 of the headers it carries.
pub(crate) fn payload_string_to_sign(
    algorithm: &[u8],
    amz_date: &AmzDate,
    scope: &Scope,
    previous: &[u8],
    headers_hash: &[u8; 64],
    sha256: &[u8; 32],
) -> Buf<STRING_TO_SIGN_CAP> {
    let mut text = Buf::new();
    preamble(&mut text, algorithm, amz_date, scope, previous);
    text.put(headers_hash);
    text.byte(b'\n');
    text.put(&hex32(sha256));
    text
}

/// The trailer's string to sign, for either algorithm:
/// `algorithm \n amz-date \n scope \n previous \n hex(SHA-256(canonical trailers))`.
pub(crate) fn trailer_string_to_sign(
    algorithm: &[u8],
    amz_date: &AmzDate,
    scope: &Scope,
    previous: &[u8],
    trailers: &[Header<'_>],
) -> Result<Buf<STRING_TO_SIGN_CAP>, Error> {
    let entries = canonical_trailers(trailers)?;
    let mut hash = HashSink::new();
    headers::write(&mut hash, &entries);
    let mut text = Buf::new();
    preamble(&mut text, algorithm, amz_date, scope, previous);
    text.put(&hex32(&hash.finish()));
    Ok(text)
}

/// `algorithm \n amz-date \n scope \n previous \n`.
fn preamble(
    text: &mut impl Sink,
    algorithm: &[u8],
    amz_date: &AmzDate,
    scope: &Scope,
    previous: &[u8],
) {
    text.put(algorithm);
    text.byte(b'\n');
    text.put(amz_date.as_bytes());
    text.byte(b'\n');
    scope.write_to(text);
    text.byte(b'\n');
    text.put(previous);
    text.byte(b'\n');
}

/// The longest chunk string to sign: algorithm, date, the longest scope, previous
/// signature, two hashes, newlines.
pub(crate) const STRING_TO_SIGN_CAP: usize =
    30 + 1 + 16 + 1 + (8 + 2 * crate::key::MAX_SCOPE_PART_LEN + 16) + 1 + 144 + 1 + 64 + 1 + 64;

/// Trailers checked, lower-cased and sorted as headers are.
fn canonical_trailers<'a>(trailers: &[Header<'a>]) -> Result<Entries<'a>, Error> {
    let mut entries = Entries::new();
    for t in trailers {
        headers::push(&mut entries, Entry::checked(t.name, t.value)?)?;
    }
    headers::sort(&mut entries);
    Ok(entries)
}

/// A chunk's header line: `hex(len)[;chunk-signature=<sig>]\r\n`.
#[derive(Clone)]
pub struct ChunkHeader(Buf<{ 16 + 17 + PADDED_SIGNATURE_LEN + 2 }>);

impl ChunkHeader {
    /// The line, `\r\n` included.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The line as text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for ChunkHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// How many hex digits `n` is written with (1 for 0).
const fn hex_digits(n: u64) -> u32 {
    let bits = 64 - n.leading_zeros();
    if bits == 0 {
        1
    } else {
        bits.div_ceil(4)
    }
}

/// The header line of a chunk of `data_len` bytes: with its signature for the signed
/// encodings, without for [`ChunkEncoding::UnsignedTrailer`].
pub fn chunk_header(data_len: u64, signature: Option<&ChunkSignature>) -> ChunkHeader {
    chunk_header_with(data_len, signature.map(|s| &s.0[..]))
}

/// [`chunk_header`] with the signature as the bytes sent.
pub(crate) fn chunk_header_with(data_len: u64, signature: Option<&[u8]>) -> ChunkHeader {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut line = Buf::new();
    for i in (0..hex_digits(data_len)).rev() {
        line.byte(DIGITS[usize::try_from((data_len >> (4 * i)) & 15).unwrap_or(0)]);
    }
    if let Some(sig) = signature {
        line.put(SIGNATURE_EXTENSION);
        line.put(sig);
    }
    line.put(b"\r\n");
    ChunkHeader(line)
}

/// Writes what follows the final chunk's header line into `out`: each trailer as
/// `name:value\r\n` (canonical: lower-case name, trimmed value), then
/// `x-amz-trailer-signature:<sig>\r\n` when `signature` is given, then the closing
/// `\r\n`. With no trailers and no signature that is the bare `\r\n` of
/// [`ChunkEncoding::Signed`]. Returns the bytes written; `out` is untouched on error.
///
/// # Errors
/// [`Error::BufferTooSmall`] with the length needed (call with an empty `out` to size
/// it); the trailer errors of [`ChunkSigner::sign_trailer`].
pub fn trailer_section(
    trailers: &[Header<'_>],
    signature: Option<&ChunkSignature>,
    out: &mut [u8],
) -> Result<usize, Error> {
    trailer_section_with(trailers, signature.map(|s| &s.0[..]), out)
}

/// [`trailer_section`] with the signature as the bytes sent.
pub(crate) fn trailer_section_with(
    trailers: &[Header<'_>],
    signature: Option<&[u8]>,
    out: &mut [u8],
) -> Result<usize, Error> {
    let entries = canonical_trailers(trailers)?;
    let write = |sink: &mut dyn FnMut(&[u8])| {
        let mut lines = CrlfSink(sink);
        headers::write(&mut lines, &entries);
        if let Some(sig) = signature {
            lines.0(TRAILER_SIGNATURE_NAME);
            lines.0(sig);
            lines.0(b"\r\n");
        }
        lines.0(b"\r\n");
    };
    let mut required = 0;
    write(&mut |b: &[u8]| required += b.len());
    let Some(dst) = out.get_mut(..required) else {
        return Err(Error::BufferTooSmall { required });
    };
    let mut at = 0;
    write(&mut |b: &[u8]| {
        dst[at..at + b.len()].copy_from_slice(b);
        at += b.len();
    });
    Ok(required)
}

/// The header writer's lines (`name:value\n`; a canonical value holds no `\n`) ended with
/// `\r\n` instead.
struct CrlfSink<'s>(&'s mut dyn FnMut(&[u8]));

impl Sink for CrlfSink<'_> {
    fn put(&mut self, bytes: &[u8]) {
        for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                self.0(b"\r\n");
            }
            if !line.is_empty() {
                self.0(line);
            }
        }
    }

    fn byte(&mut self, b: u8) {
        self.put(&[b]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> (SigningKey, Timestamp) {
        let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
        let key = SigningKey::derive(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            time,
            "us-east-1",
            "s3",
        )
        .unwrap();
        (key, time)
    }

    #[test]
    fn header_lines() {
        let sig = ChunkSignature([b'a'; 64]);
        assert_eq!(chunk_header(0, None).as_str(), "0\r\n");
        assert_eq!(chunk_header(1024, None).as_str(), "400\r\n");
        assert_eq!(chunk_header(0xabcdef, None).as_str(), "abcdef\r\n");
        assert_eq!(
            chunk_header(16, Some(&sig)).as_bytes().len(),
            2 + 17 + 64 + 2
        );
        for len in [0u64, 1, 15, 16, 255, 256, 65536, u64::MAX] {
            for enc in [ChunkEncoding::Signed, ChunkEncoding::UnsignedTrailer] {
                let line = chunk_header(len, enc.signs_chunks().then_some(&sig));
                assert_eq!(
                    line.as_bytes().len() as u64,
                    enc.chunk_header_len(len),
                    "{len}"
                );
            }
        }
    }

    #[test]
    fn trailer_sections() {
        let mut out = [0u8; 128];
        let trailers = [Header::new("X-Amz-Checksum-CRC32", " AAAAAA== ")];
        let n = trailer_section(&trailers, None, &mut out).unwrap();
        assert_eq!(&out[..n], b"x-amz-checksum-crc32:AAAAAA==\r\n\r\n");
        let n = trailer_section(&[], None, &mut out).unwrap();
        assert_eq!(&out[..n], b"\r\n");
        let sig = ChunkSignature([b'b'; 64]);
        let n = trailer_section(&trailers, Some(&sig), &mut out).unwrap();
        assert!(out[..n].ends_with(b"\r\nx-amz-trailer-signature:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\r\n\r\n"));
        let mut small = [7u8; 4];
        assert_eq!(
            trailer_section(&trailers, None, &mut small),
            Err(Error::BufferTooSmall { required: 33 })
        );
        assert_eq!(small, [7u8; 4]);
        assert_eq!(
            trailer_section(&[Header::new("bad name", "v")], None, &mut out),
            Err(Error::HeaderName)
        );
    }

    #[test]
    fn seeds_are_checked() {
        let (key, time) = key();
        assert_eq!(
            ChunkSigner::new(&key, time, "abc").map(|_| ()),
            Err(Error::SeedSignature)
        );
        let upper = "4F232C4386841EF735655705268965C44A0E4690BAA4ADEA153F7DB9FA80A0A9";
        assert_eq!(
            ChunkSigner::new(&key, time, upper).map(|_| ()),
            Err(Error::SeedSignature)
        );
        let later = Timestamp::from_unix(time.unix() + 7 * 86_400).unwrap();
        let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
        assert_eq!(
            ChunkSigner::new(&key, later, seed).map(|_| ()),
            Err(Error::KeyDate)
        );
    }

    #[test]
    fn verification_moves_on_only_when_it_matches() {
        let (key, time) = key();
        let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
        let mut signer = ChunkSigner::new(&key, time, seed).unwrap();
        let mut checker = signer.clone();
        let data = [b'a'; 1000];
        let sig = signer.sign_chunk(&data);
        let mut hash = HashSink::new();
        hash.put(&data);
        let sha = hash.finish();
        let mut wrong = sig.0;
        wrong[10] ^= 1;
        assert_eq!(
            checker.verify_chunk(&sha, &wrong),
            Err(Error::ChunkSignatureMismatch)
        );
        assert_eq!(checker.previous(), seed);
        assert_eq!(
            checker.verify_chunk(&sha, &sig.0[..63]),
            Err(Error::ChunkSignatureMismatch)
        );
        checker.verify_chunk(&sha, &sig.0).unwrap();
        assert_eq!(checker.previous(), sig.as_str());
    }
}
