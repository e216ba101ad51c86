//! Signing in headers, and the text renderings of what is signed.

use crate::canonical::{headers::Entries, query::Params};
use crate::canonical::{Canonical, Ctx, Fixed, Location, PayloadHash};
use crate::date::{AmzDate, Timestamp};
use crate::error::Error;
use crate::key::SigningKey;
use crate::request::Request;
use crate::settings::Settings;
use crate::sink::{hex32, Buf, Sink, TextSink};
use crate::string_to_sign as sts;
use core::fmt;

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

impl<'a> SigningParams<'a> {
    /// What the canonical request needs of these parameters.
    pub(crate) fn ctx(&self) -> Ctx<'a, 'a> {
        Ctx {
            access_key_id: self.access_key_id,
            session_token: self.session_token,
            scope: self.key.scope(),
            time: self.time,
            settings: self.settings,
            region_set: None,
        }
    }
}

/// The key a signature is computed with.
#[derive(Clone, Copy)]
pub(crate) enum Key<'k> {
    Hmac(&'k SigningKey),
    #[cfg(feature = "sigv4a")]
    Ecdsa(&'k crate::v4a::SigV4aKey),
}

/// A signature as the hex text it is sent as: 64 digits for SigV4, up to 144 (a DER
/// signature of at most 72 bytes) for SigV4A.
// Word-aligned: `as_str`'s UTF-8 check runs its word-at-a-time ASCII loop from the first
// byte, where an unaligned start took a byte at a time until aligned.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(C, align(8))]
pub(crate) struct SigText {
    text: [u8; SIG_TEXT_CAP],
    pub(crate) len: u8,
}

impl fmt::Debug for SigText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Longest signature text: a DER ECDSA P-256 signature of 72 bytes, in hex.
pub(crate) const SIG_TEXT_CAP: usize = 144;

impl SigText {
    #[cfg_attr(not(feature = "sigv4a"), allow(dead_code))]
    pub(crate) fn hex(bytes: &[u8]) -> Self {
        let mut text = [0u8; SIG_TEXT_CAP];
        let n = bytes.len().min(SIG_TEXT_CAP / 2);
        crate::sink::write_hex(&mut text, &bytes[..n]);
        Self {
            text,
            len: u8::try_from(2 * n).unwrap_or(0),
        }
    }

    /// Lower-case hex digits as they are (a signature as sent, checked by the caller); at
    /// most [`SIG_TEXT_CAP`] of them are kept.
    pub(crate) fn from_digits(digits: &[u8]) -> Self {
        let mut text = [0u8; SIG_TEXT_CAP];
        let n = digits.len().min(SIG_TEXT_CAP);
        text[..n].copy_from_slice(&digits[..n]);
        Self {
            text,
            len: u8::try_from(n).unwrap_or(0),
        }
    }

    pub(crate) fn from_hex64(hex: [u8; 64]) -> Self {
        let mut text = [0u8; SIG_TEXT_CAP];
        text[..64].copy_from_slice(&hex);
        Self { text, len: 64 }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.text[..usize::from(self.len)]
    }

    /// Only hex digits are ever held.
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
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
    region_set: Option<&'a str>,
    /// The signature is the `Authorization` value's last `signature_len` bytes.
    signature_len: u8,
}

impl<'a> HeaderSignature<'a> {
    /// `AWS4-HMAC-SHA256 Credential=.../aws4_request, SignedHeaders=..., Signature=...`
    /// (`AWS4-ECDSA-P256-SHA256 ...` for SigV4A).
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

    /// The `x-amz-region-set` value of a SigV4A signature.
    pub fn x_amz_region_set(&self) -> Option<&'a str> {
        self.region_set
    }

    /// The signature in lower-case hex: 64 digits (an HMAC) for SigV4, the DER encoding of
    /// the ECDSA signature (at most 144 digits) for SigV4A.
    pub fn signature(&self) -> &str {
        let auth = self.authorization.as_bytes();
        let digits = &auth[auth.len().saturating_sub(usize::from(self.signature_len))..];
        core::str::from_utf8(digits).unwrap_or_default()
    }

    /// Every header to set, as lower-case `(name, value)` pairs.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.header_bytes()
            .map(|(name, value)| (name, core::str::from_utf8(value).unwrap_or_default()))
    }

    /// [`HeaderSignature::headers`] with the values as bytes, for a client whose header
    /// values are bytes (`http::HeaderValue::from_bytes`). The values are text, but handing
    /// them out as `&str` checks each one as UTF-8 first, a check such a client makes
    /// again.
    ///
    /// ```
    /// # use sigv4_core::{sign, Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
    /// # let time = Timestamp::parse_amz_date("20130524T000000Z")?;
    /// # let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
    /// # let params = SigningParams { access_key_id: "AKIAIOSFODNN7EXAMPLE", session_token: None, key: &key, time, settings: Settings::s3() };
    /// # let req = Request::from_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &[], Payload::Unsigned)?;
    /// let signed = sign(&req, &params)?;
    /// let bytes: Vec<_> = signed.header_bytes().collect();
    /// let text: Vec<_> = signed.headers().map(|(n, v)| (n, v.as_bytes())).collect();
    /// assert_eq!(bytes, text);
    /// # Ok::<(), sigv4_core::Error>(())
    /// ```
    pub fn header_bytes(&self) -> impl Iterator<Item = (&'static str, &[u8])> {
        [
            Some(("authorization", self.authorization.as_bytes())),
            Some(("x-amz-date", &self.amz_date.as_bytes()[..])),
            self.content_sha256
                .as_ref()
                .map(|v| ("x-amz-content-sha256", v.as_bytes())),
            self.security_token
                .map(|v| ("x-amz-security-token", v.as_bytes())),
            self.region_set.map(|v| ("x-amz-region-set", v.as_bytes())),
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
            .field("x_amz_region_set", &self.region_set)
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
    sign_with(req, &params.ctx(), Key::Hmac(params.key))
}

/// [`sign`], lending the signature to `f` where it was built instead of returning it.
///
/// A [`HeaderSignature`] holds its `Authorization` value in a buffer of
/// [`AUTHORIZATION_CAP`] bytes (room for the longest signed header list a verifier
/// accepts), and returning it copies all of it: for a small request, about a tenth of the
/// signing. Here nothing is copied; use the headers inside `f`.
///
/// ```
/// use sigv4_core::{sign_then, Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
/// let time = Timestamp::parse_amz_date("20130524T000000Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
/// let params = SigningParams {
///     access_key_id: "AKIAIOSFODNN7EXAMPLE",
///     session_token: None,
///     key: &key,
///     time,
///     settings: Settings::s3(),
/// };
/// let headers = [Header::new("range", "bytes=0-9")];
/// let req = Request::from_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &headers, Payload::Unsigned)?;
/// let mut sent = Vec::new();
/// let signature = sign_then(&req, &params, |signed| {
///     sent.extend(signed.headers().map(|(n, v)| (n, v.to_string())));
///     signed.signature().to_string()
/// })?;
/// // The same signature `sign` returns.
/// assert_eq!(signature, sigv4_core::sign(&req, &params)?.signature());
/// assert_eq!(sent[0].0, "authorization");
/// # Ok::<(), sigv4_core::Error>(())
/// ```
///
/// # Errors
/// As [`sign`].
pub fn sign_then<'a, R>(
    req: &Request<'_>,
    params: &SigningParams<'a>,
    f: impl FnOnce(&HeaderSignature<'a>) -> R,
) -> Result<R, Error> {
    sign_then_with(req, &params.ctx(), Key::Hmac(params.key), f)
}

/// [`sign`] for either algorithm: [`sign_then_with`] keeping a copy.
pub(crate) fn sign_with<'a>(
    req: &Request<'_>,
    ctx: &Ctx<'a, '_>,
    key: Key<'_>,
) -> Result<HeaderSignature<'a>, Error> {
    sign_then_with(req, ctx, key, HeaderSignature::clone)
}

