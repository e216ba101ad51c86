//! Decoding and checking an aws-chunked body on the server: every chunk's signature before
//! its data is handed on, the trailer's signature, the trailer checksum, and the declared
//! length.

use bytes::{Buf as _, Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};
use sigv4::chunked::{Checksum, ChecksumHasher};
use sigv4_core::{ChunkEncoding, ChunkSigner, Header, SigningKey};
use std::fmt;

/// The chain a decoder checks: SigV4's (HMAC, from the signing key) or SigV4A's (ECDSA,
/// from the public key).
#[derive(Debug)]
pub(crate) enum ChunkCheck {
    V4(ChunkSigner<SigningKey>),
    #[cfg(feature = "sigv4a")]
    V4a(sigv4_core::ChunkVerifierV4a),
}

impl ChunkCheck {
    fn verify_chunk(&mut self, digest: &[u8; 32], claimed: &[u8]) -> Result<(), sigv4_core::Error> {
        match self {
            Self::V4(s) => s.verify_chunk(digest, claimed),
            #[cfg(feature = "sigv4a")]
            Self::V4a(v) => v.verify_chunk(digest, claimed),
        }
    }

    fn verify_trailer(
        &mut self,
        trailers: &[Header<'_>],
        claimed: &[u8],
    ) -> Result<(), sigv4_core::Error> {
        match self {
            Self::V4(s) => s.verify_trailer(trailers, claimed),
            #[cfg(feature = "sigv4a")]
            Self::V4a(v) => v.verify_trailer(trailers, claimed),
        }
    }
}

/// Longest chunk signature on the wire (SigV4A's, padded).
const MAX_SIGNATURE: usize = 144;

/// A chunk signature as the chunk header carried it.
#[derive(Clone, Copy)]
struct Claimed {
    bytes: [u8; MAX_SIGNATURE],
    len: usize,
}

impl Claimed {
    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl fmt::Debug for Claimed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

/// Longest chunk header or trailer line accepted.
pub(crate) const MAX_LINE: usize = 4096;
/// Most trailer bytes accepted.
pub(crate) const MAX_TRAILERS: usize = 16 * 1024;

/// Why an aws-chunked body was refused; the inner service reads it as the body's error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkedBodyError {
    /// The framing is not aws-chunked: a bad size line, a missing CRLF, a signature where
    /// none belongs or none where one must be.
    Malformed(&'static str),
    /// A chunk is longer than the server buffers to check it.
    ChunkTooLarge {
        /// The chunk's length.
        len: u64,
        /// The limit.
        limit: usize,
    },
    /// A chunk's signature is not the one its data gives.
    ChunkSignatureMismatch,
    /// The trailer's signature is missing or is not the one its headers give.
    TrailerSignatureMismatch,
    /// The checksum named in `x-amz-trailer` is missing from the trailer or differs from
    /// the body's.
    ChecksumMismatch {
        /// The trailer, `x-amz-checksum-crc32c`.
        name: &'static str,
    },
    /// The body's length is not `x-amz-decoded-content-length`.
    LengthMismatch {
        /// Declared.
        declared: u64,
        /// Received (so far, when over).
        received: u64,
    },
    /// The body ended before its final chunk.
    Incomplete,
}

impl fmt::Display for ChunkedBodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(what) => write!(f, "aws-chunked body is malformed: {what}"),
            Self::ChunkTooLarge { len, limit } => {
                write!(
                    f,
                    "aws-chunked chunk of {len} bytes is over this server's {limit}"
                )
            }
            Self::ChunkSignatureMismatch => {
                f.write_str("aws-chunked chunk signature does not match")
            }
            Self::TrailerSignatureMismatch => {
                f.write_str("aws-chunked trailer signature is missing or does not match")
            }
            Self::ChecksumMismatch { name } => {
                write!(
                    f,
                    "{name} is missing from the trailer or differs from the body's"
                )
            }
            Self::LengthMismatch { declared, received } => write!(
                f,
                "aws-chunked body of {received} bytes, x-amz-decoded-content-length says {declared}"
            ),
            Self::Incomplete => f.write_str("aws-chunked body ended before its final chunk"),
        }
    }
}

