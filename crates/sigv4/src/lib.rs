#![doc = include_str!("../README.md")]
// docs.rs (nightly, --cfg docsrs): each item gated by a feature says so.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod cache;
mod chain;
pub mod chunked;
pub mod client;
mod clock;
mod credentials;
mod error;
pub mod event_stream;
#[cfg(feature = "http")]
pub mod http;
pub mod post;
mod profile;
mod provider;
pub mod region;
#[cfg(feature = "aws-sdk")]
mod sdk;
mod signer;
mod skew;

pub use cache::{CachedProvider, DEFAULT_REFRESH_MARGIN};
pub use chain::ChainProvider;
pub use clock::{Clock, ManualClock, SystemClock};
pub use credentials::Credentials;
pub use error::{CredentialsError, Error};
pub use profile::ProfileProvider;
pub use provider::assume_role::AssumeRoleProvider;
pub use provider::container::ContainerProvider;
pub use provider::imds::ImdsProvider;
pub use provider::sso::SsoProvider;
pub use provider::web_identity::WebIdentityProvider;
pub use provider::{Env, EnvironmentProvider, ProvideCredentials, ProvideFuture};
#[cfg(feature = "aws-sdk")]
pub use sdk::SdkProvider;
pub use signer::{DateMode, Presigned, SignedHeaders, Signer, SignerBuilder};
pub use sigv4_core as core;
pub use skew::{is_time_refusal, MAX_CLOCK_OFFSET, SKEW_BODY_LIMIT};

/// Hooks for the fuzz targets in `fuzz/` (built with `--cfg fuzzing` only).
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing {
    use std::collections::HashMap;

    /// The sections of a shared config or credentials file, as the providers read them.
    ///
    /// # Errors
    /// The parse error, naming the line.
    pub fn parse_profile_file(
        text: &str,
    ) -> Result<HashMap<String, HashMap<String, String>>, crate::CredentialsError> {
        crate::profile::parse(std::path::Path::new("fuzz"), text)
    }
}
