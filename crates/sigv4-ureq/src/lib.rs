#![doc = include_str!("../README.md")]
// docs.rs (nightly, --cfg docsrs): each item gated by a feature says so.
#![cfg_attr(docsrs, feature(doc_cfg))]

use http::Request;
pub use sigv4::{Credentials, Error, Signer};
use std::io::{Cursor, Read};
use std::time::Duration;
use ureq::middleware::{Middleware, MiddlewareNext};
use ureq::{Body, SendBody};

/// Signs a request whose body is in memory, in place (then send it with
/// `ureq::Agent::run`).
///
/// # Errors
/// As [`Signer::sign`].
pub fn sign_request<B: AsRef<[u8]>>(signer: &Signer, req: &mut Request<B>) -> Result<(), Error> {
    let (method, uri) = (req.method().clone(), req.uri().clone());
    let mut headers = std::mem::take(req.headers_mut());
    let body = sigv4::http::Body::Bytes(req.body().as_ref());
    let result = signer.sign_http(&method, &uri, &mut headers, body);
    *req.headers_mut() = headers;
    result
}

/// A presigned URL for `method` on `uri`, valid for `expires_in`; `headers` are signed and
/// must be sent with it.
///
/// # Errors
/// As [`Signer::presign`].
pub fn presign(
    signer: &Signer,
    method: &http::Method,
    uri: &http::Uri,
    headers: &http::HeaderMap,
    expires_in: Duration,
) -> Result<http::Uri, Error> {
    signer.presign_http(method, uri, headers, expires_in)
}

/// An agent middleware that signs every request.
///
/// Bodies: up to the buffer limit (1 MiB for S3, 16 MiB otherwise) the body is read,
/// hashed and sent from memory. Beyond it, to S3, a body with a `content-length` header is
/// streamed as `UNSIGNED-PAYLOAD`, never held whole; one without is read whole and sent
/// with its length (ureq would otherwise send it chunked, which S3 refuses, and the
/// middleware cannot see the size ureq knows). Beyond it, to other services, the body is
/// refused: they sign payloads. A hash the caller puts in `x-amz-content-sha256` is used
/// as is, and the body is not read.
#[derive(Debug, Clone)]
pub struct SigV4Middleware {
    signer: Signer,
    buffer_limit: Option<usize>,
}

impl SigV4Middleware {
    /// Signs with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self {
            signer,
            buffer_limit: None,
        }
    }

    /// Largest body read and hashed.
    #[must_use]
    pub fn buffer_limit(mut self, bytes: usize) -> Self {
        self.buffer_limit = Some(bytes);
        self
    }
}

fn error(e: Error) -> ureq::Error {
    ureq::Error::Io(std::io::Error::other(e))
}

impl SigV4Middleware {
    /// Signs with the body read into memory, and sends it from there with its length.
    fn send_read(
        &self,
        mut parts: http::request::Parts,
        body: Vec<u8>,
        next: MiddlewareNext,
    ) -> Result<http::Response<Body>, ureq::Error> {
        let kind = sigv4::http::Body::Bytes(&body);
        self.signer
            .sign_http(&parts.method, &parts.uri, &mut parts.headers, kind)
            .map_err(error)?;
        let carries_body = matches!(
            parts.method,
            http::Method::PUT | http::Method::POST | http::Method::PATCH
        );
        if body.is_empty() && !carries_body {
            return next.handle(Request::from_parts(parts, SendBody::none()));
        }
        // The length is known: send it (S3 wants it, even 0).
        parts
            .headers
            .insert(http::header::CONTENT_LENGTH, body.len().into());
        let mut cursor = Cursor::new(body);
        next.handle(Request::from_parts(
            parts,
            SendBody::from_reader(&mut cursor),
        ))
    }
}

impl Middleware for SigV4Middleware {
    fn handle(
        &self,
        request: Request<SendBody>,
        next: MiddlewareNext,
    ) -> Result<http::Response<Body>, ureq::Error> {
        let resp = self.sign_and_send(request, next)?;
        self.learn_clock_skew(resp)
    }
}

impl SigV4Middleware {
    /// A response that refuses the request for its time (its `Date` a minute or more from
    /// the signer's clock, and a body that says so) teaches the signer the server's offset,
    /// so the next request is signed on the server's time. ureq runs the middleware chain
    /// once per call, so this one is not retried here. The response is handed on with the
    /// same status, headers and body.
    fn learn_clock_skew(
        &self,
        resp: http::Response<Body>,
    ) -> Result<http::Response<Body>, ureq::Error> {
        let status = resp.status().as_u16();
        let date = resp.headers().get(http::header::DATE).cloned();
        let date = date.as_ref().and_then(|d| d.to_str().ok());
        if !self.signer.clock_skew_suspected(status, date) {
            return Ok(resp);
        }
        let (parts, body) = resp.into_parts();
        let mime = body.mime_type().map(str::to_string);
        let mut text = Vec::new();
        // Read whole (within ureq's own body limit), as it is handed on.
        body.into_reader()
            .read_to_end(&mut text)
            .map_err(ureq::Error::Io)?;
        let learnt = self.signer.learn_clock_skew(status, date, &text);
        let body = match mime {
            Some(m) => Body::builder().mime_type(m).data(text),
            None => Body::builder().data(text),
        };
        let mut resp = http::Response::from_parts(parts, body);
        if learnt {
            resp.extensions_mut().insert(ClockSkewCorrected);
        }
        Ok(resp)
    }

