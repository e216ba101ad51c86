//! Event-stream signing (`application/vnd.amazon.eventstream`, as Transcribe and Lex
//! streaming take it): the binary message framing, and the chain of signatures that wraps
//! each message.
//!
//! A message is a prelude (total length, headers length, the prelude's CRC32), headers, a
//! payload and the CRC32 of all of it. To send one on a signed stream it becomes the
//! payload of a wrapper message with two headers, `:chunk-signature` (the 32 signature
//! bytes) and `:date` (the signing time, whole seconds, as a timestamp), signed from the
//! previous wrapper's signature, the first from the request's own (seed) signature. The
//! stream ends with a wrapper whose payload is empty.
//!
//! Everything here writes into the caller's buffers; nothing is allocated.

use crate::chunked::{payload_string_to_sign, STRING_TO_SIGN_CAP};
use crate::date::Timestamp;
use crate::error::Error;
use crate::key::SigningKey;
use crate::sink::{hex32, Buf, Sink};
use sha2::{Digest, Sha256};

/// The `x-amz-content-sha256` of a request whose body is a signed event stream.
pub const EVENT_STREAM_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

const PRELUDE_LEN: usize = 12;
const CRC_LEN: usize = 4;
/// `:chunk-signature` (name length, name, type, value length, 32 bytes) and `:date` (name
/// length, name, type, 8 bytes).
const SIGNING_HEADERS_LEN: usize = (1 + 16 + 1 + 2 + 32) + (1 + 5 + 1 + 8);

/// Length of the signed wrapper of a `message_len`-byte message (0 for the final frame).
pub const fn signed_frame_len(message_len: usize) -> usize {
    PRELUDE_LEN + SIGNING_HEADERS_LEN + message_len + CRC_LEN
}

/// A header value of an event-stream message, by its wire type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderValue<'a> {
    /// Type 0 (true) or 1 (false).
    Bool(bool),
    /// Type 2.
    Byte(i8),
    /// Type 3.
    Int16(i16),
    /// Type 4.
    Int32(i32),
    /// Type 5.
    Int64(i64),
    /// Type 6, at most 65535 bytes.
    Bytes(&'a [u8]),
    /// Type 7, at most 65535 bytes.
    String(&'a str),
    /// Type 8: milliseconds since the epoch.
    Timestamp(i64),
    /// Type 9.
    Uuid([u8; 16]),
}

/// A header of an event-stream message: `:event-type`, `:content-type`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventHeader<'a> {
    /// The name, at most 255 bytes.
    pub name: &'a str,
    /// The value.
    pub value: HeaderValue<'a>,
}

impl<'a> EventHeader<'a> {
    /// A header.
    pub const fn new(name: &'a str, value: HeaderValue<'a>) -> Self {
        Self { name, value }
    }

    fn encoded_len(&self) -> usize {
        1 + self.name.len()
            + 1
            + match self.value {
                HeaderValue::Bool(_) => 0,
                HeaderValue::Byte(_) => 1,
                HeaderValue::Int16(_) => 2,
                HeaderValue::Int32(_) => 4,
                HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
                HeaderValue::Bytes(b) => 2 + b.len(),
                HeaderValue::String(s) => 2 + s.len(),
                HeaderValue::Uuid(_) => 16,
            }
    }

    fn write(&self, out: &mut impl Sink) -> Result<(), Error> {
        let name = u8::try_from(self.name.len()).map_err(|_| Error::EventStreamFrame)?;
        out.byte(name);
        out.put(self.name.as_bytes());
        let short = |n: usize| u16::try_from(n).map_err(|_| Error::EventStreamFrame);
        match self.value {
            HeaderValue::Bool(true) => out.byte(0),
            HeaderValue::Bool(false) => out.byte(1),
            HeaderValue::Byte(v) => out.put(&[2, v.to_be_bytes()[0]]),
            HeaderValue::Int16(v) => {
                out.byte(3);
                out.put(&v.to_be_bytes());
            }
            HeaderValue::Int32(v) => {
                out.byte(4);
                out.put(&v.to_be_bytes());
            }
            HeaderValue::Int64(v) => {
                out.byte(5);
                out.put(&v.to_be_bytes());
            }
            HeaderValue::Bytes(b) => {
                out.byte(6);
                out.put(&short(b.len())?.to_be_bytes());
                out.put(b);
            }
            HeaderValue::String(s) => {
                out.byte(7);
                out.put(&short(s.len())?.to_be_bytes());
                out.put(s.as_bytes());
            }
            HeaderValue::Timestamp(ms) => {
                out.byte(8);
                out.put(&ms.to_be_bytes());
            }
            HeaderValue::Uuid(u) => {
                out.byte(9);
                out.put(&u);
            }
        }
        Ok(())
    }
}

