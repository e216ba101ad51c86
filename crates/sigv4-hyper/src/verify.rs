//! A tower layer for servers that verifies each incoming SigV4 request.

use crate::chunked::{ChunkCheck, ChunkedDecoder, Step};
use bytes::Bytes;
use http::{HeaderValue, Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Either, Full, Limited};
use sha2::{Digest, Sha256};
use sigv4::{Clock, SystemClock};
use sigv4_core::{
    ChunkEncoding, Error as CoreError, Payload, SigningKey, Timestamp, VerifiedPayload,
};
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A boxed error, as bodies and services pass them.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the layer finds the secret of an access key id.
pub trait SecretStore: Send + Sync + 'static {
    /// The secret access key of `access_key_id`, if it is known.
    fn secret(&self, access_key_id: &str) -> Option<String>;
}

impl SecretStore for HashMap<String, String> {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        self.get(access_key_id).cloned()
    }
}

impl<F: Fn(&str) -> Option<String> + Send + Sync + 'static> SecretStore for F {
    fn secret(&self, access_key_id: &str) -> Option<String> {
        self(access_key_id)
    }
}

/// Who signed a request, put into the request's extensions for the inner service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedIdentity {
    /// The access key id.
    pub access_key_id: String,
    /// `date/region/service/aws4_request`.
    pub scope: String,
    /// The signed header names.
    pub signed_headers: Vec<String>,
    /// The canonical request the server computed, when the layer records it
    /// ([`VerifyLayer::record_canonical_request`]).
    pub canonical_request: Option<String>,
    /// Whether the body is covered by the signature (false for `UNSIGNED-PAYLOAD`).
    pub payload_signed: bool,
}

/// Verifies incoming requests and answers rejections as AWS does: the status and the XML
/// `<Error>` body with its `Code` (`SignatureDoesNotMatch` with the server's
/// `CanonicalRequest` and `StringToSign`, `RequestTimeTooSkewed`, `InvalidAccessKeyId`,
/// `AccessDenied`, `XAmzContentSHA256Mismatch`, ...).
///
/// Bodies: when the signature covers the body by its hash, bodies up to the buffer limit
/// (default 8 MiB) are read and checked before the inner service is called. A larger body
/// whose hash is given in `x-amz-content-sha256` is passed on as a stream that is hashed as
/// it is read and ends with an error instead of its last frame if the hash differs: the
/// inner service must not commit what it read from a body that ended in an error. A larger
/// body whose hash is not given (other services sign the body's hash without sending it)
/// is refused with 413. aws-chunked bodies (the three `STREAMING-...` payloads) are
/// decoded: each chunk is buffered (up to the buffer limit) and handed on only once its
/// signature checks; the trailer's signature, a checksum named in `x-amz-trailer` (CRC32,
/// CRC32C, SHA-256) and `x-amz-decoded-content-length` are checked at the end, and the
/// trailers handed on as the body's trailers frame. A body that fails a check ends in a
/// [`ChunkedBodyError`](crate::ChunkedBodyError). The inner service sees the decoded body, with its length in
/// `content-length` and `aws-chunked` gone from `content-encoding`.
#[derive(Clone)]
pub struct VerifyLayer {
    config: Config,
}

#[derive(Clone)]
struct Config {
    region: String,
    service: String,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    max_skew_secs: u32,
    allow_unsigned_payload: bool,
    buffer_limit: usize,
    record_canonical_request: bool,
    allow_transfer_encoding: bool,
    /// SigV4 signing keys derived from secrets (four HMACs each, most of a key lookup),
    /// shared by the layer's clones.
    keys: Arc<Keys<SigningKey>>,
    /// SigV4A public keys derived from secrets (a scalar multiplication each, ~90 us),
    /// shared by the layer's clones.
    #[cfg(feature = "sigv4a")]
    v4a_keys: Arc<Keys<sigv4_core::SigV4aPublicKey>>,
}