    fn sign_and_send(
        &self,
        request: Request<SendBody>,
        next: MiddlewareNext,
    ) -> Result<http::Response<Body>, ureq::Error> {
        let (mut parts, body) = request.into_parts();
        let stream = sigv4::http::Body::Stream;
        if parts.headers.contains_key("x-amz-content-sha256") {
            self.signer
                .sign_http(&parts.method, &parts.uri, &mut parts.headers, stream)
                .map_err(error)?;
            return next.handle(Request::from_parts(parts, body));
        }
        let s3 = self.signer.service() == "s3";
        let limit = self
            .buffer_limit
            .unwrap_or(if s3 { 1 << 20 } else { 16 << 20 });
        let mut reader = body.into_reader();
        let mut head = Vec::new();
        (&mut reader)
            .take(limit as u64 + 1)
            .read_to_end(&mut head)
            .map_err(ureq::Error::Io)?;
        let sized = parts.headers.contains_key(http::header::CONTENT_LENGTH);
        if head.len() > limit && s3 && !sized {
            // ureq would send an unsized body chunked, which S3 refuses: read it all and
            // send it with its length (set content-length to stream it instead).
            reader.read_to_end(&mut head).map_err(ureq::Error::Io)?;
        }
        if head.len() <= limit || (s3 && !sized) {
            return self.send_read(parts, head, next);
        }
        self.signer
            .sign_http(&parts.method, &parts.uri, &mut parts.headers, stream)
            .map_err(error)?;
        let mut rest = Cursor::new(head).chain(reader);
        next.handle(Request::from_parts(parts, SendBody::from_reader(&mut rest)))
    }
}

/// Put in a response's extensions by [`SigV4Middleware`] when the server refused the
/// request for its time and the signer learnt the server's clock: sending the same request
/// again is signed on the server's time ([`run`] does that once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockSkewCorrected;

/// Runs `request` on `agent` (whose middleware includes a [`SigV4Middleware`]) and, when the
/// server refused it for its time, runs it once more, signed on the server's time. ureq runs
/// its middleware chain once per call, so the retry cannot happen inside the middleware;
/// without this the middleware still learns the offset, and the next call succeeds.
///
/// # Errors
/// As [`ureq::Agent::run`].
pub fn run<B: AsRef<[u8]>>(
    agent: &ureq::Agent,
    request: &Request<B>,
) -> Result<http::Response<Body>, ureq::Error> {
    let send = || {
        let mut builder = Request::builder()
            .method(request.method().clone())
            .uri(request.uri().clone())
            .version(request.version());
        for (n, v) in request.headers() {
            builder = builder.header(n, v);
        }
        let req = builder
            .body(request.body().as_ref())
            .map_err(|e| ureq::Error::Io(std::io::Error::other(e)))?;
        agent.run(req)
    };
    let resp = send()?;
    if resp.extensions().get::<ClockSkewCorrected>().is_some() {
        return send();
    }
    Ok(resp)
}

/// The credential providers' HTTP client ([`sigv4::client::HttpClient`]) on a ureq agent,
/// so the whole default chain (web identity, container, instance metadata, assume role,
/// SSO) runs on ureq:
///
/// ```no_run
/// use std::sync::Arc;
/// let client = Arc::new(sigv4_ureq::UreqClient::new(ureq::Agent::new_with_defaults()));
/// let signer = sigv4::Signer::from_env("s3").http_client(client).build();
/// # let _ = signer;
/// ```
///
/// Give it an agent without [`SigV4Middleware`]: the providers' requests are signed (or
/// not) by the providers themselves.
#[derive(Debug, Clone)]
pub struct UreqClient {
    agent: ureq::Agent,
}

impl UreqClient {
    /// Sends through `agent`.
    pub fn new(agent: ureq::Agent) -> Self {
        Self { agent }
    }
}

impl sigv4::client::HttpClient for UreqClient {
    fn send(
        &self,
        req: sigv4::client::HttpRequest,
    ) -> Result<sigv4::client::HttpResponse, sigv4::client::HttpError> {
        use sigv4::client::HttpError;
        let mut builder = Request::builder().method(req.method).uri(req.url.as_str());
        for (n, v) in &req.headers {
            builder = builder.header(n.as_str(), v.as_str());
        }
        let request = builder
            .body(req.body)
            .map_err(|e| HttpError::Other(format!("invalid request: {e}")))?;
        let request = self
            .agent
            .configure_request(request)
            .http_status_as_error(false)
            .timeout_global(Some(req.timeout))
            .build();
        let mut response = self.agent.run(request).map_err(|e| match e {
            ureq::Error::Timeout(_) => HttpError::Timeout,
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
                HttpError::Connect(e.to_string())
            }
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
                HttpError::Connect(io.to_string())
            }
            other => HttpError::Other(other.to_string()),
        })?;
        let status = response.status().as_u16();
        let headers = sigv4::client::header_pairs(response.headers());
        let body = response
            .body_mut()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(|e| HttpError::Other(format!("reading the answer: {e}")))?;
        Ok(sigv4::client::HttpResponse {
            status,
            headers,
            body,
        })
    }
}
