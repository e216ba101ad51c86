//! The `sigv4._sigv4` extension: Python's view of `sigv4` and `sigv4-core`. A thin adapter:
//! every AWS rule is the Rust crates'; this file converts types, releases the GIL while
//! bodies are hashed, and turns errors into Python exceptions (never a panic).

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyString};
use sha2::Digest;
use std::sync::Arc;
use std::time::Duration;

create_exception!(
    _sigv4,
    SigningError,
    PyValueError,
    "The request cannot be signed as given."
);
create_exception!(
    _sigv4,
    CredentialsError,
    PyException,
    "No usable credentials were found."
);
create_exception!(
    _sigv4,
    VerificationError,
    PyException,
    "A request's signature does not verify."
);

/// Bodies at least this long are hashed with the GIL released.
const DETACH_AT: usize = 64 * 1024;

fn signing_error(e: sigv4::Error) -> PyErr {
    match e {
        sigv4::Error::Credentials(c) => CredentialsError::new_err(c.to_string()),
        other => SigningError::new_err(other.to_string()),
    }
}

/// An access key id, its secret and an optional session token. The secret is never shown.
#[pyclass(module = "sigv4", frozen)]
#[derive(Clone)]
struct Credentials {
    inner: sigv4::Credentials,
}

#[pymethods]
impl Credentials {
    #[new]
    #[pyo3(signature = (access_key_id, secret_access_key, session_token=None))]
    fn new(
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
    ) -> PyResult<Self> {
        if access_key_id.is_empty() || secret_access_key.is_empty() {
            return Err(PyValueError::new_err(
                "access_key_id and secret_access_key must not be empty",
            ));
        }
        let mut inner = sigv4::Credentials::new(access_key_id, secret_access_key);
        if let Some(t) = session_token.filter(|t| !t.is_empty()) {
            inner = inner.with_session_token(t);
        }
        Ok(Self { inner })
    }

    #[getter]
    fn access_key_id(&self) -> &str {
        self.inner.access_key_id()
    }

    #[getter]
    fn secret_access_key(&self) -> &str {
        self.inner.secret_access_key()
    }

    #[getter]
    fn session_token(&self) -> Option<&str> {
        self.inner.session_token()
    }

    fn __repr__(&self) -> String {
        format!(
            "Credentials(access_key_id={:?}, secret_access_key=<redacted>, session_token={})",
            self.inner.access_key_id(),
            if self.inner.session_token().is_some() {
                "<redacted>"
            } else {
                "None"
            }
        )
    }
}

/// The HTTP client of the native credential providers (STS, container, instance
/// metadata, SSO).
fn http_client() -> Arc<dyn sigv4::client::HttpClient> {
    Arc::new(sigv4_ureq::UreqClient::new(ureq::Agent::new_with_defaults()))
}

/// A signer for one service and region.
#[pyclass(module = "sigv4", frozen)]
struct Signer {
    inner: sigv4::Signer,
}

/// Request headers as (name, value) pairs, from a dict, a mapping (`items()`) or pairs.
fn header_pairs(headers: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(headers) = headers else {
        return Ok(Vec::new());
    };
    let bad = || PyTypeError::new_err("headers must be a mapping or pairs of str names and values");
    let mut out = Vec::new();
    if let Ok(d) = headers.cast::<PyDict>() {
        for (k, v) in d.iter() {
            out.push((
                k.extract().map_err(|_| bad())?,
                v.extract().map_err(|_| bad())?,
            ));
        }
        return check_pairs(out);
    }
    let items = if headers.hasattr("items")? {
        headers.call_method0("items")?
    } else {
        headers.clone()
    };
    for item in items.try_iter()? {
        out.push(item?.extract().map_err(|_| bad())?);
    }
    check_pairs(out)
}

/// Names that are HTTP tokens, values without control characters: each error names the
/// header.
fn check_pairs(pairs: Vec<(String, String)>) -> PyResult<Vec<(String, String)>> {
    let tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    for (name, value) in &pairs {
        if name.is_empty() || !name.bytes().all(tchar) {
            return Err(PyValueError::new_err(format!(
                "header name {name:?} is not an HTTP token"
            )));
        }
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(PyValueError::new_err(format!(
                "header {name:?} has a value with a control character"
            )));
        }
    }
    Ok(pairs)
}

