//! Verifying SigV4 requests, for servers: parse the `Authorization` header or the presigned
//! query, rebuild the canonical request from what was received (only the signed headers),
//! recompute with the key the caller finds for the access key id, and compare in constant
//! time; check the scope, the clock skew, the expiry, the signed headers and the payload.
//!
//! A verifier guards a service, so it is stricter than any signer needs to be: a request a
//! correct client never sends is refused before a signature is computed, each kind with its
//! own [`Error`] variant (and, in `sigv4_hyper::VerifyLayer`, the status and code AWS uses).
//!
//! # What is checked
//!
//! The classes below are the ones SigV4 verifiers have got wrong before: MinIO's
//! unsigned-trailer uploads, where the credentials were read from the query while the
//! signature check was gated on the `Authorization` header (CVE-2026-40344,
//! CVE-2026-41145), and the kinds of mistake S3-compatible servers such as s3s have had to
//! guard against (unsigned `x-amz-*` headers, scope and date not tied to the request,
//! chunk signatures not chained, unbounded buffering), and what the S3 documentation says
//! S3 checks.
//!
//! - **One mechanism, read once.** Exactly one `Authorization` header
//!   ([`Error::DuplicateAuthorization`]) or a presigned query, never both
//!   ([`Error::MixedAuthentication`]: an `X-Amz-Algorithm`, `-Credential`, `-Date`,
//!   `-Expires`, `-SignedHeaders` or `-Signature` parameter, in any case or
//!   percent-encoding, beside an `Authorization` header); each presigned parameter once
//!   ([`Error::DuplicateAuthParameter`]). The identity returned is the one whose signature
//!   was checked; there is no path that skips the check for some payload type.
//! - **Strict grammar.** `AWS4-HMAC-SHA256`, a credential of five non-empty parts ending in
//!   `aws4_request` ([`Error::MalformedAuthorization`]), `SignedHeaders` lower-case names,
//!   each once, ascending ([`Error::SignedHeadersList`]), a signature of 64 lower-case hex
//!   digits ([`Error::SignatureFormat`]): one request, one spelling.
//! - **Scope and time.** The scope's region and service are the server's and its date the
//!   request's ([`Error::ScopeMismatch`]); a header signature within `max_skew_secs` of
//!   `now` ([`Error::RequestTimeTooSkewed`]); a presigned URL not dated later than `now` plus
//!   the skew, not past its `X-Amz-Expires` ([`Error::RequestExpired`]), which is at most
//!   seven days ([`Error::Expires`]).
//! - **What the signature covers.** The canonical request is rebuilt from the bytes
//!   received, never from what the client says it signed: the method, the path (by the
//!   server's path rules), the whole query but the signature, exactly the headers
//!   `SignedHeaders` names ([`Error::MissingSignedHeader`] when one is absent). `host` must
//!   be signed, and so must every `x-amz-*` header present ([`Error::UnsignedHeader`]; S3
//!   refuses these too), the session token aside when the policy says it is appended
//!   after signing. The headers a verifier reads as one value (`host`, `date`,
//!   `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`,
//!   `x-amz-decoded-content-length`) must come once ([`Error::DuplicateHeader`]), so the
//!   verifier and the service behind it cannot read different copies.
//! - **The body.** `x-amz-content-sha256` is 64 hex digits or a known marker
//!   ([`Error::PayloadHash`]); a body given is hashed and compared
//!   ([`Error::PayloadHashMismatch`]); `UNSIGNED-PAYLOAD` only where the policy allows it
//!   ([`Error::UnsignedPayload`]); aws-chunked bodies get a [`ChunkSigner`] chained from
//!   the request's own signature ([`Verified::chunk_signer`]), so every chunk and the
//!   trailer are checked in order.
//! - **The comparison** is constant-time (every byte's difference ORed together, then
//!   `subtle` on the result), and only after every check above.
//! - **Bounds.** Everything lives in fixed stack buffers: too many headers or parameters,
//!   or an overlong credential or header list, is an error, never an allocation or a
//!   panic. The fuzz targets in `fuzz/` hold the verifier to this on signed-then-mutated
//!   requests and on the AWS suite's requests mutated as raw text (they found one panic, a
//!   header name sliced inside a multi-byte character, now a regression test).
//!
//! `sigv4_hyper::VerifyLayer` adds what only the HTTP layer can see: a body framed by both
//! `Content-Length` and `Transfer-Encoding`, an absolute-form target whose authority is
//! not the signed `Host`, limits on what it buffers, and aws-chunked decoding that hands
//! on a chunk only once its signature checks.
//!
//! # What is left to the caller
//!
//! - **Replay.** SigV4 lets a request be sent again within its validity: a header
//!   signature for as long as its time is within the skew of the server's clock (15
//!   minutes by default), a presigned URL until it expires. AWS accepts such replays too.
//!   A service for which a replay matters (a payment, a one-time action) keeps the
//!   signatures it has seen ([`Verified::signature`]) until they could no longer verify:
//!   [`verify`]'s documentation shows such a cache, tested as a doctest. (This module is
//!   private; [`verify`] carries the summary users see.)
//! - **Authorisation.** A verified request proves who signed it, not what they may do:
//!   the policy decision is the service's.
//! - **Keys.** The lookup decides which access key ids exist, are active, and for which
//!   scope; a session token is not validated here (STS issued it; the service checks it
//!   with the key it belongs to).
//! - **Unsigned parts.** Headers not in [`Verified`]'s signed list (other than `x-amz-*`,
//!   which are refused) and an `UNSIGNED-PAYLOAD` body can be changed by anyone on the path:
//!   without TLS, do not trust them. With [`VerifiedPayload::Expected`] the body is still to
//!   be hashed while it is read, and refused if it differs (the hyper layer does this).
//! - **The clock.** `policy.now` must come from a clock the client cannot move.

use crate::canonical::headers::{name_upper, same_name, Entries, Entry};
use crate::canonical::query::{self, Params};
use crate::canonical::Ctx;
use crate::canonical::{
    headers, Algorithm, Canonical, Fixed, PayloadHash, AUTH_PARAMS, MAX_EXPIRES,
};
use crate::chunked::ChunkSigner;
use crate::date::{AmzDate, Timestamp};
use crate::encode::hex_val;
use crate::error::Error;
use crate::key::{Scope, SigningKey};
use crate::request::{Payload, Request};
use crate::scan::{find_byte, split_byte};
use crate::settings::{PathMode, SessionTokenMode, Settings};
use crate::sign::SigText;
use crate::sink::{hex32, Buf, HashSink, Sink, TextSink};
use crate::string_to_sign as sts;
use core::fmt;