/// Keys derived from recent signers' secrets, each under its access key id and the SHA-256
/// of the secret it came from (a rotated secret derives anew), at most [`KEYS_KEPT`], the
/// oldest dropped first.
struct Keys<K>(std::sync::Mutex<Vec<(String, [u8; 32], K)>>);

impl<K> Default for Keys<K> {
    fn default() -> Self {
        Self(std::sync::Mutex::default())
    }
}

const KEYS_KEPT: usize = 64;

impl<K: Clone> Keys<K> {
    /// The kept key of `ak` and `secret` that `fits`, or the one `derive` makes (kept).
    fn get(
        &self,
        ak: &str,
        secret: &str,
        fits: impl Fn(&K) -> bool,
        derive: impl FnOnce() -> Option<K>,
    ) -> Option<K> {
        let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
        let lock = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        let found = lock()
            .iter()
            .find(|(a, d, k)| a == ak && *d == digest && fits(k))
            .map(|(_, _, k)| k.clone());
        if found.is_some() {
            return found;
        }
        let key = derive()?;
        let mut keys = lock();
        if keys.len() >= KEYS_KEPT {
            keys.remove(0);
        }
        keys.push((ak.to_string(), digest, key.clone()));
        Some(key)
    }
}

impl VerifyLayer {
    /// Verifies requests for `service` in `region` against the secrets in `secrets`, with
    /// the defaults of [`sigv4_core::VerifyPolicy::new`].
    pub fn new(
        region: impl Into<String>,
        service: impl Into<String>,
        secrets: impl SecretStore,
    ) -> Self {
        let service = service.into();
        Self {
            config: Config {
                allow_unsigned_payload: service == "s3",
                region: region.into(),
                service,
                secrets: Arc::new(secrets),
                clock: Arc::new(SystemClock),
                max_skew_secs: sigv4_core::DEFAULT_MAX_SKEW_SECS,
                buffer_limit: 8 << 20,
                record_canonical_request: false,
                allow_transfer_encoding: false,
                keys: Arc::default(),
                #[cfg(feature = "sigv4a")]
                v4a_keys: Arc::default(),
            },
        }
    }

    /// Reads the time from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.config.clock = clock;
        self
    }

    /// Allowed distance between a request's time and the server's (default 900 s).
    #[must_use]
    pub fn max_skew_secs(mut self, secs: u32) -> Self {
        self.config.max_skew_secs = secs;
        self
    }

    /// Whether `UNSIGNED-PAYLOAD` is accepted (default: for `s3` only).
    #[must_use]
    pub fn allow_unsigned_payload(mut self, allow: bool) -> Self {
        self.config.allow_unsigned_payload = allow;
        self
    }

    /// Largest body read and checked before the inner service is called (default 8 MiB).
    #[must_use]
    pub fn buffer_limit(mut self, bytes: usize) -> Self {
        self.config.buffer_limit = bytes;
        self
    }

    /// For `s3`, whether requests framed by `Transfer-Encoding` (chunked bodies of no
    /// declared length) are accepted (default: no, answered 501 `NotImplemented` as S3
    /// does; other services accept them). A request that has both `Transfer-Encoding` and
    /// `Content-Length` is refused whatever this says.
    #[must_use]
    pub fn allow_transfer_encoding(mut self, allow: bool) -> Self {
        self.config.allow_transfer_encoding = allow;
        self
    }

    /// Puts the canonical request computed into [`VerifiedIdentity::canonical_request`].
    #[must_use]
    pub fn record_canonical_request(mut self, record: bool) -> Self {
        self.config.record_canonical_request = record;
        self
    }
}

impl fmt::Debug for VerifyLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyLayer")
            .field("region", &self.config.region)
            .field("service", &self.config.service)
            .finish_non_exhaustive()
    }
}

impl<S> tower_layer::Layer<S> for VerifyLayer {
    type Service = VerifyService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        VerifyService {
            inner,
            config: Arc::new(self.config.clone()),
        }
    }
}

