#![doc = include_str!("../README.md")]
#![no_std]
// The no_std discipline, kept here rather than in [workspace.lints]: the std crates use std.
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(test)]
extern crate std;

mod canonical;
mod chunked;
#[cfg(feature = "sigv4a")]
mod chunked_v4a;
mod date;
mod encode;
mod error;
mod event_stream;
mod hmac_key;
mod key;
mod post_policy;
mod presign;
mod request;
mod scan;
mod settings;
mod sign;
mod sink;
mod string_to_sign;
#[cfg(feature = "sigv4a")]
mod v4a;
mod verify;

pub use canonical::headers::{MAX_HEADERS, MAX_SIGNED_HEADERS_LEN};
pub use canonical::query::MAX_QUERY_PARAMETERS;
pub use canonical::{Algorithm, Location, ALGORITHM, MAX_ACCESS_KEY_ID_LEN, MAX_EXPIRES};
pub use chunked::{
    chunk_header, trailer_section, ChunkEncoding, ChunkHeader, ChunkSignature, ChunkSigner,
    MIN_CHUNK_LEN,
};
#[cfg(feature = "sigv4a")]
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
pub use chunked_v4a::{
    chunk_header_v4a, trailer_section_v4a, ChunkSignatureV4a, ChunkSignerV4a, ChunkVerifierV4a,
};
pub use date::{AmzDate, DateStamp, HttpDate, Timestamp};
pub use error::{DateFormat, Error};
pub use event_stream::{
    crc32, encode_message, encoded_message_len, signed_frame_len, DecodedMessage, EventHeader,
    EventStreamSigner, HeaderValue, EVENT_STREAM_PAYLOAD,
};
pub use key::{Scope, SigningKey, KEY_VALIDITY_DAYS, MAX_SCOPE_PART_LEN, MAX_SECRET_LEN};
pub use post_policy::{
    base64_encode, base64_len, sign_post_policy, verify_post_policy, PostPolicySignature,
};
pub use presign::{presign, presign_then, PresignedQuery, PresignedUrl};
pub use request::{Header, Payload, Request, Scheme};
pub use settings::{PathMode, SessionTokenMode, Settings, DEFAULT_UNSIGNED_HEADERS};
pub use sign::{
    canonical_request, sign, sign_then, string_to_sign, HeaderSignature, SigningParams,
    AUTHORIZATION_CAP,
};
#[cfg(feature = "sigv4a")]
#[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
pub use v4a::{
    canonical_request_v4a, presign_v4a, sign_v4a, string_to_sign_v4a, SigV4aKey, SigV4aPublicKey,
    SigningParamsV4a, MAX_REGION_SET_LEN,
};
pub use verify::{
    verify, verify_any, verify_any_explained, verify_explained, Authorization, Verified,
    VerifiedPayload, VerifyPolicy, VerifyingKey, DEFAULT_MAX_SKEW_SECS,
};
