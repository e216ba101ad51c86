//! The request view: borrowed slices of a request the caller owns.

use crate::error::Error;
use crate::scan;

/// One header as the caller will send it. Names are matched case-insensitively; values are
/// bytes (HTTP allows obs-text), trimmed and folded when canonicalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    /// The header name, any case.
    pub name: &'a str,
    /// The header value as sent.
    pub value: &'a [u8],
}

impl<'a> Header<'a> {
    /// A header from a name and a text value.
    pub const fn new(name: &'a str, value: &'a str) -> Self {
        Self {
            name,
            value: value.as_bytes(),
        }
    }
}

/// What the canonical request's last line says about the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The body in memory; its SHA-256 is computed while signing.
    Bytes(&'a [u8]),
    /// The SHA-256 of the body, computed by the caller (for a body streamed elsewhere).
    Sha256([u8; 32]),
    /// `UNSIGNED-PAYLOAD`: the body is not covered (S3, and S3 presigned URLs).
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked with a signature per chunk.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed trailer.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks with a trailer.
    StreamingUnsignedTrailer,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD`: aws-chunked with a SigV4A signature per
    /// chunk.
    StreamingEcdsaSigned,
    /// `STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER`: SigV4A-signed chunks and trailer.
    StreamingEcdsaSignedTrailer,
    /// `STREAMING-AWS4-HMAC-SHA256-EVENTS`: a signed event stream (each message signed by
    /// [`crate::EventStreamSigner`]).
    StreamingEvents,
}

/// [`Payload::EMPTY_SHA256_HEX`] as the bytes the canonical request and chunk strings to
/// sign hold.
pub(crate) const EMPTY_SHA256_HEX: &[u8; 64] =
    b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

impl Payload<'_> {
    /// The SHA-256 of the empty body, the payload of most `GET` requests.
    pub const EMPTY_SHA256: [u8; 32] = [
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ];

    /// [`Payload::EMPTY_SHA256`] in lower-case hex, as `x-amz-content-sha256` carries it.
    pub const EMPTY_SHA256_HEX: &'static str = match core::str::from_utf8(EMPTY_SHA256_HEX) {
        Ok(text) => text,
        Err(_) => "",
    };

    /// A precomputed hash from its 64 hex digits (either case), for example from an
    /// `x-amz-content-sha256` header the caller already has.
    ///
    /// # Errors
    /// [`Error::PayloadHash`] when `hex` is not 64 hex digits.
    pub fn from_sha256_hex(hex: &str) -> Result<Self, Error> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).map_err(|_| Error::PayloadHash)?;
        Ok(Payload::Sha256(out))
    }

    /// The fixed marker this payload signs as, or `None` when it is a hash.
    pub const fn marker(&self) -> Option<&'static str> {
        match self {
            Payload::Bytes(_) | Payload::Sha256(_) => None,
            Payload::Unsigned => Some("UNSIGNED-PAYLOAD"),
            Payload::StreamingSigned => Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            Payload::StreamingSignedTrailer => Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
            Payload::StreamingUnsignedTrailer => Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
            Payload::StreamingEcdsaSigned => Some("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"),
            Payload::StreamingEcdsaSignedTrailer => {
                Some("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER")
            }
            Payload::StreamingEvents => Some(crate::EVENT_STREAM_PAYLOAD),
        }
    }
}

/// The URL scheme, which decides the default port dropped from a derived `host`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// `http`, default port 80.
    Http,
    /// `https`, default port 443.
    #[default]
    Https,
}

impl Scheme {
    const fn default_port(self) -> &'static str {
        match self {
            Scheme::Http => "80",
            Scheme::Https => "443",
        }
    }
}

/// A view of the request to sign, over slices the caller owns.
///
/// `path` and `query` are the request target exactly as it goes on the wire (already
/// percent-encoded, as `http::Uri::path()` and `query()` give them). Bytes that are not
/// legal on the wire (a space, UTF-8) are accepted and encoded as a client would send them.
///
/// ```
/// use sigv4_core::{Header, Payload, Request, Scheme};
/// let headers = [Header::new("x-amz-target", "DynamoDB_20120810.ListTables")];
/// let req = Request {
///     method: "POST",
///     scheme: Scheme::Https,
///     authority: "dynamodb.us-east-1.amazonaws.com",
///     path: "/",
///     query: "",
///     headers: &headers,
///     payload: Payload::Bytes(b"{}"),
/// };
/// assert_eq!(req, Request::from_url("POST", "https://dynamodb.us-east-1.amazonaws.com/", &headers, Payload::Bytes(b"{}"))?);
/// # Ok::<(), sigv4_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The method, `GET`, `PUT`, ... (signed as given; methods are case-sensitive).
    pub method: &'a str,
    /// The scheme, for the default port of a derived `host` header.
    pub scheme: Scheme,
    /// `host[:port]`; signed as the `host` header when `headers` has none.
    pub authority: &'a str,
    /// The path as sent, starting with `/` (empty means `/`).
    pub path: &'a str,
    /// The query as sent, without the `?` (empty for none).
    pub query: &'a str,
    /// The headers that will be sent.
    pub headers: &'a [Header<'a>],
    /// The body, or what stands for it.
    pub payload: Payload<'a>,
}

