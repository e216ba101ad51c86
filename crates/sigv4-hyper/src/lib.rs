#![doc = include_str!("../README.md")]

mod verify;

pub use verify::{
    BodyHashMismatch, BoxError, SecretStore, VerifiedBody, VerifiedIdentity, VerifyLayer,
    VerifyResponse, VerifyService,
};