/// The service [`VerifyLayer`] makes.
#[derive(Clone)]
pub struct VerifyService<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> fmt::Debug for VerifyService<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyService").finish_non_exhaustive()
    }
}

/// The response: the inner service's, or an AWS-style XML error.
pub type VerifyResponse<B> = Response<Either<Full<Bytes>, B>>;

impl<S, B, ResBody> tower_service::Service<Request<B>> for VerifyService<S>
where
    S: tower_service::Service<Request<VerifiedBody<B>>, Response = Response<ResBody>>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    B: Body<Data = Bytes> + Send + Unpin + 'static,
    B::Error: Into<BoxError>,
{
    type Response = VerifyResponse<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let config = self.config.clone();
        // The ready service is the one called; a fresh clone takes its place.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(async move {
            match admit(&config, req).await {
                Ok(req) => Ok(inner.call(req).await?.map(Either::Right)),
                Err(rejection) => Ok(rejection.into_response().map(Either::Left)),
            }
        })
    }
}

/// Verifies a request, reading its body first when the signature needs its hash.
async fn admit<B>(config: &Config, req: Request<B>) -> Result<Request<VerifiedBody<B>>, Rejection>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let (mut parts, body) = req.into_parts();
    check_framing(config, &parts)?;
    if let Some(boundary) = form_upload(config, &parts) {
        return admit_post(config, parts, body, &boundary).await;
    }
    let claimed = parts
        .headers
        .get("x-amz-content-sha256")
        .map(HeaderValue::as_bytes);
    let streaming = claimed
        .and_then(|c| std::str::from_utf8(c).ok())
        .and_then(ChunkEncoding::from_marker);
    if let Some(encoding) = streaming {
        return admit_chunked(config, parts, body, encoding);
    }
    let hash_given = claimed.is_some_and(|c| c.len() == 64);
    let presigned = parts
        .uri
        .query()
        .is_some_and(|q| q.contains("X-Amz-Signature="));
    let unsigned = claimed.is_some_and(|c| c == b"UNSIGNED-PAYLOAD")
        || (presigned && config.service == "s3" && claimed.is_none());
    let length = body.size_hint().upper();
    let buffer =
        !unsigned && (!hash_given || length.is_some_and(|n| n <= config.buffer_limit as u64));
    let buffered = if buffer {
        Ok(read_within(body, config.buffer_limit, || {
            Rejection::new(StatusCode::PAYLOAD_TOO_LARGE, "EntityTooLarge", "the body is larger than this server checks before verifying; send x-amz-content-sha256")
        })
        .await?)
    } else {
        Err(body)
    };
    let outcome = {
        let payload = match &buffered {
            Ok(bytes) => Payload::Bytes(bytes),
            Err(_) => Payload::Unsigned,
        };
        check_parts(config, &parts, payload)
    };
    let (identity, expected, _) = outcome?;
    parts.extensions.insert(identity);
    let body = match buffered {
        Ok(bytes) => VerifiedBody {
            kind: Kind::Full(Some(bytes)),
        },
        Err(body) => VerifiedBody {
            kind: Kind::Stream {
                inner: body,
                hash: expected.map(|d| (Sha256::new(), d)),
            },
        },
    };
    Ok(Request::from_parts(parts, body))
}

/// The whole body, if it is at most `limit` bytes; `too_large` answers a longer one, and
/// a body that fails to arrive is `IncompleteBody`.
async fn read_within<B>(
    body: B,
    limit: usize,
    too_large: impl FnOnce() -> Rejection,
) -> Result<Bytes, Rejection>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e)
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Err(_) => Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "IncompleteBody",
            "the body could not be read",
        )),
    }
}