/// Longest `AK/date/region/service/aws4_request` accepted.
const CREDENTIAL_CAP: usize = 256;
/// Longest signature accepted, in bytes: a DER ECDSA P-256 signature.
const SIGNATURE_CAP: usize = 72;
/// Longest SigV4A region set accepted.
const REGION_SET_CAP: usize = 512;

/// The key a verifier checks a signature with: a SigV4 signing key for the request's
/// scope, or the SigV4A public key of the access key id.
#[derive(Debug, Clone)]
#[non_exhaustive]
// A SigV4 key is a few hundred bytes with its scope; there is no allocator to box it into,
// and the key lives for one verification on the stack.
#[allow(clippy::large_enum_variant)]
pub enum VerifyingKey {
    /// SigV4: the key derived for the scope the request claims.
    SigV4(SigningKey),
    /// SigV4A: the public key of the access key id.
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    SigV4a(crate::v4a::SigV4aPublicKey),
}

impl From<SigningKey> for VerifyingKey {
    fn from(key: SigningKey) -> Self {
        Self::SigV4(key)
    }
}

#[cfg(feature = "sigv4a")]
impl From<crate::v4a::SigV4aPublicKey> for VerifyingKey {
    fn from(key: crate::v4a::SigV4aPublicKey) -> Self {
        Self::SigV4a(key)
    }
}

/// Default allowed distance between a request's time and the server's: 15 minutes.
pub const DEFAULT_MAX_SKEW_SECS: u32 = 900;

/// What a server accepts.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct VerifyPolicy<'a> {
    /// The region requests must be scoped to.
    pub region: &'a str,
    /// The service requests must be scoped to.
    pub service: &'a str,
    /// The server's time.
    pub now: Timestamp,
    /// Largest distance between the request's time and `now` (header signatures), or how
    /// far in the future a presigned URL may be dated.
    pub max_skew_secs: u32,
    /// Whether `UNSIGNED-PAYLOAD` (and the unsigned streaming marker) is accepted.
    pub allow_unsigned_payload: bool,
    /// Path rules the clients sign by.
    pub path_mode: PathMode,
    /// Whether the session token is appended after signing, as some services' clients do:
    /// an `x-amz-security-token` header may then be present unsigned, and the
    /// `X-Amz-Security-Token` query parameter of a presigned request is left out of the
    /// canonical query.
    pub allow_unsigned_security_token: bool,
}

impl<'a> VerifyPolicy<'a> {
    /// The defaults for `service` in `region` at `now`: 15 minutes of skew; for `s3`, S3 path
    /// rules and unsigned payloads accepted; otherwise service rules and payloads signed.
    pub fn new(region: &'a str, service: &'a str, now: Timestamp) -> Self {
        let s3 = service == "s3";
        Self {
            region,
            service,
            now,
            max_skew_secs: DEFAULT_MAX_SKEW_SECS,
            allow_unsigned_payload: s3,
            path_mode: if s3 { PathMode::S3 } else { PathMode::Service },
            allow_unsigned_security_token: false,
        }
    }
}

/// The authentication a request carries, parsed.
#[derive(Clone)]
pub struct Authorization {
    algorithm: Algorithm,
    credential: Text<CREDENTIAL_CAP>,
    /// Byte offsets of the `/` in the credential: four for SigV4, three for SigV4A (whose
    /// scope has no region).
    slashes: [usize; 4],
    signed_headers: Text<{ headers::MAX_SIGNED_HEADERS_LEN }>,
    /// The signature's hex digits as sent (lower case, checked).
    signature: SigText,
    presigned: Option<(Timestamp, u32)>,
    /// SigV4A's `X-Amz-Region-Set` query parameter, decoded (presigned requests).
    region_set: Option<Text<REGION_SET_CAP>>,
}

impl Authorization {
    /// Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
    /// SignedHeaders=a;b, Signature=<64 hex>` (the three in any order, spaces after commas
    /// optional), or its SigV4A form `AWS4-ECDSA-P256-SHA256
    /// Credential=AK/date/service/aws4_request, SignedHeaders=..., Signature=<DER hex>`.
    ///
    /// # Errors
    /// [`Error::MalformedAuthorization`]; [`Error::SignedHeadersList`] for header names not
    /// lower case, repeated or out of order; [`Error::SignatureFormat`] for a signature
    /// that is not 64 lower-case hex digits.
    pub fn from_header(value: &str) -> Result<Self, Error> {
        let mut auth = Self::empty();
        auth.parse_header(value)?;
        Ok(auth)
    }

    /// Nothing parsed yet. The verifier fills one in place: it is two kilobytes, and each
    /// `Result` it passed through copied it whole.
    fn empty() -> Self {
        Self {
            algorithm: Algorithm::HmacSha256,
            credential: Text::new(),
            slashes: [0; 4],
            signed_headers: Text::new(),
            signature: SigText::from_digits(b""),
            presigned: None,
            region_set: None,
        }
    }

    /// [`Authorization::from_header`] into `self` (made by [`Authorization::empty`]). The
    /// separators are ASCII, so the value is cut as text and its parts copied as they are.
    fn parse_header(&mut self, value: &str) -> Result<(), Error> {
        const E: Error = Error::MalformedAuthorization;
        let bytes = value.as_bytes();
        let space = find_byte(bytes, b' ').ok_or(E)?;
        let algorithm = Algorithm::from_name_bytes(&bytes[..space]).ok_or(E)?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        let mut from = space + 1;
        loop {
            let end = find_byte(&bytes[from..], b',').map_or(bytes.len(), |i| from + i);
            let (start, stop) = trim_range(bytes, from, end);
            let part = &bytes[start..stop];
            let eq = find_byte(part, b'=').ok_or(E)?;
            // Told apart by length, then compared as arrays: a slice pattern was a call to
            // memcmp for each name.
            let key = &part[..eq];
            let slot = match key.len() {
                10 if key == *b"Credential" => &mut credential,
                13 if key == *b"SignedHeaders" => &mut signed,
                9 if key == *b"Signature" => &mut signature,
                _ => return Err(E),
            };
            if slot.replace(start + eq + 1..stop).is_some() {
                return Err(E);
            }
            if end == bytes.len() {
                break;
            }
            from = end + 1;
        }
        let (Some(c), Some(s), Some(sig)) = (credential, signed, signature) else {
            return Err(E);
        };
        let text = |r: core::ops::Range<usize>| value.get(r).ok_or(E);
        self.credential.clear();
        self.credential.push_str(text(c)?).map_err(|_| E)?;
        self.signed_headers.clear();
        self.signed_headers.push_str(text(s)?).map_err(|_| E)?;
        self.check(algorithm, &bytes[sig], None)
    }

