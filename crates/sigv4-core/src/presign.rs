//! Query signing: presigned URLs.

use crate::canonical::Ctx;
use crate::canonical::{headers, Algorithm, Location};
use crate::date::AmzDate;
use crate::encode::put_encoded;
use crate::error::Error;
use crate::key::Scope;
use crate::request::Request;
use crate::sign::{signed, Key, SigText, SigningParams};
use crate::sink::{Render, Sink};
use core::fmt;

/// The authentication parameters of a presigned URL, to append to the request's query.
///
/// Written in the order `X-Amz-Algorithm`, `-Credential`, `-Date`, `-Expires`,
/// `-SignedHeaders`, `-Region-Set` (SigV4A), `-Security-Token` (when the credentials carry
/// one, signed or appended after signing as the settings say), `-Signature`, each value
/// URI-encoded.
#[derive(Clone)]
pub struct PresignedQuery<'a> {
    algorithm: Algorithm,
    access_key_id: &'a str,
    scope: ScopeRef<'a>,
    amz_date: AmzDate,
    expires: heapless::String<6>,
    signed_headers: headers::SignedList,
    region_set: Option<&'a str>,
    session_token: Option<&'a str>,
    signature: SigText,
}

/// A SigV4 query borrows its key's scope; a SigV4A one owns the scope it made.
#[derive(Clone)]
pub(crate) enum ScopeRef<'a> {
    Borrowed(&'a Scope),
    #[cfg_attr(not(feature = "sigv4a"), allow(dead_code))]
    Owned(Scope),
}

impl ScopeRef<'_> {
    fn get(&self) -> &Scope {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

/// Presigns `req` for `expires_in` seconds (1..=604800).
///
/// The headers signed are `host` and every header of `req` but the never-signed ones: the
/// URL only works when sent with those same headers. For S3, sign with
/// [`crate::Payload::Unsigned`], as S3 presigned URLs do.
///
/// ```
/// use sigv4_core::{presign, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
/// let time = Timestamp::parse_amz_date("20130524T000000Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
/// let params = SigningParams {
///     access_key_id: "AKIAIOSFODNN7EXAMPLE",
///     session_token: None,
///     key: &key,
///     time,
///     settings: Settings::s3(),
/// };
/// let req = Request::from_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &[], Payload::Unsigned)?;
/// let query = presign(&req, &params, 86400)?;
/// // The signature the S3 API reference publishes for this example.
/// assert_eq!(query.signature(), "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
/// let mut buf = [0u8; 512];
/// let n = query.write_to(&mut buf)?;
/// assert!(buf[..n].ends_with(b"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// # Ok::<(), sigv4_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::Expires`] outside 1..=604800; [`Error::AlreadySigned`] when the query already
/// holds an `X-Amz-*` authentication parameter; otherwise as [`crate::sign`].
pub fn presign<'a>(
    req: &Request<'_>,
    params: &SigningParams<'a>,
    expires_in: u32,
) -> Result<PresignedQuery<'a>, Error> {
    let scope = ScopeRef::Borrowed(params.key.scope());
    presign_with(req, &params.ctx(), Key::Hmac(params.key), expires_in, scope)
}

/// [`presign`], lending the query to `f` where it was built instead of returning it (it
/// holds a 1 KB signed header list, which returning it copies: see [`crate::sign_then`]).
///
/// ```
/// use sigv4_core::{presign_then, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
/// let time = Timestamp::parse_amz_date("20130524T000000Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
/// let params = SigningParams {
///     access_key_id: "AKIAIOSFODNN7EXAMPLE",
///     session_token: None,
///     key: &key,
///     time,
///     settings: Settings::s3(),
/// };
/// let req = Request::from_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &[], Payload::Unsigned)?;
/// let mut url = [0u8; 512];
/// let n = presign_then(&req, &params, 86400, |query| query.url(&req).write_to(&mut url))??;
/// assert!(url[..n].ends_with(b"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// # Ok::<(), sigv4_core::Error>(())
/// ```
///
/// # Errors
/// As [`presign`].
pub fn presign_then<'a, R>(
    req: &Request<'_>,
    params: &SigningParams<'a>,
    expires_in: u32,
    f: impl FnOnce(&PresignedQuery<'a>) -> R,
) -> Result<R, Error> {
    let scope = ScopeRef::Borrowed(params.key.scope());
    presign_then_with(
        req,
        &params.ctx(),
        Key::Hmac(params.key),
        expires_in,
        scope,
        f,
    )
}

/// [`presign`] for either algorithm; `scope` is `ctx.scope`, borrowed for as long as the
/// query lives or owned by it.
pub(crate) fn presign_with<'a>(
    req: &Request<'_>,
    ctx: &Ctx<'a, '_>,
    key: Key<'_>,
    expires_in: u32,
    scope: ScopeRef<'a>,
) -> Result<PresignedQuery<'a>, Error> {
    presign_then_with(req, ctx, key, expires_in, scope, PresignedQuery::clone)
}

