//! The region, where the AWS SDKs look for it.

use crate::client::HttpClient;
use crate::provider::{env_region, Env};
use crate::{ImdsProvider, ProfileProvider};
use std::sync::Arc;

/// `AWS_REGION`, `AWS_DEFAULT_REGION`, the shared profile's `region`, then (with a client)
/// EC2 instance metadata.
///
/// ```
/// let env = sigv4::Env::from_vars([("AWS_DEFAULT_REGION", "eu-west-3")]);
/// assert_eq!(sigv4::region::default_region(&env, None).as_deref(), Some("eu-west-3"));
/// ```
pub fn default_region(env: &Env, client: Option<Arc<dyn HttpClient>>) -> Option<String> {
    env_region(env)
        .or_else(|| ProfileProvider::with_env(env.clone()).region())
        .or_else(|| client.and_then(|c| ImdsProvider::from_env(env, c).region().ok()))
}
