#![doc = include_str!("../README.md")]
// docs.rs (nightly, --cfg docsrs): each item gated by a feature says so.
#![cfg_attr(docsrs, feature(doc_cfg))]

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
    let presigned = signer.presign_url(method, url.as_str(), headers, expires_in)?;
    Url::parse(&presigned).map_err(|e| Error::Http(e.to_string()))
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
///
/// A request the server refuses for its time (`RequestTimeTooSkewed` and the like, with a
/// `Date` a minute or more from the signer's clock) teaches the signer the server's offset
/// and is signed again and retried once, when its body is in memory; later requests are
/// signed on the server's time from the start. [`sigv4::SignerBuilder::clock_skew_correction`]
/// turns this off. A refused response whose body was read to find its reason is handed on
/// with the same status, headers and body (but no `url()`).
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
        // Kept unsigned, to sign again on the server's time if it refuses this one for
        // its time (only a body in memory can be sent twice).
        let again = if self.signer.corrects_clock_skew() {
            req.try_clone()
        } else {
            None
        };
        sign_request(&self.signer, &mut req)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        let resp = next.clone().run(req, extensions).await?;
        let Some(mut again) = again else {
            return Ok(resp);
        };
        let date = resp.headers().get(http::header::DATE).cloned();
        let date = date.as_ref().and_then(|d| d.to_str().ok());
        if !self
            .signer
            .clock_skew_suspected(resp.status().as_u16(), date)
        {
            return Ok(resp);
        }
        // An error body, read to see why the server refused; handed on as it came if the
        // reason was not the time.
        let (status, version, headers) = (resp.status(), resp.version(), resp.headers().clone());
        let body = resp.bytes().await?;
        if !self.signer.learn_clock_skew(status.as_u16(), date, &body) {
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers;
            return Ok(reqwest::Response::from(rebuilt));
        }
        sign_request(&self.signer, &mut again)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        next.run(again, extensions).await
    }
}

/// Converts a provider's request for reqwest.
fn provider_request(
    client: &reqwest::Client,
    req: sigv4::client::HttpRequest,
) -> reqwest::RequestBuilder {
    let method = Method::from_bytes(req.method.as_bytes()).unwrap_or(Method::GET);
    let mut builder = client
        .request(method, req.url.as_str())
        .timeout(req.timeout);
    for (n, v) in &req.headers {
        builder = builder.header(n.as_str(), v.as_str());
    }
    builder.body(req.body)
}

fn provider_error(e: &reqwest::Error) -> sigv4::client::HttpError {
    use sigv4::client::HttpError;
    if e.is_timeout() {
        HttpError::Timeout
    } else if e.is_connect() {
        HttpError::Connect(e.to_string())
    } else {
        HttpError::Other(e.to_string())
    }
}

/// The credential providers' HTTP client ([`sigv4::client::HttpClient`]) on a reqwest
/// client, so the whole default chain (web identity, container, instance metadata, assume
/// role, SSO) runs on reqwest, from async code:
///
/// ```no_run
/// use std::sync::Arc;
/// let client = Arc::new(sigv4_reqwest::ReqwestClient::new(reqwest::Client::new()));
/// let signer = sigv4::Signer::from_env("s3").http_client(client).build();
/// # let _ = signer;
/// ```
///
/// reqwest's client is async: its blocking [`send`](sigv4::client::HttpClient::send)
/// answers [`HttpError::Unsupported`](sigv4::client::HttpError::Unsupported) (sign with
/// the async functions, or use [`ReqwestBlockingClient`] with the `blocking` feature).
#[derive(Debug, Clone)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

impl ReqwestClient {
    /// Sends through `client`.
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
    }
}

impl sigv4::client::HttpClient for ReqwestClient {
    fn send(
        &self,
        _req: sigv4::client::HttpRequest,
    ) -> Result<sigv4::client::HttpResponse, sigv4::client::HttpError> {
        Err(sigv4::client::HttpError::Unsupported(
            "reqwest::Client is async: sign with the async functions, or use ReqwestBlockingClient"
                .into(),
        ))
    }

    fn send_async(&self, req: sigv4::client::HttpRequest) -> sigv4::client::HttpFuture<'_> {
        let request = provider_request(&self.client, req);
        Box::pin(async move {
            let response = request.send().await.map_err(|e| provider_error(&e))?;
            let status = response.status().as_u16();
            let headers = sigv4::client::header_pairs(response.headers());
            let body = response.bytes().await.map_err(|e| provider_error(&e))?;
            Ok(sigv4::client::HttpResponse {
                status,
                headers,
                body: body.to_vec(),
            })
        })
    }
}

/// [`ReqwestClient`] for `reqwest::blocking` (feature `blocking`).
#[cfg(feature = "blocking")]
#[derive(Debug, Clone)]
pub struct ReqwestBlockingClient {
    client: reqwest::blocking::Client,
}

#[cfg(feature = "blocking")]
impl ReqwestBlockingClient {
    /// Sends through `client`.
    pub fn new(client: reqwest::blocking::Client) -> Self {
        Self { client }
    }
}

#[cfg(feature = "blocking")]
impl sigv4::client::HttpClient for ReqwestBlockingClient {
    fn send(
        &self,
        req: sigv4::client::HttpRequest,
    ) -> Result<sigv4::client::HttpResponse, sigv4::client::HttpError> {
        let method = Method::from_bytes(req.method.as_bytes()).unwrap_or(Method::GET);
        let mut builder = self
            .client
            .request(method, req.url.as_str())
            .timeout(req.timeout);
        for (n, v) in &req.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        let response = builder
            .body(req.body)
            .send()
            .map_err(|e| provider_error(&e))?;
        let status = response.status().as_u16();
        let headers = sigv4::client::header_pairs(response.headers());
        let body = response.bytes().map_err(|e| provider_error(&e))?;
        Ok(sigv4::client::HttpResponse {
            status,
            headers,
            body: body.to_vec(),
        })
    }
}
