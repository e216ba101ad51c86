//! The one error type of the core.

use core::fmt;

/// A date format the core parses, named in [`Error::Date`] so the message says what was expected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateFormat {
    /// `YYYYMMDD'T'HHMMSS'Z'`, the `X-Amz-Date` form.
    AmzDate,
    /// `YYYYMMDD`, the credential scope date.
    DateStamp,
    /// An HTTP date: IMF-fixdate, RFC 850 or asctime.
    HttpDate,
    /// ISO 8601 / RFC 3339, `YYYY-MM-DD'T'HH:MM:SS[.fraction](Z|±HH:MM)`.
    Iso8601,
    /// Any of the formats above.
    Any,
}

impl DateFormat {
    const fn describe(self) -> &'static str {
        match self {
            Self::AmzDate => "YYYYMMDD'T'HHMMSS'Z'",
            Self::DateStamp => "YYYYMMDD",
            Self::HttpDate => {
                "an HTTP date (IMF-fixdate 'Sun, 06 Nov 1994 08:49:37 GMT', RFC 850 or asctime)"
            }
            Self::Iso8601 => "ISO 8601 'YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM)'",
            Self::Any => "an amz-date, HTTP date or ISO 8601 date",
        }
    }
}

/// Everything that can go wrong in the core.
///
/// Every variant names the input that was rejected; none carries secret material, so an
/// `Error` is safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The caller's output buffer is too small; `required` bytes are needed.
    BufferTooSmall {
        /// Bytes the output needs.
        required: usize,
    },
    /// The request has more headers than the core can sort on its stack.
    TooManyHeaders {
        /// The fixed limit ([`crate::MAX_HEADERS`]).
        limit: usize,
    },
    /// The query string has more parameters than the core can sort on its stack.
    TooManyQueryParameters {
        /// The fixed limit ([`crate::MAX_QUERY_PARAMETERS`]).
        limit: usize,
    },
    /// The `;`-joined list of signed header names is longer than the output can hold.
    SignedHeadersTooLong {
        /// The fixed limit ([`crate::MAX_SIGNED_HEADERS_LEN`]).
        limit: usize,
    },
    /// A header name is empty or holds a character that is not an HTTP token character.
    HeaderName,
    /// A header value holds a control character other than tab, CR or LF.
    HeaderValue,
    /// The method is empty or is not an HTTP token.
    Method,
    /// The authority is empty or holds characters not allowed in `host[:port]`.
    Authority,
    /// The path does not start with `/`, or holds a control character, `?` or `#`.
    Path,
    /// The query holds a control character or `#`.
    Query,
    /// A URL given to [`crate::Request::from_url`] is not `http(s)://authority[/path][?query]`.
    Url,
    /// `X-Amz-Expires` is outside `1..=604800` seconds.
    Expires,
    /// A date did not parse; the variant says which format was expected.
    Date(DateFormat),
    /// A date is outside the years 0001 to 9999.
    DateOutOfRange,
    /// The request time is outside the signing key's validity (its date and the 6 days after).
    KeyDate,
    /// The region is empty, too long, or holds `/`, whitespace or control characters.
    Region,
    /// The service name is empty, too long, or holds `/`, whitespace or control characters.
    Service,
    /// The access key id is empty, too long, or holds characters other than visible ASCII
    /// without `/`, `,` and `=`.
    AccessKeyId,
    /// The secret access key is longer than the core's bounded key buffer.
    SecretTooLong {
        /// The fixed limit ([`crate::MAX_SECRET_LEN`]).
        limit: usize,
    },
    /// The session token is empty or holds characters other than visible ASCII.
    SessionToken,
    /// A precomputed payload hash is not 64 hex digits.
    PayloadHash,
    /// The query of a request to presign already carries `X-Amz-Signature` or another
    /// authentication parameter.
    AlreadySigned,
    /// The text sink returned an error while rendering the canonical request.
    Fmt,
    /// Verification: the request has no `Authorization` header and no `X-Amz-Signature`.
    MissingAuthentication,
    /// Verification: the request carries more than one `Authorization` header.
    DuplicateAuthorization,
    /// Verification: the request carries an `Authorization` header and `X-Amz-*`
    /// authentication query parameters; AWS allows one mechanism per request.
    MixedAuthentication,
    /// Verification: an `X-Amz-*` authentication query parameter of a presigned request
    /// appears more than once.
    DuplicateAuthParameter,
    /// Verification: `SignedHeaders` is not lower-case header names, each once, in
    /// ascending order.
    SignedHeadersList,
    /// Verification: the signature is not 64 lower-case hex digits (SigV4), or not a
    /// strict DER ECDSA signature in lower-case hex (SigV4A).
    SignatureFormat,
    /// Verification: a header the verifier reads as one value (`host`, `date`,
    /// `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token`,
    /// `x-amz-decoded-content-length`) appears more than once.
    DuplicateHeader {
        /// The header's name, lower case.
        name: &'static str,
    },
    /// Verification: the `Authorization` header or the presigned query parameters do not
    /// follow the SigV4 grammar.
    MalformedAuthorization,
    /// Verification: no key is known for the access key id.
    UnknownAccessKey,
    /// Verification: the credential scope is not the server's region and service, its date
    /// is not the request's, or the key found is for another scope.
    ScopeMismatch,
    /// Verification: the request has no `X-Amz-Date` (or `Date`) to sign by.
    MissingDate,
    /// Verification: the request time is further from the server's clock than allowed.
    RequestTimeTooSkewed,
    /// Verification: the presigned URL has expired, or is dated in the future.
    RequestExpired,
    /// Verification: `host` is not signed, or an `x-amz-*` header is present but not signed.
    UnsignedHeader,
    /// Verification: a header named in `SignedHeaders` is not in the request.
    MissingSignedHeader,
    /// Verification: `x-amz-content-sha256` is not the SHA-256 of the body received.
    PayloadHashMismatch,
    /// Verification: the payload is `UNSIGNED-PAYLOAD` where the server requires it signed.
    UnsignedPayload,
    /// Verification: the signature is not the one the request and key give.
    SignatureMismatch,
    /// aws-chunked: the seed signature is not 64 lower-case hex digits.
    SeedSignature,
    /// aws-chunked: a chunk's or the trailer's signature is not the one the data gives.
    ChunkSignatureMismatch,
    /// SigV4A: the region set is empty, longer than 512 bytes, or not comma-separated
    /// names of visible ASCII; in verification, a SigV4A request without one.
    RegionSet,
    /// SigV4A: a private key that is zero or not below the curve order, or a public key
    /// that is not a point on P-256.
    SigV4aKey,
    /// Verification: the request is signed with an algorithm this verifier does not take
    /// (SigV4A without the `sigv4a` feature, or where only SigV4 keys were given).
    UnsupportedAlgorithm,
    /// Event stream: a message that is truncated, has inconsistent lengths or a CRC that
    /// does not match, a header name over 255 bytes or value over 65535, or (verifying) a
    /// frame without its `:chunk-signature` and `:date`.
    EventStreamFrame,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferTooSmall { required } => {
                write!(f, "output buffer too small: {required} bytes required")
            }
            Self::TooManyHeaders { limit } => write!(f, "request has more than {limit} headers"),
            Self::TooManyQueryParameters { limit } => {
                write!(f, "query has more than {limit} parameters")
            }
            Self::SignedHeadersTooLong { limit } => {
                write!(f, "signed header names exceed {limit} bytes")
            }
            Self::HeaderName => f.write_str("header name is empty or not an HTTP token"),
            Self::HeaderValue => {
                f.write_str("header value holds a control character other than tab, CR or LF")
            }
            Self::Method => f.write_str("method is empty or not an HTTP token"),
            Self::Authority => f.write_str("authority is empty or not a valid host[:port]"),
            Self::Path => {
                f.write_str("path does not start with '/' or holds a control character, '?' or '#'")
            }
            Self::Query => f.write_str("query holds a control character or '#'"),
            Self::Url => f.write_str("url is not http(s)://authority[/path][?query]"),
            Self::Expires => f.write_str("x-amz-expires is not within 1..=604800 seconds"),
            Self::Date(format) => write!(f, "date is not {}", format.describe()),
            Self::DateOutOfRange => f.write_str("date is outside the years 0001..=9999"),
            Self::KeyDate => f.write_str(
                "request date is not within the signing key's date and the 6 days after it",
            ),
            Self::Region => f.write_str("region is empty, too long or holds '/' or whitespace"),
            Self::Service => f.write_str("service is empty, too long or holds '/' or whitespace"),
            Self::AccessKeyId => f.write_str(
                "access key id is empty, too long or holds characters other than visible ASCII",
            ),
            Self::SecretTooLong { limit } => {
                write!(f, "secret access key is longer than {limit} bytes")
            }
            Self::SessionToken => {
                f.write_str("session token is empty or holds characters other than visible ASCII")
            }
            Self::PayloadHash => f.write_str("payload hash is not 64 hex digits"),
            Self::AlreadySigned => {
                f.write_str("query already holds X-Amz-Signature or another X-Amz auth parameter")
            }
            Self::Fmt => f.write_str("text sink returned an error"),
            Self::MissingAuthentication => {
                f.write_str("request has no authorization header and no x-amz-signature")
            }
            Self::DuplicateAuthorization => {
                f.write_str("request carries more than one authorization header")
            }
            Self::MixedAuthentication => f.write_str(
                "request carries both an authorization header and x-amz-* authentication query parameters",
            ),
            Self::DuplicateAuthParameter => {
                f.write_str("an x-amz-* authentication query parameter appears more than once")
            }
            Self::SignedHeadersList => f.write_str(
                "signedheaders is not lower-case header names, each once, in ascending order",
            ),
            Self::SignatureFormat => f.write_str(
                "signature is not 64 lower-case hex digits (SigV4) or a DER ECDSA signature in \
                 lower-case hex (SigV4A)",
            ),
            Self::DuplicateHeader { name } => write!(f, "header {name} appears more than once"),
            Self::MalformedAuthorization => f.write_str(
                "authorization is not AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request, \
                 SignedHeaders=..., Signature=<64 hex>",
            ),
            Self::UnknownAccessKey => f.write_str("access key id is not known"),
            Self::ScopeMismatch => {
                f.write_str("credential scope is not this server's region, service or the request's date")
            }
            Self::MissingDate => f.write_str("request has no x-amz-date or date header"),
            Self::RequestTimeTooSkewed => {
                f.write_str("request time is too far from the server's time")
            }
            Self::RequestExpired => f.write_str("presigned request has expired or is not yet valid"),
            Self::UnsignedHeader => {
                f.write_str("host, or an x-amz-* header present in the request, is not signed")
            }
            Self::MissingSignedHeader => f.write_str("a signed header is missing from the request"),
            Self::PayloadHashMismatch => {
                f.write_str("x-amz-content-sha256 is not the sha-256 of the body")
            }
            Self::UnsignedPayload => f.write_str("unsigned payload is not accepted here"),
            Self::SignatureMismatch => f.write_str("signature does not match"),
            Self::SeedSignature => {
                f.write_str("seed signature is not 64 lower-case hex digits")
            }
            Self::ChunkSignatureMismatch => {
                f.write_str("chunk or trailer signature does not match its data")
            }
            Self::EventStreamFrame => f.write_str(
                "event-stream message is malformed (lengths, CRC, header sizes) or lacks its \
                 :chunk-signature and :date",
            ),
            Self::RegionSet => f.write_str(
                "region set is missing, empty, over 512 bytes, or not comma-separated region \
                 names (us-east-1,eu-west-1, us-*, *)",
            ),
            Self::SigV4aKey => {
                f.write_str("not a valid P-256 key (private scalar out of range, or point off the curve)")
            }
            Self::UnsupportedAlgorithm => f.write_str(
                "request signed with an algorithm this verifier does not accept \
                 (AWS4-ECDSA-P256-SHA256 needs the sigv4a feature and a public key)",
            ),
        }
    }
}

impl core::error::Error for Error {}
