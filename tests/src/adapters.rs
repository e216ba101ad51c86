//! One way to send a request through each adapter, so the interop tests run the same
//! scenario through reqwest, hyper and ureq.

use bytes::Bytes;
use http::{HeaderMap, Method};
use http_body_util::{BodyExt, Full};
use sigv4::Signer;
use std::io::Read;
use tower::{Layer, ServiceExt};

/// The adapters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adapter {
    /// sigv4-reqwest's middleware.
    Reqwest,
    /// sigv4-hyper's SignLayer over a hyper-util client.
    Hyper,
    /// sigv4-ureq's agent middleware.
    Ureq,
}

/// Every adapter.
pub const ALL: [Adapter; 3] = [Adapter::Reqwest, Adapter::Hyper, Adapter::Ureq];

/// A body to send.
#[derive(Clone, Debug)]
pub enum Body {
    /// In memory.
    Bytes(Vec<u8>),
    /// Streamed in chunks of unknown number (the length goes in `content-length`).
    Stream {
        /// Chunk size.
        chunk: usize,
        /// Chunk count.
        count: usize,
    },
}

impl Body {
    /// Nothing.
    pub fn empty() -> Self {
        Body::Bytes(Vec::new())
    }
}

impl From<&str> for Body {
    fn from(s: &str) -> Self {
        Body::Bytes(s.as_bytes().to_vec())
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// Status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl Reply {
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn chunks(chunk: usize, count: usize) -> impl Iterator<Item = Bytes> + Send + 'static {
    let c = Bytes::from(vec![b's'; chunk]);
    (0..count).map(move |_| c.clone())
}

struct Stream(Box<dyn Iterator<Item = Bytes> + Send>);

impl http_body::Body for Stream {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.next().map(|c| Ok(http_body::Frame::data(c))))
    }
}

struct Reader(Box<dyn Iterator<Item = Bytes> + Send>, Bytes);

impl Read for Reader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.1.is_empty() {
            match self.0.next() {
                Some(c) => self.1 = c,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.1.len());
        buf[..n].copy_from_slice(&self.1[..n]);
        self.1 = self.1.slice(n..);
        Ok(n)
    }
}

/// Sends `method url` with `headers` and `body`, signed by `signer` through `adapter`.
///
/// # Panics
/// On a transport error (the tests expect an answer), or a signing error: use
/// [`try_send`] to see those.
pub async fn send(
    adapter: Adapter,
    signer: &Signer,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Reply {
    try_send(adapter, signer, method, url, headers, body)
        .await
        .unwrap_or_else(|e| panic!("{adapter:?} {url}: {e}"))
}

/// [`send`], returning transport and signing errors as text.
///
/// # Errors
/// The adapter's error, as text.
pub async fn try_send(
    adapter: Adapter,
    signer: &Signer,
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Result<Reply, String> {
    let mut headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    if let Body::Stream { chunk, count } = body {
        headers.push(("content-length".into(), (chunk * count).to_string()));
    }
    match adapter {
        Adapter::Reqwest => {
            let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                .with(sigv4_reqwest::SigV4Middleware::new(signer.clone()))
                .build();
            let mut req = client.request(method, url);
            for (n, v) in &headers {
                req = req.header(n, v);
            }
            req = match body {
                Body::Bytes(b) => req.body(b),
                Body::Stream { chunk, count } => req.body(reqwest::Body::wrap_stream(
                    futures_util::stream::iter(chunks(chunk, count).map(Ok::<_, std::io::Error>)),
                )),
            };
            let r = req.send().await.map_err(|e| format!("{e:#}"))?;
            let (status, headers) = (r.status().as_u16(), r.headers().clone());
            Ok(Reply {
                status,
                headers,
                body: r.bytes().await.map_err(|e| e.to_string())?,
            })
        }
        Adapter::Hyper => {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http();
            let svc = sigv4_hyper::SignLayer::new(signer.clone()).layer(client);
            let mut req = http::Request::builder().method(method).uri(url);
            for (n, v) in &headers {
                req = req.header(n, v);
            }
            let body: http_body_util::Either<Full<Bytes>, Stream> = match body {
                Body::Bytes(b) => http_body_util::Either::Left(Full::new(Bytes::from(b))),
                Body::Stream { chunk, count } => {
                    http_body_util::Either::Right(Stream(Box::new(chunks(chunk, count))))
                }
            };
            let r = svc
                .oneshot(req.body(body).map_err(|e| e.to_string())?)
                .await
                .map_err(|e| e.to_string())?;
            let (status, headers) = (r.status().as_u16(), r.headers().clone());
            let body = r
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok(Reply {
                status,
                headers,
                body,
            })
        }
        Adapter::Ureq => {
            let signer = signer.clone();
            let url = url.to_string();
            tokio::task::spawn_blocking(move || {
                let config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .middleware(sigv4_ureq::SigV4Middleware::new(signer))
                    .build();
                let mut req = http::Request::builder().method(method).uri(&url);
                for (n, v) in &headers {
                    req = req.header(n, v);
                }
                let body = match body {
                    Body::Bytes(b) => ureq::SendBody::from_owned_reader(std::io::Cursor::new(b)),
                    Body::Stream { chunk, count } => ureq::SendBody::from_owned_reader(Reader(
                        Box::new(chunks(chunk, count)),
                        Bytes::new(),
                    )),
                };
                let req = req.body(body).map_err(|e| e.to_string())?;
                let agent = ureq::Agent::new_with_config(config);
                let mut r = agent.run(req).map_err(|e| e.to_string())?;
                let (status, headers) = (r.status().as_u16(), r.headers().clone());
                let mut body = Vec::new();
                r.body_mut()
                    .as_reader()
                    .read_to_end(&mut body)
                    .map_err(|e| e.to_string())?;
                Ok(Reply {
                    status,
                    headers,
                    body: Bytes::from(body),
                })
            })
            .await
            .map_err(|e| e.to_string())?
        }
    }
}

/// A presigned URL for `method url` through `adapter`'s own presign function.
///
/// # Panics
/// On a signing error.
pub fn presign(
    adapter: Adapter,
    signer: &Signer,
    method: &Method,
    url: &str,
    expires: std::time::Duration,
) -> String {
    match adapter {
        Adapter::Reqwest => {
            let url = reqwest::Url::parse(url).unwrap();
            sigv4_reqwest::presign(signer, method, &url, &HeaderMap::new(), expires)
                .unwrap()
                .to_string()
        }
        Adapter::Ureq => {
            let uri: http::Uri = url.parse().unwrap();
            sigv4_ureq::presign(signer, method, &uri, &HeaderMap::new(), expires)
                .unwrap()
                .to_string()
        }
        Adapter::Hyper => {
            let uri: http::Uri = url.parse().unwrap();
            signer
                .presign_http(method, &uri, &HeaderMap::new(), expires)
                .unwrap()
                .to_string()
        }
    }
}
