//! A tower layer for clients that signs each outgoing request.

use crate::verify::BoxError;
use bytes::{Bytes, BytesMut};
use http::Request;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Full};
use sigv4::chunked::{AwsChunked, ChunkEncoder};
use sigv4::Signer;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Signs every request before it reaches the inner service (a hyper-util client, or any
/// tower stack). Bodies of a known size up to the buffer limit (default 16 MiB) are read,
/// hashed and sent as read; larger or unsized bodies are streamed as they are, as
/// `UNSIGNED-PAYLOAD` to S3 and refused for services that sign payloads; with
/// [`SignLayer::aws_chunked`], larger S3 bodies of a known size are sent aws-chunked, every
/// chunk signed. A hash the caller puts in `x-amz-content-sha256` is used as is, and the
/// body is not read.
#[derive(Clone)]
pub struct SignLayer {
    signer: Signer,
    buffer_limit: u64,
    aws_chunked: Option<AwsChunked>,
}

impl SignLayer {
    /// Signs with `signer`.
    pub fn new(signer: Signer) -> Self {
        Self {
            signer,
            buffer_limit: 16 << 20,
            aws_chunked: None,
        }
    }

    /// Sends S3 bodies over the buffer limit whose size is known aws-chunked, as `options`
    /// says, instead of as `UNSIGNED-PAYLOAD`.
    #[must_use]
    pub fn aws_chunked(mut self, options: AwsChunked) -> Self {
        self.aws_chunked = Some(options);
        self
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

/// The body the inner service sends: the one read and hashed, the original stream, or the
/// stream aws-chunked.
#[derive(Debug)]
pub enum SignedBody<B> {
    /// Read and hashed.
    Full(Full<Bytes>),
    /// Sent as it is.
    Stream(B),
    /// Encoded aws-chunked as it is sent.
    Chunked(Box<AwsChunkedBody<B>>),
}

impl<B> Body for SignedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            Self::Full(b) => Pin::new(b).poll_frame(cx).map_err(|e| match e {}),
            Self::Stream(b) => Pin::new(b).poll_frame(cx).map_err(Into::into),
            Self::Chunked(b) => Pin::new(&mut **b).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Self::Full(b) => b.is_end_stream(),
            Self::Stream(b) => b.is_end_stream(),
            Self::Chunked(b) => b.finished,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(b) => b.size_hint(),
            Self::Stream(b) => b.size_hint(),
            Self::Chunked(b) => SizeHint::with_exact(b.encoded_len),
        }
    }
}

/// A body sent aws-chunked: the inner body's bytes gathered into chunks, each signed and
/// framed as it goes; memory is one chunk. A body that is not the length it was signed for
/// ends in an error ([`sigv4::Error::BodyLength`]) rather than a complete upload.
#[derive(Debug)]
pub struct AwsChunkedBody<B> {
    inner: B,
    encoder: ChunkEncoder,
    pending: BytesMut,
    encoded_len: u64,
    ended: bool,
    finished: bool,
}

impl<B> AwsChunkedBody<B> {
    /// Encodes `inner` with `encoder` (from [`Signer::sign_http_chunked_async`]);
    /// `encoded_len` is the `content-length` it set.
    pub fn new(inner: B, encoder: ChunkEncoder, encoded_len: u64) -> Self {
        Self {
            inner,
            encoder,
            pending: BytesMut::new(),
            encoded_len,
            ended: false,
            finished: false,
        }
    }
}

