//! Signing in headers, and the text renderings of what is signed.

use crate::canonical::{Canonical, Fixed, Location, PayloadHash, Scratch};
use crate::date::{AmzDate, Timestamp};
use crate::error::Error;
use crate::key::SigningKey;
use crate::request::Request;
use crate::settings::Settings;
use crate::sink::{hex32, Buf, HashSink, Sink, TextSink};
use crate::string_to_sign as sts;
use core::fmt;

/// Longest access key id accepted.
pub const MAX_ACCESS_KEY_ID_LEN: usize = 128;
/// Capacity of the `Authorization` value [`sign`] returns.
pub const AUTHORIZATION_CAP: usize = 1536;

/// Everything a signature needs besides the request.
#[derive(Debug, Clone, Copy)]
pub struct SigningParams<'a> {
    /// The access key id, `AKIDEXAMPLE`.
    pub access_key_id: &'a str,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a str>,
    /// The signing key of the scope (date, region, service).
    pub key: &'a SigningKey,
    /// The request time, signed as `X-Amz-Date`; its date must be within the key's
    /// validity ([`crate::Scope::covers`]).
    pub time: Timestamp,
    /// The rules to sign by.
    pub settings: Settings<'a>,
}

impl SigningParams<'_> {
    pub(crate) fn validate(&self) -> Result<(), Error> {
        let ak = self.access_key_id.as_bytes();
        let ak_ok = |b: &u8| b.is_ascii_graphic() && !matches!(b, b'/' | b',' | b'=');
        if ak.is_empty() || ak.len() > MAX_ACCESS_KEY_ID_LEN || !ak.iter().all(ak_ok) {
            return Err(Error::AccessKeyId);
        }
        if let Some(token) = self.session_token {
            if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(Error::SessionToken);
            }
        }
        if !self.key.scope().covers(self.time) {
            return Err(Error::KeyDate);
        }
        Ok(())
    }
}

/// The headers a header signature adds, to set on the request (replacing any of the same
/// name).
#[derive(Clone)]
pub struct HeaderSignature<'a> {
    authorization: Buf<AUTHORIZATION_CAP>,
    amz_date: AmzDate,
    content_sha256: Option<PayloadHash>,
    security_token: Option<&'a str>,
    signature: [u8; 64],
}

impl<'a> HeaderSignature<'a> {
    /// `AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...`.
    pub fn authorization(&self) -> &str {
        self.authorization.as_str()
    }

    /// The `x-amz-date` value.
    pub fn x_amz_date(&self) -> &str {
        self.amz_date.as_str()
    }

    /// The `x-amz-content-sha256` value, when the settings add it.
    pub fn x_amz_content_sha256(&self) -> Option<&str> {
        self.content_sha256.as_ref().map(PayloadHash::as_str)
    }

    /// The `x-amz-security-token` value, when the credentials carry one.
    pub fn x_amz_security_token(&self) -> Option<&'a str> {
        self.security_token
    }

    /// The 64 hex digits of the signature.
    pub fn signature(&self) -> &str {
        core::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// Every header to set, as lower-case `(name, value)` pairs.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("authorization", self.authorization())),
            Some(("x-amz-date", self.x_amz_date())),
            self.x_amz_content_sha256()
                .map(|v| ("x-amz-content-sha256", v)),
            self.security_token.map(|v| ("x-amz-security-token", v)),
        ]
        .into_iter()
        .flatten()
    }
}

