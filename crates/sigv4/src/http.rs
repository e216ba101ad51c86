//! Signing `http` crate requests: the conversion every adapter on the `http` types shares
//! (feature `http`).

use crate::{Error, Signer};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Uri};
use sigv4_core::{Header, Payload, Request, Scheme};
use std::time::Duration;

/// What the adapter knows of the body.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Body<'a> {
    /// The whole body, in memory.
    Bytes(&'a [u8]),
    /// A stream, not read yet.
    Stream,
}

impl Signer {
    /// The payload to sign for a request with these headers and body, by the rules every
    /// adapter follows: a hash the caller put in `x-amz-content-sha256` is used as is (and
    /// `UNSIGNED-PAYLOAD` or a streaming marker there is signed as such); bytes in memory
    /// are hashed; a stream is `UNSIGNED-PAYLOAD` for S3 and an error elsewhere.
    ///
    /// # Errors
    /// [`Error::UnbufferedBody`] for a stream to a service that signs payloads;
    /// [`Error::Core`] for a malformed `x-amz-content-sha256`.
    pub fn payload_for<'a>(
        &self,
        headers: &HeaderMap,
        body: Body<'a>,
    ) -> Result<Payload<'a>, Error> {
        let given = headers
            .get("x-amz-content-sha256")
            .map(HeaderValue::as_bytes);
        self.payload_given(given, body)
    }

    /// [`Signer::payload_for`] for headers given as the core's views (the first
    /// `x-amz-content-sha256`, any case, counts).
    ///
    /// # Errors
    /// As [`Signer::payload_for`].
    pub fn payload_for_views<'a>(
        &self,
        headers: &[Header<'_>],
        body: Body<'a>,
    ) -> Result<Payload<'a>, Error> {
        let given = headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("x-amz-content-sha256"))
            .map(|h| h.value);
        self.payload_given(given, body)
    }

    fn payload_given<'a>(
        &self,
        given: Option<&[u8]>,
        body: Body<'a>,
    ) -> Result<Payload<'a>, Error> {
        if let Some(given) = given {
            let given = std::str::from_utf8(given).map_err(|_| sigv4_core::Error::PayloadHash)?;
            if given == "UNSIGNED-PAYLOAD" {
                return Ok(Payload::Unsigned);
            }
            if let Some(streaming) = sigv4_core::ChunkEncoding::from_marker(given) {
                return Ok(streaming.payload());
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
    /// With the key cached this allocates one header value per header written (none for
    /// the empty body's hash or `UNSIGNED-PAYLOAD`), plus one if the map must grow to hold
    /// them (tested with a counting allocator).
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
        let creds = self.current_credentials()?;
        self.sign_http_with(&creds, method, uri, headers, body)
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
        let creds = self.current_credentials_async().await?;
        self.sign_http_with(&creds, method, uri, headers, body)
    }

    fn sign_http_with(
        &self,
        creds: &crate::signer::Creds<'_>,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        body: Body<'_>,
    ) -> Result<(), Error> {
        // Filled where it lies (returned through the closures, it was copied three times).
        let mut values: [Option<(HeaderName, HeaderValue)>; 5] = Default::default();
        with_views(headers, |views| {
            // Found among the views: a map lookup hashes the name.
            let payload = self.payload_for_views(views, body)?;
            let req = view(method, uri, views, payload)?;
            self.sign_then(creds, &req, |signed| {
                header_values(signed.header_bytes(), &mut values)
            })
        })?;
        // Room for exactly what is added (a larger reserve could grow a map that fits).
        headers.reserve(values.iter().flatten().count());
        for (name, value) in values.into_iter().flatten() {
            headers.insert(name, value);
        }
        Ok(())
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
        let payload = self.presign_payload();
        let creds = self.current_credentials()?;
        let url = with_views(headers, |views| {
            let req = view(method, uri, views, payload)?;
            self.presigned_url(&creds, &req, expires_in)
        })?;
        // The string becomes the URI's buffer, not copied.
        Uri::try_from(url).map_err(|e| Error::Http(e.to_string()))
    }

    /// [`Signer::presign_http`] for an absolute `http`/`https` URL given as text, for
    /// clients whose URL type is not `http::Uri` (reqwest's `Url`): the presigned URL as
    /// text, with no URI parsed on the way.
    ///
    /// ```
    /// use sigv4::{Credentials, Signer};
    /// let signer = Signer::builder("s3", "us-east-1")
    ///     .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
    ///     .build();
    /// let url = signer.presign_url(
    ///     &http::Method::GET,
    ///     "https://examplebucket.s3.amazonaws.com/photos/a.jpg?versionId=3",
    ///     &http::HeaderMap::new(),
    ///     std::time::Duration::from_secs(600),
    /// )?;
    /// assert!(url.starts_with("https://examplebucket.s3.amazonaws.com/photos/a.jpg?versionId=3&X-Amz-Algorithm="));
    /// # Ok::<(), sigv4::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Signer::presign`]; [`Error::Core`] for a URL that is not absolute `http` or
    /// `https`.
    pub fn presign_url(
        &self,
        method: &Method,
        url: &str,
        headers: &HeaderMap,
        expires_in: Duration,
    ) -> Result<String, Error> {
        let payload = self.presign_payload();
        let creds = self.current_credentials()?;
        with_views(headers, |views| {
            let req = Request::from_url(method.as_str(), url, views, payload)?;
            self.presigned_url(&creds, &req, expires_in)
        })
    }

    /// What a presigned URL signs as its payload: `UNSIGNED-PAYLOAD` for S3, the empty
    /// body's hash elsewhere.
    fn presign_payload(&self) -> Payload<'static> {
        if self.service() == "s3" {
            Payload::Unsigned
        } else {
            Payload::Bytes(b"")
        }
    }
}

