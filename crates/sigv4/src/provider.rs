//! Credential providers: the trait, static credentials, the environment, and chains; the
//! providers that reach the network (one file each under `provider/`) send their requests
//! through an [`HttpClient`](crate::client::HttpClient).

pub(crate) mod assume_role;
pub(crate) mod container;
pub(crate) mod imds;
pub(crate) mod sso;
pub(crate) mod sts;
pub(crate) mod web_identity;

use crate::error::CredentialsError;
use crate::Credentials;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A role session name when none is configured: `sigv4-` and the time in milliseconds.
pub(crate) fn default_session_name() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("sigv4-{ms}")
}

/// `AWS_REGION`, else `AWS_DEFAULT_REGION`.
pub(crate) fn env_region(env: &Env) -> Option<String> {
    env.get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
}

/// Credentials from the JSON the container endpoint, instance metadata and
/// `credential_process` answer: `AccessKeyId`, `SecretAccessKey`, `Token` (or
/// `SessionToken`), `Expiration` (ISO 8601).
pub(crate) fn credentials_json(source: &str, body: &[u8]) -> Result<Credentials, CredentialsError> {
    let fail = |reason: String| CredentialsError::Provider {
        source: source.to_string(),
        reason,
    };
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| fail(format!("the answer is not JSON: {e}")))?;
    let field = |k: &str| {
        json[k]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let ak = field("AccessKeyId").ok_or_else(|| fail("the answer has no AccessKeyId".into()))?;
    let sk =
        field("SecretAccessKey").ok_or_else(|| fail("the answer has no SecretAccessKey".into()))?;
    let mut creds = Credentials::new(ak, sk);
    if let Some(token) = field("Token").or_else(|| field("SessionToken")) {
        creds = creds.with_session_token(token);
    }
    if let Some(expiration) = field("Expiration") {
        let t = sigv4_core::Timestamp::parse_iso8601(&expiration)
            .map_err(|e| fail(format!("Expiration {expiration:?}: {e}")))?;
        creds = creds.with_expiry(crate::clock::system_time(t));
    }
    Ok(creds)
}

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
