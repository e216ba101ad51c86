//! AWS Signature Version 4 in the browser and in Workers: [`sigv4_core`] compiled to
//! WebAssembly, under an `AwsClient` shaped like aws4fetch's (`js/aws-client.js`).
//!
//! JavaScript callers use the package's `AwsClient`; this crate is the layer under it:
//! a [`Signer`] holding credentials and the last signing key (derived once per day, region
//! and service, then reused), header signing and presigning of a request the caller has
//! already put in canonical-ready form, and SHA-256 for bodies, whole or in chunks
//! ([`Sha256`], so a `Blob` is hashed from its stream without being copied whole).
//!
//! ```
//! use sigv4_wasm::{Signer, FLAG_NONE};
//!
//! // The AWS signing suite's get-vanilla case.
//! let signer = Signer::new("AKIDEXAMPLE".into(), "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".into(), None)?;
//! let added = signer.sign_headers(
//!     "GET", "https://example.amazonaws.com/", "/", "",
//!     vec!["host".into(), "example.amazonaws.com".into()],
//!     sigv4_wasm::EMPTY_SHA256, "service", "us-east-1", "20150830T123600Z", FLAG_NONE,
//! )?;
//! let auth = added.chunks(2).find(|p| p[0] == "authorization").unwrap();
//! assert!(auth[1].ends_with("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
//! # Ok::<(), sigv4_wasm::SignError>(())
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

use core::cell::RefCell;
use core::fmt;
use sha2::Digest as _;
use sigv4_core::{
    Header, PathMode, Payload, Request, SessionTokenMode, Settings, SigningKey, SigningParams,
    Timestamp,
};
use wasm_bindgen::prelude::*;

/// No flag: a service's rules (the path normalised and encoded twice, no
/// `x-amz-content-sha256`, the session token signed).
pub const FLAG_NONE: u32 = 0;
/// The path is signed as given, encoded once (S3; also aws4fetch's `singleEncode`).
pub const FLAG_SINGLE_ENCODE: u32 = 1;
/// Add and sign `x-amz-content-sha256` (S3).
pub const FLAG_CONTENT_SHA256: u32 = 2;
/// The session token is added after signing, not signed (`iotdevicegateway`).
pub const FLAG_APPEND_SESSION_TOKEN: u32 = 4;
/// The path is signed without removing `.`/`..` segments or repeated slashes.
pub const FLAG_UNNORMALIZED: u32 = 8;

/// The SHA-256 of the empty body, in hex.
pub const EMPTY_SHA256: &str = sigv4_core::Payload::EMPTY_SHA256_HEX;

/// Why a request could not be signed: the core's error, or a malformed argument, as text
/// (JavaScript receives it as an `Error` with this message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignError(String);

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SignError {}

impl From<sigv4_core::Error> for SignError {
    fn from(e: sigv4_core::Error) -> Self {
        Self(e.to_string())
    }
}

impl From<SignError> for JsValue {
    fn from(e: SignError) -> Self {
        js_sys_error(&e.0)
    }
}

fn js_sys_error(message: &str) -> JsValue {
    JsError::new(message).into()
}

fn bad(what: impl Into<String>) -> SignError {
    SignError(what.into())
}

/// Credentials, and the signing key of the last date, region and service signed for.
#[wasm_bindgen]
pub struct Signer {
    access_key_id: String,
    secret: Secret,
    session_token: Option<String>,
    key: RefCell<Option<SigningKey>>,
}

/// The secret access key, wiped when dropped and never printed.
struct Secret(String);

impl Drop for Secret {
    fn drop(&mut self) {
        // Overwrite in place: the bytes of a `String` are its own.
        let mut bytes = core::mem::take(&mut self.0).into_bytes();
        bytes.iter_mut().for_each(|b| *b = 0);
        core::hint::black_box(&bytes);
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.access_key_id)
            .field("secret", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish_non_exhaustive()
    }
}

#[wasm_bindgen]
impl Signer {
    /// Credentials as given by Cognito, STS or a backend.
    ///
    /// # Errors
    /// An empty access key id or secret.
    #[wasm_bindgen(constructor)]
    pub fn new(
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
    ) -> Result<Signer, SignError> {
        if access_key_id.is_empty() {
            return Err(bad("accessKeyId is empty"));
        }
        if secret_access_key.is_empty() {
            return Err(bad("secretAccessKey is empty"));
        }
        Ok(Self {
            access_key_id,
            secret: Secret(secret_access_key),
            session_token: session_token.filter(|t| !t.is_empty()),
            key: RefCell::new(None),
        })
    }

    /// The access key id.
    #[wasm_bindgen(getter, js_name = accessKeyId)]
    pub fn access_key_id(&self) -> String {
        self.access_key_id.clone()
    }

