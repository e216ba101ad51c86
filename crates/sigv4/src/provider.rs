//! Credential providers: the trait, static credentials, the environment, and chains.

use crate::error::CredentialsError;
use crate::profile::ProfileProvider;
use crate::Credentials;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The future [`ProvideCredentials::provide_async`] returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials, usable from blocking and from async code.
///
/// Blocking callers use [`provide`](Self::provide) and need no runtime; async callers use
/// [`provide_async`](Self::provide_async), which by default runs `provide` (every provider
/// here reads memory, files or a short process), and which providers that do network I/O
/// (the AWS SDK bridge) implement natively.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Credentials, blocking.
    ///
    /// # Errors
    /// A [`CredentialsError`] that says which source failed and why.
    fn provide(&self) -> Result<Credentials, CredentialsError>;

    /// Credentials, without blocking an async runtime on network I/O.
    fn provide_async(&self) -> ProvideFuture<'_> {
        Box::pin(std::future::ready(self.provide()))
    }
}

impl ProvideCredentials for Credentials {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        Ok(self.clone())
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        (**self).provide()
    }
    fn provide_async(&self) -> ProvideFuture<'_> {
        (**self).provide_async()
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Box<T> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        (**self).provide()
    }
    fn provide_async(&self) -> ProvideFuture<'_> {
        (**self).provide_async()
    }
}

/// Where environment variables come from: the process, or a map (for tests and for callers
/// that keep their settings elsewhere).
#[derive(Clone, Default)]
pub struct Env(Option<Arc<HashMap<String, String>>>);

impl Env {
    /// The process environment.
    pub fn process() -> Self {
        Self(None)
    }

    /// A fixed set of variables.
    pub fn from_vars<K: Into<String>, V: Into<String>>(
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let map = vars.into_iter().map(|(k, v)| (k.into(), v.into()));
        Self(Some(Arc::new(map.collect())))
    }

    /// A variable's value, `None` when unset or empty.
    pub fn get(&self, name: &str) -> Option<String> {
        let value = match &self.0 {
            None => std::env::var(name).ok(),
            Some(map) => map.get(name).cloned(),
        };
        value.filter(|v| !v.is_empty())
    }
}

impl fmt::Debug for Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values may be secrets.
        match &self.0 {
            None => f.write_str("Env(process)"),
            Some(map) => f.debug_set().entries(map.keys()).finish(),
        }
    }
}

/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, and `AWS_SESSION_TOKEN` (or its older alias
/// `AWS_SECURITY_TOKEN`).
#[derive(Debug, Clone, Default)]
pub struct EnvironmentProvider {
    env: Env,
}

impl EnvironmentProvider {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `env`.
    pub fn with_env(env: Env) -> Self {
        Self { env }
    }
}

impl ProvideCredentials for EnvironmentProvider {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let missing = |name: &str| CredentialsError::NotFound {
            source: "environment".into(),
            reason: format!("{name} is not set"),
        };
        let ak = self
            .env
            .get("AWS_ACCESS_KEY_ID")
            .ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?;
        let sk = self
            .env
            .get("AWS_SECRET_ACCESS_KEY")
            .ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?;
        let creds = Credentials::new(ak, sk);
        let token = self
            .env
            .get("AWS_SESSION_TOKEN")
            .or_else(|| self.env.get("AWS_SECURITY_TOKEN"));
        Ok(match token {
            Some(t) => creds.with_session_token(t),
            None => creds,
        })
    }
}

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

    /// The chain the AWS CLI starts with: the environment, then the shared config and
    /// credentials files (`AWS_PROFILE`, `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`).
    pub fn default_chain() -> Self {
        Self::default_chain_with_env(Env::process())
    }

    /// [`ChainProvider::default_chain`] reading `env`.
    pub fn default_chain_with_env(env: Env) -> Self {
        Self::new()
            .with("environment", EnvironmentProvider::with_env(env.clone()))
            .with("profile", ProfileProvider::with_env(env))
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