/// Request headers given as a mapping or as (name, value) pairs.
fn header_map(headers: Option<&Bound<'_, PyAny>>) -> PyResult<http::HeaderMap> {
    let mut map = http::HeaderMap::new();
    for (name, value) in header_pairs(headers)? {
        // header_pairs checked both: these conversions cannot fail, but say so if they do.
        let n = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            PyValueError::new_err(format!("header name {name:?} is not an HTTP token"))
        })?;
        let v = http::HeaderValue::from_str(&value).map_err(|_| {
            PyValueError::new_err(format!(
                "header {name:?} has a value with a control character"
            ))
        })?;
        map.append(n, v);
    }
    Ok(map)
}

/// The body's bytes: `bytes`, `bytearray` (copied), `str` (UTF-8) or `None`.
fn body_bytes(body: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<u8>> {
    match body {
        None => Ok(Vec::new()),
        Some(b) if b.is_none() => Ok(Vec::new()),
        Some(b) => {
            if let Ok(bytes) = b.cast::<PyBytes>() {
                Ok(bytes.as_bytes().to_vec())
            } else if let Ok(array) = b.cast::<PyByteArray>() {
                Ok(array.to_vec())
            } else if let Ok(s) = b.cast::<PyString>() {
                Ok(s.to_cow()?.as_bytes().to_vec())
            } else {
                Err(PyTypeError::new_err(
                    "body must be bytes, bytearray, str or None (hash other bodies with Sha256 and pass content_sha256)",
                ))
            }
        }
    }
}

fn parse_path_mode(mode: &str) -> PyResult<sigv4_core::PathMode> {
    match mode {
        "s3" => Ok(sigv4_core::PathMode::S3),
        "service" => Ok(sigv4_core::PathMode::Service),
        "service-unnormalized" => Ok(sigv4_core::PathMode::ServiceUnnormalized),
        other => Err(PyValueError::new_err(format!(
            "path_mode {other:?} is not \"s3\", \"service\" or \"service-unnormalized\""
        ))),
    }
}

fn uri(url: &str) -> PyResult<http::Uri> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e| PyValueError::new_err(format!("url {url:?}: {e}")))?;
    if uri.authority().is_none() {
        return Err(PyValueError::new_err(format!("url {url:?} has no host")));
    }
    Ok(uri)
}

fn method(m: &str) -> PyResult<http::Method> {
    http::Method::from_bytes(m.as_bytes())
        .map_err(|_| PyValueError::new_err(format!("method {m:?} is not an HTTP token")))
}

#[pymethods]
impl Signer {
    /// `region=None` finds it as the AWS SDKs do; `credentials=None` uses their default
    /// chain (environment, profiles with roles and SSO, web identity, container, EC2).
    ///
    /// `path_mode`: `"s3"` (the default for `s3`), `"service"` (others: dot segments
    /// removed, encoded twice) or `"service-unnormalized"`; `session_token_after`: append
    /// the token after signing, as some services want; `content_sha256_header`: add and
    /// sign `x-amz-content-sha256` (the default for `s3`); `region_set`: sign with SigV4A
    /// (`AWS4-ECDSA-P256-SHA256`) for these regions (`"us-east-1,eu-west-1"`, `"us-*"`,
    /// `"*"`), as S3 Multi-Region Access Points require.
    #[new]
    #[pyo3(signature = (service, region=None, credentials=None, *, path_mode=None, session_token_after=false, content_sha256_header=None, region_set=None))]
    #[allow(clippy::too_many_arguments, reason = "a Python keyword API")]
    fn new(
        service: &str,
        region: Option<&str>,
        credentials: Option<Bound<'_, Credentials>>,
        path_mode: Option<&str>,
        session_token_after: bool,
        content_sha256_header: Option<bool>,
        region_set: Option<&str>,
    ) -> PyResult<Self> {
        if service.is_empty() {
            return Err(PyValueError::new_err("service must not be empty"));
        }
        let client = http_client();
        let region = match region {
            Some(r) if !r.is_empty() => r.to_string(),
            _ => sigv4::region::default_region(&sigv4::Env::process(), Some(client.clone()))
                .ok_or_else(|| {
                    PyValueError::new_err(
                        "no region: pass region=, or set AWS_REGION or a profile region",
                    )
                })?,
        };
        let mut builder = sigv4::Signer::builder(service, region).http_client(client);
        if let Some(c) = credentials {
            builder = builder.credentials(c.get().inner.clone());
        }
        if let Some(mode) = path_mode {
            builder = builder.path_mode(parse_path_mode(mode)?);
        }
        if session_token_after {
            builder =
                builder.session_token_mode(sigv4_core::SessionTokenMode::AppendedAfterSigning);
        }
        if let Some(add) = content_sha256_header {
            builder = builder.content_sha256_header(add);
        }
        if let Some(set) = region_set {
            builder = builder.sigv4a(set);
        }
        Ok(Self {
            inner: builder.build(),
        })
    }