/// The multipart boundary of an S3 form upload (POST, `multipart/form-data`, no request
/// signature: the form's policy authenticates it).
fn form_upload(config: &Config, parts: &http::request::Parts) -> Option<String> {
    if parts.method != http::Method::POST
        || config.service != "s3"
        || parts.headers.contains_key(http::header::AUTHORIZATION)
        || parts
            .uri
            .query()
            .is_some_and(|q| q.contains("X-Amz-Signature="))
    {
        return None;
    }
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)?
        .to_str()
        .ok()?;
    crate::post::boundary(content_type).map(str::to_string)
}

/// Reads a form upload (within the buffer limit) and checks it; the inner service gets the
/// file as the body, with [`VerifiedPost`](crate::VerifiedPost) and a
/// [`VerifiedIdentity`] in the extensions.
async fn admit_post<B>(
    config: &Config,
    mut parts: http::request::Parts,
    body: B,
    boundary: &str,
) -> Result<Request<VerifiedBody<B>>, Rejection>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    let form = read_within(body, config.buffer_limit, || {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            "EntityTooLarge",
            "Your proposed upload exceeds the maximum allowed size",
        )
    })
    .await?;
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // Path-style (`/bucket`), else virtual-hosted (`bucket.s3...`).
    let bucket = match parts.uri.path().trim_start_matches('/').split('/').next() {
        Some(segment) if !segment.is_empty() => segment.to_string(),
        _ => host.split('.').next().unwrap_or("").to_string(),
    };
    let now = config.clock.timestamp().ok_or_else(|| {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "the server's clock is out of range",
        )
    })?;
    let secret = |ak: &str| config.secrets.secret(ak).map(zeroize::Zeroizing::new);
    let ctx = crate::post::PostCheck {
        region: &config.region,
        service: &config.service,
        now,
        bucket: &bucket,
        secret: &secret,
    };
    let (post, file) = crate::post::check(&ctx, &form, boundary)?;
    parts.extensions.insert(VerifiedIdentity {
        access_key_id: post.access_key_id.clone(),
        scope: post.scope.clone(),
        signed_headers: Vec::new(),
        canonical_request: None,
        payload_signed: false,
    });
    parts.extensions.insert(post);
    parts.headers.remove(http::header::CONTENT_TYPE);
    parts
        .headers
        .insert(http::header::CONTENT_LENGTH, file.len().into());
    Ok(Request::from_parts(
        parts,
        VerifiedBody {
            kind: Kind::Full(Some(file)),
        },
    ))
}

/// Refuses what would let this layer and the service behind it (or a proxy in front) read
/// one request two ways: a body framed by both `Content-Length` and `Transfer-Encoding`
/// (RFC 9112 section 6.1: a request smuggling vector), and an absolute-form target whose
/// authority is not the `Host` header that was signed. For S3, any `Transfer-Encoding`,
/// as S3 answers it (501 `NotImplemented`) unless allowed: hyper itself drops the
/// `Content-Length` of a request that has both before this layer sees it, so this is what
/// refuses such a request behind hyper.
fn check_framing(config: &Config, parts: &http::request::Parts) -> Result<(), Rejection> {
    let headers = &parts.headers;
    let te = headers.contains_key(http::header::TRANSFER_ENCODING);
    if te && headers.contains_key(http::header::CONTENT_LENGTH) {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "the request has both Content-Length and Transfer-Encoding",
        ));
    }
    if te && config.service == "s3" && !config.allow_transfer_encoding {
        return Err(Rejection::new(
            StatusCode::NOT_IMPLEMENTED,
            "NotImplemented",
            "A header you provided implies functionality that is not implemented: Transfer-Encoding",
        ));
    }
    let host = headers.get(http::header::HOST).map(HeaderValue::as_bytes);
    let target = parts.uri.authority().map(|a| a.as_str().as_bytes());
    if let (Some(host), Some(target)) = (host, target) {
        if !host.eq_ignore_ascii_case(target) {
            return Err(Rejection::new(
                StatusCode::BAD_REQUEST,
                "InvalidRequest",
                "the request target's authority is not its Host header",
            ));
        }
    }
    Ok(())
}

