//! Web identity: an OIDC token in a file (EKS service-account roles, GitHub Actions)
//! exchanged at STS for a role's credentials by `AssumeRoleWithWebIdentity`.

use super::sts::{self, RoleRequest};
use super::Env;
use crate::client::{HttpClient, Transport};
use crate::error::CredentialsError;
use crate::Credentials;
use std::path::PathBuf;
use std::sync::Arc;

const SOURCE: &str = "web identity";

/// Credentials for a role from a web identity token file, re-read at every refresh (the
/// platform rotates it): `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`,
/// `AWS_ROLE_SESSION_NAME`, or a profile's `web_identity_token_file` and `role_arn`. STS is
/// `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL` or the regional endpoint.
#[derive(Debug, Clone)]
pub struct WebIdentityProvider {
    token_file: PathBuf,
    role: RoleRequest,
    endpoint: String,
    client: Arc<dyn HttpClient>,
}

impl WebIdentityProvider {
    /// Assumes `role_arn` with the token in `token_file`, through `client`, at the STS
    /// endpoint `env` names.
    pub fn new(
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
        env: &Env,
        client: Arc<dyn HttpClient>,
    ) -> Self {
        Self {
            token_file: token_file.into(),
            role: RoleRequest {
                role_arn: role_arn.into(),
                session_name: env
                    .get("AWS_ROLE_SESSION_NAME")
                    .unwrap_or_else(super::default_session_name),
                external_id: None,
                duration_seconds: None,
            },
            endpoint: sts::endpoint(env, super::env_region(env).as_deref()),
            client,
        }
    }

    /// From `AWS_WEB_IDENTITY_TOKEN_FILE` and `AWS_ROLE_ARN`.
    ///
    /// # Errors
    /// [`CredentialsError::NotFound`] when either is unset.
    pub fn from_env(env: &Env, client: Arc<dyn HttpClient>) -> Result<Self, CredentialsError> {
        let missing = |name: &str| CredentialsError::NotFound {
            source: SOURCE.into(),
            reason: format!("{name} is not set"),
        };
        let file = env
            .get("AWS_WEB_IDENTITY_TOKEN_FILE")
            .ok_or_else(|| missing("AWS_WEB_IDENTITY_TOKEN_FILE"))?;
        let role = env
            .get("AWS_ROLE_ARN")
            .ok_or_else(|| missing("AWS_ROLE_ARN"))?;
        Ok(Self::new(file, role, env, client))
    }

    /// Names the role session.
    #[must_use]
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.role.session_name = name.into();
        self
    }

    /// Sends the STS call to `url` (`http://127.0.0.1:PORT`, a VPC endpoint).
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = url.into().trim_end_matches('/').to_string();
        self
    }

    async fn fetch(&self, t: Transport<'_>) -> Result<Credentials, CredentialsError> {
        let fail = |reason: String| CredentialsError::Provider {
            source: SOURCE.into(),
            reason,
        };
        let path = self.token_file.display();
        let token = std::fs::read_to_string(&self.token_file)
            .map_err(|e| fail(format!("cannot read the token file {path}: {e}")))?;
        let token = token.trim();
        if token.is_empty() {
            return Err(fail(format!("the token file {path} is empty")));
        }
        let assumed =
            sts::assume_role_with_web_identity(t, &self.endpoint, &self.role, token).await?;
        tracing::debug!(role = %self.role.role_arn, arn = ?assumed.arn, "sigv4: web identity credentials");
        Ok(assumed.credentials)
    }
}

crate::client::flow_provider!(WebIdentityProvider);