impl<'a> Request<'a> {
    /// A view from a URL `http(s)://authority[/path][?query][#fragment]`; the fragment is
    /// dropped (it is never sent).
    ///
    /// # Errors
    /// [`Error::Url`] for another scheme or no authority.
    pub fn from_url(
        method: &'a str,
        url: &'a str,
        headers: &'a [Header<'a>],
        payload: Payload<'a>,
    ) -> Result<Self, Error> {
        let (scheme, rest) = if let Some(rest) = strip_prefix_ignore_case(url, "https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(url, "http://") {
            (Scheme::Http, rest)
        } else {
            return Err(Error::Url);
        };
        // The authority ends at `/`, `?` or `#`, the path at `?` or `#`, the query at `#`:
        // found eight bytes at a time. (Searches for each delimiter in turn were 7% of
        // signing a GET: calls to memchr, and a search for either of two chars.)
        let b = rest.as_bytes();
        let authority_end = scan::find_any(b, [b'/', b'?', b'#']).unwrap_or(b.len());
        let authority = &rest[..authority_end];
        if authority.is_empty() || scan::find_byte(authority.as_bytes(), b'@').is_some() {
            return Err(Error::Url);
        }
        let path_end = authority_end
            + scan::find_any(&b[authority_end..], [b'?', b'#']).unwrap_or(b.len() - authority_end);
        let path = &rest[authority_end..path_end];
        let query = match rest[path_end..].strip_prefix('?') {
            Some(q) => &q[..scan::find_byte(q.as_bytes(), b'#').unwrap_or(q.len())],
            None => "",
        };
        Ok(Self {
            method,
            scheme,
            authority,
            path,
            query,
            headers,
            payload,
        })
    }

    /// The `host` value derived from the authority: the authority without the scheme's
    /// default port.
    pub fn host(&self) -> &'a str {
        // Only a default port is dropped, so only the trailing digits are looked at (a
        // search for the last `:` was a call to memrchr, 1% of an `http` signing).
        let port = self.scheme.default_port();
        let a = self.authority;
        let cut = a.len().saturating_sub(port.len() + 1);
        match a.get(cut..).and_then(|tail| tail.strip_prefix(':')) {
            Some(p) if p == port && !a[..cut].ends_with(':') => &a[..cut],
            _ => a,
        }
    }
}

fn strip_prefix_ignore_case<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_drops_only_the_scheme_default_port() {
        let mut r = Request::from_url("GET", "https://h:443/", &[], Payload::Unsigned).unwrap();
        assert_eq!(r.host(), "h");
        r.scheme = Scheme::Http;
        assert_eq!(r.host(), "h:443");
        r.authority = "[::1]:80";
        assert_eq!(r.host(), "[::1]");
        r.authority = "[::1]";
        assert_eq!(r.host(), "[::1]");
        r.scheme = Scheme::Https;
        for (authority, host) in [
            ("h:1443", "h:1443"),
            ("h:44", "h:44"),
            ("h::443", "h::443"),
            ("\u{e9}t\u{e9}:443", "\u{e9}t\u{e9}"),
            ("\u{e9}443", "\u{e9}443"),
            (":443", ""),
            ("443", "443"),
            ("", ""),
        ] {
            r.authority = authority;
            assert_eq!(r.host(), host, "{authority}");
        }
    }

    #[test]
    fn from_url_splits_target() {
        let r = Request::from_url(
            "GET",
            "http://h:9000/a%20b?x=1&y#frag",
            &[],
            Payload::Unsigned,
        )
        .unwrap();
        assert_eq!(
            (r.scheme, r.authority, r.path, r.query),
            (Scheme::Http, "h:9000", "/a%20b", "x=1&y")
        );
        let r = Request::from_url("GET", "https://h?q", &[], Payload::Unsigned).unwrap();
        assert_eq!((r.path, r.query), ("", "q"));
        assert_eq!(
            Request::from_url("GET", "ftp://h/", &[], Payload::Unsigned),
            Err(Error::Url)
        );
        assert_eq!(
            Request::from_url("GET", "https:///x", &[], Payload::Unsigned),
            Err(Error::Url)
        );
        // Each delimiter ends only the parts before it, and a fragment ends everything.
        for (url, parts) in [
            ("https://h", ("h", "", "")),
            ("https://h#f?x/y", ("h", "", "")),
            ("https://h/p#f?x", ("h", "/p", "")),
            ("https://h/p?a#b?c", ("h", "/p", "a")),
            ("https://h?a/b?c", ("h", "", "a/b?c")),
            ("https://h/a?", ("h", "/a", "")),
            ("https://h/a@b?c@d", ("h", "/a@b", "c@d")),
            (
                "https://\u{e9}/\u{e9}?\u{e9}#\u{e9}",
                ("\u{e9}", "/\u{e9}", "\u{e9}"),
            ),
        ] {
            let r = Request::from_url("GET", url, &[], Payload::Unsigned).unwrap();
            assert_eq!((r.authority, r.path, r.query), parts, "{url}");
        }
        for url in ["https://u@h/", "https://#x", "https://?x", "https://u:p@h"] {
            assert_eq!(
                Request::from_url("GET", url, &[], Payload::Unsigned),
                Err(Error::Url),
                "{url}"
            );
        }
    }

    #[test]
    fn payload_hash_from_hex() {
        let hex = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
        assert_eq!(
            Payload::from_sha256_hex(hex),
            Ok(Payload::Sha256(Payload::EMPTY_SHA256))
        );
        assert_eq!(Payload::from_sha256_hex("e3b0"), Err(Error::PayloadHash));
    }
}