/// Verifies an aws-chunked request's headers, then hands on its body decoded, each chunk
/// checked before it is passed on. The inner service sees the decoded body: its length in
/// `content-length`, `aws-chunked` gone from `content-encoding`.
fn admit_chunked<B>(
    config: &Config,
    mut parts: http::request::Parts,
    body: B,
    encoding: ChunkEncoding,
) -> Result<Request<VerifiedBody<B>>, Rejection> {
    let (identity, _, verified) = check_parts(config, &parts, Payload::Unsigned)?;
    // The chain is checked with the key of the request's algorithm (the core accepts each
    // algorithm's own streaming markers only).
    let signer = match key_lookup(config)(verified.access_key_id(), verified.scope()) {
        Some(sigv4_core::VerifyingKey::SigV4(key)) => {
            ChunkCheck::V4(verified.chunk_signer(key).map_err(Rejection::from_core)?)
        }
        #[cfg(feature = "sigv4a")]
        Some(sigv4_core::VerifyingKey::SigV4a(key)) => ChunkCheck::V4a(
            verified
                .chunk_verifier_v4a(key)
                .map_err(Rejection::from_core)?,
        ),
        _ => return Err(Rejection::from_core(CoreError::UnknownAccessKey)),
    };
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let declared = match header("x-amz-decoded-content-length") {
        Some(v) => Some(v.trim().parse::<u64>().map_err(|_| {
            Rejection::new(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "x-amz-decoded-content-length is not a number",
            )
        })?),
        None => None,
    };
    if encoding.has_trailer() && header("x-amz-trailer").is_none() {
        return Err(Rejection::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequest",
            "a streaming payload with a trailer needs x-amz-trailer",
        ));
    }
    let decoder = ChunkedDecoder::new(
        signer,
        encoding,
        declared,
        header("x-amz-trailer"),
        config.buffer_limit,
    );
    let codings: Vec<&str> = header("content-encoding")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "aws-chunked")
        .collect();
    let codings = codings.join(",");
    if codings.is_empty() {
        parts.headers.remove(http::header::CONTENT_ENCODING);
    } else if let Ok(v) = HeaderValue::from_str(&codings) {
        parts.headers.insert(http::header::CONTENT_ENCODING, v);
    }
    match declared {
        Some(n) => {
            parts
                .headers
                .insert(http::header::CONTENT_LENGTH, HeaderValue::from(n));
        }
        None => {
            parts.headers.remove(http::header::CONTENT_LENGTH);
        }
    }
    parts.extensions.insert(identity);
    Ok(Request::from_parts(
        parts,
        VerifiedBody {
            kind: Kind::Chunked {
                inner: body,
                decoder: Box::new(decoder),
                ended: false,
            },
        },
    ))
}

/// Verifies the request of `parts` whose body is `payload`.
fn check_parts(
    config: &Config,
    parts: &http::request::Parts,
    payload: Payload<'_>,
) -> Result<Checked, Rejection> {
    let headers = sigv4::http::views(&parts.headers);
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let authority = host
        .or(parts.uri.authority().map(http::uri::Authority::as_str))
        .unwrap_or("");
    let view = sigv4_core::Request {
        method: parts.method.as_str(),
        scheme: sigv4_core::Scheme::Https,
        authority,
        path: parts.uri.path(),
        query: parts.uri.query().unwrap_or(""),
        headers: &headers,
        payload,
    };
    check(config, &view)
}

type Checked = (VerifiedIdentity, Option<[u8; 32]>, sigv4_core::Verified);