/// [`sign_then`] for either algorithm.
pub(crate) fn sign_then_with<'a, R>(
    req: &Request<'_>,
    ctx: &Ctx<'a, '_>,
    key: Key<'_>,
    f: impl FnOnce(&HeaderSignature<'a>) -> R,
) -> Result<R, Error> {
    signed(
        req,
        ctx,
        Location::Headers,
        key,
        |canonical, fixed, signature| {
            // Built here and written in place: never moved.
            let mut signed = HeaderSignature {
                authorization: Buf::new(),
                amz_date: fixed.amz_date,
                content_sha256: ctx.settings.content_sha256_header.then_some(fixed.payload),
                security_token: ctx.session_token,
                region_set: ctx.region_set,
                signature_len: signature.len,
            };
            signed.write_authorization(ctx, canonical, signature);
            f(&signed)
        },
    )
}

/// The work header signing and presigning share: the request checked, its canonical
/// request built, hashed and signed; `build` makes the result from them.
pub(crate) fn signed<R>(
    req: &Request<'_>,
    ctx: &Ctx<'_, '_>,
    location: Location,
    key: Key<'_>,
    build: impl FnOnce(&Canonical<'_, '_>, &Fixed, &SigText) -> R,
) -> Result<R, Error> {
    ctx.validate()?;
    let fixed = Fixed::new(req, ctx, location)?;
    let (mut entries, mut pairs) = (Entries::new(), Params::new());
    let canonical = Canonical::new(req, ctx, location, &fixed, &mut entries, &mut pairs)?;
    // The same limit a verifier holds the list to; within it every buffer holding the list
    // (the `Authorization` value, a presigned query's) fits.
    crate::canonical::headers::check_signed_len(canonical.headers())?;
    // Lent to `build`, not moved: its 145 bytes were copied four times on the way.
    let signature = compute_signature(&canonical, &fixed, key);
    Ok(build(&canonical, &fixed, &signature))
}

