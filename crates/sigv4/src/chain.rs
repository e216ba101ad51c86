//! The default chain, in the order of the AWS SDKs, and chains of any providers.

use crate::client::HttpClient;
use crate::error::CredentialsError;
use crate::profile::ProfileProvider;
use crate::provider::{container, imds, web_identity};
use crate::provider::{Env, EnvironmentProvider, ProvideCredentials, ProvideFuture};
use crate::Credentials;
use std::sync::Arc;

/// Providers tried in order; the first that has credentials wins. When none has, the error
/// lists each provider with its reason.
#[derive(Debug, Default)]
pub struct ChainProvider {
    providers: Vec<(String, Box<dyn ProvideCredentials>)>,
}

impl ChainProvider {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// The chain the AWS SDKs use, as far as it goes without the network: the environment,
    /// then the shared config and credentials files (`AWS_PROFILE`,
    /// `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`) with static keys and
    /// `credential_process`. [`ChainProvider::default_chain_with_client`] is the whole
    /// chain.
    pub fn default_chain() -> Self {
        Self::default_chain_with_env(Env::process())
    }

    /// [`ChainProvider::default_chain`] reading `env`.
    pub fn default_chain_with_env(env: Env) -> Self {
        Self::new()
            .with("environment", EnvironmentProvider::with_env(env.clone()))
            .with("profile", ProfileProvider::with_env(env))
    }

    /// The whole chain of the AWS SDKs, in their order, its network calls sent through
    /// `client`: the environment; the shared profile (static keys, `credential_process`,
    /// assume role from `source_profile` or `credential_source`, web identity, SSO); web
    /// identity from the environment (EKS, GitHub Actions); container credentials (ECS,
    /// EKS Pod Identity); EC2 instance metadata.
    pub fn default_chain_with_client(env: Env, client: Arc<dyn HttpClient>) -> Self {
        let web = web_identity::WebIdentityProvider::from_env(&env, client.clone());
        let container = container::ContainerProvider::from_env(&env, client.clone());
        Self::new()
            .with("environment", EnvironmentProvider::with_env(env.clone()))
            .with(
                "profile",
                ProfileProvider::with_env(env.clone()).http_client(client.clone()),
            )
            .with("web identity", Deferred(web))
            .with("container", Deferred(container))
            .with(
                "instance metadata",
                imds::ImdsProvider::from_env(&env, client),
            )
    }

    /// Adds a provider at the end.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, p: impl ProvideCredentials + 'static) -> Self {
        self.providers.push((name.into(), Box::new(p)));
        self
    }
}

impl ProvideCredentials for ChainProvider {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let mut errors = Vec::new();
        for (name, p) in &self.providers {
            match p.provide() {
                Ok(c) => return Ok(c),
                Err(e) => errors.push((name.clone(), e)),
            }
        }
        Err(CredentialsError::Chain(errors))
    }

    fn provide_async(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let mut errors = Vec::new();
            for (name, p) in &self.providers {
                match p.provide_async().await {
                    Ok(c) => return Ok(c),
                    Err(e) => errors.push((name.clone(), e)),
                }
            }
            Err(CredentialsError::Chain(errors))
        })
    }
}

/// A provider whose configuration was read when the chain was made: its error, if any,
/// is the chain's answer for it.
#[derive(Debug)]
struct Deferred<P>(Result<P, CredentialsError>);

impl<P: ProvideCredentials> ProvideCredentials for Deferred<P> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        match &self.0 {
            Ok(p) => p.provide(),
            Err(e) => Err(e.duplicate()),
        }
    }

    fn provide_async(&self) -> ProvideFuture<'_> {
        match &self.0 {
            Ok(p) => p.provide_async(),
            Err(e) => Box::pin(std::future::ready(Err(e.duplicate()))),
        }
    }
}