impl fmt::Debug for HeaderSignature<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderSignature")
            .field("authorization", &self.authorization())
            .field("x_amz_date", &self.amz_date)
            .field("x_amz_content_sha256", &self.x_amz_content_sha256())
            .field(
                "x_amz_security_token",
                &self.security_token.map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// Signs `req` in headers.
///
/// The canonical request is streamed into SHA-256 from the request's own slices; nothing
/// is allocated.
///
/// # Errors
/// Any [`Error`] that names bad input: the method, path, query, a header, the access key
/// id or token, the key's date against `params.time`, or a fixed capacity exceeded.
pub fn sign<'a>(
    req: &Request<'_>,
    params: &SigningParams<'a>,
) -> Result<HeaderSignature<'a>, Error> {
    params.validate()?;
    let fixed = Fixed::new(req, params, Location::Headers)?;
    let mut scratch = Scratch::new();
    let canonical = Canonical::new(req, params, Location::Headers, &fixed, &mut scratch)?;
    let signature = compute_signature(&canonical, params, &fixed);
    let mut out = HeaderSignature {
        authorization: Buf::new(),
        amz_date: fixed.amz_date,
        content_sha256: params
            .settings
            .content_sha256_header
            .then_some(fixed.payload),
        security_token: params.session_token,
        signature,
    };
    let sink = &mut out.authorization;
    sink.put(crate::canonical::ALGORITHM.as_bytes());
    sink.put(b" Credential=");
    sink.put(params.access_key_id.as_bytes());
    sink.put(b"/");
    params.key.scope().write_to(sink);
    sink.put(b", SignedHeaders=");
    let list_start = sink.as_bytes().len();
    crate::canonical::headers::write_signed(sink, canonical.headers());
    // The same limit a verifier holds the list to (it refuses longer ones).
    let list_len = sink.as_bytes().len() - list_start;
    sink.put(b", Signature=");
    sink.put(&signature);
    if sink.overflowed() || list_len > crate::canonical::headers::MAX_SIGNED_HEADERS_LEN {
        return Err(Error::SignedHeadersTooLong {
            limit: crate::canonical::headers::MAX_SIGNED_HEADERS_LEN,
        });
    }
    Ok(out)
}

/// The canonical request hashed, the string to sign built, and HMAC'd with the key.
pub(crate) fn compute_signature(
    canonical: &Canonical<'_, '_>,
    params: &SigningParams<'_>,
    fixed: &Fixed,
) -> [u8; 64] {
    let mut hash = HashSink::new();
    canonical.write(&mut hash);
    let hashed = hex32(&hash.finish());
    let mut text = Buf::<STRING_TO_SIGN_CAP>::new();
    sts::write(&mut text, &fixed.amz_date, params.key.scope(), &hashed);
    hex32(&params.key.mac(text.as_bytes()))
}

/// The longest string to sign: algorithm, date, the longest scope, the hash, newlines.
const STRING_TO_SIGN_CAP: usize =
    16 + 1 + 16 + 1 + (8 + 2 * crate::key::MAX_SCOPE_PART_LEN + 16) + 1 + 64;

/// Renders the canonical request of `req` as it is hashed, for debugging and for
/// comparing with what a server computed.
///
/// # Errors
/// As [`sign`]; [`Error::Fmt`] when `out` fails.
pub fn canonical_request<W: fmt::Write + ?Sized>(
    req: &Request<'_>,
    params: &SigningParams<'_>,
    location: Location,
    out: &mut W,
) -> Result<(), Error> {
    params.validate()?;
    let fixed = Fixed::new(req, params, location)?;
    let mut scratch = Scratch::new();
    let canonical = Canonical::new(req, params, location, &fixed, &mut scratch)?;
    let mut text = TextSink::new(out);
    canonical.write(&mut text);
    if text.failed {
        return Err(Error::Fmt);
    }
    Ok(())
}

/// Renders the string to sign of `req`.
///
/// # Errors
/// As [`canonical_request`].
pub fn string_to_sign<W: fmt::Write + ?Sized>(
    req: &Request<'_>,
    params: &SigningParams<'_>,
    location: Location,
    out: &mut W,
) -> Result<(), Error> {
    params.validate()?;
    let fixed = Fixed::new(req, params, location)?;
    let mut scratch = Scratch::new();
    let canonical = Canonical::new(req, params, location, &fixed, &mut scratch)?;
    let mut hash = HashSink::new();
    canonical.write(&mut hash);
    let hashed = hex32(&hash.finish());
    let mut text = TextSink::new(out);
    sts::write(&mut text, &fixed.amz_date, params.key.scope(), &hashed);
    if text.failed {
        return Err(Error::Fmt);
    }
    Ok(())
}
