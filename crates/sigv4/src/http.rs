//! Signing `http` crate requests: the conversion every adapter on the `http` types shares
//! (feature `http`).

use crate::{Error, Signer};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Uri};
use sigv4_core::{Header, Payload, Request, Scheme};
use std::time::Duration;

/// What the adapter knows of the body.
#[derive(Debug, Clone, Copy)]
pub enum Body<'a> {
    /// The whole body, in memory.
    Bytes(&'a [u8]),
    /// A stream, not read yet.
    Stream,
}

impl Signer {
    /// The payload to sign for a request with these headers and body, by the rules every
    /// adapter follows: a hash the caller put in `x-amz-content-sha256` is used as is (and
    /// `UNSIGNED-PAYLOAD` there means unsigned); bytes in memory are hashed; a stream is
    /// `UNSIGNED-PAYLOAD` for S3 and an error elsewhere.
    ///
    /// # Errors
    /// [`Error::UnbufferedBody`] for a stream to a service that signs payloads;
    /// [`Error::Core`] for a malformed `x-amz-content-sha256`.
    pub fn payload_for<'a>(
        &self,
        headers: &HeaderMap,
        body: Body<'a>,
    ) -> Result<Payload<'a>, Error> {
        if let Some(given) = headers.get("x-amz-content-sha256") {
            let given = given.to_str().map_err(|_| sigv4_core::Error::PayloadHash)?;
            if given == "UNSIGNED-PAYLOAD" {
                return Ok(Payload::Unsigned);
            }
            return Ok(Payload::from_sha256_hex(given)?);
        }
        match body {
            Body::Bytes(b) => Ok(Payload::Bytes(b)),
            Body::Stream if self.service() == "s3" => Ok(Payload::Unsigned),
            Body::Stream => Err(Error::UnbufferedBody),
        }
    }

    /// Signs a request given as `http` parts: the signature headers are set on `headers`.
    ///
    /// # Errors
    /// As [`Signer::sign`] and [`Signer::payload_for`].
    pub fn sign_http(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        body: Body<'_>,
    ) -> Result<(), Error> {
        let signed = {
            let payload = self.payload_for(headers, body)?;
            let views = views(headers);
            self.sign(&view(method, uri, &views, payload)?)?
        };
        apply(headers, signed.iter())
    }

    /// [`Signer::sign_http`] for async callers.
    ///
    /// # Errors
    /// As [`Signer::sign_http`].
    pub async fn sign_http_async(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        body: Body<'_>,
    ) -> Result<(), Error> {
        let signed = {
            let payload = self.payload_for(headers, body)?;
            let views = views(headers);
            self.sign_async(&view(method, uri, &views, payload)?)
                .await?
        };
        apply(headers, signed.iter())
    }

    /// A presigned URI for `method` on `uri`, valid for `expires_in`, signing `headers`
    /// (which must be sent with it). The payload is `UNSIGNED-PAYLOAD` for S3, the empty
    /// body's hash elsewhere.
    ///
    /// # Errors
    /// As [`Signer::presign`]; [`Error::Http`] if the result is not a valid URI.
    pub fn presign_http(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        expires_in: Duration,
    ) -> Result<Uri, Error> {
        let payload = if self.service() == "s3" {
            Payload::Unsigned
        } else {
            Payload::Bytes(b"")
        };
        let views = views(headers);
        let presigned = self.presign(&view(method, uri, &views, payload)?, expires_in)?;
        presigned
            .url()
            .parse()
            .map_err(|e: http::uri::InvalidUri| Error::Http(e.to_string()))
    }
}

fn views(headers: &HeaderMap) -> Vec<Header<'_>> {
    headers
        .iter()
        .map(|(n, v)| Header {
            name: n.as_str(),
            value: v.as_bytes(),
        })
        .collect()
}

/// The core's view of a request given as `http` parts.
///
/// # Errors
/// [`Error::Http`] for a URI without an authority.
pub fn view<'a>(
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a [Header<'a>],
    payload: Payload<'a>,
) -> Result<Request<'a>, Error> {
    let authority = uri
        .authority()
        .map(http::uri::Authority::as_str)
        .or_else(|| {
            headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("host"))
                .and_then(|h| std::str::from_utf8(h.value).ok())
        })
        .ok_or_else(|| Error::Http(format!("{uri} has no authority")))?;
    Ok(Request {
        method: method.as_str(),
        scheme: if uri.scheme_str() == Some("http") {
            Scheme::Http
        } else {
            Scheme::Https
        },
        authority,
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers,
        payload,
    })
}

/// Sets the signature headers, replacing any of the same name.
///
/// # Errors
/// [`Error::Http`] if a value is not a valid header value (never for what SigV4 produces).
pub fn apply<'a>(
    headers: &mut HeaderMap,
    signed: impl Iterator<Item = (&'static str, &'a str)>,
) -> Result<(), Error> {
    for (name, value) in signed {
        let mut value = HeaderValue::from_str(value).map_err(|e| Error::Http(e.to_string()))?;
        if name == "authorization" || name == "x-amz-security-token" {
            value.set_sensitive(true);
        }
        headers.insert(HeaderName::from_static(name), value);
    }
    Ok(())
}