    /// Parses the `X-Amz-*` parameters of a presigned query (as sent, percent-encoded).
    ///
    /// # Errors
    /// [`Error::MalformedAuthorization`]; [`Error::DuplicateAuthParameter`] for a parameter
    /// given twice; [`Error::Expires`] for an `X-Amz-Expires` outside 1..=604800;
    /// [`Error::SignedHeadersList`] and [`Error::SignatureFormat`] as for
    /// [`Authorization::from_header`].
    pub fn from_query(query: &str) -> Result<Self, Error> {
        let mut params = Params::new();
        query::parse(query, &mut params).map_err(|_| Error::MalformedAuthorization)?;
        let mut auth = Self::empty();
        auth.parse_params(&params)?;
        Ok(auth)
    }

    /// [`Authorization::from_query`] of a query already split into parameters, into `self`
    /// (made by [`Authorization::empty`]).
    fn parse_params(&mut self, params: &Params<'_>) -> Result<(), Error> {
        const E: Error = Error::MalformedAuthorization;
        // One pass: each parameter matched against the names once, a name seen twice refused.
        let mut values: [Option<&[u8]>; AUTH_PARAMS.len()] = [None; AUTH_PARAMS.len()];
        for p in params.iter() {
            if let Some(i) = p.auth_param() {
                if values[i].replace(p.value).is_some() {
                    return Err(Error::DuplicateAuthParameter);
                }
            }
        }
        let find = |name: &str| -> Result<&[u8], Error> {
            let i = AUTH_PARAMS.iter().position(|n| *n == name).ok_or(E)?;
            values[i].ok_or(E)
        };
        let algorithm = core::str::from_utf8(find("X-Amz-Algorithm")?).map_err(|_| E)?;
        let algorithm = Algorithm::from_name(algorithm).ok_or(E)?;
        let date = core::str::from_utf8(find("X-Amz-Date")?).map_err(|_| E)?;
        let date = Timestamp::parse_amz_date(date).map_err(|_| E)?;
        let expires = find("X-Amz-Expires")?;
        let expires = core::str::from_utf8(expires)
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 10)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or(E)?;
        let expires = u32::try_from(expires)
            .ok()
            .filter(|e| (1..=MAX_EXPIRES).contains(e))
            .ok_or(Error::Expires)?;
        let signature = find("X-Amz-Signature")?;
        decode_into(find("X-Amz-Credential")?, &mut self.credential).ok_or(E)?;
        let signed = find("X-Amz-SignedHeaders")?;
        if decode_into(signed, &mut self.signed_headers).is_none() {
            return Err(if signed.len() > headers::MAX_SIGNED_HEADERS_LEN {
                E
            } else {
                Error::SignedHeadersList
            });
        }
        self.check(algorithm, signature, Some((date, expires)))?;
        if algorithm == Algorithm::EcdsaP256Sha256 {
            let mut set = Text::new();
            decode_into(find("X-Amz-Region-Set")?, &mut set).ok_or(Error::RegionSet)?;
            self.region_set = Some(set);
        }
        Ok(())
    }

    /// With the credential and the signed list in place, checks them and parses the
    /// signature (hex as sent) of either form.
    fn check(
        &mut self,
        algorithm: Algorithm,
        signature: &[u8],
        presigned: Option<(Timestamp, u32)>,
    ) -> Result<(), Error> {
        let signature = parse_signature(algorithm, signature)?;
        let regional = algorithm == Algorithm::HmacSha256;
        self.slashes = credential_slashes(self.credential.as_bytes(), regional)
            .ok_or(Error::MalformedAuthorization)?;
        check_signed_list(self.signed_headers.as_str()).ok_or(Error::SignedHeadersList)?;
        self.algorithm = algorithm;
        self.signature = signature;
        self.presigned = presigned;
        Ok(())
    }

    fn part(&self, i: usize) -> &str {
        let text = self.credential.as_str();
        let parts = if self.is_v4a() { 3 } else { 4 };
        let start = if i == 0 { 0 } else { self.slashes[i - 1] + 1 };
        let end = if i < parts {
            self.slashes[i]
        } else {
            text.len()
        };
        text.get(start..end).unwrap_or_default()
    }

    fn is_v4a(&self) -> bool {
        self.algorithm == Algorithm::EcdsaP256Sha256
    }

    /// The algorithm the request names.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// For a presigned SigV4A request, its `X-Amz-Region-Set` (decoded).
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_ref().map(Text::as_str)
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        self.part(0)
    }

    /// The credential after the access key id: `date/region/service/aws4_request`.
    fn scope_text(&self) -> &str {
        let text = self.credential.as_str();
        text.get(self.slashes[0] + 1..).unwrap_or_default()
    }

    /// The scope's date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        self.part(1)
    }

    /// The scope's region; empty for SigV4A.
    pub fn region(&self) -> &str {
        if self.is_v4a() {
            ""
        } else {
            self.part(2)
        }
    }

    /// The scope's service.
    pub fn service(&self) -> &str {
        self.part(if self.is_v4a() { 2 } else { 3 })
    }

    /// The `;`-joined signed header names.
    pub fn signed_headers(&self) -> &str {
        self.signed_headers.as_str()
    }

    /// For a presigned request, its `X-Amz-Date` and `X-Amz-Expires`.
    pub fn presigned(&self) -> Option<(Timestamp, u32)> {
        self.presigned
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("algorithm", &self.algorithm)
            .field("credential", &self.credential.as_str())
            .field("signed_headers", &self.signed_headers.as_str())
            .field("presigned", &self.presigned)
            .finish_non_exhaustive()
    }
}

/// Fixed-capacity text (its `as_str` is free, where a byte buffer's checks UTF-8 again).
type Text<const N: usize> = heapless::String<N>;

/// Sets `out` to `src` percent-decoded; `None` when it is longer than `N` or not UTF-8.
/// Only the text's own bytes are copied (a value returned by value moved all `N`).
fn decode_into<const N: usize>(src: &[u8], out: &mut Text<N>) -> Option<()> {
    out.clear();
    if find_byte(src, b'%').is_none() {
        return out.push_str(core::str::from_utf8(src).ok()?).ok();
    }
    let mut bytes = heapless::Vec::<u8, N>::new();
    let mut rest = src;
    // Runs between escapes copied whole.
    while let Some(pct) = find_byte(rest, b'%') {
        bytes.extend_from_slice(&rest[..pct]).ok()?;
        let (b, step) = match crate::encode::escape_at(rest, pct) {
            Some(b) => (b, 3),
            None => (b'%', 1),
        };
        bytes.push(b).ok()?;
        rest = &rest[pct + step..];
    }
    bytes.extend_from_slice(rest).ok()?;
    out.push_str(core::str::from_utf8(&bytes).ok()?).ok()
}