/// Length of the message `encode_message` writes.
pub fn encoded_message_len(headers: &[EventHeader<'_>], payload_len: usize) -> usize {
    PRELUDE_LEN
        + headers.iter().map(EventHeader::encoded_len).sum::<usize>()
        + payload_len
        + CRC_LEN
}

/// Writes an event-stream message (prelude, `headers`, `payload`, CRCs) into `out`; returns
/// its length.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than [`encoded_message_len`];
/// [`Error::EventStreamFrame`] for a header name over 255 bytes, a value over 65535, or a
/// message over 4 GiB.
pub fn encode_message(
    headers: &[EventHeader<'_>],
    payload: &[u8],
    out: &mut [u8],
) -> Result<usize, Error> {
    let total = encoded_message_len(headers, payload.len());
    let headers_len = total - PRELUDE_LEN - payload.len() - CRC_LEN;
    let total32 = u32::try_from(total).map_err(|_| Error::EventStreamFrame)?;
    let headers32 = u32::try_from(headers_len).map_err(|_| Error::EventStreamFrame)?;
    let buf = out
        .get_mut(..total)
        .ok_or(Error::BufferTooSmall { required: total })?;
    buf[0..4].copy_from_slice(&total32.to_be_bytes());
    buf[4..8].copy_from_slice(&headers32.to_be_bytes());
    let prelude_crc = crc32(&buf[0..8]);
    buf[8..12].copy_from_slice(&prelude_crc.to_be_bytes());
    let mut sink = SliceWriter {
        buf: &mut buf[PRELUDE_LEN..PRELUDE_LEN + headers_len],
        len: 0,
    };
    for h in headers {
        h.write(&mut sink)?;
    }
    let body_end = PRELUDE_LEN + headers_len + payload.len();
    buf[PRELUDE_LEN + headers_len..body_end].copy_from_slice(payload);
    let crc = crc32(&buf[..body_end]);
    buf[body_end..total].copy_from_slice(&crc.to_be_bytes());
    Ok(total)
}

/// A message read from a frame, its parts borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodedMessage<'a> {
    /// The encoded headers (walk them with [`DecodedMessage::header`]).
    pub headers: &'a [u8],
    /// The payload.
    pub payload: &'a [u8],
}

impl<'a> DecodedMessage<'a> {
    /// Splits a whole message, checking its lengths and both CRCs.
    ///
    /// # Errors
    /// [`Error::EventStreamFrame`] for a truncated or inconsistent message or a CRC that
    /// does not match.
    pub fn decode(frame: &'a [u8]) -> Result<Self, Error> {
        let bad = Error::EventStreamFrame;
        let word = |at: usize| -> Result<u32, Error> {
            let b = frame.get(at..at + 4).ok_or(bad)?;
            Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let total = usize::try_from(word(0)?).map_err(|_| bad)?;
        let headers_len = usize::try_from(word(4)?).map_err(|_| bad)?;
        if total != frame.len()
            || total < PRELUDE_LEN + CRC_LEN + headers_len
            || word(8)? != crc32(&frame[..8])
            || word(total - CRC_LEN)? != crc32(&frame[..total - CRC_LEN])
        {
            return Err(bad);
        }
        Ok(Self {
            headers: &frame[PRELUDE_LEN..PRELUDE_LEN + headers_len],
            payload: &frame[PRELUDE_LEN + headers_len..total - CRC_LEN],
        })
    }

    /// The value of header `name` (types 6, 7 and 8 are read; others are skipped).
    pub fn header(&self, name: &str) -> Option<HeaderValue<'a>> {
        let mut rest = self.headers;
        while let Some((&n, tail)) = rest.split_first() {
            let n = usize::from(n);
            let this = tail.get(..n)?;
            let (&ty, tail) = tail.get(n..)?.split_first()?;
            let fixed = |len: usize| tail.get(..len).map(|v| (v, &tail[len..]));
            let (value, next) = match ty {
                0 => (Some(HeaderValue::Bool(true)), tail),
                1 => (Some(HeaderValue::Bool(false)), tail),
                2 => (None, fixed(1)?.1),
                3 => (None, fixed(2)?.1),
                4 => (None, fixed(4)?.1),
                5 => (None, fixed(8)?.1),
                6 | 7 => {
                    let (len, tail) = (tail.get(..2)?, tail.get(2..)?);
                    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
                    let v = tail.get(..len)?;
                    let value = if ty == 6 {
                        HeaderValue::Bytes(v)
                    } else {
                        HeaderValue::String(core::str::from_utf8(v).ok()?)
                    };
                    (Some(value), &tail[len..])
                }
                8 => {
                    let (v, next) = fixed(8)?;
                    let ms = i64::from_be_bytes(v.try_into().ok()?);
                    (Some(HeaderValue::Timestamp(ms)), next)
                }
                9 => (None, fixed(16)?.1),
                _ => return None,
            };
            if this == name.as_bytes() {
                return value;
            }
            rest = next;
        }
        None
    }
}

/// Signs the messages of one event stream in order, each from the previous signature.
#[derive(Clone)]
pub struct EventStreamSigner<'k> {
    key: &'k SigningKey,
    prior: [u8; 64],
}