impl std::error::Error for ChunkedBodyError {}

/// What the decoder has for the inner service.
#[derive(Debug)]
pub(crate) enum Step {
    /// A checked chunk of the body.
    Data(Bytes),
    /// The trailing headers, checked (the signature left out).
    Trailers(HeaderMap),
    /// More input is needed.
    NeedMore,
    /// The body is over and all of it checked.
    Done,
}

#[derive(Debug)]
enum State {
    /// Expecting a chunk's header line.
    Header,
    /// Reading a chunk's data.
    Data {
        remaining: u64,
        claimed: Option<Claimed>,
    },
    /// Expecting the CRLF after a chunk's data.
    DataEnd {
        claimed: Option<Claimed>,
    },
    /// After the final chunk: trailer lines until an empty one.
    Trailers,
    /// Everything checked; the trailers still to hand out.
    Finished(Option<HeaderMap>),
    Done,
}

/// The aws-chunked decoder of one request body.
pub(crate) struct ChunkedDecoder {
    signer: ChunkCheck,
    encoding: ChunkEncoding,
    declared: Option<u64>,
    received: u64,
    checksum: Option<(Checksum, ChecksumHasher)>,
    max_chunk: usize,
    input: BytesMut,
    chunk: BytesMut,
    hash: Sha256,
    trailers: Vec<(String, String)>,
    trailer_signature: Option<String>,
    trailer_bytes: usize,
    state: State,
}