/// A signature of the algorithm's form, its digits kept as sent: 64 lower-case hex digits
/// (SigV4), or lower-case hex of a strict DER ECDSA signature of at most 72 bytes (SigV4A).
fn parse_signature(algorithm: Algorithm, hex_text: &[u8]) -> Result<SigText, Error> {
    let len_ok = match algorithm {
        Algorithm::HmacSha256 => hex_text.len() == 64,
        Algorithm::EcdsaP256Sha256 => {
            hex_text.len().is_multiple_of(2) && hex_text.len() <= 2 * SIGNATURE_CAP
        }
    };
    // Branch-free over all the digits (an early exit costs more than it saves here). Range
    // tests, not `LOWER_HEX`: they vectorise, the table's loads do not (+174 instructions).
    let lower_hex = |b: u8| b.is_ascii_digit() | (b'a'..=b'f').contains(&b);
    if !len_ok || !hex_text.iter().fold(true, |ok, &b| ok & lower_hex(b)) {
        return Err(Error::SignatureFormat);
    }
    #[cfg(feature = "sigv4a")]
    if algorithm == Algorithm::EcdsaP256Sha256 {
        let mut der = [0u8; SIGNATURE_CAP];
        if !crate::v4a::is_der_signature(decode_signature(hex_text, &mut der)?) {
            return Err(Error::SignatureFormat);
        }
    }
    Ok(SigText::from_digits(hex_text))
}

/// A SigV4A signature's hex digits (checked) decoded into `out`: its DER bytes.
#[cfg(feature = "sigv4a")]
fn decode_signature<'o>(
    hex_text: &[u8],
    out: &'o mut [u8; SIGNATURE_CAP],
) -> Result<&'o [u8], Error> {
    let der = out
        .get_mut(..hex_text.len() / 2)
        .ok_or(Error::SignatureFormat)?;
    decode_hex(&LOWER_HEX, hex_text, der).ok_or(Error::SignatureFormat)?;
    Ok(der)
}

/// `bytes[from..to]` without the whitespace `str::trim` removes (for ASCII) at either end,
/// as a range.
fn trim_range(bytes: &[u8], mut from: usize, mut to: usize) -> (usize, usize) {
    let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r');
    while from < to && ws(bytes[from]) {
        from += 1;
    }
    while to > from && ws(bytes[to - 1]) {
        to -= 1;
    }
    (from, to)
}

/// Hex digits' values ([`hex_val`]'s, as tables), 16 for any other byte: either case, and lower
/// case only.
const HEX: [u8; 256] = hex_table(true);
#[cfg(any(feature = "sigv4a", test))]
const LOWER_HEX: [u8; 256] = hex_table(false);

const fn hex_table(upper: bool) -> [u8; 256] {
    let mut t = [16u8; 256];
    let mut b: u8 = 0;
    loop {
        if let Some(v) = hex_val(b) {
            if upper || !b.is_ascii_uppercase() {
                t[b as usize] = v;
            }
        }
        if b == u8::MAX {
            return t;
        }
        b += 1;
    }
}

/// Decodes hex digits (those `table` knows) into `out`, two digits a byte; `None` for
/// anything else or a length that is not twice `out`'s.
fn decode_hex(table: &[u8; 256], hex: &[u8], out: &mut [u8]) -> Option<()> {
    if hex.len() != 2 * out.len() {
        return None;
    }
    // No early exit: a byte that is not a digit reads as 16, and one test at the end.
    let mut bad = 0;
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        let (h, l) = (table[usize::from(pair[0])], table[usize::from(pair[1])]);
        bad |= h | l;
        *byte = h << 4 | (l & 15);
    }
    (bad < 16).then_some(())
}

/// The `/` of `AK/YYYYMMDD/region/service/aws4_request` (or, not `regional`, of SigV4A's
/// `AK/YYYYMMDD/service/aws4_request`), each part non-empty.
fn credential_slashes(c: &[u8], regional: bool) -> Option<[usize; 4]> {
    let want = if regional { 4 } else { 3 };
    if !c.iter().fold(true, |ok, &b| ok & b.is_ascii_graphic()) {
        return None;
    }
    // The slashes found a word at a time; a fifth is one too many.
    let mut slashes = [0usize; 4];
    let mut n = 0;
    let mut from = 0;
    while let Some(i) = find_byte(&c[from..], b'/') {
        *slashes.get_mut(n)? = from + i;
        n += 1;
        from += i + 1;
    }
    let date_ok = n == want
        && slashes[0] > 0
        && slashes[1] == slashes[0] + 9
        && c[slashes[0] + 1..slashes[1]].iter().all(u8::is_ascii_digit)
        && slashes[2] > slashes[1] + 1
        && (!regional || slashes[3] > slashes[2] + 1);
    (date_ok && &c[slashes[want - 1] + 1..] == b"aws4_request").then_some(slashes)
}

/// Lower-case tokens, `;`-separated, strictly ascending.
fn check_signed_list(list: &str) -> Option<()> {
    let mut prev: Option<&[u8]> = None;
    for name in split_byte(list.as_bytes(), b';') {
        let (token, upper) = headers::scan_name(name);
        // Most neighbours differ in their first byte: settled without a call to memcmp.
        let ascending = |p: &[u8]| match (p.first(), name.first()) {
            (Some(a), Some(b)) if a != b => a < b,
            _ => p < name,
        };
        if !token || upper || prev.is_some_and(|p| !ascending(p)) {
            return None;
        }
        prev = Some(name);
    }
    Some(())
}

/// What a verified request proved.
#[derive(Debug, Clone)]
pub struct Verified {
    algorithm: Algorithm,
    access_key_id: heapless::String<128>,
    scope: Scope,
    time: Timestamp,
    payload: VerifiedPayload,
    /// The replay key: the HMAC (SigV4), or SHA-256 of the string to sign (SigV4A).
    signature: [u8; 32],
    /// The signature as sent, the seed of an aws-chunked body's chain.
    seed: SigText,
}

impl Verified {
    /// The access key id that signed.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope signed.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The request time signed.
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// What the signature says about the body.
    pub fn payload(&self) -> VerifiedPayload {
        self.payload
    }

