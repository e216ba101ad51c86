#![doc = include_str!("../README.md")]

mod chunked;
mod sign;
mod verify;

pub use chunked::ChunkedBodyError;
pub use sign::{AwsChunkedBody, SignLayer, SignService, SignedBody};

pub use verify::{
    BodyHashMismatch, BoxError, SecretStore, VerifiedBody, VerifiedIdentity, VerifyLayer,
    VerifyResponse, VerifyService,
};