impl<B> Body for AwsChunkedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            if this.finished {
                return Poll::Ready(None);
            }
            let need = this.encoder.next_chunk_len();
            let mut out = Vec::new();
            if need > 0 && this.pending.len() >= need {
                let chunk = this.pending.split_to(need);
                if let Err(e) = this.encoder.encode_chunk(&chunk, &mut out) {
                    return Poll::Ready(Some(Err(Box::new(e))));
                }
                return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
            }
            if this.ended {
                if need == 0 && this.pending.is_empty() {
                    this.finished = true;
                    if let Err(e) = this.encoder.finish(&mut out) {
                        return Poll::Ready(Some(Err(Box::new(e))));
                    }
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from(out)))));
                }
                this.finished = true;
                let error = sigv4::Error::BodyLength {
                    declared_remaining: this.encoder.remaining(),
                    given: this.pending.len() as u64,
                };
                return Poll::Ready(Some(Err(Box::new(error))));
            }
            match Pin::new(&mut this.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    if let Some(data) = frame.data_ref() {
                        this.pending.extend_from_slice(data);
                    }
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(None) => this.ended = true,
            }
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.encoded_len)
    }
}

impl<S, B, R> tower_service::Service<Request<B>> for SignService<S>
where
    S: tower_service::Service<Request<SignedBody<B>>, Response = http::Response<R>>
        + Clone
        + Send
        + 'static,
    R: Send,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + Unpin + 'static,
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
            // A body in memory can be sent again, signed on the server's time, if the
            // server refuses this request for its time: its unsigned head and body are kept
            // (only then, and only while the signer corrects clock skew).
            let mut replay: Option<(http::request::Parts, Bytes)> = None;
            let hash_given = parts.headers.contains_key("x-amz-content-sha256");
            let exact = body.size_hint().exact();
            let small = exact.is_some_and(|n| n <= layer.buffer_limit);
            let chunked = layer
                .aws_chunked
                .filter(|_| !hash_given && layer.signer.service() == "s3");
            let body = match (chunked, exact) {
                _ if !hash_given && small => {
                    let bytes = body.collect().await.map_err(Into::into)?.to_bytes();
                    if layer.signer.corrects_clock_skew() {
                        replay = Some((parts.clone(), bytes.clone()));
                    }
                    let kind = sigv4::http::Body::Bytes(&bytes);
                    layer
                        .signer
                        .sign_http_async(&parts.method, &parts.uri, &mut parts.headers, kind)
                        .await?;
                    SignedBody::Full(Full::new(bytes))
                }
                (Some(options), Some(len)) => {
                    let encoder = layer
                        .signer
                        .sign_http_chunked_async(
                            &parts.method,
                            &parts.uri,
                            &mut parts.headers,
                            len,
                            &options,
                        )
                        .await?;
                    let encoded_len = encoder.options().encoded_length(len);
                    SignedBody::Chunked(Box::new(AwsChunkedBody::new(body, encoder, encoded_len)))
                }
                _ => {
                    let kind = sigv4::http::Body::Stream;
                    layer
                        .signer
                        .sign_http_async(&parts.method, &parts.uri, &mut parts.headers, kind)
                        .await?;
                    SignedBody::Stream(body)
                }
            };
            let resp = inner
                .call(Request::from_parts(parts, body))
                .await
                .map_err(Into::into)?;
            let Some((mut parts, bytes)) = replay else {
                return Ok(resp);
            };
            let refused_for_its_time = {
                let date = resp.headers().get(http::header::DATE);
                let date = date.and_then(|d| d.to_str().ok());
                layer
                    .signer
                    .learn_clock_skew_from_head(resp.status().as_u16(), date)
            };
            if !refused_for_its_time {
                return Ok(resp);
            }
            // The refusal is not handed on: the retry's answer is.
            drop(resp);
            let kind = sigv4::http::Body::Bytes(&bytes);
            layer
                .signer
                .sign_http_async(&parts.method, &parts.uri, &mut parts.headers, kind)
                .await?;
            let mut inner = layer_inner_ready(inner).await?;
            inner
                .call(Request::from_parts(
                    parts,
                    SignedBody::Full(Full::new(bytes)),
                ))
                .await
                .map_err(Into::into)
        })
    }
}

/// `service` once it is ready for another call.
async fn layer_inner_ready<S, Req>(mut service: S) -> Result<S, BoxError>
where
    S: tower_service::Service<Req>,
    S::Error: Into<BoxError>,
{
    std::future::poll_fn(|cx| service.poll_ready(cx))
        .await
        .map_err(Into::into)?;
    Ok(service)
}
