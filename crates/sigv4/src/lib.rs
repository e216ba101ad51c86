#![doc = include_str!("../README.md")]

mod cache;
pub mod chunked;
mod clock;
mod credentials;
mod error;
#[cfg(feature = "http")]
pub mod http;
mod profile;
mod provider;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod signer;

pub use cache::{CachedProvider, DEFAULT_REFRESH_MARGIN};
pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::Credentials;
pub use error::{CredentialsError, Error};
pub use profile::ProfileProvider;
pub use provider::{ChainProvider, Env, EnvironmentProvider, ProvideCredentials, ProvideFuture};
#[cfg(feature = "aws-sdk")]
pub use sdk::SdkProvider;
pub use signer::{DateMode, Presigned, SignedHeaders, Signer, SignerBuilder};
pub use sigv4_core as core;