    /// A key for a replay cache, unique to the request: for SigV4 the signature verified;
    /// for SigV4A, whose ECDSA signatures are randomised and malleable (anyone can turn a
    /// valid signature into another valid one), the SHA-256 of the string to sign, which
    /// two sendings of the same request share.
    pub fn signature(&self) -> &[u8; 32] {
        &self.signature
    }

    /// The algorithm the request was signed with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The signature as the request carried it (lower-case hex).
    pub fn signature_text(&self) -> &str {
        self.seed.as_str()
    }

    /// The checker of this request's aws-chunked body: chunk and trailer signatures chained
    /// from the request's own signature, with `key`, the key it was verified with.
    ///
    /// # Errors
    /// [`Error::KeyDate`] when `key` does not cover the request's time.
    pub fn chunk_signer<K: core::borrow::Borrow<SigningKey>>(
        &self,
        key: K,
    ) -> Result<ChunkSigner<K>, Error> {
        ChunkSigner::new(key, self.time, self.seed.as_str())
    }

    /// The checker of an event-stream body (`STREAMING-AWS4-HMAC-SHA256-EVENTS`): each
    /// message frame verified in turn with [`crate::EventStreamSigner::verify`], chained
    /// from this request's signature, with `key`, the key it was verified with.
    ///
    /// # Errors
    /// [`Error::SeedSignature`] when this request was not signed with SigV4.
    pub fn event_stream_verifier<'k>(
        &self,
        key: &'k SigningKey,
    ) -> Result<crate::EventStreamSigner<'k>, Error> {
        if self.algorithm != Algorithm::HmacSha256 {
            return Err(Error::SeedSignature);
        }
        crate::EventStreamSigner::new(key, self.seed.as_str())
    }

    /// The checker of a SigV4A request's aws-chunked body
    /// (`STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD[-TRAILER]`), chained from the request's
    /// own signature, with `key`, the public key it was verified with.
    ///
    /// # Errors
    /// [`Error::SeedSignature`] when this request was not signed with SigV4A.
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    pub fn chunk_verifier_v4a(
        &self,
        key: crate::v4a::SigV4aPublicKey,
    ) -> Result<crate::chunked_v4a::ChunkVerifierV4a, Error> {
        if self.algorithm != Algorithm::EcdsaP256Sha256 {
            return Err(Error::SeedSignature);
        }
        crate::chunked_v4a::ChunkVerifierV4a::new(
            key,
            self.time,
            self.scope.service(),
            self.seed.as_str(),
        )
    }
}

/// What the signature covers of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifiedPayload {
    /// The body given was hashed and matches.
    Checked,
    /// The body was not given ([`Payload::Unsigned`] in the request view, for a body still
    /// streaming in): it must hash to this, which the server checks as it reads.
    Expected([u8; 32]),
    /// The body is not covered (`UNSIGNED-PAYLOAD`).
    Unsigned,
    /// The body is aws-chunked; each chunk carries its own signature.
    Streaming,
    /// The body is a signed event stream (`STREAMING-AWS4-HMAC-SHA256-EVENTS`); each
    /// message carries its own signature ([`Verified::event_stream_verifier`]).
    EventStream,
}

/// Verifies `req` as received. `lookup` gives the signing key for an access key id and the
/// scope the request claims (derive it with [`SigningKey::derive`] from the secret, or hand
/// out a cached one); `None` means the key id is unknown.
///
/// In the request view, `payload` is the body received: [`Payload::Bytes`] to have it
/// hashed and compared, [`Payload::Sha256`] if the server hashed it, or
/// [`Payload::Unsigned`] when it is still to be read (the result then says what it must
/// hash to).
///
/// # Errors
/// The verification variants of [`Error`], each for its own failure:
/// [`Error::MissingAuthentication`], [`Error::DuplicateAuthorization`],
/// [`Error::MixedAuthentication`], [`Error::DuplicateAuthParameter`],
/// [`Error::DuplicateHeader`], [`Error::MalformedAuthorization`],
/// [`Error::SignedHeadersList`], [`Error::SignatureFormat`], [`Error::UnknownAccessKey`], [`Error::ScopeMismatch`], [`Error::MissingDate`],
/// [`Error::RequestTimeTooSkewed`], [`Error::RequestExpired`], [`Error::Expires`],
/// [`Error::UnsignedHeader`], [`Error::MissingSignedHeader`],
/// [`Error::PayloadHashMismatch`], [`Error::UnsignedPayload`],
/// [`Error::SignatureMismatch`]; and the request errors of signing.
///
/// # Security
/// Stricter than a signer needs to be: a request no correct client sends (two
/// `Authorization` headers, one beside presigned parameters, a parameter or a header the
/// verifier reads twice, a header list out of order, an upper-case signature, an unsigned
/// `x-amz-*` header) is refused before any signature is computed, and the comparison is
/// constant-time. Left to the caller: what the signer may do, which keys exist, TLS for
/// what the signature does not cover, and replay. SigV4 lets a request be replayed while
/// it is valid (within the skew of its time, or until a presigned URL expires), as AWS does;
/// a service for which that matters keeps the signatures it has seen:
///
/// ```
/// use std::collections::HashMap;
/// use sigv4_core::{Timestamp, Verified};
///
/// /// Signatures seen, each with the time after which it could no longer verify anyway.
/// #[derive(Default)]
/// struct ReplayCache(HashMap<[u8; 32], i64>);
///
/// impl ReplayCache {
///     /// Whether `v` is new; remembers it for as long as it could verify (for a
///     /// presigned URL, pass its expiry as the window).
///     fn first_time(&mut self, v: &Verified, now: Timestamp, window_secs: u32) -> bool {
///         self.0.retain(|_, until| *until >= now.unix());
///         let until = v.time().unix() + i64::from(window_secs);
///         self.0.insert(*v.signature(), until).is_none()
///     }
/// }
/// # use sigv4_core::*;
/// # let time = Timestamp::parse_amz_date("20150830T123600Z")?;
/// # let key = SigningKey::derive("secret", time, "us-east-1", "service")?;
/// # let params = SigningParams { access_key_id: "AKID", session_token: None, key: &key, time, settings: Settings::service() };
/// # let host = [Header::new("host", "example.amazonaws.com")];
/// # let req = Request::from_url("GET", "https://example.amazonaws.com/", &host, Payload::Bytes(b""))?;
/// # let signed = sign(&req, &params)?;
/// # let sent: Vec<(&str, &str)> = signed.headers().collect();
/// # let headers: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).chain(host).collect();
/// # let received = Request { headers: &headers, ..req };
/// let policy = VerifyPolicy::new("us-east-1", "service", time);
/// let mut seen = ReplayCache::default();
/// for attempt in 0..2 {
///     let v = verify(&received, &policy, |_, _| Some(key.clone()))?;
///     let fresh = seen.first_time(&v, time, policy.max_skew_secs);
///     assert_eq!(fresh, attempt == 0, "the same request again is a replay");
/// }
/// # Ok::<(), sigv4_core::Error>(())
/// ```
pub fn verify<F>(req: &Request<'_>, policy: &VerifyPolicy<'_>, lookup: F) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    check(req, policy, sigv4_only(lookup), None)
}

