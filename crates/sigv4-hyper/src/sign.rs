//! A tower layer for clients that signs each outgoing request.

use crate::verify::BoxError;
use bytes::Bytes;
use http::Request;
use http_body::Body;
use http_body_util::{BodyExt, Either, Full};
use sigv4::Signer;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Signs every request before it reaches the inner service (a hyper-util client, or any
/// tower stack). Bodies of a known size up to the buffer limit (default 16 MiB) are read,
/// hashed and sent as read; larger or unsized bodies are streamed as they are, as
/// `UNSIGNED-PAYLOAD` to S3 and refused for services that sign payloads. A hash the caller
/// puts in `x-amz-content-sha256` is used as is, and the body is not read.
#[derive(Clone)]
pub struct SignLayer {
    signer: Signer,
    buffer_limit: u64,
}

impl SignLayer {
    /// Signs with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self {
            signer,
            buffer_limit: 16 << 20,
        }
    }

    /// Largest body read and hashed (default 16 MiB).
    #[must_use]
    pub fn buffer_limit(mut self, bytes: u64) -> Self {
        self.buffer_limit = bytes;
        self
    }
}

impl fmt::Debug for SignLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignLayer")
            .field("signer", &self.signer)
            .finish_non_exhaustive()
    }
}

impl<S> tower_layer::Layer<S> for SignLayer {
    type Service = SignService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        SignService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`SignLayer`] makes.
#[derive(Clone, Debug)]
pub struct SignService<S> {
    inner: S,
    layer: SignLayer,
}

/// The body the inner service sends: the one read and hashed, or the original stream.
pub type SignedBody<B> = Either<Full<Bytes>, B>;

impl<S, B> tower_service::Service<Request<B>> for SignService<S>
where
    S: tower_service::Service<Request<SignedBody<B>>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let layer = self.layer.clone();
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            let (mut parts, body) = req.into_parts();
            let hash_given = parts.headers.contains_key("x-amz-content-sha256");
            let small = body
                .size_hint()
                .exact()
                .is_some_and(|n| n <= layer.buffer_limit);
            let body = if !hash_given && small {
                let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
                let kind = sigv4::http::Body::Bytes(&bytes);
                layer
                    .signer
                    .sign_http_async(&parts.method, &parts.uri, &mut parts.headers, kind)
                    .await?;
                Either::Left(Full::new(bytes))
            } else {
                let kind = sigv4::http::Body::Stream;
                layer
                    .signer
                    .sign_http_async(&parts.method, &parts.uri, &mut parts.headers, kind)
                    .await?;
                Either::Right(body)
            };
            inner
                .call(Request::from_parts(parts, body))
                .await
                .map_err(Into::into)
        })
    }
}
