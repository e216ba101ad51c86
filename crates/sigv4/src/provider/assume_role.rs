//! Assume role: STS `AssumeRole`, signed with the credentials of another provider (a
//! `source_profile`, a `credential_source`, or any provider given in code).

use super::sts::{self, RoleRequest};
use super::{Env, ProvideCredentials};
use crate::client::{HttpClient, Transport};
use crate::error::CredentialsError;
use crate::Credentials;
use std::sync::Arc;

/// Credentials for `role_arn`, assumed with the credentials `source` gives. STS is
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the regional endpoint of the region
/// given (else `AWS_REGION`), signed for that region (`us-east-1` for the global one).
#[derive(Debug, Clone)]
pub struct AssumeRoleProvider {
    source: Arc<dyn ProvideCredentials>,
    role: RoleRequest,
    endpoint: String,
    region: String,
    client: Arc<dyn HttpClient>,
}

impl AssumeRoleProvider {
    /// Assumes `role_arn` with what `source` provides.
    pub fn new(
        role_arn: impl Into<String>,
        source: impl ProvideCredentials + 'static,
        env: &Env,
        client: Arc<dyn HttpClient>,
    ) -> Self {
        let region = super::env_region(env);
        Self {
            source: Arc::new(source),
            role: RoleRequest {
                role_arn: role_arn.into(),
                session_name: super::default_session_name(),
                external_id: None,
                duration_seconds: None,
            },
            endpoint: sts::endpoint(env, region.as_deref()),
            region: region.unwrap_or_else(|| "us-east-1".into()),
            client,
        }
    }

    /// The region STS is called in (and the request signed for), when `env` names no
    /// endpoint.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>, env: &Env) -> Self {
        self.region = region.into();
        self.endpoint = sts::endpoint(env, Some(&self.region));
        self
    }

    /// Sends the STS call to `url`.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into().trim_end_matches('/').to_string();
        self
    }

    /// `RoleSessionName` (default `sigv4-` and the time).
    #[must_use]
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.role.session_name = name.into();
        self
    }

    /// `ExternalId`, when the role's trust policy asks for one.
    #[must_use]
    pub fn external_id(mut self, id: impl Into<String>) -> Self {
        self.role.external_id = Some(id.into());
        self
    }

    /// `DurationSeconds` (STS's default, an hour, when not given).
    #[must_use]
    pub fn duration_seconds(mut self, seconds: u32) -> Self {
        self.role.duration_seconds = Some(seconds);
        self
    }

    async fn fetch(&self, t: Transport<'_>) -> Result<Credentials, CredentialsError> {
        let source = if t.is_blocking() {
            self.source.provide()
        } else {
            self.source.provide_async().await
        }
        .map_err(|e| CredentialsError::Provider {
            source: "assume role".into(),
            reason: format!("{}: no source credentials: {e}", self.role.role_arn),
        })?;
        let assumed =
            sts::assume_role(t, &self.endpoint, &self.region, &source, &self.role).await?;
        tracing::debug!(role = %self.role.role_arn, arn = ?assumed.arn, "sigv4: assumed role");
        Ok(assumed.credentials)
    }
}

crate::client::flow_provider!(AssumeRoleProvider);
