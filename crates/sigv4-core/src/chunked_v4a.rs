//! aws-chunked bodies signed with SigV4A (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD` and
//! `-TRAILER`): the same chain as SigV4's, with ECDSA signatures.
//!
//! Each chunk signs
//! `AWS4-ECDSA-P256-SHA256-PAYLOAD \n amz-date \n date/service/aws4_request \n previous \n hex(SHA-256("")) \n hex(SHA-256(chunk))`
//! and the trailer
//! `AWS4-ECDSA-P256-SHA256-TRAILER \n amz-date \n scope \n previous \n hex(SHA-256(canonical trailers))`,
//! where `previous` is the previous signature's hex without padding (the request's own
//! signature for the first chunk). On the wire every chunk and trailer signature is padded
//! with `*` to 144 characters, so the body's length is known before it is signed.
//!
//! ```
//! use sigv4_core::{chunk_header_v4a, ChunkEncoding, ChunkSignerV4a, ChunkVerifierV4a, SigV4aKey, Timestamp};
//! let key = SigV4aKey::derive("AKIDEXAMPLE", "secret")?;
//! let time = Timestamp::parse_amz_date("20130524T000000Z")?;
//! let seed = "3045022100aa"; // the request's SigV4A signature (shortened here)
//! let mut signer = ChunkSignerV4a::new(&key, time, "s3", seed)?;
//! let first = signer.sign_chunk(&[b'a'; 8192]);
//! let line = chunk_header_v4a(8192, &first);
//! assert_eq!(line.as_bytes().len() as u64, ChunkEncoding::EcdsaSigned.chunk_header_len(8192));
//! assert!(first.as_str().ends_with('*') && first.as_str().len() == 144);
//!
//! // A server checks the chain with the public key only.
//! let mut checker = ChunkVerifierV4a::new(key.public_key(), time, "s3", seed)?;
//! checker.verify_chunk_data(&[b'a'; 8192], first.as_str().as_bytes())?;
//! # Ok::<(), sigv4_core::Error>(())
//! ```

use crate::chunked::{
    chunk_header_with, chunk_string_to_sign, trailer_section_with, trailer_string_to_sign,
    ChunkHeader, PADDED_SIGNATURE_LEN, STRING_TO_SIGN_CAP,
};
use crate::date::{AmzDate, Timestamp};
use crate::error::Error;
use crate::key::Scope;
use crate::request::Header;
use crate::sign::SigText;
use crate::sink::{Buf, HashSink, Sink};
use crate::v4a::{SigV4aKey, SigV4aPublicKey};
use core::borrow::Borrow;
use core::fmt;

/// A SigV4A chunk or trailer signature as sent: the DER signature's hex padded with `*` to
/// 144 characters.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ChunkSignatureV4a([u8; PADDED_SIGNATURE_LEN]);

impl ChunkSignatureV4a {
    fn padded(sig: &SigText) -> Self {
        let mut text = [b'*'; PADDED_SIGNATURE_LEN];
        let hex = sig.as_bytes();
        text[..hex.len()].copy_from_slice(hex);
        Self(text)
    }

    /// The 144 characters sent.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The signature's hex without its padding (what the next string to sign chains on).
    pub fn unpadded(&self) -> &str {
        self.as_str().trim_end_matches('*')
    }
}

impl fmt::Debug for ChunkSignatureV4a {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.unpadded())
    }
}