    /// A signer holding a signing key derived elsewhere (32 bytes, for `date_stamp`
    /// `YYYYMMDD`, `region` and `service`), without the secret: it signs as asked, with the
    /// key's scope, within the key's seven days.
    #[staticmethod]
    #[pyo3(signature = (key, date_stamp, region, service, access_key_id, session_token=None, *, path_mode=None))]
    fn from_key(
        key: &[u8],
        date_stamp: &str,
        region: &str,
        service: &str,
        access_key_id: &str,
        session_token: Option<&str>,
        path_mode: Option<&str>,
    ) -> PyResult<Self> {
        let bytes: [u8; 32] = key.try_into().map_err(|_| {
            PyValueError::new_err(format!("a signing key is 32 bytes, not {}", key.len()))
        })?;
        let day = sigv4_core::Timestamp::parse_amz_date(&format!("{date_stamp}T000000Z"))
            .map_err(|_| PyValueError::new_err(format!("date {date_stamp:?} is not YYYYMMDD")))?;
        let scope = sigv4_core::Scope::new(day, region, service)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let signing_key = sigv4_core::SigningKey::from_bytes(bytes, scope);
        let mut builder = sigv4::Signer::builder(service, region)
            .signing_key(
                signing_key,
                access_key_id,
                session_token.map(str::to_string),
            )
            .date_mode(sigv4::DateMode::Passive)
            .content_sha256_header(false);
        if let Some(mode) = path_mode {
            builder = builder.path_mode(parse_path_mode(mode)?);
        }
        Ok(Self {
            inner: builder.build(),
        })
    }

    #[getter]
    fn service(&self) -> &str {
        self.inner.service()
    }

    #[getter]
    fn region(&self) -> &str {
        self.inner.region()
    }

