//! The canonical request, prepared on the stack and streamed into a [`Sink`]. The first of
//! the signing modules, in their one-way order: the canonical request (here, with the
//! inputs of a signing, `Ctx`), then the string to sign (`string_to_sign`), then the
//! signature (`sign`, `presign`).
//!
//!
//! ```text
//! method \n canonical URI \n canonical query \n canonical headers \n signed headers \n payload hash
//! ```

pub(crate) mod headers;
pub(crate) mod path;
pub(crate) mod query;

use crate::date::{AmzDate, Timestamp};
use crate::encode::put_encoded;
use crate::error::Error;
use crate::key::Scope;
use crate::request::{Payload, Request};
use crate::settings::{SessionTokenMode, Settings};
use crate::sink::{hex32, Sink};
use headers::{Entries, Entry};
use query::{Kind, Param, Params};
use sha2::Digest;

/// `AWS4-HMAC-SHA256`.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The signing algorithm a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Algorithm {
    /// `AWS4-HMAC-SHA256`: SigV4, an HMAC with a key derived for one date, region and
    /// service.
    HmacSha256,
    /// `AWS4-ECDSA-P256-SHA256`: SigV4A, an ECDSA P-256 signature valid for a set of
    /// regions. Signing and verifying it needs the `sigv4a` feature.
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The name requests carry.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => ALGORITHM,
            Self::EcdsaP256Sha256 => "AWS4-ECDSA-P256-SHA256",
        }
    }

    /// The algorithm named `name` (exactly, as requests carry it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::from_name_bytes(name.as_bytes())
    }

    pub(crate) fn from_name_bytes(name: &[u8]) -> Option<Self> {
        [Self::HmacSha256, Self::EcdsaP256Sha256]
            .into_iter()
            .find(|a| a.as_str().as_bytes() == name)
    }
}
/// Longest access key id accepted.
pub const MAX_ACCESS_KEY_ID_LEN: usize = 128;

/// One signing's inputs besides the request and the key, for either algorithm.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'a, 's> {
    pub(crate) access_key_id: &'a str,
    pub(crate) session_token: Option<&'a str>,
    /// The key's scope (SigV4), or one made for the request (SigV4A).
    pub(crate) scope: &'s Scope,
    pub(crate) time: Timestamp,
    pub(crate) settings: Settings<'a>,
    /// SigV4A's `X-Amz-Region-Set`; `None` for SigV4.
    pub(crate) region_set: Option<&'a str>,
}

