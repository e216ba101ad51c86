//! The credential providers' HTTP client on a tower service (a hyper-util client).

use bytes::Bytes;
use http_body::Body;
use http_body_util::{BodyExt, Full, Limited};
use sigv4::client::{HttpClient, HttpError, HttpFuture, HttpRequest, HttpResponse};
use std::fmt;

/// The credential providers' HTTP client ([`sigv4::client::HttpClient`]) on any tower
/// service that sends `http` requests, such as a hyper-util client (with the TLS connector
/// the application already uses), so the whole default chain (web identity, container,
/// instance metadata, assume role, SSO) runs on it:
///
/// ```no_run
/// use std::sync::Arc;
/// use hyper_util::client::legacy::Client;
/// use hyper_util::rt::TokioExecutor;
///
/// let http = Client::builder(TokioExecutor::new()).build_http();
/// let client = Arc::new(sigv4_hyper::HyperClient::new(http));
/// let signer = sigv4::Signer::from_env("s3").http_client(client).build();
/// # let _ = signer;
/// ```
///
/// It is async only: its blocking `send` answers [`HttpError::Unsupported`]. Each request
/// is bounded by its timeout on the tokio timer.
#[derive(Clone)]
pub struct HyperClient<S> {
    service: S,
}

impl<S> HyperClient<S> {
    /// Sends through `service`.
    pub fn new(service: S) -> Self {
        Self { service }
    }
}

impl<S> fmt::Debug for HyperClient<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient").finish_non_exhaustive()
    }
}

impl<S, B> HttpClient for HyperClient<S>
where
    S: tower_service::Service<http::Request<Full<Bytes>>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send,
    S::Error: fmt::Display,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    fn send(&self, _req: HttpRequest) -> Result<HttpResponse, HttpError> {
        Err(HttpError::Unsupported(
            "the hyper client is async: sign with the async functions".into(),
        ))
    }

    fn send_async(&self, req: HttpRequest) -> HttpFuture<'_> {
        let mut service = self.service.clone();
        Box::pin(async move {
            let timeout = req.timeout;
            let mut builder = http::Request::builder()
                .method(req.method)
                .uri(req.url.as_str());
            for (n, v) in &req.headers {
                builder = builder.header(n.as_str(), v.as_str());
            }
            let request = builder
                .body(Full::new(Bytes::from(req.body)))
                .map_err(|e| HttpError::Other(format!("invalid request: {e}")))?;
            let exchange = async move {
                std::future::poll_fn(|cx| service.poll_ready(cx))
                    .await
                    .map_err(|e| HttpError::Connect(e.to_string()))?;
                let response = service
                    .call(request)
                    .await
                    .map_err(|e| HttpError::Connect(e.to_string()))?;
                let (parts, body) = response.into_parts();
                let body = Limited::new(body, 1 << 20)
                    .collect()
                    .await
                    .map_err(|e| HttpError::Other(format!("reading the answer: {e}")))?
                    .to_bytes();
                let headers = sigv4::client::header_pairs(&parts.headers);
                Ok(HttpResponse {
                    status: parts.status.as_u16(),
                    headers,
                    body: body.to_vec(),
                })
            };
            tokio::time::timeout(timeout, exchange)
                .await
                .map_err(|_| HttpError::Timeout)?
        })
    }
}