impl core::fmt::Debug for EventStreamSigner<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EventStreamSigner")
            .field("scope", &self.key.scope().as_str())
            .field("prior", &self.prior_signature())
            .finish_non_exhaustive()
    }
}

impl<'k> EventStreamSigner<'k> {
    /// The chain of a request signed with `key` whose signature (its seed) was
    /// `seed_signature` (64 hex digits).
    ///
    /// # Errors
    /// [`Error::SeedSignature`] when `seed_signature` is not 64 lower-case hex digits.
    pub fn new(key: &'k SigningKey, seed_signature: &str) -> Result<Self, Error> {
        let seed = seed_signature.as_bytes();
        let hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        let prior: [u8; 64] = seed.try_into().map_err(|_| Error::SeedSignature)?;
        if !prior.iter().all(hex) {
            return Err(Error::SeedSignature);
        }
        Ok(Self { key, prior })
    }

    /// The last signature of the chain (the seed before any message), in hex.
    pub fn prior_signature(&self) -> &str {
        core::str::from_utf8(&self.prior).unwrap_or_default()
    }

    /// Signs `message` (an encoded message; empty for the stream's final frame) at `time`
    /// and writes its signed wrapper into `out` (at least [`signed_frame_len`] of it);
    /// returns the wrapper's length.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`]; [`Error::KeyDate`] for a time outside the key's day;
    /// [`Error::EventStreamFrame`] for a message over 4 GiB.
    pub fn sign(
        &mut self,
        message: &[u8],
        time: Timestamp,
        out: &mut [u8],
    ) -> Result<usize, Error> {
        if !self.key.scope().covers(time) {
            return Err(Error::KeyDate);
        }
        let signature = self.key.mac(self.string_to_sign(message, time)?.as_bytes());
        let ms = time.unix().saturating_mul(1000);
        let headers = [
            EventHeader::new(":chunk-signature", HeaderValue::Bytes(&signature)),
            EventHeader::new(":date", HeaderValue::Timestamp(ms)),
        ];
        let n = encode_message(&headers, message, out)?;
        self.prior = hex32(&signature);
        Ok(n)
    }