impl Ctx<'_, '_> {
    pub(crate) fn algorithm(&self) -> Algorithm {
        match self.region_set {
            None => Algorithm::HmacSha256,
            Some(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    pub(crate) fn validate(&self) -> Result<(), Error> {
        // Folds with no early exit, which the compiler vectorises: a session token is a few
        // hundred bytes, and `all` tested them one at a time (7% of a W4 signing).
        let ak = self.access_key_id.as_bytes();
        let ak_ok =
            |ok: bool, &b: &u8| ok & b.is_ascii_graphic() & !matches!(b, b'/' | b',' | b'=');
        if ak.is_empty() || ak.len() > MAX_ACCESS_KEY_ID_LEN || !ak.iter().fold(true, ak_ok) {
            return Err(Error::AccessKeyId);
        }
        if let Some(token) = self.session_token {
            let visible = token.bytes().fold(true, |ok, b| ok & b.is_ascii_graphic());
            if token.is_empty() || !visible {
                return Err(Error::SessionToken);
            }
        }
        if !self.scope.covers(self.time) {
            return Err(Error::KeyDate);
        }
        Ok(())
    }
}

/// Longest `X-Amz-Expires` accepted: seven days.
pub const MAX_EXPIRES: u32 = 604_800;

/// Where the signature goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// The `Authorization` header.
    Headers,
    /// Query parameters (a presigned URL) valid for `expires_in` seconds (1..=604800).
    Query {
        /// `X-Amz-Expires`.
        expires_in: u32,
    },
}

/// The payload line: 64 hex digits or a marker, as text.
#[derive(Clone, Copy)]
pub(crate) struct PayloadHash {
    text: [u8; 64],
    len: u8,
}

impl PayloadHash {
    /// The hash of the empty body, the payload of most requests, known in advance.
    pub(crate) const EMPTY: Self = Self {
        text: *crate::request::EMPTY_SHA256_HEX,
        len: 64,
    };

    /// `UNSIGNED-PAYLOAD`, the payload of presigned S3 URLs, known in advance too.
    const UNSIGNED: Self = match Payload::Unsigned.marker() {
        Some(marker) => Self::verbatim(marker.as_bytes()),
        None => Self::EMPTY,
    };

    pub(crate) fn of(payload: &Payload<'_>) -> Self {
        let digest = match payload {
            Payload::Bytes([]) => return Self::EMPTY,
            Payload::Unsigned => return Self::UNSIGNED,
            Payload::Bytes(b) => sha2::Sha256::digest(b).into(),
            Payload::Sha256(d) => *d,
            other => return Self::verbatim(other.marker().unwrap_or_default().as_bytes()),
        };
        Self {
            text: hex32(&digest),
            len: 64,
        }
    }

    /// A payload line taken as given (an `x-amz-content-sha256` value being verified);
    /// longer than 64 bytes is cut, which no valid value is.
    pub(crate) const fn verbatim(line: &[u8]) -> Self {
        let n = if line.len() < 64 { line.len() } else { 64 };
        let mut text = [0u8; 64];
        text.split_at_mut(n).0.copy_from_slice(line.split_at(n).0);
        #[allow(clippy::cast_possible_truncation, reason = "n <= 64")]
        Self { text, len: n as u8 }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.text[..usize::from(self.len)]
    }

    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

/// Values computed before the canonical request, which it borrows.
pub(crate) struct Fixed {
    pub(crate) amz_date: AmzDate,
    pub(crate) payload: PayloadHash,
    pub(crate) expires: heapless::String<6>,
}

impl Fixed {
    #[inline(always)]
    pub(crate) fn new(req: &Request<'_>, p: &Ctx<'_, '_>, loc: Location) -> Result<Self, Error> {
        let mut expires = heapless::String::new();
        if let Location::Query { expires_in } = loc {
            if !(1..=MAX_EXPIRES).contains(&expires_in) {
                return Err(Error::Expires);
            }
            let mut digits = [0u8; 6];
            let mut n = expires_in;
            let mut i = digits.len();
            while n > 0 {
                i -= 1;
                digits[i] = b'0' + u8::try_from(n % 10).unwrap_or(0);
                n /= 10;
            }
            for &d in &digits[i..] {
                let _ = expires.push(char::from(d));
            }
        }
        Ok(Self {
            amz_date: p.scope.amz_date(p.time),
            payload: PayloadHash::of(&req.payload),
            expires,
        })
    }
}

/// The canonical request of one signing, ready to be written.
// Its sorted headers and query live in two locals of the caller (`Entries::new()`,
// `Params::new()`), filled in place and never moved. Two locals, not one struct: in one
// struct the optimiser merged the two length stores into a memset of the 2.5 KB of
// uninitialised capacity between them, on every signing.
pub(crate) struct Canonical<'s, 'a> {
    req: &'a Request<'a>,
    params: &'a Ctx<'a, 'a>,
    headers: &'s [Entry<'a>],
    query: &'s [Param<'a>],
    payload: &'a [u8],
}

/// The query parameters of a presigned request's authentication (SigV4A's region set
/// among them), the session token last.
pub(crate) const AUTH_PARAMS: [&str; 8] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Region-Set",
    "X-Amz-Security-Token",
];

impl<'s, 'a> Canonical<'s, 'a> {
    /// Validates the request and sorts its headers and query into `headers` and `query`.
    // Inlined, the work out of line: a `Result<Self>` returned through memory was written
    // in words and read back in vectors, a failed store-to-load forward on every signing.
    #[inline(always)]
    pub(crate) fn new(
        req: &'a Request<'a>,
        params: &'a Ctx<'a, 'a>,
        loc: Location,
        fixed: &'a Fixed,
        headers: &'s mut Entries<'a>,
        query: &'s mut Params<'a>,
    ) -> Result<Self, Error> {
        prepare(req, params, loc, fixed, headers, query)?;
        Ok(Self {
            req,
            params,
            headers,
            query,
            payload: fixed.payload.as_bytes(),
        })
    }