/// [`presign_then`] for either algorithm.
pub(crate) fn presign_then_with<'a, R>(
    req: &Request<'_>,
    ctx: &Ctx<'a, '_>,
    key: Key<'_>,
    expires_in: u32,
    scope: ScopeRef<'a>,
    f: impl FnOnce(&PresignedQuery<'a>) -> R,
) -> Result<R, Error> {
    let location = Location::Query { expires_in };
    signed(req, ctx, location, key, |canonical, fixed, signature| {
        // Built here and written in place: never moved.
        let mut query = PresignedQuery {
            algorithm: ctx.algorithm(),
            access_key_id: ctx.access_key_id,
            scope,
            amz_date: fixed.amz_date,
            signed_headers: headers::SignedList::new(),
            expires: fixed.expires.clone(),
            region_set: ctx.region_set,
            session_token: ctx.session_token,
            signature: *signature,
        };
        headers::write_signed(&mut query.signed_headers, canonical.headers());
        debug_assert_eq!(
            query.signed_headers.as_bytes().len(),
            headers::signed_list_len(canonical.headers())
        );
        f(&query)
    })
}

impl<'a> PresignedQuery<'a> {
    /// The signature in lower-case hex: 64 digits for SigV4, the DER ECDSA signature for
    /// SigV4A.
    pub fn signature(&self) -> &str {
        self.signature.as_str()
    }

    /// The `;`-joined signed header names.
    pub fn signed_headers(&self) -> &str {
        self.signed_headers.as_str()
    }

    /// Length of the encoded parameters.
    pub fn encoded_len(&self) -> usize {
        self.rendered_len()
    }

    /// Writes the encoded parameters (`X-Amz-Algorithm=...&...&X-Amz-Signature=...`) into
    /// `buf` and returns their length; on error `buf` is left untouched.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] with the length needed.
    pub fn write_to(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.render_into(buf)
    }

    /// The full URL: `scheme://authority/path?query&X-Amz-...`, displayed.
    pub fn url<'r>(&'r self, req: &'r Request<'r>) -> PresignedUrl<'r> {
        PresignedUrl { query: self, req }
    }
}

impl Render for PresignedQuery<'_> {
    fn render<S: Sink>(&self, out: &mut S) {
        out.put(b"X-Amz-Algorithm=");
        out.put(self.algorithm.as_str().as_bytes());
        out.put(b"&X-Amz-Credential=");
        put_encoded(out, self.access_key_id.as_bytes(), false);
        out.put(b"%2F");
        self.scope.get().write_encoded(out);
        out.put(b"&X-Amz-Date=");
        out.put(self.amz_date.as_bytes());
        out.put(b"&X-Amz-Expires=");
        out.put(self.expires.as_bytes());
        out.put(b"&X-Amz-SignedHeaders=");
        put_encoded(out, self.signed_headers.as_bytes(), false);
        if let Some(set) = self.region_set {
            out.put(b"&X-Amz-Region-Set=");
            put_encoded(out, set.as_bytes(), false);
        }
        if let Some(token) = self.session_token {
            out.put(b"&X-Amz-Security-Token=");
            put_encoded(out, token.as_bytes(), false);
        }
        out.put(b"&X-Amz-Signature=");
        out.put(self.signature.as_bytes());
    }
}

impl fmt::Display for PresignedQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render_fmt(f)
    }
}

impl fmt::Debug for PresignedQuery<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedQuery")
            .field("access_key_id", &self.access_key_id)
            .field("scope", self.scope.get())
            .field("amz_date", &self.amz_date)
            .field("expires", &self.expires.as_str())
            .field("signed_headers", &self.signed_headers.as_str())
            .field("region_set", &self.region_set)
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("signature", &self.signature())
            .finish()
    }
}

/// A presigned URL, displayed as text.
#[derive(Debug, Clone, Copy)]
pub struct PresignedUrl<'r> {
    query: &'r PresignedQuery<'r>,
    req: &'r Request<'r>,
}

impl PresignedUrl<'_> {
    /// Length of the URL in bytes.
    #[allow(clippy::len_without_is_empty, reason = "a URL is never empty")]
    pub fn len(&self) -> usize {
        self.rendered_len()
    }

    /// Writes the URL into `buf` and returns its length; on error `buf` is left untouched.
    ///
    /// ```
    /// # use sigv4_core::{presign, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
    /// # let time = Timestamp::parse_amz_date("20130524T000000Z")?;
    /// # let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
    /// # let params = SigningParams { access_key_id: "AKIAIOSFODNN7EXAMPLE", session_token: None, key: &key, time, settings: Settings::s3() };
    /// let req = Request::from_url("GET", "https://examplebucket.s3.amazonaws.com/test.txt", &[], Payload::Unsigned)?;
    /// let query = presign(&req, &params, 86400)?;
    /// let url = query.url(&req);
    /// let mut buf = [0u8; 512];
    /// let n = url.write_to(&mut buf)?;
    /// assert_eq!(n, url.len());
    /// assert!(buf[..n].starts_with(b"https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm="));
    /// assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), url.to_string());
    /// # Ok::<(), sigv4_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] with the length needed.
    pub fn write_to(&self, buf: &mut [u8]) -> Result<usize, Error> {
        self.render_into(buf)
    }
}

impl Render for PresignedUrl<'_> {
    fn render<S: Sink>(&self, out: &mut S) {
        out.put(match self.req.scheme {
            crate::Scheme::Http => b"http://",
            crate::Scheme::Https => b"https://",
        });
        out.put(self.req.authority.as_bytes());
        out.put(if self.req.path.is_empty() {
            b"/"
        } else {
            self.req.path.as_bytes()
        });
        out.byte(b'?');
        if !self.req.query.is_empty() {
            out.put(self.req.query.as_bytes());
            out.byte(b'&');
        }
        self.query.render(out);
    }
}

impl fmt::Display for PresignedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render_fmt(f)
    }
}
