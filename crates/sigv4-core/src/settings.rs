//! The choices a signature depends on besides the request: service or S3 rules, where the
//! session token goes, the payload header, headers never signed.

/// How the path becomes the canonical URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathMode {
    /// Every service but S3: remove `.` and `..` segments, collapse repeated slashes, then
    /// URI-encode the path as sent (so an encoded path is encoded twice: `%20` signs as
    /// `%2520`), leaving only unreserved characters and `/` bare.
    Service,
    /// As [`PathMode::Service`] but without removing dot segments or collapsing slashes
    /// (the AWS suite's `normalize: false`).
    ServiceUnnormalized,
    /// S3: the path as sent, encoded once and never normalised: `%XX` escapes are decoded
    /// and every byte outside the unreserved set and `/` encoded again, as S3 servers do
    /// (the path itself for what clients send; `%7e` signs as `~`, a raw `!` as `%21`; an
    /// encoded slash `%2F` stays encoded).
    S3,
}

/// Where the session token goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// `x-amz-security-token` (or `X-Amz-Security-Token`) is part of what is signed: what
    /// most services expect.
    Signed,
    /// The token is added after signing and not covered by the signature, as some services
    /// (IoT presigned WebSocket URLs among them) require.
    AppendedAfterSigning,
}

/// The headers never signed unless the caller says otherwise: hop-by-hop headers, and ones
/// proxies and SDKs rewrite on the way.
pub const DEFAULT_UNSIGNED_HEADERS: [&str; 12] = [
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "expect",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// [`DEFAULT_UNSIGNED_HEADERS`] by length first: this runs for every header signed.
fn is_default_unsigned(name: &str) -> bool {
    let candidates: &[&str] = match name.len() {
        2 => &["te"],
        6 => &["expect"],
        7 => &["trailer", "upgrade"],
        10 => &["user-agent", "connection", "keep-alive"],
        13 => &["authorization"],
        15 => &["x-amzn-trace-id"],
        17 => &["transfer-encoding"],
        18 => &["proxy-authenticate"],
        19 => &["proxy-authorization"],
        _ => return false,
    };
    candidates
        .iter()
        .any(|n| crate::canonical::headers::same_name(name.as_bytes(), n.as_bytes()))
}

/// Signing settings. [`Settings::service`] and [`Settings::s3`] are the two starting points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings<'a> {
    /// Path rules.
    pub path_mode: PathMode,
    /// Session token placement.
    pub session_token: SessionTokenMode,
    /// Add (and sign) `x-amz-content-sha256` with the payload hash when signing in headers.
    pub content_sha256_header: bool,
    /// Header names (any case) never signed, besides [`DEFAULT_UNSIGNED_HEADERS`].
    pub unsigned_headers: &'a [&'a str],
}

impl Settings<'_> {
    /// Rules for every service but S3.
    pub const fn service() -> Self {
        Self {
            path_mode: PathMode::Service,
            session_token: SessionTokenMode::Signed,
            content_sha256_header: false,
            unsigned_headers: &[],
        }
    }

    /// S3 rules: the path as sent, and `x-amz-content-sha256` added.
    pub const fn s3() -> Self {
        Self {
            path_mode: PathMode::S3,
            session_token: SessionTokenMode::Signed,
            content_sha256_header: true,
            unsigned_headers: &[],
        }
    }

    /// Whether a header name (any case) is left out of the signature.
    pub fn is_unsigned(&self, name: &str) -> bool {
        is_default_unsigned(name)
            || self
                .unsigned_headers
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name))
    }
}

impl Default for Settings<'_> {
    fn default() -> Self {
        Self::service()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_length_switch_covers_every_default() {
        for name in super::DEFAULT_UNSIGNED_HEADERS {
            assert!(super::is_default_unsigned(name), "{name}");
            assert!(
                super::is_default_unsigned(&name.to_ascii_uppercase()),
                "{name}"
            );
        }
        assert!(!super::is_default_unsigned("host"));
        assert!(!super::is_default_unsigned("x-amz-date"));
    }
}