impl fmt::Debug for ChunkedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedDecoder")
            .field("encoding", &self.encoding)
            .field("received", &self.received)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl ChunkedDecoder {
    /// A decoder checking chunks with `signer` (seeded with the request's signature);
    /// `trailer` is the request's `x-amz-trailer`, `declared` its
    /// `x-amz-decoded-content-length`.
    pub(crate) fn new(
        signer: ChunkCheck,
        encoding: ChunkEncoding,
        declared: Option<u64>,
        trailer: Option<&str>,
        max_chunk: usize,
    ) -> Self {
        let checksum = trailer
            .and_then(|t| {
                t.split(',')
                    .find_map(|n| Checksum::from_header_name(n.trim()))
            })
            .map(|c| (c, c.hasher()));
        Self {
            signer,
            encoding,
            declared,
            received: 0,
            checksum,
            max_chunk,
            input: BytesMut::new(),
            chunk: BytesMut::new(),
            hash: Sha256::new(),
            trailers: Vec::new(),
            trailer_signature: None,
            trailer_bytes: 0,
            state: State::Header,
        }
    }

    /// Bytes held: input not yet decoded and the chunk being checked.
    #[cfg(any(test, fuzzing))]
    pub(crate) fn buffered(&self) -> usize {
        self.input.len() + self.chunk.len()
    }

    /// More of the encoded body.
    pub(crate) fn feed(&mut self, data: &[u8]) {
        self.input.extend_from_slice(data);
    }

    /// Takes a CRLF-ended line from the input, without its CRLF.
    fn line(&mut self) -> Result<Option<BytesMut>, ChunkedBodyError> {
        match self.input.windows(2).position(|w| w == b"\r\n") {
            Some(at) if at <= MAX_LINE => {
                let line = self.input.split_to(at);
                self.input.advance(2);
                Ok(Some(line))
            }
            Some(_) => Err(ChunkedBodyError::Malformed("a line is too long")),
            None if self.input.len() > MAX_LINE => {
                Err(ChunkedBodyError::Malformed("a line is too long"))
            }
            None => Ok(None),
        }
    }

    /// The next thing for the inner service; `ended` says the encoded body is over.
    pub(crate) fn step(&mut self, ended: bool) -> Result<Step, ChunkedBodyError> {
        loop {
            match &mut self.state {
                State::Header => {
                    let Some(line) = self.line()? else {
                        return self.more(ended);
                    };
                    let (len, claimed) = self.parse_header(&line)?;
                    if len == 0 {
                        self.final_chunk(claimed.as_ref())?;
                        self.state = State::Trailers;
                    } else {
                        if len > self.max_chunk as u64 {
                            return Err(ChunkedBodyError::ChunkTooLarge {
                                len,
                                limit: self.max_chunk,
                            });
                        }
                        self.over_declared(len)?;
                        self.chunk.reserve(usize::try_from(len).unwrap_or(0));
                        self.state = State::Data {
                            remaining: len,
                            claimed,
                        };
                    }
                }
                State::Data { remaining, claimed } => {
                    if self.input.is_empty() {
                        return self.more(ended);
                    }
                    let take = usize::try_from(*remaining)
                        .unwrap_or(usize::MAX)
                        .min(self.input.len());
                    let piece = self.input.split_to(take);
                    self.hash.update(&piece);
                    self.chunk.extend_from_slice(&piece);
                    *remaining -= take as u64;
                    if *remaining == 0 {
                        self.state = State::DataEnd { claimed: *claimed };
                    }
                }
                State::DataEnd { claimed } => {
                    if self.input.len() < 2 {
                        return self.more(ended);
                    }
                    if &self.input[..2] != b"\r\n" {
                        return Err(ChunkedBodyError::Malformed(
                            "chunk data not followed by CRLF",
                        ));
                    }
                    self.input.advance(2);
                    let claimed = *claimed;
                    let digest: [u8; 32] = std::mem::take(&mut self.hash).finalize().into();
                    if let Some(claimed) = claimed {
                        self.check_chunk(&digest, &claimed)?;
                    }
                    let data = self.chunk.split().freeze();
                    self.received += data.len() as u64;
                    if let Some((_, h)) = &mut self.checksum {
                        h.update(&data);
                    }
                    self.state = State::Header;
                    return Ok(Step::Data(data));
                }
                State::Trailers => {
                    let Some(line) = self.line()? else {
                        if ended && self.input.is_empty() {
                            // No closing empty line: accepted, as S3 clients vary.
                            self.finish_trailers()?;
                            continue;
                        }
                        return self.more(ended);
                    };
                    if line.is_empty() {
                        self.finish_trailers()?;
                        continue;
                    }
                    self.trailer_bytes += line.len();
                    if self.trailer_bytes > MAX_TRAILERS {
                        return Err(ChunkedBodyError::Malformed("trailers are too long"));
                    }
                    let text = std::str::from_utf8(&line)
                        .map_err(|_| ChunkedBodyError::Malformed("a trailer is not UTF-8"))?;
                    let (name, value) = text
                        .split_once(':')
                        .ok_or(ChunkedBodyError::Malformed("a trailer is not name:value"))?;
                    let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
                    if name == "x-amz-trailer-signature" {
                        self.trailer_signature = Some(value.to_string());
                    } else {
                        self.trailers.push((name, value.to_string()));
                    }
                }
                State::Finished(trailers) => {
                    if !self.input.is_empty() {
                        return Err(ChunkedBodyError::Malformed("bytes after the body's end"));
                    }
                    return Ok(match trailers.take() {
                        Some(map) if !map.is_empty() => Step::Trailers(map),
                        _ => {
                            self.state = State::Done;
                            Step::Done
                        }
                    });
                }
                State::Done => {
                    if !self.input.is_empty() {
                        return Err(ChunkedBodyError::Malformed("bytes after the body's end"));
                    }
                    return Ok(Step::Done);
                }
            }
        }
    }

    fn more(&self, ended: bool) -> Result<Step, ChunkedBodyError> {
        if ended {
            Err(ChunkedBodyError::Incomplete)
        } else {
            Ok(Step::NeedMore)
        }
    }

    fn over_declared(&self, len: u64) -> Result<(), ChunkedBodyError> {
        match self.declared {
            Some(declared) if self.received + len > declared => {
                Err(ChunkedBodyError::LengthMismatch {
                    declared,
                    received: self.received + len,
                })
            }
            _ => Ok(()),
        }
    }

    /// `hex-size[;chunk-signature=<sig>]`, the signature as long as the encoding's (64 hex
    /// digits, or SigV4A's 144 padded characters).
    fn parse_header(&self, line: &[u8]) -> Result<(u64, Option<Claimed>), ChunkedBodyError> {
        let (size, ext) = match line.iter().position(|&b| b == b';') {
            Some(at) => (&line[..at], Some(&line[at + 1..])),
            None => (line, None),
        };
        if size.is_empty() || size.len() > 16 || !size.iter().all(u8::is_ascii_hexdigit) {
            return Err(ChunkedBodyError::Malformed("a chunk size is not hex"));
        }
        let text = std::str::from_utf8(size).unwrap_or("x");
        let len = u64::from_str_radix(text, 16)
            .map_err(|_| ChunkedBodyError::Malformed("a chunk size is not hex"))?;
        let claimed = match ext {
            Some(ext) => {
                let sig = ext
                    .strip_prefix(b"chunk-signature=")
                    .ok_or(ChunkedBodyError::Malformed("an unknown chunk extension"))?;
                if sig.len() != self.encoding.signature_len() {
                    return Err(ChunkedBodyError::Malformed(
                        "a chunk signature is not as long as its encoding's",
                    ));
                }
                let mut bytes = [0u8; MAX_SIGNATURE];
                bytes[..sig.len()].copy_from_slice(sig);
                Some(Claimed {
                    bytes,
                    len: sig.len(),
                })
            }
            None => None,
        };
        match (self.encoding.signs_chunks(), claimed.is_some()) {
            (true, false) => Err(ChunkedBodyError::Malformed("a chunk has no signature")),
            (false, true) => Err(ChunkedBodyError::Malformed(
                "a chunk of an unsigned payload carries a signature",
            )),
            _ => Ok((len, claimed)),
        }
    }

    fn check_chunk(
        &mut self,
        digest: &[u8; 32],
        claimed: &Claimed,
    ) -> Result<(), ChunkedBodyError> {
        self.signer
            .verify_chunk(digest, claimed.as_bytes())
            .map_err(|_| ChunkedBodyError::ChunkSignatureMismatch)
    }

    fn final_chunk(&mut self, claimed: Option<&Claimed>) -> Result<(), ChunkedBodyError> {
        if let Some(claimed) = claimed {
            let digest: [u8; 32] = Sha256::digest(b"").into();
            self.check_chunk(&digest, claimed)?;
        }
        if let Some(declared) = self.declared {
            if declared != self.received {
                return Err(ChunkedBodyError::LengthMismatch {
                    declared,
                    received: self.received,
                });
            }
        }
        Ok(())
    }

    fn finish_trailers(&mut self) -> Result<(), ChunkedBodyError> {
        if self.encoding.has_trailer() && self.encoding.signs_chunks() {
            let claimed = self
                .trailer_signature
                .take()
                .ok_or(ChunkedBodyError::TrailerSignatureMismatch)?;
            let headers: Vec<Header<'_>> = self
                .trailers
                .iter()
                .map(|(n, v)| Header::new(n, v))
                .collect();
            self.signer
                .verify_trailer(&headers, claimed.as_bytes())
                .map_err(|_| ChunkedBodyError::TrailerSignatureMismatch)?;
        }
        if let Some((kind, hasher)) = self.checksum.take() {
            let name = kind.header_name();
            let sent = self.trailers.iter().find(|(n, _)| n == name);
            if sent.map(|(_, v)| v.as_str()) != Some(hasher.finish().as_str()) {
                return Err(ChunkedBodyError::ChecksumMismatch { name });
            }
        }
        let mut map = HeaderMap::new();
        for (n, v) in self.trailers.drain(..) {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(n), HeaderValue::try_from(v)) {
                map.append(n, v);
            }
        }
        self.state = State::Finished(Some(map));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigv4_core::{chunk_header, trailer_section, Timestamp};

    const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

    fn key() -> (SigningKey, Timestamp) {
        let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
        (
            SigningKey::derive("secret", time, "us-east-1", "s3").unwrap(),
            time,
        )
    }

    /// A valid signed-with-trailer body of `data` in chunks of `chunk`.
    fn encode(data: &[u8], chunk: usize) -> Vec<u8> {
        let (key, time) = key();
        let mut signer = ChunkSigner::new(&key, time, SEED).unwrap();
        let mut out = Vec::new();
        for piece in data.chunks(chunk).chain([&[][..]]) {
            let sig = signer.sign_chunk(piece);
            out.extend_from_slice(chunk_header(piece.len() as u64, Some(&sig)).as_bytes());
            if !piece.is_empty() {
                out.extend_from_slice(piece);
                out.extend_from_slice(b"\r\n");
            }
        }
        let crc = Checksum::Crc32.of(data);
        let trailers = [Header::new("x-amz-checksum-crc32", &crc)];
        let sig = signer.sign_trailer(&trailers).unwrap();
        let mut section = [0u8; 256];
        let n = trailer_section(&trailers, Some(&sig), &mut section).unwrap();
        out.extend_from_slice(&section[..n]);
        out
    }

    /// Decodes `wire` fed in pieces of `sizes`: the data, or the first error.
    fn decode(wire: &[u8], sizes: &[usize], declared: u64) -> Result<Vec<u8>, ChunkedBodyError> {
        let (key, time) = key();
        let mut d = ChunkedDecoder::new(
            ChunkCheck::V4(ChunkSigner::new(key, time, SEED).unwrap()),
            ChunkEncoding::SignedTrailer,
            Some(declared),
            Some("x-amz-checksum-crc32"),
            1 << 20,
        );
        let (mut at, mut i, mut out) = (0, 0, Vec::new());
        // Every step either consumes input, ends, or asks for more: bounded by the input.
        for _ in 0..(wire.len() + 10) * 4 {
            let ended = at == wire.len();
            match d.step(ended)? {
                Step::Data(b) => out.extend_from_slice(&b),
                Step::Trailers(_) => {}
                Step::Done => return Ok(out),
                Step::NeedMore => {
                    // Asking for more, it holds at most a chunk, a line and the trailers.
                    assert!(d.buffered() <= (1 << 20) + MAX_LINE + MAX_TRAILERS);
                    let n = sizes[i % sizes.len()].min(wire.len() - at);
                    d.feed(&wire[at..at + n]);
                    at += n;
                    i += 1;
                }
            }
        }
        panic!("the decoder did not finish");
    }

    #[test]
    fn valid_bodies_decode_in_any_pieces() {
        let data: Vec<u8> = (0..50_000u32).map(|i| (i % 241) as u8).collect();
        for chunk in [8192, 10_000, 65_536] {
            let wire = encode(&data, chunk);
            for sizes in [&[1][..], &[3, 700], &[100_000]] {
                assert_eq!(
                    decode(&wire, sizes, 50_000).unwrap(),
                    data,
                    "{chunk} {sizes:?}"
                );
            }
        }
        assert_eq!(decode(&encode(b"", 8192), &[5], 0).unwrap(), b"");
    }

    /// Any one byte changed, dropped or added is refused (or, for an equivalent encoding such
    /// as the case of a trailer's name, decodes to the same data): never a panic, never other
    /// data.
    #[test]
    fn every_single_byte_change_is_refused() {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 13) as u8).collect();
        let wire = encode(&data, 8192);
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..600 {
            let mut bad = wire.clone();
            let at = usize::try_from(next() % wire.len() as u64).unwrap();
            match next() % 3 {
                0 => bad[at] ^= 1 << (next() % 8),
                1 => {
                    bad.remove(at);
                }
                _ => bad.insert(at, b'0'),
            }
            let sizes = [1 + usize::try_from(next() % 5000).unwrap()];
            match decode(&bad, &sizes, 20_000) {
                Err(_) => {}
                Ok(out) if out == data => {}
                Ok(out) => panic!(
                    "a changed body at {at} decoded to {} other bytes",
                    out.len()
                ),
            }
        }
    }
}
