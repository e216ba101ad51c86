#![doc = include_str!("../README.md")]

use http::{HeaderMap, Method};
use reqwest::{Request, Url};
use sigv4::http::Body;
pub use sigv4::{Credentials, Error, Signer};
use std::time::Duration;

/// Signs `req` in place: the signature headers are set on it. A body in memory is hashed; a
/// streamed body is `UNSIGNED-PAYLOAD` for S3 and an error elsewhere; a hash the caller
/// put in `x-amz-content-sha256` is used as is.
///
/// # Errors
/// As [`Signer::sign`]; [`Error::UnbufferedBody`] for a streamed body to a service that
/// signs payloads.
pub async fn sign_request(signer: &Signer, req: &mut Request) -> Result<(), Error> {
    let uri = uri(req.url())?;
    let method = req.method().clone();
    let mut headers = std::mem::take(req.headers_mut());
    let body = body_of(req.body().map(reqwest::Body::as_bytes));
    let result = signer
        .sign_http_async(&method, &uri, &mut headers, body)
        .await;
    *req.headers_mut() = headers;
    result
}

/// [`sign_request`] for `reqwest::blocking`.
///
/// # Errors
/// As [`sign_request`].
#[cfg(feature = "blocking")]
pub fn sign_blocking_request(
    signer: &Signer,
    req: &mut reqwest::blocking::Request,
) -> Result<(), Error> {
    let uri = uri(req.url())?;
    let method = req.method().clone();
    let mut headers = std::mem::take(req.headers_mut());
    let body = body_of(req.body().map(reqwest::blocking::Body::as_bytes));
    let result = signer.sign_http(&method, &uri, &mut headers, body);
    *req.headers_mut() = headers;
    result
}

/// A presigned URL for `method` on `url`, valid for `expires_in`; `headers` are signed and
/// must be sent with it.
///
/// # Errors
/// As [`Signer::presign`].
pub fn presign(
    signer: &Signer,
    method: &Method,
    url: &Url,
    headers: &HeaderMap,
    expires_in: Duration,
) -> Result<Url, Error> {
    let uri = signer.presign_http(method, &uri(url)?, headers, expires_in)?;
    Url::parse(&uri.to_string()).map_err(|e| Error::Http(e.to_string()))
}

fn uri(url: &Url) -> Result<http::Uri, Error> {
    url.as_str()
        .parse()
        .map_err(|e: http::uri::InvalidUri| Error::Http(e.to_string()))
}

fn body_of(bytes: Option<Option<&[u8]>>) -> Body<'_> {
    match bytes {
        None => Body::Bytes(b""),
        Some(Some(b)) => Body::Bytes(b),
        Some(None) => Body::Stream,
    }
}

/// A `reqwest-middleware` middleware that signs every request with a [`Signer`].
#[derive(Debug, Clone)]
pub struct SigV4Middleware {
    signer: Signer,
}

impl SigV4Middleware {
    /// Signs with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self { signer }
    }
}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for SigV4Middleware {
    async fn handle(
        &self,
        mut req: Request,
        extensions: &mut http::Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        sign_request(&self.signer, &mut req)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(req, extensions).await
    }
}