impl Signer {
    /// Prepares and signs an aws-chunked upload of `decoded_len` body bytes: sets
    /// `content-encoding: aws-chunked` (ahead of any other coding), `content-length` (the
    /// encoded length), `x-amz-decoded-content-length`, `x-amz-trailer` and
    /// `x-amz-sdk-checksum-algorithm` for a checksum, and the signature headers (the
    /// payload signed as `options`' streaming marker, SigV4A's for a SigV4A signer:
    /// [`crate::chunked::AwsChunked::for_signer`]); drops `transfer-encoding`. Wrap the
    /// body in [`crate::chunked::AwsChunkedReader`] with the encoder returned, whose
    /// [`options`](crate::chunked::ChunkEncoder::options) give the encoded length.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn sign_http_chunked(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        decoded_len: u64,
        options: &crate::chunked::AwsChunked,
    ) -> Result<crate::chunked::ChunkEncoder, Error> {
        let options = &options.for_signer(self);
        self.chunked_headers(headers, decoded_len, options)?;
        let (signed, encoder) = {
            let views = views(headers);
            let req = view(method, uri, &views, options.encoding().payload())?;
            self.sign_chunked(&req, options, decoded_len)?
        };
        apply(headers, signed.iter())?;
        Ok(encoder)
    }

    /// [`Signer::sign_http_chunked`] for async callers.
    ///
    /// # Errors
    /// As [`Signer::sign_http_chunked`].
    pub async fn sign_http_chunked_async(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &mut HeaderMap,
        decoded_len: u64,
        options: &crate::chunked::AwsChunked,
    ) -> Result<crate::chunked::ChunkEncoder, Error> {
        let options = &options.for_signer(self);
        self.chunked_headers(headers, decoded_len, options)?;
        let (signed, encoder) = {
            let views = views(headers);
            let req = view(method, uri, &views, options.encoding().payload())?;
            self.sign_chunked_async(&req, options, decoded_len).await?
        };
        apply(headers, signed.iter())?;
        Ok(encoder)
    }

    /// The headers of an aws-chunked upload, before signing.
    fn chunked_headers(
        &self,
        headers: &mut HeaderMap,
        decoded_len: u64,
        options: &crate::chunked::AwsChunked,
    ) -> Result<(), Error> {
        use http::header::{CONTENT_ENCODING, CONTENT_LENGTH, TRANSFER_ENCODING};
        let coding = match headers.get(CONTENT_ENCODING).map(HeaderValue::to_str) {
            Some(Ok(v)) if v.split(',').any(|c| c.trim() == "aws-chunked") => v.to_string(),
            Some(Ok(v)) if !v.trim().is_empty() => format!("aws-chunked,{v}"),
            _ => "aws-chunked".to_string(),
        };
        let value = HeaderValue::from_str(&coding).map_err(|e| Error::Http(e.to_string()))?;
        headers.insert(CONTENT_ENCODING, value);
        headers.insert(
            "x-amz-decoded-content-length",
            HeaderValue::from(decoded_len),
        );
        match options.checksum() {
            Some(checksum) => {
                headers.insert(
                    "x-amz-trailer",
                    HeaderValue::from_static(checksum.header_name()),
                );
                headers.insert(
                    "x-amz-sdk-checksum-algorithm",
                    HeaderValue::from_static(checksum.algorithm()),
                );
            }
            None => {
                headers.remove("x-amz-trailer");
            }
        }
        headers.insert(
            CONTENT_LENGTH,
            HeaderValue::from(options.encoded_length(decoded_len)),
        );
        headers.remove(TRANSFER_ENCODING);
        let marker = options.encoding().payload().marker().unwrap_or_default();
        if self.adds_content_sha256() {
            headers.remove("x-amz-content-sha256");
        } else {
            headers.insert("x-amz-content-sha256", HeaderValue::from_static(marker));
        }
        Ok(())
    }
}