/// [`verify`] for a server that takes both SigV4 and SigV4A (`AWS4-ECDSA-P256-SHA256`, with
/// the `sigv4a` feature). `lookup` is given the access key id and the scope the request
/// claims; a SigV4A scope has no region ([`Scope::is_without_region`]), and the key to
/// return for it is the access key's public key ([`VerifyingKey::SigV4a`]). A SigV4A
/// request must carry a region set (`x-amz-region-set`, signed, or `X-Amz-Region-Set`)
/// that covers `policy.region`, by name or by a wildcard such as `us-*` or `*`.
///
/// # Errors
/// As [`verify`]; also [`Error::RegionSet`] for a SigV4A request without a valid region
/// set, [`Error::ScopeMismatch`] when the set does not cover the policy's region, and
/// [`Error::UnsupportedAlgorithm`] when the key returned is for the other algorithm.
pub fn verify_any<F>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<VerifyingKey>,
{
    check(req, policy, lookup, None)
}

/// [`verify_any`], rendering the texts as [`verify_explained`] does.
///
/// # Errors
/// As [`verify_any`].
pub fn verify_any_explained<F, W: fmt::Write>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
    canonical_request: &mut W,
    string_to_sign: &mut W,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<VerifyingKey>,
{
    let texts: Texts<'_> = (canonical_request, string_to_sign);
    check(req, policy, lookup, Some(texts))
}

/// A SigV4 key lookup as a [`VerifyingKey`] one that is never asked for a SigV4A key
/// (`check` refuses SigV4A requests when the lookup says `None` for their scope, and this
/// one does before the caller's lookup sees a scope without a region).
fn sigv4_only<F>(lookup: F) -> impl FnOnce(&str, &Scope) -> Option<VerifyingKey>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    move |ak: &str, scope: &Scope| {
        if scope.is_without_region() {
            return None;
        }
        lookup(ak, scope).map(VerifyingKey::SigV4)
    }
}

/// [`verify`], also rendering the canonical request and string to sign it computed (for a
/// server's own logs when a signature does not match; they hold no secret). The texts are
/// written whenever the signature could be recomputed, whatever the outcome.
///
/// # Errors
/// As [`verify`].
pub fn verify_explained<F, W: fmt::Write>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
    canonical_request: &mut W,
    string_to_sign: &mut W,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    let texts: Texts<'_> = (canonical_request, string_to_sign);
    check(req, policy, sigv4_only(lookup), Some(texts))
}

type Texts<'t> = (&'t mut dyn fmt::Write, &'t mut dyn fmt::Write);

/// The headers the verifier reads (the single-valued ones and `authorization`), found in
/// one pass over the request's headers: each name's first value, and whether it repeats.
struct Known<'a> {
    values: [Option<&'a [u8]>; KNOWN.len()],
    repeated: [bool; KNOWN.len()],
    /// How many headers are named `x-amz-*` (any case).
    amz: usize,
}

/// [`SINGLE_VALUED`], then `authorization`.
const KNOWN: [&str; SINGLE_VALUED.len() + 1] = {
    let mut all = [AUTHORIZATION; SINGLE_VALUED.len() + 1];
    let mut i = 0;
    while i < SINGLE_VALUED.len() {
        all[i] = SINGLE_VALUED[i];
        i += 1;
    }
    all
};
const AUTHORIZATION: &str = "authorization";

impl<'a> Known<'a> {
    fn scan(req: &Request<'a>) -> Self {
        let mut known = Self {
            values: [None; KNOWN.len()],
            repeated: [false; KNOWN.len()],
            amz: 0,
        };
        for h in req.headers {
            let name = h.name.as_bytes();
            known.amz += usize::from(name.get(..6).is_some_and(|p| same_name(p, b"x-amz-")));
            let found = KNOWN.iter().position(|k| same_name(name, k.as_bytes()));
            if let Some(i) = found {
                known.repeated[i] |= known.values[i].is_some();
                known.values[i] = known.values[i].or(Some(h.value));
            }
        }
        known
    }

    /// The first value of `name` (one of [`KNOWN`]).
    fn get(&self, name: &str) -> Option<&'a [u8]> {
        let i = KNOWN.iter().position(|k| *k == name)?;
        self.values[i]
    }

    /// A single-valued header given twice, the first of [`SINGLE_VALUED`] that is.
    fn check_single_valued(&self) -> Result<(), Error> {
        match SINGLE_VALUED.iter().zip(self.repeated).find(|(_, r)| *r) {
            Some((name, _)) => Err(Error::DuplicateHeader { name }),
            None => Ok(()),
        }
    }
}