    /// Signs a request; returns the headers to add (`authorization`, `x-amz-date`, ...).
    /// An `x-amz-date` (or `date`) in `headers` is the time signed. `content_sha256` (64
    /// hex digits, or `UNSIGNED-PAYLOAD`) stands for a body that is not given, sent in
    /// `x-amz-content-sha256`; `payload_sha256` (64 hex digits) for one whose hash is
    /// signed but not sent.
    #[pyo3(signature = (method, url, headers=None, body=None, content_sha256=None, payload_sha256=None))]
    #[allow(clippy::too_many_arguments, reason = "a Python keyword API")]
    fn sign<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'py, PyAny>>,
        body: Option<&Bound<'py, PyAny>>,
        content_sha256: Option<&str>,
        payload_sha256: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let signer = &self.inner;
        let signed = self.with_request(
            method,
            url,
            headers,
            body,
            content_sha256,
            payload_sha256,
            |req, body_len| {
                if body_len >= DETACH_AT {
                    py.detach(|| signer.sign(req))
                } else {
                    signer.sign(req)
                }
                .map_err(signing_error)
            },
        )?;
        let added = PyDict::new(py);
        for (name, value) in signed.iter() {
            added.set_item(name, value)?;
        }
        Ok(added)
    }

    /// Signs an S3 upload of `length` bytes sent aws-chunked (each chunk signed, or with
    /// `unsigned=True` only the trailer's checksum; `checksum` is `"crc32"`, `"crc32c"` or
    /// `"sha256"`); returns every header to send (the request's and the signer's) and the
    /// encoder of the body.
    #[pyo3(signature = (method, url, headers, length, *, checksum=None, chunk_size=65536, unsigned=false))]
    #[allow(clippy::too_many_arguments, reason = "a Python keyword API")]
    fn sign_chunked<'py>(
        &self,
        py: Python<'py>,
        method: &str,
        url: &str,
        headers: Option<&Bound<'py, PyAny>>,
        length: u64,
        checksum: Option<&str>,
        chunk_size: usize,
        unsigned: bool,
    ) -> PyResult<(Bound<'py, PyDict>, ChunkEncoder)> {
        use sigv4::chunked::{AwsChunked, Checksum};
        let (m, u) = (self::method(method)?, uri(url)?);
        let mut map = header_map(headers)?;
        let checksum = match checksum {
            None => None,
            Some("crc32") => Some(Checksum::Crc32),
            Some("crc32c") => Some(Checksum::Crc32c),
            Some("sha256") => Some(Checksum::Sha256),
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "checksum {other:?} is not \"crc32\", \"crc32c\" or \"sha256\""
                )))
            }
        };
        let options = match (unsigned, checksum) {
            (false, None) => AwsChunked::signed(),
            (false, Some(c)) => AwsChunked::signed_with_checksum(c),
            (true, Some(c)) => AwsChunked::unsigned_with_checksum(c),
            (true, None) => {
                return Err(PyValueError::new_err(
                    "unsigned aws-chunked uploads need a checksum",
                ))
            }
        }
        .chunk_len(chunk_size)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
        let encoder = self
            .inner
            .sign_http_chunked(&m, &u, &mut map, length, &options)
            .map_err(signing_error)?;
        let out = PyDict::new(py);
        for (name, value) in &map {
            out.set_item(name.as_str(), value.to_str().unwrap_or_default())?;
        }
        Ok((out, ChunkEncoder { inner: encoder }))
    }

    /// A presigned URL for `method` on `url`, valid `expires_in` seconds (1 to 604800);
    /// `headers` are signed and must be sent with it.
    #[pyo3(signature = (method, url, expires_in=3600, headers=None))]
    fn presign(
        &self,
        method: &str,
        url: &str,
        expires_in: u64,
        headers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        if !(1..=604_800).contains(&expires_in) {
            return Err(PyValueError::new_err(format!(
                "expires_in {expires_in} is not within 1..=604800 seconds"
            )));
        }
        let map = header_map(headers)?;
        self.inner
            .presign_http(
                &self::method(method)?,
                &uri(url)?,
                &map,
                Duration::from_secs(expires_in),
            )
            .map(|u| u.to_string())
            .map_err(signing_error)
    }

    /// The canonical request and string to sign of a request, as `sign` computes them
    /// (`x-amz-date` in `headers` is the time).
    #[pyo3(signature = (method, url, headers=None, body=None, content_sha256=None))]
    fn explain(
        &self,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        content_sha256: Option<&str>,
    ) -> PyResult<(String, String)> {
        self.with_request(
            method,
            url,
            headers,
            body,
            content_sha256,
            None,
            |req, _| self.inner.explain(req, None).map_err(signing_error),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(service={:?}, region={:?})",
            self.inner.service(),
            self.inner.region()
        )
    }
}

impl Signer {
    /// The request `sign` and `explain` work on, handed to `f` with the body's length:
    /// the headers given (`content_sha256` in `x-amz-content-sha256`), the payload by
    /// the signer's rules (or `payload_sha256`, a hash signed but not sent).
    #[allow(
        clippy::too_many_arguments,
        reason = "the Python keyword arguments, passed on"
    )]
    fn with_request<R>(
        &self,
        method: &str,
        url: &str,
        headers: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        content_sha256: Option<&str>,
        payload_sha256: Option<&str>,
        f: impl FnOnce(&sigv4_core::Request<'_>, usize) -> PyResult<R>,
    ) -> PyResult<R> {
        let mut pairs = header_pairs(headers)?;
        if let Some(h) = content_sha256 {
            pairs.retain(|(n, _)| !n.eq_ignore_ascii_case("x-amz-content-sha256"));
            pairs.push(("x-amz-content-sha256".into(), h.into()));
        }
        let views: Vec<sigv4_core::Header<'_>> = pairs
            .iter()
            .map(|(n, v)| sigv4_core::Header::new(n, v))
            .collect();
        let bytes = body_bytes(body)?;
        let payload = match payload_sha256 {
            Some(hash) => sigv4_core::Payload::from_sha256_hex(hash)
                .map_err(|_| PyValueError::new_err("payload_sha256 is not 64 hex digits"))?,
            None => self
                .inner
                .payload_for_views(&views, sigv4::http::Body::Bytes(&bytes))
                .map_err(signing_error)?,
        };
        let req = sigv4_core::Request::from_url(method, url, &views, payload).map_err(|e| {
            if e == sigv4_core::Error::Url {
                PyValueError::new_err(format!(
                    "url {url:?} has no host, or is not http(s)://host/path?query"
                ))
            } else {
                signing_error(sigv4::Error::Core(e))
            }
        })?;
        f(&req, bytes.len())
    }
}