impl fmt::Display for ChunkSignatureV4a {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The header line of a SigV4A-signed chunk of `data_len` bytes.
pub fn chunk_header_v4a(data_len: u64, signature: &ChunkSignatureV4a) -> ChunkHeader {
    chunk_header_with(data_len, Some(&signature.0))
}

/// [`crate::trailer_section`] for a SigV4A trailer signature.
///
/// # Errors
/// As [`crate::trailer_section`].
pub fn trailer_section_v4a(
    trailers: &[Header<'_>],
    signature: &ChunkSignatureV4a,
    out: &mut [u8],
) -> Result<usize, Error> {
    trailer_section_with(trailers, Some(&signature.0), out)
}

/// What both ends of a SigV4A chain hold: the date, the scope, the last signature.
#[derive(Clone)]
struct Chain {
    amz_date: AmzDate,
    scope: Scope,
    previous: SigText,
}

impl Chain {
    fn new(time: Timestamp, service: &str, seed: &str) -> Result<Self, Error> {
        let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        let ok = !seed.is_empty()
            && seed.len() <= PADDED_SIGNATURE_LEN
            && seed.len().is_multiple_of(2)
            && seed.bytes().all(lower_hex);
        if !ok {
            return Err(Error::SeedSignature);
        }
        let mut bytes = [0u8; PADDED_SIGNATURE_LEN / 2];
        let n = seed.len() / 2;
        hex::decode_to_slice(seed, &mut bytes[..n]).map_err(|_| Error::SeedSignature)?;
        Ok(Self {
            amz_date: time.amz_date(),
            scope: Scope::without_region(time, service)?,
            previous: SigText::hex(&bytes[..n]),
        })
    }

    fn chunk_text(&self, sha256: &[u8; 32]) -> Buf<STRING_TO_SIGN_CAP> {
        chunk_string_to_sign(
            b"AWS4-ECDSA-P256-SHA256-PAYLOAD",
            &self.amz_date,
            &self.scope,
            self.previous.as_bytes(),
            sha256,
        )
    }

    fn trailer_text(&self, trailers: &[Header<'_>]) -> Result<Buf<STRING_TO_SIGN_CAP>, Error> {
        trailer_string_to_sign(
            b"AWS4-ECDSA-P256-SHA256-TRAILER",
            &self.amz_date,
            &self.scope,
            self.previous.as_bytes(),
            trailers,
        )
    }
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut hash = HashSink::new();
    hash.put(data);
    hash.finish()
}

/// Signs the chunks of one SigV4A aws-chunked body in order, each chained to the one
/// before, starting from the request's signature. `K` holds the key (`&SigV4aKey`, or
/// owned or shared for an encoder that outlives its caller).
#[derive(Clone)]
pub struct ChunkSignerV4a<K: Borrow<SigV4aKey>> {
    key: K,
    chain: Chain,
}

impl<K: Borrow<SigV4aKey>> fmt::Debug for ChunkSignerV4a<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkSignerV4a")
            .field("scope", &self.chain.scope)
            .field("previous", &self.chain.previous)
            .finish_non_exhaustive()
    }
}

impl<K: Borrow<SigV4aKey>> ChunkSignerV4a<K> {
    /// Starts from `seed`, the request's SigV4A signature (lower-case hex, as in its
    /// `Authorization` header), signed at `time` for `service`.
    ///
    /// # Errors
    /// [`Error::SeedSignature`] when `seed` is not lower-case hex of at most 144 digits;
    /// [`Error::Service`].
    pub fn new(key: K, time: Timestamp, service: &str, seed: &str) -> Result<Self, Error> {
        Ok(Self {
            key,
            chain: Chain::new(time, service, seed)?,
        })
    }

    /// The last signature given out, unpadded (the seed before any chunk).
    pub fn previous(&self) -> &str {
        self.chain.previous.as_str()
    }

    /// Signs the next chunk (the final, empty one included).
    pub fn sign_chunk(&mut self, data: &[u8]) -> ChunkSignatureV4a {
        self.sign_chunk_sha256(&sha256(data))
    }

    /// Signs the next chunk from the SHA-256 of its data.
    pub fn sign_chunk_sha256(&mut self, sha256: &[u8; 32]) -> ChunkSignatureV4a {
        let text = self.chain.chunk_text(sha256);
        self.advance(text.as_bytes())
    }

    /// Signs the trailing headers, the last signature of the body.
    ///
    /// # Errors
    /// [`Error::HeaderName`], [`Error::HeaderValue`], [`Error::TooManyHeaders`].
    pub fn sign_trailer(&mut self, trailers: &[Header<'_>]) -> Result<ChunkSignatureV4a, Error> {
        let text = self.chain.trailer_text(trailers)?;
        Ok(self.advance(text.as_bytes()))
    }

    fn advance(&mut self, string_to_sign: &[u8]) -> ChunkSignatureV4a {
        let sig = self.key.borrow().sign_text(string_to_sign);
        self.chain.previous = sig;
        ChunkSignatureV4a::padded(&sig)
    }
}

/// Checks the chunks of one SigV4A aws-chunked body in order with the signer's public key
/// (a server holds no private key). Built by [`crate::Verified::chunk_verifier_v4a`] for a
/// verified request, or directly.
#[derive(Clone)]
pub struct ChunkVerifierV4a {
    key: SigV4aPublicKey,
    chain: Chain,
}

impl fmt::Debug for ChunkVerifierV4a {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkVerifierV4a")
            .field("scope", &self.chain.scope)
            .field("previous", &self.chain.previous)
            .finish_non_exhaustive()
    }
}

impl ChunkVerifierV4a {
    /// Starts from `seed`, the request's own (verified) signature.
    ///
    /// # Errors
    /// As [`ChunkSignerV4a::new`].
    pub fn new(
        key: SigV4aPublicKey,
        time: Timestamp,
        service: &str,
        seed: &str,
    ) -> Result<Self, Error> {
        Ok(Self {
            key,
            chain: Chain::new(time, service, seed)?,
        })
    }

    /// The last signature accepted, unpadded.
    pub fn previous(&self) -> &str {
        self.chain.previous.as_str()
    }