fn check<F>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
    texts: Option<Texts<'_>>,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<VerifyingKey>,
{
    let known = Known::scan(req);
    known.check_single_valued()?;
    let mut query = Params::new();
    query::parse(req.query, &mut query)?;
    let mut auth = Authorization::empty();
    authentication(&known, &query, &mut auth)?;
    let region_set = region_set(&known, &auth)?;
    let region_ok = match region_set {
        None => auth.region() == policy.region,
        #[cfg(feature = "sigv4a")]
        Some(set) => crate::v4a::region_set_covers(set, policy.region),
        #[cfg(not(feature = "sigv4a"))]
        Some(_) => return Err(Error::UnsupportedAlgorithm),
    };
    if !region_ok || auth.service() != policy.service {
        return Err(Error::ScopeMismatch);
    }
    let (time, amz_date) = request_time(&known, &auth)?;
    check_time(policy, &auth, time)?;
    let date = amz_date.date_stamp();
    if date.as_bytes() != auth.date().as_bytes() {
        return Err(Error::ScopeMismatch);
    }
    let mut entries = Entries::new();
    signed_entries(req, policy, &known, auth.signed_headers(), &mut entries)?;
    let (payload, verified_payload) = payload_line(req, &known, policy, &auth)?;
    // The credential's scope text is the scope's (its date is the request's, checked above).
    let region = (!auth.is_v4a()).then(|| auth.region());
    let scope = Scope::from_text(time, auth.scope_text(), region, auth.service())?;
    let key = lookup(auth.access_key_id(), &scope);
    let key = match key {
        None if auth.is_v4a() && !cfg!(feature = "sigv4a") => {
            return Err(Error::UnsupportedAlgorithm)
        }
        None => return Err(Error::UnknownAccessKey),
        Some(key) => key,
    };
    let mut access_key_id = heapless::String::new();
    access_key_id
        .push_str(auth.access_key_id())
        .map_err(|_| Error::AccessKeyId)?;
    let ctx = Ctx {
        access_key_id: auth.access_key_id(),
        session_token: None,
        scope: &scope,
        time,
        settings: Settings {
            path_mode: policy.path_mode,
            session_token: if policy.allow_unsigned_security_token {
                SessionTokenMode::AppendedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: false,
            unsigned_headers: &[],
        },
        region_set,
    };
    let fixed = Fixed::verbatim(amz_date, payload);
    let mut pairs = Params::new();
    let canonical = Canonical::received(
        req,
        &ctx,
        &query,
        &entries,
        auth.presigned().is_some(),
        &fixed,
        &mut pairs,
    )?;
    let mut text = Buf::<{ crate::sign::STRING_TO_SIGN_CAP }>::new();
    sts::write_for(&mut text, &canonical, &fixed.amz_date);
    if let Some((creq_out, sts_out)) = texts {
        let mut creq = TextSink::new(creq_out);
        canonical.write(&mut creq);
        let mut sts_text = TextSink::new(sts_out);
        sts_text.put(text.as_bytes());
        if creq.failed || sts_text.failed {
            return Err(Error::Fmt);
        }
    }
    // By reference: a `VerifyingKey` is 288 bytes, and the tuple moved it twice.
    let replay_key = match (&key, auth.algorithm) {
        (VerifyingKey::SigV4(key), Algorithm::HmacSha256) => {
            if key.scope() != &scope {
                return Err(Error::ScopeMismatch);
            }
            let mac = key.mac(text.as_bytes());
            // Compared as hex: the digits sent are kept as they are, not decoded.
            if !crate::scan::ct_eq(&hex32(&mac), auth.signature.as_bytes()) {
                return Err(Error::SignatureMismatch);
            }
            mac
        }
        #[cfg(feature = "sigv4a")]
        (VerifyingKey::SigV4a(key), Algorithm::EcdsaP256Sha256) => {
            let mut der = [0u8; SIGNATURE_CAP];
            let der = decode_signature(auth.signature.as_bytes(), &mut der)?;
            if !key.verifies(text.as_bytes(), der) {
                return Err(Error::SignatureMismatch);
            }
            let mut h = HashSink::new();
            h.put(text.as_bytes());
            h.finish()
        }
        _ => return Err(Error::UnsupportedAlgorithm),
    };
    // What borrowed the scope is done with, so it is moved into the result, not copied.
    drop(pairs);
    Ok(Verified {
        algorithm: auth.algorithm,
        access_key_id,
        scope,
        time,
        payload: verified_payload,
        signature: replay_key,
        seed: auth.signature,
    })
}

/// SigV4A's region set: the presigned `X-Amz-Region-Set`, or the `x-amz-region-set`
/// header; `None` for SigV4.
fn region_set<'r>(known: &Known<'r>, auth: &'r Authorization) -> Result<Option<&'r str>, Error> {
    if !auth.is_v4a() {
        return Ok(None);
    }
    let set = match auth.region_set() {
        Some(set) => set,
        None => {
            let value = known.get("x-amz-region-set").ok_or(Error::RegionSet)?;
            core::str::from_utf8(value).map_err(|_| Error::RegionSet)?
        }
    };
    #[cfg(feature = "sigv4a")]
    crate::v4a::check_region_set(set)?;
    Ok(Some(set))
}

/// Headers the verifier reads as one value: a second copy would let the verifier and the
/// service behind it read different ones.
const SINGLE_VALUED: [&str; 7] = [
    "host",
    "date",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-security-token",
    "x-amz-decoded-content-length",
    "x-amz-region-set",
];

/// The one authentication mechanism the request carries: an `Authorization` header (and
/// no authentication query parameter), or a presigned query (and no `Authorization`).
fn authentication(
    known: &Known<'_>,
    params: &Params<'_>,
    auth: &mut Authorization,
) -> Result<(), Error> {
    if known.repeated[KNOWN.len() - 1] {
        return Err(Error::DuplicateAuthorization);
    }
    let header = known.get(AUTHORIZATION);
    // Any authentication parameter but the session token, which some services send beside
    // an `Authorization` header.
    let in_query = params.iter().any(|p| {
        p.auth_param()
            .is_some_and(|i| AUTH_PARAMS[i] != "X-Amz-Security-Token")
    });
    match (header, in_query) {
        (Some(_), true) => Err(Error::MixedAuthentication),
        (Some(value), false) => {
            let value = core::str::from_utf8(value).map_err(|_| Error::MalformedAuthorization)?;
            auth.parse_header(value)
        }
        (None, true) => auth.parse_params(params),
        (None, false) => Err(Error::MissingAuthentication),
    }
}

/// The time signed: `X-Amz-Date` (query or header), else the `Date` header; with it as
/// `X-Amz-Date` text (an `X-Amz-Date` header that parses is already in the one form
/// [`Timestamp::amz_date`] writes, and is taken as it is).
fn request_time(known: &Known<'_>, auth: &Authorization) -> Result<(Timestamp, AmzDate), Error> {
    if let Some((date, _)) = auth.presigned() {
        return Ok((date, date.amz_date()));
    }
    if let Some(v) = known.get("x-amz-date") {
        let s = core::str::from_utf8(v).map_err(|_| Error::MissingDate)?;
        return Timestamp::parse_amz_date_text(s.trim());
    }
    let v = known.get("date").ok_or(Error::MissingDate)?;
    let s = core::str::from_utf8(v).map_err(|_| Error::MissingDate)?;
    let time = Timestamp::parse_http_date(s.trim())?;
    Ok((time, time.amz_date()))
}

fn check_time(
    policy: &VerifyPolicy<'_>,
    auth: &Authorization,
    time: Timestamp,
) -> Result<(), Error> {
    let skew = i64::from(policy.max_skew_secs);
    let now = policy.now.unix();
    match auth.presigned() {
        Some((_, expires)) => {
            if now + skew < time.unix() || now > time.unix() + i64::from(expires) {
                return Err(Error::RequestExpired);
            }
        }
        None => {
            if (now - time.unix()).abs() > skew {
                return Err(Error::RequestTimeTooSkewed);
            }
        }
    }
    Ok(())
}

/// The request's signed headers as canonical entries, in the list's order (lower case and
/// strictly ascending: [`check_signed_list`]), each name's values in the request's order;
/// and the checks on what is signed: `host` is, and so is every `x-amz-*` header present
/// (the session token may be exempt). One walk of the list, each name matched against the
/// request's headers; an unsigned header is refused before a missing or malformed one.
fn signed_entries<'a>(
    req: &Request<'a>,
    policy: &VerifyPolicy<'_>,
    known: &Known<'a>,
    list: &str,
    entries: &mut Entries<'a>,
) -> Result<(), Error> {
    let (mut host_signed, mut token_signed, mut amz_signed) = (false, false, 0);
    let mut fault = None;
    for name in split_byte(list.as_bytes(), b';') {
        let mut matched = 0;
        for h in req.headers {
            let Some(upper) = name_upper(h.name.as_bytes(), name) else {
                continue;
            };
            matched += 1;
            let pushed = Entry::received(h.name, h.value, upper, matched == 1)
                .and_then(|e| headers::push(entries, e));
            if let Err(e) = pushed {
                fault.get_or_insert(e);
            }
        }
        if name == b"host" {
            host_signed = true;
            if matched == 0 {
                if let Err(e) = headers::push(entries, Entry::new("host", req.host().as_bytes())) {
                    fault.get_or_insert(e);
                }
            }
        } else if matched == 0 {
            fault.get_or_insert(Error::MissingSignedHeader);
        }
        if name.starts_with(b"x-amz-") {
            amz_signed += matched;
            token_signed |= name == b"x-amz-security-token";
        }
    }
    let token_exempt = policy.allow_unsigned_security_token
        && !token_signed
        && known.get("x-amz-security-token").is_some();
    if !host_signed || known.amz != amz_signed + usize::from(token_exempt) {
        return Err(Error::UnsignedHeader);
    }
    fault.map_or(Ok(()), Err)
}