    /// Signs in headers and returns the headers to set, as a flat list
    /// `[name, value, name, value, ...]` (lower-case names: `authorization`,
    /// `x-amz-date`, then `x-amz-content-sha256` and `x-amz-security-token` when they
    /// apply).
    ///
    /// `url` gives the scheme and authority (`host` is derived from it when `headers` has
    /// none); `path` and `query` are what is signed, as they would be sent (the caller may
    /// have put them in a canonical-ready form). `headers` is a flat list of names and
    /// values, all of them signed but for the core's never-signed set. `payload` is the
    /// body's SHA-256 in hex or a marker such as `UNSIGNED-PAYLOAD`. `datetime` is
    /// `YYYYMMDDTHHMMSSZ`. `flags` ORs the `FLAG_*` values.
    ///
    /// # Errors
    /// Anything the core refuses (a malformed URL, method, header, date), with its message.
    #[wasm_bindgen(js_name = signHeaders)]
    #[allow(clippy::too_many_arguments, reason = "a flat call from JavaScript")]
    pub fn sign_headers(
        &self,
        method: &str,
        url: &str,
        path: &str,
        query: &str,
        headers: Vec<String>,
        payload: &str,
        service: &str,
        region: &str,
        datetime: &str,
        flags: u32,
    ) -> Result<Vec<String>, SignError> {
        let fields = [method, url, path, query, payload, service, region, datetime];
        let added = self.sign_packed(&pack(&fields, &headers)?, 0, flags)?;
        Ok(added.split('\0').map(str::to_string).collect())
    }

    /// Presigns for `expires` seconds (1 to 604800) and returns the query parameters to
    /// append to the URL (`X-Amz-Algorithm=...&...&X-Amz-Signature=...`, the session token
    /// last when it is appended after signing). Arguments as [`Signer::sign_headers`];
    /// `query` must not already hold `X-Amz-*` authentication parameters.
    ///
    /// # Errors
    /// As [`Signer::sign_headers`]; an `expires` out of range.
    #[wasm_bindgen]
    #[allow(clippy::too_many_arguments, reason = "a flat call from JavaScript")]
    pub fn presign(
        &self,
        method: &str,
        url: &str,
        path: &str,
        query: &str,
        headers: Vec<String>,
        payload: &str,
        service: &str,
        region: &str,
        datetime: &str,
        expires: u32,
        flags: u32,
    ) -> Result<String, SignError> {
        if expires == 0 {
            return Err(sigv4_core::Error::Expires.into());
        }
        let fields = [method, url, path, query, payload, service, region, datetime];
        self.sign_packed(&pack(&fields, &headers)?, expires, flags)
    }

    /// [`Signer::sign_headers`] (`expires` 0) or [`Signer::presign`] with every string
    /// in one, for the JavaScript client: one string crosses into the module and one comes
    /// back, instead of a dozen. `packed` is `method`, `url`, `path`, `query`, `payload`,
    /// `service`, `region`, `datetime`, then header names and values, separated by NUL
    /// (`\0`, which no URL, header name or value may hold). Returns the added headers as
    /// `name\0value\0...`, or the presigned query.
    ///
    /// # Errors
    /// As the two it stands for; fewer than eight fields, or a name without a value.
    #[wasm_bindgen(js_name = signPacked)]
    pub fn sign_packed(&self, packed: &str, expires: u32, flags: u32) -> Result<String, SignError> {
        let mut fields = packed.split('\0');
        let mut next = || {
            fields
                .next()
                .ok_or_else(|| bad("packed request: fewer than eight fields"))
        };
        let (method, url, path, query) = (next()?, next()?, next()?, next()?);
        let (payload, service, region, datetime) = (next()?, next()?, next()?, next()?);
        let rest: Vec<&str> = fields.collect();
        if !rest.len().is_multiple_of(2) {
            return Err(bad("packed request: a header name without a value"));
        }
        let headers: Vec<Header<'_>> = rest
            .chunks_exact(2)
            .map(|pair| Header::new(pair[0], pair[1]))
            .collect();
        let input = Input {
            method,
            url,
            path,
            query,
            payload: payload_of(payload)?,
        };
        self.with_params(service, region, datetime, flags, |params| {
            let req = input.request(&headers)?;
            if expires > 0 {
                return Ok(sigv4_core::presign(&req, params, expires)?.to_string());
            }
            let signed = sigv4_core::sign(&req, params)?;
            let mut out = String::with_capacity(signed.authorization().len() + 128);
            for (i, (name, value)) in signed.headers().enumerate() {
                if i > 0 {
                    out.push('\0');
                }
                out.push_str(name);
                out.push('\0');
                out.push_str(value);
            }
            Ok(out)
        })
    }