fn check(config: &Config, view: &sigv4_core::Request<'_>) -> Result<Checked, Rejection> {
    let now = config.clock.timestamp().ok_or_else(|| {
        Rejection::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "the server clock is out of range",
        )
    })?;
    let mut policy = sigv4_core::VerifyPolicy::new(&config.region, &config.service, now);
    policy.max_skew_secs = config.max_skew_secs;
    policy.allow_unsigned_payload = config.allow_unsigned_payload;
    let (mut creq, mut sts) = (String::new(), String::new());
    let explain = config.record_canonical_request;
    let result = if explain {
        sigv4_core::verify_any_explained(view, &policy, key_lookup(config), &mut creq, &mut sts)
    } else {
        sigv4_core::verify_any(view, &policy, key_lookup(config))
    };
    let verified = match result {
        Ok(v) => v,
        Err(CoreError::SignatureMismatch) => {
            if !explain {
                // Render what was computed for the client, as S3 does.
                let lookup = key_lookup(config);
                let _ =
                    sigv4_core::verify_any_explained(view, &policy, lookup, &mut creq, &mut sts);
            }
            tracing::debug!(canonical_request = %creq, string_to_sign = %sts, "sigv4: signature mismatch");
            return Err(Rejection::mismatch(creq, sts));
        }
        Err(e) => {
            let presigned = !view
                .headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("authorization"));
            return Err(Rejection::from_core(e).in_query(presigned));
        }
    };
    let signed_headers = signed_header_names(view);
    let (payload_signed, expected) = match verified.payload() {
        VerifiedPayload::Checked => (true, None),
        VerifiedPayload::Expected(d) => (true, Some(d)),
        // Signed chunks: each is checked as the body is read.
        VerifiedPayload::Streaming => (true, None),
        VerifiedPayload::Unsigned => (false, None),
        // A kind of payload this layer does not know how to check: never let it through.
        _ => {
            return Err(Rejection::new(
                StatusCode::NOT_IMPLEMENTED,
                "NotImplemented",
                "the request's payload is of a kind this server does not check",
            ))
        }
    };
    let identity = VerifiedIdentity {
        access_key_id: verified.access_key_id().to_string(),
        scope: verified.scope().to_string(),
        signed_headers,
        canonical_request: explain.then_some(creq),
        payload_signed,
    };
    Ok((identity, expected, verified))
}

/// The key of an access key id for the scope a request claims, from its secret: the SigV4
/// signing key of the scope, or (for a SigV4A scope, which has no region) the public key
/// of the SigV4A key derived from the secret.
fn key_lookup(
    config: &Config,
) -> impl FnOnce(&str, &sigv4_core::Scope) -> Option<sigv4_core::VerifyingKey> + '_ {
    |ak, scope| {
        let secret = zeroize::Zeroizing::new(config.secrets.secret(ak)?);
        if scope.is_without_region() {
            #[cfg(feature = "sigv4a")]
            return config
                .v4a_keys
                .get(
                    ak,
                    &secret,
                    |_| true,
                    || {
                        Some(
                            sigv4_core::SigV4aKey::derive(ak, &secret)
                                .ok()?
                                .public_key(),
                        )
                    },
                )
                .map(Into::into);
            #[cfg(not(feature = "sigv4a"))]
            return None;
        }
        let derive = || {
            let date = Timestamp::parse_amz_date(&format!("{}T000000Z", scope.date())).ok()?;
            SigningKey::derive(&secret, date, scope.region(), scope.service()).ok()
        };
        let key = config
            .keys
            .get(ak, &secret, |k: &SigningKey| k.scope() == scope, derive)?;
        Some(key.into())
    }
}

/// The signed header names of a request that verified. In a header, the `SignedHeaders=`
/// part of its `Authorization` value, which verification has checked (parsing the whole
/// value again cost a tenth of the layer's own time); in a presigned query, decoded.
fn signed_header_names(view: &sigv4_core::Request<'_>) -> Vec<String> {
    let auth = view
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("authorization"));
    let names = |list: &str| list.split(';').map(String::from).collect();
    match auth {
        Some(h) => std::str::from_utf8(h.value)
            .ok()
            .and_then(|value| value.split_once(' '))
            .and_then(|(_, params)| {
                params
                    .split(',')
                    .find_map(|p| p.trim_ascii().strip_prefix("SignedHeaders="))
            })
            .map(names),
        None => sigv4_core::Authorization::from_query(view.query)
            .ok()
            .map(|a| names(a.signed_headers())),
    }
    .unwrap_or_default()
}