const UNSIGNED_MARKERS: [&str; 2] = ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"];
/// The signed aws-chunked markers of each algorithm, whose bodies are checked chunk by
/// chunk. A marker of the other algorithm (SigV4A's on a SigV4 request, or the reverse) is
/// refused ([`Error::PayloadHash`]) rather than handed on with a chain nobody can check.
const SIGNED_STREAMING: [&str; 2] = [
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
];
const SIGNED_STREAMING_V4A: [&str; 2] = [
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
];

/// The payload line to verify against, and what it proves about the body.
fn payload_line(
    req: &Request<'_>,
    known: &Known<'_>,
    policy: &VerifyPolicy<'_>,
    auth: &Authorization,
) -> Result<(PayloadHash, VerifiedPayload), Error> {
    let claimed = known.get("x-amz-content-sha256");
    let Some(claimed) = claimed else {
        // No header: presigned S3 requests sign UNSIGNED-PAYLOAD; everything else signs the
        // body's hash, which the server must then know.
        if auth.presigned().is_some() && policy.path_mode == PathMode::S3 {
            return unsigned(policy);
        }
        return match req.payload {
            Payload::Bytes(_) | Payload::Sha256(_) => {
                Ok((PayloadHash::of(&req.payload), VerifiedPayload::Checked))
            }
            _ => Err(Error::PayloadHashMismatch),
        };
    };
    // The empty body's hash, most requests' (no marker is 64 bytes long).
    if claimed == crate::request::EMPTY_SHA256_HEX && matches!(req.payload, Payload::Bytes([])) {
        return Ok((PayloadHash::EMPTY, VerifiedPayload::Checked));
    }
    let text = core::str::from_utf8(claimed).map_err(|_| Error::PayloadHash)?;
    if UNSIGNED_MARKERS.contains(&text) {
        return unsigned(policy).map(|(_, v)| (PayloadHash::verbatim(claimed), v));
    }
    let streaming = match auth.algorithm {
        Algorithm::HmacSha256 => SIGNED_STREAMING,
        Algorithm::EcdsaP256Sha256 => SIGNED_STREAMING_V4A,
    };
    if streaming.contains(&text) {
        return Ok((PayloadHash::verbatim(claimed), VerifiedPayload::Streaming));
    }
    if text == crate::EVENT_STREAM_PAYLOAD && auth.algorithm == Algorithm::HmacSha256 {
        return Ok((PayloadHash::verbatim(claimed), VerifiedPayload::EventStream));
    }
    let mut digest = [0u8; 32];
    decode_hex(&HEX, text.as_bytes(), &mut digest).ok_or(Error::PayloadHash)?;
    let proved = match req.payload {
        // The empty body's hash is known (a GET's payload).
        Payload::Bytes([]) => digest == Payload::EMPTY_SHA256,
        Payload::Bytes(b) => {
            let mut h = HashSink::new();
            h.put(b);
            h.finish() == digest
        }
        Payload::Sha256(d) => d == digest,
        _ => {
            return Ok((
                PayloadHash::verbatim(claimed),
                VerifiedPayload::Expected(digest),
            ))
        }
    };
    if !proved {
        return Err(Error::PayloadHashMismatch);
    }
    Ok((PayloadHash::verbatim(claimed), VerifiedPayload::Checked))
}

fn unsigned(policy: &VerifyPolicy<'_>) -> Result<(PayloadHash, VerifiedPayload), Error> {
    if !policy.allow_unsigned_payload {
        return Err(Error::UnsignedPayload);
    }
    Ok((
        PayloadHash::verbatim(b"UNSIGNED-PAYLOAD"),
        VerifiedPayload::Unsigned,
    ))
}

/// For the verifier, `Fixed` with the request's own values.
impl Fixed {
    pub(crate) fn verbatim(amz_date: AmzDate, payload: PayloadHash) -> Self {
        Self {
            amz_date,
            payload,
            expires: heapless::String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_tables_agree_with_to_digit() {
        for b in 0..=255u8 {
            let any = char::from(b)
                .to_digit(16)
                .map_or(16, |d| d.to_le_bytes()[0]);
            let lower = if b.is_ascii_uppercase() { 16 } else { any };
            assert_eq!(HEX[usize::from(b)], any, "{b}");
            assert_eq!(LOWER_HEX[usize::from(b)], lower, "{b}");
        }
        let mut out = [0u8; 2];
        assert_eq!(decode_hex(&HEX, b"aB0f", &mut out), Some(()));
        assert_eq!(out, [0xab, 0x0f]);
        assert_eq!(decode_hex(&LOWER_HEX, b"aB0f", &mut out), None);
        assert_eq!(decode_hex(&HEX, b"ag0f", &mut out), None);
        assert_eq!(decode_hex(&HEX, b"ab0", &mut out), None);
    }
}