    /// Checks the signature sent for the next chunk, given the SHA-256 of its data; moves
    /// on only when it verifies. `claimed` is what the chunk header carried: 144
    /// characters, the DER signature's lower-case hex then `*` padding.
    ///
    /// # Errors
    /// [`Error::ChunkSignatureMismatch`] for a signature that does not verify or is not
    /// in that form.
    pub fn verify_chunk(&mut self, sha256: &[u8; 32], claimed: &[u8]) -> Result<(), Error> {
        let text = self.chain.chunk_text(sha256);
        self.accept(text.as_bytes(), claimed)
    }

    /// [`ChunkVerifierV4a::verify_chunk`] hashing the data itself.
    ///
    /// # Errors
    /// As [`ChunkVerifierV4a::verify_chunk`].
    pub fn verify_chunk_data(&mut self, data: &[u8], claimed: &[u8]) -> Result<(), Error> {
        self.verify_chunk(&sha256(data), claimed)
    }

    /// Checks the `x-amz-trailer-signature` sent for `trailers`.
    ///
    /// # Errors
    /// The trailer errors of [`ChunkSignerV4a::sign_trailer`], and
    /// [`Error::ChunkSignatureMismatch`].
    pub fn verify_trailer(&mut self, trailers: &[Header<'_>], claimed: &[u8]) -> Result<(), Error> {
        let text = self.chain.trailer_text(trailers)?;
        self.accept(text.as_bytes(), claimed)
    }

    fn accept(&mut self, string_to_sign: &[u8], claimed: &[u8]) -> Result<(), Error> {
        const E: Error = Error::ChunkSignatureMismatch;
        if claimed.len() != PADDED_SIGNATURE_LEN {
            return Err(E);
        }
        let hex_len = claimed
            .iter()
            .position(|&b| b == b'*')
            .unwrap_or(claimed.len());
        let (hex_part, padding) = claimed.split_at(hex_len);
        let lower_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
        if !padding.iter().all(|&b| b == b'*')
            || !hex_part.len().is_multiple_of(2)
            || !hex_part.iter().all(lower_hex)
        {
            return Err(E);
        }
        let mut der = [0u8; PADDED_SIGNATURE_LEN / 2];
        let n = hex_part.len() / 2;
        hex::decode_to_slice(hex_part, &mut der[..n]).map_err(|_| E)?;
        if !self.key.verifies(string_to_sign, &der[..n]) {
            return Err(E);
        }
        self.chain.previous = SigText::hex(&der[..n]);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_signed_verifies_and_a_changed_link_does_not() {
        let key = SigV4aKey::derive("AKID", "secret").unwrap();
        let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
        let seed = "3044022011";
        let mut signer = ChunkSignerV4a::new(&key, time, "s3", seed).unwrap();
        let mut checker = ChunkVerifierV4a::new(key.public_key(), time, "s3", seed).unwrap();
        let a = signer.sign_chunk(b"first");
        let b = signer.sign_chunk(b"");
        let trailers = [Header::new("x-amz-checksum-crc32", "AAAAAA==")];
        let t = signer.sign_trailer(&trailers).unwrap();
        // Out of order, or for other data: refused, and the chain stays where it was.
        assert_eq!(
            checker.verify_chunk_data(b"first", b.as_str().as_bytes()),
            Err(Error::ChunkSignatureMismatch)
        );
        assert_eq!(
            checker.verify_chunk_data(b"firsT", a.as_str().as_bytes()),
            Err(Error::ChunkSignatureMismatch)
        );
        assert_eq!(checker.previous(), "3044022011");
        // Unpadded (when a 72-byte signature needs no padding the two are the same), or
        // padded with something else: refused.
        if a.unpadded().len() < PADDED_SIGNATURE_LEN {
            assert!(checker
                .verify_chunk_data(b"first", a.unpadded().as_bytes())
                .is_err());
        }
        let mut other = a.0;
        other[PADDED_SIGNATURE_LEN - 1] = b'0';
        assert!(checker.verify_chunk_data(b"first", &other).is_err());
        checker
            .verify_chunk_data(b"first", a.as_str().as_bytes())
            .unwrap();
        assert_eq!(checker.previous(), a.unpadded());
        checker
            .verify_chunk_data(b"", b.as_str().as_bytes())
            .unwrap();
        let changed = [Header::new("x-amz-checksum-crc32", "AAAAAB==")];
        assert!(checker
            .verify_trailer(&changed, t.as_str().as_bytes())
            .is_err());
        checker
            .verify_trailer(&trailers, t.as_str().as_bytes())
            .unwrap();
    }

    #[test]
    fn seeds_are_lower_case_hex_of_a_der_length() {
        let key = SigV4aKey::derive("AKID", "secret").unwrap();
        let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
        for bad in ["", "abc", "ABCD", &"ab".repeat(73), "3045*"] {
            assert_eq!(
                ChunkSignerV4a::new(&key, time, "s3", bad).map(|_| ()),
                Err(Error::SeedSignature),
                "{bad:?}"
            );
        }
    }
}