impl HeaderSignature<'_> {
    fn write_authorization(
        &mut self,
        ctx: &Ctx<'_, '_>,
        canonical: &Canonical<'_, '_>,
        signature: &SigText,
    ) {
        let sink = &mut self.authorization;
        sink.put(ctx.algorithm().as_str().as_bytes());
        sink.put(b" Credential=");
        sink.put(ctx.access_key_id.as_bytes());
        sink.put(b"/");
        ctx.scope.write_to(sink);
        sink.put(b", SignedHeaders=");
        crate::canonical::headers::write_signed(sink, canonical.headers());
        sink.put(b", Signature=");
        sink.put(signature.as_bytes());
        debug_assert!(!sink.overflowed());
    }
}

/// The canonical request hashed, the string to sign built, and signed with the key: an
/// HMAC for SigV4, an ECDSA signature (RFC 6979 nonce, DER) for SigV4A.
pub(crate) fn compute_signature(
    canonical: &Canonical<'_, '_>,
    fixed: &Fixed,
    key: Key<'_>,
) -> SigText {
    let mut text = Buf::<STRING_TO_SIGN_CAP>::new();
    sts::write_for(&mut text, canonical, &fixed.amz_date);
    match key {
        Key::Hmac(k) => SigText::from_hex64(hex32(&k.mac(text.as_bytes()))),
        #[cfg(feature = "sigv4a")]
        Key::Ecdsa(k) => k.sign_text(text.as_bytes()),
    }
}

/// The longest string to sign: algorithm, date, the longest scope, the hash, newlines.
pub(crate) const STRING_TO_SIGN_CAP: usize =
    22 + 1 + 16 + 1 + (8 + 2 * crate::key::MAX_SCOPE_PART_LEN + 16) + 1 + 64;

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
    render(
        req,
        &params.ctx(),
        location,
        out,
        Rendering::CanonicalRequest,
    )
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
    render(req, &params.ctx(), location, out, Rendering::StringToSign)
}

/// Which text [`render`] writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rendering {
    CanonicalRequest,
    StringToSign,
}

/// Writes the canonical request or the string to sign of `req`, as signing computes them.
pub(crate) fn render<W: fmt::Write + ?Sized>(
    req: &Request<'_>,
    ctx: &Ctx<'_, '_>,
    location: Location,
    out: &mut W,
    what: Rendering,
) -> Result<(), Error> {
    ctx.validate()?;
    let fixed = Fixed::new(req, ctx, location)?;
    let (mut entries, mut pairs) = (Entries::new(), Params::new());
    let canonical = Canonical::new(req, ctx, location, &fixed, &mut entries, &mut pairs)?;
    let mut text = TextSink::new(out);
    if what == Rendering::CanonicalRequest {
        canonical.write(&mut text);
    } else {
        sts::write_for(&mut text, &canonical, &fixed.amz_date);
    }
    if text.failed {
        return Err(Error::Fmt);
    }
    Ok(())
}