    /// Verifies a signed wrapper frame as the next of the chain: its CRCs, its two headers,
    /// its signature; returns the message it carries (empty for the final frame) and its
    /// time. On success the chain moves on; on failure it stays where it was.
    ///
    /// # Errors
    /// [`Error::EventStreamFrame`] for a malformed frame or one without a 32-byte
    /// `:chunk-signature` and a `:date`; [`Error::KeyDate`] for a date outside the key's
    /// day; [`Error::ChunkSignatureMismatch`] for a signature that is not the chain's.
    pub fn verify<'f>(&mut self, frame: &'f [u8]) -> Result<(&'f [u8], Timestamp), Error> {
        let decoded = DecodedMessage::decode(frame)?;
        let Some(HeaderValue::Bytes(given)) = decoded.header(":chunk-signature") else {
            return Err(Error::EventStreamFrame);
        };
        let Some(HeaderValue::Timestamp(ms)) = decoded.header(":date") else {
            return Err(Error::EventStreamFrame);
        };
        let time = Timestamp::from_unix(ms.div_euclid(1000))?;
        if !self.key.scope().covers(time) {
            return Err(Error::KeyDate);
        }
        let expected = self
            .key
            .mac(self.string_to_sign(decoded.payload, time)?.as_bytes());
        if !crate::scan::ct_eq(&expected, given) {
            return Err(Error::ChunkSignatureMismatch);
        }
        self.prior = hex32(&expected);
        Ok((decoded.payload, time))
    }

    /// `AWS4-HMAC-SHA256-PAYLOAD`, the time, the scope, the prior signature, the SHA-256 of
    /// the encoded `:date` header, and the SHA-256 of the message: aws-chunked's chunk
    /// string to sign with the `:date` header for headers.
    fn string_to_sign(
        &self,
        message: &[u8],
        time: Timestamp,
    ) -> Result<Buf<STRING_TO_SIGN_CAP>, Error> {
        let mut date_header = Buf::<15>::new();
        EventHeader::new(
            ":date",
            HeaderValue::Timestamp(time.unix().saturating_mul(1000)),
        )
        .write(&mut date_header)?;
        let text = payload_string_to_sign(
            b"AWS4-HMAC-SHA256-PAYLOAD",
            &time.amz_date(),
            self.key.scope(),
            &self.prior,
            &hex32(&Sha256::digest(date_header.as_bytes()).into()),
            &Sha256::digest(message).into(),
        );
        if text.overflowed() {
            return Err(Error::EventStreamFrame);
        }
        Ok(text)
    }
}

/// Writes into a slice sized exactly for what is written.
struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Sink for SliceWriter<'_> {
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
        }
        self.len = end;
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib), the event stream's checksum.
pub fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            #[allow(clippy::cast_possible_truncation, reason = "i < 256")]
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            t[i] = c;
            i += 1;
        }
        t
    };
    let mut crc = !0u32;
    for &b in bytes {
        crc = TABLE[usize::from(crc.to_le_bytes()[0] ^ b)] ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        // The CRC-32 catalogue's check value.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn messages_round_trip_and_a_flipped_byte_is_caught() {
        let headers = [
            EventHeader::new(":message-type", HeaderValue::String("event")),
            EventHeader::new(":event-type", HeaderValue::String("AudioEvent")),
            EventHeader::new("n", HeaderValue::Int32(-7)),
        ];
        let mut buf = [0u8; 128];
        let n = encode_message(&headers, b"audio bytes", &mut buf).unwrap();
        assert_eq!(n, encoded_message_len(&headers, 11));
        let m = DecodedMessage::decode(&buf[..n]).unwrap();
        assert_eq!(m.payload, b"audio bytes");
        assert_eq!(
            m.header(":event-type"),
            Some(HeaderValue::String("AudioEvent"))
        );
        assert_eq!(m.header("missing"), None);
        for i in 0..n {
            let mut bad = buf;
            bad[i] ^= 1;
            assert!(DecodedMessage::decode(&bad[..n]).is_err(), "byte {i}");
        }
        assert_eq!(
            encode_message(&headers, b"audio bytes", &mut buf[..n - 1]),
            Err(Error::BufferTooSmall { required: n })
        );
    }
}
