//! The one HTTP door of the credential providers that need the network (web identity,
//! container, instance metadata, assume role, SSO): a request in; status, headers and body
//! out. `sigv4` has no HTTP client and no TLS library of its own: each adapter crate
//! implements [`HttpClient`] with the client it already wraps (`sigv4_reqwest`,
//! `sigv4_hyper`, `sigv4_ureq`), so the whole default chain runs on the caller's client.
//!
//! ```
//! use sigv4::client::{HttpClient, HttpError, HttpRequest, HttpResponse};
//!
//! /// A client that answers every request itself (a test double, or a bridge to any other
//! /// HTTP library).
//! #[derive(Debug)]
//! struct Canned;
//!
//! impl HttpClient for Canned {
//!     fn send(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
//!         Ok(HttpResponse::new(200, format!("{} {}", req.method, req.url)))
//!     }
//! }
//!
//! let answer = Canned.send(HttpRequest::get("http://127.0.0.1/x"))?;
//! assert_eq!(answer.body_text(), "GET http://127.0.0.1/x");
//! # Ok::<(), HttpError>(())
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How long a provider's request may take unless it says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// One request a provider makes.
#[derive(Clone)]
pub struct HttpRequest {
    /// `GET`, `PUT` or `POST`.
    pub method: &'static str,
    /// The whole URL, `http://` or `https://`.
    pub url: String,
    /// Headers to send.
    pub headers: Vec<(String, String)>,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// The longest the request may take, connecting included.
    pub timeout: Duration,
}

impl HttpRequest {
    /// A `GET` of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A request with no headers and no body, and the default timeout.
    pub fn new(method: &'static str, url: impl Into<String>) -> Self {
        Self {
            method,
            url: url.into(),
            headers: Vec::new(),
            body: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// Sets the timeout.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values and bodies carry tokens: names and sizes only.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redact_query(&self.url))
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// `url` without its query (which may carry a token).
pub(crate) fn redact_query(url: &str) -> &str {
    url.split_once('?').map_or(url, |(head, _)| head)
}

/// The answer to an [`HttpRequest`].
#[derive(Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers received (names lower case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// An answer with no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body holds credentials when the request succeeded.
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpError {
    /// No connection could be made (refused, unreachable, name not found).
    Connect(String),
    /// The request took longer than its timeout.
    Timeout,
    /// The client cannot make this request (a blocking call on an async-only client, a
    /// scheme it does not speak).
    Unsupported(String),
    /// Anything else the client reported.
    Other(String),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect(e) => write!(f, "cannot connect: {e}"),
            Self::Timeout => f.write_str("timed out"),
            Self::Unsupported(e) => write!(f, "not supported by this HTTP client: {e}"),
            Self::Other(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for HttpError {}

/// The future [`HttpClient::send_async`] returns.
pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'a>>;

/// An HTTP client the providers send their requests through.
///
/// Blocking clients implement [`send`](Self::send) (and async callers then block for the
/// length of a short metadata or STS call); async clients implement
/// [`send_async`](Self::send_async) natively, and `send` where they can block.
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `req`, blocking.
    ///
    /// # Errors
    /// [`HttpError`] when no answer came; an answer of any status is `Ok`.
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, HttpError>;

    /// Sends `req` without blocking an async runtime.
    fn send_async(&self, req: HttpRequest) -> HttpFuture<'_> {
        Box::pin(std::future::ready(self.send(req)))
    }
}

impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        (**self).send(req)
    }
    fn send_async(&self, req: HttpRequest) -> HttpFuture<'_> {
        (**self).send_async(req)
    }
}

/// How a provider's flow sends its requests: each flow is written once, as an `async fn`
/// over a `Transport`; blocking callers run it with [`block_on`] on a transport whose
/// sends block (so the flow never waits on anything else), async callers await it.
#[derive(Clone, Copy)]
pub(crate) struct Transport<'c> {
    client: &'c dyn HttpClient,
    blocking: bool,
}

impl<'c> Transport<'c> {
    pub(crate) fn blocking(client: &'c dyn HttpClient) -> Self {
        Self {
            client,
            blocking: true,
        }
    }

    pub(crate) fn nonblocking(client: &'c dyn HttpClient) -> Self {
        Self {
            client,
            blocking: false,
        }
    }

    pub(crate) fn is_blocking(&self) -> bool {
        self.blocking
    }

    pub(crate) async fn send(&self, req: HttpRequest) -> Result<HttpResponse, HttpError> {
        if self.blocking {
            self.client.send(req)
        } else {
            self.client.send_async(req).await
        }
    }
}

/// Runs `fut` to completion on this thread, parking between polls.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl std::task::Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = std::task::Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = std::task::Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let std::task::Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
        std::thread::park();
    }
}

/// Implements `ProvideCredentials` for a provider with a `client` field and an
/// `async fn fetch(&self, Transport)`: blocking callers run the flow on a blocking
/// transport, async callers await it.
macro_rules! flow_provider {
    ($ty:ty) => {
        impl $crate::provider::ProvideCredentials for $ty {
            fn provide(&self) -> Result<$crate::Credentials, $crate::CredentialsError> {
                $crate::client::block_on(
                    self.fetch($crate::client::Transport::blocking(&*self.client)),
                )
            }

            fn provide_async(&self) -> $crate::provider::ProvideFuture<'_> {
                Box::pin(self.fetch($crate::client::Transport::nonblocking(&*self.client)))
            }
        }
    };
}
pub(crate) use flow_provider;

/// The headers of an `http` response, as [`HttpResponse::headers`] holds them (values that
/// are not visible ASCII left out).
#[cfg(feature = "http")]
pub fn header_pairs(map: &http::HeaderMap) -> Vec<(String, String)> {
    map.iter()
        .filter_map(|(n, v)| Some((n.as_str().to_string(), v.to_str().ok()?.to_string())))
        .collect()
}