/// Encodes an aws-chunked body, chunk by chunk: `next_chunk_len()` bytes of the body at a
/// time to `encode_chunk`, then `finish()` (0 from `next_chunk_len()` says so).
#[pyclass(module = "sigv4")]
struct ChunkEncoder {
    inner: sigv4::chunked::ChunkEncoder,
}

#[pymethods]
impl ChunkEncoder {
    /// The length of the next chunk: a full chunk, or the rest of the body.
    fn next_chunk_len(&self) -> usize {
        self.inner.next_chunk_len()
    }

    /// The frame of the next chunk of the body.
    fn encode_chunk<'py>(&mut self, py: Python<'py>, data: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
        let mut out = Vec::with_capacity(data.len() + 100);
        let enc = &mut self.inner;
        py.detach(|| enc.encode_chunk(data, &mut out))
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, &out))
    }

    /// The final chunk and the trailer.
    fn finish<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let mut out = Vec::new();
        self.inner
            .finish(&mut out)
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(PyBytes::new(py, &out))
    }
}

/// SHA-256 of a body read in pieces (a file, an iterator), the GIL released for large
/// pieces: `Signer.sign(..., content_sha256=h.hexdigest())`.
#[pyclass(module = "sigv4")]
#[derive(Default)]
struct Sha256 {
    inner: sha2::Sha256,
}

#[pymethods]
impl Sha256 {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    fn update(&mut self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(bytes) = data.cast::<PyBytes>() {
            let slice = bytes.as_bytes();
            if slice.len() >= DETACH_AT {
                let h = &mut self.inner;
                py.detach(|| h.update(slice));
            } else {
                self.inner.update(slice);
            }
            return Ok(());
        }
        let bytes = body_bytes(Some(data))?;
        self.inner.update(&bytes);
        Ok(())
    }

    fn hexdigest(&self) -> String {
        hex::encode(self.inner.clone().finalize())
    }
}

/// Verifies a received request against `secrets` (access key id to secret); returns who
/// signed. Raises `VerificationError` with AWS's reason.
#[pyfunction]
#[pyo3(signature = (method, url, headers, body, *, region, service, secrets, now=None, unsigned_payload=None))]
#[allow(clippy::too_many_arguments, reason = "a Python keyword API")]
fn verify<'py>(
    py: Python<'py>,
    method: &str,
    url: &str,
    headers: &Bound<'py, PyAny>,
    body: Option<&Bound<'py, PyAny>>,
    region: &str,
    service: &str,
    secrets: std::collections::HashMap<String, String>,
    now: Option<f64>,
    unsigned_payload: Option<bool>,
) -> PyResult<Bound<'py, PyDict>> {
    let map = header_map(Some(headers))?;
    let u = uri(url)?;
    let bytes = body_bytes(body)?;
    let views = sigv4::http::views(&map);
    let authority = map
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or(u.authority().map(http::uri::Authority::as_str))
        .unwrap_or("");
    let req = sigv4_core::Request {
        method,
        scheme: sigv4_core::Scheme::Https,
        authority,
        path: u.path(),
        query: u.query().unwrap_or(""),
        headers: &views,
        payload: sigv4_core::Payload::Bytes(&bytes),
    };
    let secs = now.unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
    });
    #[allow(
        clippy::cast_possible_truncation,
        reason = "seconds since 1970 fit i64"
    )]
    let now = sigv4_core::Timestamp::from_unix(secs as i64)
        .map_err(|e| PyValueError::new_err(format!("now: {e}")))?;
    let mut policy = sigv4_core::VerifyPolicy::new(region, service, now);
    if let Some(u) = unsigned_payload {
        policy.allow_unsigned_payload = u;
    }
    // SigV4 and SigV4A alike: a scope without a region is SigV4A's, checked with the
    // public key of the key the secret derives.
    let lookup = |ak: &str, scope: &sigv4_core::Scope| -> Option<sigv4_core::VerifyingKey> {
        let secret = secrets.get(ak)?;
        if scope.is_without_region() {
            let key = sigv4_core::SigV4aKey::derive(ak, secret).ok()?;
            return Some(key.public_key().into());
        }
        let day =
            sigv4_core::Timestamp::parse_amz_date(&format!("{}T000000Z", scope.date())).ok()?;
        let key = sigv4_core::SigningKey::derive(secret, day, scope.region(), scope.service());
        key.ok().map(Into::into)
    };
    let verified = sigv4_core::verify_any(&req, &policy, lookup)
        .map_err(|e| VerificationError::new_err(e.to_string()))?;
    let out = PyDict::new(py);
    out.set_item("access_key_id", verified.access_key_id())?;
    out.set_item("scope", verified.scope().as_str())?;
    let algorithm = match verified.algorithm() {
        sigv4_core::Algorithm::EcdsaP256Sha256 => "AWS4-ECDSA-P256-SHA256",
        _ => "AWS4-HMAC-SHA256",
    };
    out.set_item("algorithm", algorithm)?;
    Ok(out)
}