/// A rejection, answered as AWS answers it.
#[derive(Debug)]
pub(crate) struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
    canonical_request: Option<String>,
    string_to_sign: Option<String>,
}

impl Rejection {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: &str) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            canonical_request: None,
            string_to_sign: None,
        }
    }

    fn mismatch(canonical_request: String, string_to_sign: String) -> Self {
        Self {
            canonical_request: Some(canonical_request),
            string_to_sign: Some(string_to_sign),
            ..Self::new(
                StatusCode::FORBIDDEN,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            )
        }
    }

    pub(crate) fn from_core(e: CoreError) -> Self {
        let (status, code) = match e {
            CoreError::UnknownAccessKey => (StatusCode::FORBIDDEN, "InvalidAccessKeyId"),
            CoreError::RequestTimeTooSkewed => (StatusCode::FORBIDDEN, "RequestTimeTooSkewed"),
            CoreError::PayloadHashMismatch => {
                (StatusCode::BAD_REQUEST, "XAmzContentSHA256Mismatch")
            }
            CoreError::MalformedAuthorization
            | CoreError::ScopeMismatch
            | CoreError::SignedHeadersList
            | CoreError::SignatureFormat
            | CoreError::RegionSet
            | CoreError::UnsupportedAlgorithm => {
                (StatusCode::BAD_REQUEST, "AuthorizationHeaderMalformed")
            }
            CoreError::Expires | CoreError::DuplicateAuthParameter => {
                (StatusCode::BAD_REQUEST, "AuthorizationQueryParametersError")
            }
            // S3: "Only one auth mechanism allowed".
            CoreError::DuplicateAuthorization
            | CoreError::MixedAuthentication
            | CoreError::DuplicateHeader { .. } => (StatusCode::BAD_REQUEST, "InvalidArgument"),
            CoreError::PayloadHash => (StatusCode::BAD_REQUEST, "InvalidArgument"),
            CoreError::MissingAuthentication
            | CoreError::MissingDate
            | CoreError::RequestExpired
            | CoreError::UnsignedHeader
            | CoreError::MissingSignedHeader
            | CoreError::UnsignedPayload => (StatusCode::FORBIDDEN, "AccessDenied"),
            _ => (StatusCode::BAD_REQUEST, "InvalidRequest"),
        };
        Self::new(status, code, &e.to_string())
    }

    /// For a presigned request, S3 names a malformed authentication
    /// `AuthorizationQueryParametersError` rather than `AuthorizationHeaderMalformed`.
    fn in_query(mut self, presigned: bool) -> Self {
        if presigned && self.code == "AuthorizationHeaderMalformed" {
            self.code = "AuthorizationQueryParametersError";
        }
        self
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>");
        element(&mut xml, "Code", self.code);
        element(&mut xml, "Message", &self.message);
        if let Some(c) = &self.canonical_request {
            element(&mut xml, "CanonicalRequest", c);
        }
        if let Some(s) = &self.string_to_sign {
            element(&mut xml, "StringToSign", s);
        }
        xml.push_str("</Error>");
        let mut response = Response::new(Full::new(Bytes::from(xml)));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml"),
        );
        response
    }
}

fn element(xml: &mut String, name: &str, text: &str) {
    xml.push('<');
    xml.push_str(name);
    xml.push('>');
    for c in text.chars() {
        match c {
            '&' => xml.push_str("&amp;"),
            '<' => xml.push_str("&lt;"),
            '>' => xml.push_str("&gt;"),
            '"' => xml.push_str("&quot;"),
            '\'' => xml.push_str("&apos;"),
            c => xml.push(c),
        }
    }
    xml.push_str("</");
    xml.push_str(name);
    xml.push('>');
}

