#![doc = include_str!("../README.md")]
// docs.rs (nightly, --cfg docsrs): each item gated by a feature says so.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod chunked;
mod client;
mod post;
mod sign;
mod verify;

/// Hooks for the fuzz targets in `fuzz/` (built with `--cfg fuzzing` only).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;

pub use chunked::ChunkedBodyError;
pub use client::HyperClient;
pub use post::VerifiedPost;
pub use sign::{AwsChunkedBody, SignLayer, SignService, SignedBody};

pub use verify::{
    BodyHashMismatch, BoxError, SecretStore, VerifiedBody, VerifiedIdentity, VerifyLayer,
    VerifyResponse, VerifyService,
};
