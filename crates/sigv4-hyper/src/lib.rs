#![doc = include_str!("../README.md")]

mod sign;
mod verify;

pub use sign::{SignLayer, SignService, SignedBody};

pub use verify::{
    BodyHashMismatch, BoxError, SecretStore, VerifiedBody, VerifiedIdentity, VerifyLayer,
    VerifyResponse, VerifyService,
};