/// Credentials from the AWS SDKs' default chain (environment, profiles with roles and SSO,
/// web identity, container, EC2), cached and refreshed before they expire.
#[pyclass(module = "sigv4", frozen)]
struct RefreshableCredentials {
    inner: sigv4::CachedProvider<sigv4::ChainProvider>,
}

#[pymethods]
impl RefreshableCredentials {
    #[new]
    fn new() -> Self {
        let chain =
            sigv4::ChainProvider::default_chain_with_client(sigv4::Env::process(), http_client());
        Self {
            inner: sigv4::CachedProvider::new(chain),
        }
    }

    /// The current credentials (refreshed first when they are about to expire).
    fn current(&self, py: Python<'_>) -> PyResult<Credentials> {
        let provider = &self.inner;
        let creds = py
            .detach(|| provider.credentials())
            .map_err(|e| CredentialsError::new_err(e.to_string()))?;
        Ok(Credentials {
            inner: (*creds).clone(),
        })
    }
}

/// The SigV4 signing key of `secret` for `date_stamp` (`YYYYMMDD`), `region` and
/// `service`, as bytes.
#[pyfunction]
fn derive_signing_key<'py>(
    py: Python<'py>,
    secret: &str,
    date_stamp: &str,
    region: &str,
    service: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let day = sigv4_core::Timestamp::parse_amz_date(&format!("{date_stamp}T000000Z"))
        .map_err(|_| PyValueError::new_err(format!("date {date_stamp:?} is not YYYYMMDD")))?;
    let key = sigv4_core::SigningKey::derive(secret, day, region, service)
        .map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok(PyBytes::new(py, key.as_bytes()))
}

/// The UTC date and time of a date in any format servers send (amz-date, the three HTTP
/// date formats, ISO 8601), as `(YYYYMMDD, YYYYMMDDTHHMMSSZ)`.
#[pyfunction]
fn parse_date(text: &str) -> PyResult<(String, String)> {
    let t = sigv4_core::Timestamp::parse(text).map_err(|e| PyValueError::new_err(e.to_string()))?;
    Ok((
        t.date_stamp().as_str().to_string(),
        t.amz_date().as_str().to_string(),
    ))
}

#[pymodule]
fn _sigv4(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Credentials>()?;
    m.add_class::<Signer>()?;
    m.add_class::<Sha256>()?;
    m.add_class::<ChunkEncoder>()?;
    m.add_class::<RefreshableCredentials>()?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    m.add_function(wrap_pyfunction!(derive_signing_key, m)?)?;
    m.add_function(wrap_pyfunction!(parse_date, m)?)?;
    m.add("SigningError", m.py().get_type::<SigningError>())?;
    m.add("CredentialsError", m.py().get_type::<CredentialsError>())?;
    m.add("VerificationError", m.py().get_type::<VerificationError>())?;
    Ok(())
}