    /// The canonical request of a request as received, for verification: its signed
    /// headers as the verifier matched them (`headers`, in the signed list's order), the
    /// query as sent (`received`, as the verifier split it) less `X-Amz-Signature` (and,
    /// for a `presigned` one, less `X-Amz-Security-Token` when the settings say the token
    /// is appended after signing: a header-signed request's token travels in a header, and
    /// its query is signed whole), and the payload line `fixed` holds.
    pub(crate) fn received(
        req: &'a Request<'a>,
        params: &'a Ctx<'a, 'a>,
        received: &Params<'a>,
        headers: &'s [Entry<'a>],
        presigned: bool,
        fixed: &'a Fixed,
        pairs: &'s mut Params<'a>,
    ) -> Result<Self, Error> {
        validate_target(req)?;
        // Copied in place, not split again (both hold at most the same count).
        pairs.clear();
        pairs
            .extend_from_slice(received)
            .map_err(|_| Error::TooManyQueryParameters {
                limit: query::MAX_QUERY_PARAMETERS,
            })?;
        let token_unsigned =
            presigned && params.settings.session_token == SessionTokenMode::AppendedAfterSigning;
        pairs.retain(|p| {
            let named = |name| p.auth_param().is_some_and(|i| AUTH_PARAMS[i] == name);
            let dropped =
                named("X-Amz-Signature") || (token_unsigned && named("X-Amz-Security-Token"));
            !dropped
        });
        query::sort(pairs);
        Ok(Self {
            req,
            params,
            headers,
            query: pairs,
            payload: fixed.payload.as_bytes(),
        })
    }

    /// The inputs of the signing this canonical request belongs to.
    pub(crate) fn ctx(&self) -> &'a Ctx<'a, 'a> {
        self.params
    }

    /// The header entries, sorted.
    pub(crate) fn headers(&self) -> &'s [Entry<'a>] {
        self.headers
    }

    /// Writes the canonical request.
    pub(crate) fn write<S: Sink>(&self, out: &mut S) {
        out.put(self.req.method.as_bytes());
        out.byte(b'\n');
        path::write(out, self.req.path, self.params.settings.path_mode);
        out.byte(b'\n');
        query::write(out, self.query, |out, kind| {
            self.write_special(out, kind);
        });
        out.byte(b'\n');
        headers::write(out, self.headers());
        out.byte(b'\n');
        headers::write_signed(out, self.headers());
        out.byte(b'\n');
        out.put(self.payload);
    }

    /// Writes the encoded value of a parameter the signer computes.
    pub(crate) fn write_special<S: Sink>(&self, out: &mut S, kind: Kind) {
        match kind {
            Kind::Credential => {
                put_encoded(out, self.params.access_key_id.as_bytes(), false);
                // The separator's encoding is known.
                out.put(b"%2F");
                self.params.scope.write_encoded(out);
            }
            Kind::SignedHeaders => headers::write_signed(&mut Encoding(out), self.headers()),
            Kind::Wire | Kind::Raw => {}
        }
    }
}

/// [`Canonical::new`]'s work: the request checked, its headers and query sorted into
/// `entries` and `pairs`.
fn prepare<'a>(
    req: &'a Request<'a>,
    params: &'a Ctx<'a, 'a>,
    loc: Location,
    fixed: &'a Fixed,
    entries: &mut Entries<'a>,
    pairs: &mut Params<'a>,
) -> Result<(), Error> {
    validate_target(req)?;
    collect_headers(req, params, loc, fixed, entries)?;
    // A presigned URL's X-Amz-* parameters first, in their sorted order; the request's are
    // then sorted in among them. Most go after them all, in one comparison each (lower-case
    // names follow `X-Amz-`): merged into the request's sorted ones, each was moved.
    if let Location::Query { .. } = loc {
        add_auth_params(pairs, params, fixed)?;
    }
    let added = pairs.len();
    query::parse(req.query, pairs)?;
    if added > 0 {
        let taken = |q: &Param<'_>| {
            q.auth_param().is_some_and(|i| {
                params.session_token.is_some() || AUTH_PARAMS[i] != "X-Amz-Security-Token"
            })
        };
        if pairs[added..].iter().any(taken) {
            return Err(Error::AlreadySigned);
        }
    }
    query::sort_from(pairs, added);
    Ok(())
}

/// The method is a token and the path a valid origin-form path.
fn validate_target(req: &Request<'_>) -> Result<(), Error> {
    if !headers::scan_name(req.method.as_bytes()).0 {
        return Err(Error::Method);
    }
    path::validate(req.path)
}

/// A sink adaptor that URI-encodes what passes through it.
pub(crate) struct Encoding<'s, S: Sink>(pub(crate) &'s mut S);

impl<S: Sink> Sink for Encoding<'_, S> {
    fn put(&mut self, bytes: &[u8]) {
        put_encoded(self.0, bytes, false);
    }
}