    /// Calls `f` with signing parameters for this time and scope, deriving the key only
    /// when the kept one is for another date, region or service.
    fn with_params<T>(
        &self,
        service: &str,
        region: &str,
        datetime: &str,
        flags: u32,
        f: impl FnOnce(&SigningParams<'_>) -> Result<T, SignError>,
    ) -> Result<T, SignError> {
        let time = Timestamp::parse_amz_date(datetime)
            .map_err(|_| bad(format!("datetime {datetime:?} is not YYYYMMDDTHHMMSSZ")))?;
        let mut kept = self.key.borrow_mut();
        let fresh = kept.as_ref().is_some_and(|k| {
            let s = k.scope();
            s.region() == region && s.service() == service && s.covers(time)
        });
        if !fresh {
            *kept = Some(SigningKey::derive(&self.secret.0, time, region, service)?);
        }
        let key = kept.as_ref().ok_or_else(|| bad("no signing key"))?;
        let settings = Settings {
            path_mode: if flags & FLAG_SINGLE_ENCODE != 0 {
                PathMode::S3
            } else if flags & FLAG_UNNORMALIZED != 0 {
                PathMode::ServiceUnnormalized
            } else {
                PathMode::Service
            },
            session_token: if flags & FLAG_APPEND_SESSION_TOKEN != 0 {
                SessionTokenMode::AppendedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: flags & FLAG_CONTENT_SHA256 != 0,
            unsigned_headers: &[],
        };
        let params = SigningParams {
            access_key_id: &self.access_key_id,
            session_token: self.session_token.as_deref(),
            key,
            time,
            settings,
        };
        f(&params)
    }
}

/// One request's arguments, checked.
struct Input<'a> {
    method: &'a str,
    url: &'a str,
    path: &'a str,
    query: &'a str,
    payload: Payload<'a>,
}

impl Input<'_> {
    /// The request view: scheme and authority from the URL, the path and query given.
    fn request<'h>(&'h self, headers: &'h [Header<'h>]) -> Result<Request<'h>, SignError> {
        let base = Request::from_url(self.method, self.url, headers, self.payload)
            .map_err(|_| bad(format!("url {:?} is not an http(s) URL", self.url)))?;
        Ok(Request {
            path: self.path,
            query: self.query,
            ..base
        })
    }
}

/// The packed form [`Signer::sign_packed`] reads: the fields, then header names and values,
/// separated by NUL.
fn pack(fields: &[&str; 8], headers: &[String]) -> Result<String, SignError> {
    if !headers.len().is_multiple_of(2) {
        return Err(bad("headers must be a flat list of names and values"));
    }
    let all = || {
        fields
            .iter()
            .copied()
            .chain(headers.iter().map(String::as_str))
    };
    if let Some(f) = all().find(|f| f.contains('\0')) {
        return Err(bad(format!("{f:?} holds a NUL byte")));
    }
    Ok(all().collect::<Vec<_>>().join("\0"))
}

/// The payload line: 64 hex digits, or one of the core's markers.
fn payload_of(payload: &str) -> Result<Payload<'static>, SignError> {
    if payload.len() == 64 {
        return Payload::from_sha256_hex(payload)
            .map_err(|_| bad(format!("payload {payload:?} is not a SHA-256 in hex")));
    }
    [
        Payload::Unsigned,
        Payload::StreamingSigned,
        Payload::StreamingSignedTrailer,
        Payload::StreamingUnsignedTrailer,
    ]
    .into_iter()
    .find(|p| p.marker() == Some(payload))
    .ok_or_else(|| {
        bad(format!(
            "payload {payload:?} is neither a SHA-256 in hex nor a marker such as UNSIGNED-PAYLOAD"
        ))
    })
}

/// SHA-256 of `data`, in lower-case hex.
#[wasm_bindgen(js_name = sha256Hex)]
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&sha2::Sha256::digest(data))
}

/// SHA-256 of a string's UTF-8 bytes, in lower-case hex (encoded straight into the
/// module's memory, no `TextEncoder` copy).
#[wasm_bindgen(js_name = sha256HexOfString)]
pub fn sha256_hex_of_string(data: &str) -> String {
    sha256_hex(data.as_bytes())
}

/// SHA-256 over chunks (a `Blob`'s stream), so a body is never held whole.
#[wasm_bindgen]
#[derive(Debug, Default, Clone)]
pub struct Sha256(sha2::Sha256);

#[wasm_bindgen]
impl Sha256 {
    /// An empty hash.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sha256 {
        Self::default()
    }

    /// Adds a chunk.
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The digest of everything added, in hex; the hash starts over.
    #[wasm_bindgen(js_name = finishHex)]
    pub fn finish_hex(&mut self) -> String {
        hex(&core::mem::take(&mut self.0).finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}