/// Most headers viewed on the stack; a request with more gets a `Vec`.
const VIEWS_ON_STACK: usize = 32;

/// Calls `f` with the core's views of `headers` (repeated names kept in order), on the
/// stack for up to 32 of them.
fn with_views<T>(headers: &HeaderMap, f: impl FnOnce(&[Header<'_>]) -> T) -> T {
    if headers.len() > VIEWS_ON_STACK {
        return f(&views(headers));
    }
    // Filled as far as the map goes: an array would first be set whole (1 KiB).
    let mut buf = heapless::Vec::<Header<'_>, VIEWS_ON_STACK>::new();
    for (n, v) in headers {
        // Within capacity: the length was checked above.
        let _ = buf.push(Header {
            name: n.as_str(),
            value: v.as_bytes(),
        });
    }
    f(&buf)
}

/// The signature headers as `http` values (the authorization and the token marked
/// sensitive), at most five, into `out`.
fn header_values<'a>(
    signed: impl Iterator<Item = (&'static str, &'a [u8])>,
    out: &mut [Option<(HeaderName, HeaderValue)>; 5],
) -> Result<(), Error> {
    for (slot, (name, value)) in out.iter_mut().zip(signed) {
        let mut value = header_value(value)?;
        if name == "authorization" || name == "x-amz-security-token" {
            value.set_sensitive(true);
        }
        *slot = Some((header_name(name), value));
    }
    Ok(())
}

/// A signature header's value. The payload hashes that recur (the empty body's, the
/// unsigned marker) are static values: no allocation.
fn header_value(value: &[u8]) -> Result<HeaderValue, Error> {
    const EMPTY: &str = Payload::EMPTY_SHA256_HEX;
    const UNSIGNED: &str = match Payload::Unsigned.marker() {
        Some(marker) => marker,
        None => "",
    };
    if value == EMPTY.as_bytes() {
        Ok(HeaderValue::from_static(EMPTY))
    } else if value == UNSIGNED.as_bytes() {
        Ok(HeaderValue::from_static(UNSIGNED))
    } else {
        HeaderValue::from_bytes(value).map_err(|e| Error::Http(e.to_string()))
    }
}

/// The name of a signature header, from constants (`from_static` checks the name's bytes
/// on every call).
fn header_name(name: &'static str) -> HeaderName {
    const X_AMZ_DATE: HeaderName = HeaderName::from_static("x-amz-date");
    const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
    const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
    match name {
        "authorization" => http::header::AUTHORIZATION,
        "x-amz-date" => X_AMZ_DATE,
        "x-amz-content-sha256" => X_AMZ_CONTENT_SHA256,
        "x-amz-security-token" => X_AMZ_SECURITY_TOKEN,
        other => HeaderName::from_static(other),
    }
}

/// The core's views of the headers of a `HeaderMap`, repeated names kept in order.
pub fn views(headers: &HeaderMap) -> Vec<Header<'_>> {
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
        let mut value = header_value(value.as_bytes())?;
        if name == "authorization" || name == "x-amz-security-token" {
            value.set_sensitive(true);
        }
        headers.insert(header_name(name), value);
    }
    Ok(())
}