/// The headers to sign: the request's (less the never-signed ones and those the signer
/// sets itself), plus `host` when absent and the ones the signer adds, sorted.
fn collect_headers<'a>(
    req: &'a Request<'a>,
    p: &'a Ctx<'a, 'a>,
    loc: Location,
    fixed: &'a Fixed,
    out: &mut Entries<'a>,
) -> Result<(), Error> {
    let in_headers = loc == Location::Headers;
    let add_sha = in_headers && p.settings.content_sha256_header;
    let sign_token = in_headers && p.settings.session_token == SessionTokenMode::Signed;
    let mut has_host = false;
    for h in req.headers {
        let entry = Entry::checked(h.name, h.value)?;
        let replaced = entry.name_is("x-amz-date")
            || (add_sha && entry.name_is("x-amz-content-sha256"))
            || (p.session_token.is_some() && entry.name_is("x-amz-security-token"))
            || (p.region_set.is_some() && entry.name_is("x-amz-region-set"));
        if replaced || p.settings.is_unsigned(h.name) {
            continue;
        }
        has_host |= entry.name_is("host");
        headers::push(out, entry)?;
    }
    // Lower-case names; values of visible ASCII only (checked here, or by `Ctx::validate`
    // for the token), so already canonical: nothing to scan.
    let mut add =
        |name: &'a str, value: &'a [u8]| headers::push(out, Entry::canonical(name, value));
    if !has_host {
        let host = req.host();
        if host.is_empty() || host.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(Error::Authority);
        }
        add("host", host.as_bytes())?;
    }
    if in_headers {
        add("x-amz-date", fixed.amz_date.as_bytes())?;
    }
    if add_sha {
        add("x-amz-content-sha256", fixed.payload.as_bytes())?;
    }
    if let (true, Some(token)) = (sign_token, p.session_token) {
        add("x-amz-security-token", token.as_bytes())?;
    }
    if let (true, Some(set)) = (in_headers, p.region_set) {
        // The caller's text: scanned like a request header's value.
        headers::push(out, Entry::new("x-amz-region-set", set.as_bytes()))?;
    }
    headers::sort(out);
    Ok(())
}

/// The `X-Amz-*` parameters of a presigned URL, less the signature, in sorted order, into
/// `query` (still empty).
fn add_auth_params<'a>(
    query: &mut Params<'a>,
    p: &'a Ctx<'a, 'a>,
    fixed: &'a Fixed,
) -> Result<(), Error> {
    let token_signed = p.settings.session_token == SessionTokenMode::Signed;
    // The names, the algorithm, the date and the expiry are unreserved text; the region set
    // and the token are the caller's, scanned.
    let mut add = |key: &'static str, value: &'a [u8], kind: Kind, known: bool| {
        let param = if known {
            Param::known(key.as_bytes(), value, kind)
        } else {
            Param::new(key.as_bytes(), value, kind)
        };
        query::push(query, param)
    };
    let algorithm = p.algorithm().as_str().as_bytes();
    add("X-Amz-Algorithm", algorithm, Kind::Raw, true)?;
    add("X-Amz-Credential", b"", Kind::Credential, true)?;
    add("X-Amz-Date", fixed.amz_date.as_bytes(), Kind::Raw, true)?;
    add("X-Amz-Expires", fixed.expires.as_bytes(), Kind::Raw, true)?;
    if let Some(set) = p.region_set {
        add("X-Amz-Region-Set", set.as_bytes(), Kind::Raw, false)?;
    }
    if let (true, Some(token)) = (token_signed, p.session_token) {
        add("X-Amz-Security-Token", token.as_bytes(), Kind::Raw, false)?;
    }
    add("X-Amz-SignedHeaders", b"", Kind::SignedHeaders, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_payload_constant_is_its_hash() {
        let computed = hex32(&sha2::Sha256::digest(b"").into());
        assert_eq!(
            PayloadHash::of(&Payload::Bytes(b"")).as_bytes(),
            &computed[..]
        );
        assert_eq!(hex32(&Payload::EMPTY_SHA256), computed);
        assert_eq!(Payload::EMPTY_SHA256_HEX.as_bytes(), &computed[..]);
    }

    #[test]
    fn every_marker_is_its_own_payload_line() {
        for payload in [
            Payload::Unsigned,
            Payload::StreamingSigned,
            Payload::StreamingSignedTrailer,
            Payload::StreamingUnsignedTrailer,
            Payload::StreamingEvents,
        ] {
            let marker = payload.marker().unwrap();
            assert_eq!(PayloadHash::of(&payload).as_str(), marker);
            assert_eq!(PayloadHash::of(&payload).as_bytes(), marker.as_bytes());
        }
    }
}
