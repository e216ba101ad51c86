//! IAM Identity Center (SSO): the access token `aws sso login` cached in
//! `~/.aws/sso/cache/`, exchanged at the portal's `GetRoleCredentials` for a role's
//! credentials.

use super::Env;
use crate::client::{HttpClient, HttpRequest, Transport};
use crate::error::CredentialsError;
use crate::Credentials;
use sha1::{Digest, Sha1};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const SOURCE: &str = "sso";

/// The settings of an SSO profile.
#[derive(Debug, Clone)]
pub(crate) struct SsoSettings {
    /// The profile, for the `aws sso login --profile` hint.
    pub(crate) profile: String,
    /// The `sso_session` name, or (legacy form) the start URL: what the token cache file is
    /// named by.
    pub(crate) cache_key: String,
    pub(crate) region: String,
    pub(crate) account_id: String,
    pub(crate) role_name: String,
}

/// Credentials of an IAM Identity Center role, with the token `aws sso login` cached.
/// The portal is `https://portal.sso.REGION.amazonaws.com`, or `AWS_ENDPOINT_URL_SSO`.
#[derive(Debug, Clone)]
pub struct SsoProvider {
    settings: SsoSettings,
    cache_dir: PathBuf,
    portal: String,
    client: Arc<dyn HttpClient>,
}

impl SsoProvider {
    pub(crate) fn new(settings: SsoSettings, env: &Env, client: Arc<dyn HttpClient>) -> Self {
        let home = env
            .get("HOME")
            .or_else(|| env.get("USERPROFILE"))
            .unwrap_or_default();
        let portal = env
            .get("AWS_ENDPOINT_URL_SSO")
            .unwrap_or_else(|| format!("https://portal.sso.{}.amazonaws.com", settings.region));
        Self {
            cache_dir: PathBuf::from(home).join(".aws").join("sso").join("cache"),
            portal: portal.trim_end_matches('/').to_string(),
            settings,
            client,
        }
    }

    fn fail(&self, reason: String) -> CredentialsError {
        CredentialsError::Provider {
            source: SOURCE.into(),
            reason,
        }
    }

    fn login_hint(&self) -> String {
        format!("run `aws sso login --profile {}`", self.settings.profile)
    }

    /// The cached access token, refused when missing or expired.
    fn token(&self) -> Result<String, CredentialsError> {
        let name = hex::encode(Sha1::digest(self.settings.cache_key.as_bytes()));
        let path = self.cache_dir.join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).map_err(|e| {
            self.fail(format!(
                "no cached token at {} ({e}): {}",
                path.display(),
                self.login_hint()
            ))
        })?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| self.fail(format!("{} is not JSON: {e}", path.display())))?;
        let token = json["accessToken"].as_str().filter(|t| !t.is_empty());
        let token =
            token.ok_or_else(|| self.fail(format!("{} has no accessToken", path.display())))?;
        let expires = json["expiresAt"].as_str().unwrap_or_default();
        let expiry =
            sigv4_core::Timestamp::parse_iso8601(expires.trim_end_matches("UTC").trim())
                .map_err(|e| self.fail(format!("{} expiresAt {expires:?}: {e}", path.display())))?;
        if crate::clock::system_time(expiry) <= SystemTime::now() {
            return Err(self.fail(format!(
                "the cached SSO token expired at {expires}: {}",
                self.login_hint()
            )));
        }
        Ok(token.to_string())
    }

    async fn fetch(&self, t: Transport<'_>) -> Result<Credentials, CredentialsError> {
        let token = self.token()?;
        let query = super::sts::form(&[
            ("account_id", &self.settings.account_id),
            ("role_name", &self.settings.role_name),
        ]);
        let url = format!("{}/federation/credentials?{query}", self.portal);
        let req = HttpRequest::get(url).header("x-amz-sso_bearer_token", token);
        let answer = t
            .send(req)
            .await
            .map_err(|e| self.fail(format!("{}: {e}", self.portal)))?;
        if answer.status == 401 || answer.status == 403 {
            return Err(self.fail(format!(
                "the portal refused the cached token ({}): {}",
                answer.status,
                self.login_hint()
            )));
        }
        if !answer.is_success() {
            return Err(self.fail(format!("GetRoleCredentials answered {}", answer.status)));
        }
        let json: serde_json::Value = serde_json::from_slice(&answer.body)
            .map_err(|e| self.fail(format!("GetRoleCredentials answer is not JSON: {e}")))?;
        let rc = &json["roleCredentials"];
        let field = |k: &str| {
            rc[k]
                .as_str()
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or_else(|| self.fail(format!("GetRoleCredentials answer has no {k}")))
        };
        let expiration = rc["expiration"]
            .as_u64()
            .ok_or_else(|| self.fail("GetRoleCredentials answer has no expiration".into()))?;
        Ok(
            Credentials::new(field("accessKeyId")?, field("secretAccessKey")?)
                .with_session_token(field("sessionToken")?)
                .with_expiry(SystemTime::UNIX_EPOCH + Duration::from_millis(expiration)),
        )
    }
}

crate::client::flow_provider!(SsoProvider);