/// The body the inner service reads: checked already, or hashed as it streams and ending
/// in [`BodyHashMismatch`] instead of its last frame when the hash differs.
#[derive(Debug)]
pub struct VerifiedBody<B> {
    kind: Kind<B>,
}

enum Kind<B> {
    Full(Option<Bytes>),
    Stream {
        inner: B,
        hash: Option<(Sha256, [u8; 32])>,
    },
    Chunked {
        inner: B,
        decoder: Box<ChunkedDecoder>,
        ended: bool,
    },
}

impl<B> fmt::Debug for Kind<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Full(_) => f.write_str("Full"),
            Kind::Stream { .. } => f.write_str("Stream"),
            Kind::Chunked { .. } => f.write_str("Chunked"),
        }
    }
}

/// The streamed body did not hash to its `x-amz-content-sha256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyHashMismatch;

impl fmt::Display for BodyHashMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("body does not hash to its x-amz-content-sha256")
    }
}

impl std::error::Error for BodyHashMismatch {}

impl<B> Body for VerifiedBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Stream { inner, hash } => match Pin::new(inner).poll_frame(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    if let (Some(data), Some((h, _))) = (frame.data_ref(), hash.as_mut()) {
                        h.update(data);
                    }
                    Poll::Ready(Some(Ok(frame)))
                }
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
                Poll::Ready(None) => {
                    let mismatch = hash
                        .take()
                        .is_some_and(|(h, want)| h.finalize().as_slice() != want);
                    if mismatch {
                        Poll::Ready(Some(Err(Box::new(BodyHashMismatch))))
                    } else {
                        Poll::Ready(None)
                    }
                }
            },
            Kind::Chunked {
                inner,
                decoder,
                ended,
            } => loop {
                match decoder.step(*ended) {
                    Err(e) => return Poll::Ready(Some(Err(Box::new(e)))),
                    Ok(Step::Data(data)) => return Poll::Ready(Some(Ok(Frame::data(data)))),
                    Ok(Step::Trailers(map)) => return Poll::Ready(Some(Ok(Frame::trailers(map)))),
                    Ok(Step::Done) => return Poll::Ready(None),
                    Ok(Step::NeedMore) => match Pin::new(&mut *inner).poll_frame(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Some(Ok(frame))) => {
                            if let Some(data) = frame.data_ref() {
                                decoder.feed(data);
                            }
                        }
                        Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e.into()))),
                        Poll::Ready(None) => *ended = true,
                    },
                }
            },
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(Some(b)) => SizeHint::with_exact(b.len() as u64),
            Kind::Full(None) => SizeHint::with_exact(0),
            Kind::Stream { inner, .. } => inner.size_hint(),
            Kind::Chunked { .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::signed_header_names;
    use sigv4_core::{Header, Payload, Request};

    fn names(headers: &[Header<'_>], query: &str) -> Vec<String> {
        let req = Request {
            query,
            ..Request::from_url("GET", "https://h/", headers, Payload::Unsigned).unwrap()
        };
        signed_header_names(&req)
    }

    #[test]
    fn signed_header_names_come_from_the_list_in_any_order_and_from_a_query() {
        for value in [
            "AWS4-HMAC-SHA256 Credential=AK/20240101/r/s/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
            "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date,Credential=AK/20240101/r/s/aws4_request,Signature=00",
            "AWS4-HMAC-SHA256 Signature=00,  Credential=AK/20240101/r/s/aws4_request ,SignedHeaders=host;x-amz-date ",
        ] {
            let headers = [Header::new("Authorization", value)];
            assert_eq!(names(&headers, ""), ["host", "x-amz-date"], "{value}");
        }
        let query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20240101%2Fr%2Fs%2Faws4_request\
            &X-Amz-Date=20240101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Brange&X-Amz-Signature=\
            0000000000000000000000000000000000000000000000000000000000000000";
        assert_eq!(names(&[], query), ["host", "range"]);
        assert!(names(&[], "").is_empty());
    }
}
