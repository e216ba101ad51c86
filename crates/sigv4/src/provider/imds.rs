//! EC2 instance metadata, IMDSv2: a session token by `PUT /latest/api/token`, then the
//! instance role's name and its credentials; the region too.

use super::Env;
use crate::client::{block_on, HttpClient, HttpError, HttpRequest, HttpResponse, Transport};
use crate::error::CredentialsError;
use crate::Credentials;
use std::sync::Arc;
use std::time::Duration;

const SOURCE: &str = "instance metadata";
const DEFAULT_ENDPOINT: &str = "http://169.254.169.254";
const CREDENTIALS_PATH: &str = "/latest/meta-data/iam/security-credentials/";
/// Each attempt's limit: off EC2 the address does not answer, and a chain must move on fast
/// (two attempts stay well under two seconds).
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(600);

/// Credentials of the EC2 instance's role, from the instance metadata service (IMDSv2):
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT` (default `http://169.254.169.254`),
/// `AWS_EC2_METADATA_DISABLED=true` to skip it. Each request is tried twice with a short
/// timeout.
#[derive(Debug, Clone)]
pub struct ImdsProvider {
    endpoint: String,
    disabled: bool,
    client: Arc<dyn HttpClient>,
}

impl ImdsProvider {
    /// From the environment.
    pub fn from_env(env: &Env, client: Arc<dyn HttpClient>) -> Self {
        let endpoint = env
            .get("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .unwrap_or_else(|| DEFAULT_ENDPOINT.into());
        let disabled = env
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(|v| v.eq_ignore_ascii_case("true"));
        Self {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            disabled,
            client,
        }
    }

    /// The instance's region, from `/latest/meta-data/placement/region`, blocking.
    ///
    /// # Errors
    /// [`CredentialsError::Provider`] when the service cannot be reached or answers an
    /// error; [`CredentialsError::NotFound`] when disabled.
    pub fn region(&self) -> Result<String, CredentialsError> {
        block_on(self.region_with(Transport::blocking(&*self.client)))
    }

    async fn region_with(&self, t: Transport<'_>) -> Result<String, CredentialsError> {
        self.check_enabled()?;
        let token = self.token(t).await?;
        let region = self
            .get(t, "/latest/meta-data/placement/region", &token)
            .await?;
        Ok(region.trim().to_string())
    }

    fn check_enabled(&self) -> Result<(), CredentialsError> {
        if self.disabled {
            return Err(CredentialsError::NotFound {
                source: SOURCE.into(),
                reason: "AWS_EC2_METADATA_DISABLED is true".into(),
            });
        }
        Ok(())
    }

    /// `req` twice at most: again after no answer or a 5xx.
    async fn send(
        &self,
        t: Transport<'_>,
        req: HttpRequest,
    ) -> Result<HttpResponse, CredentialsError> {
        let mut last = HttpError::Timeout;
        for _ in 0..2 {
            match t.send(req.clone()).await {
                Ok(r) if r.status < 500 => return Ok(r),
                Ok(r) => last = HttpError::Other(format!("answered {}", r.status)),
                Err(e) => last = e,
            }
        }
        Err(CredentialsError::Provider {
            source: SOURCE.into(),
            reason: format!("{}: {last}", self.endpoint),
        })
    }

    async fn token(&self, t: Transport<'_>) -> Result<String, CredentialsError> {
        let req = HttpRequest::new("PUT", format!("{}/latest/api/token", self.endpoint))
            .header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
            .timeout(ATTEMPT_TIMEOUT);
        let answer = self.send(t, req).await?;
        if !answer.is_success() {
            return Err(self.fail(format!(
                "the session token request answered {}",
                answer.status
            )));
        }
        Ok(answer.body_text().trim().to_string())
    }

    async fn get(
        &self,
        t: Transport<'_>,
        path: &str,
        token: &str,
    ) -> Result<String, CredentialsError> {
        let req = HttpRequest::get(format!("{}{path}", self.endpoint))
            .header("x-aws-ec2-metadata-token", token)
            .timeout(ATTEMPT_TIMEOUT);
        let answer = self.send(t, req).await?;
        match answer.status {
            200..=299 => Ok(answer.body_text()),
            404 if path == CREDENTIALS_PATH => Err(self.fail("the instance has no role".into())),
            status => Err(self.fail(format!("{path} answered {status}"))),
        }
    }

    fn fail(&self, reason: String) -> CredentialsError {
        CredentialsError::Provider {
            source: SOURCE.into(),
            reason,
        }
    }

    async fn fetch(&self, t: Transport<'_>) -> Result<Credentials, CredentialsError> {
        self.check_enabled()?;
        let token = self.token(t).await?;
        let roles = self.get(t, CREDENTIALS_PATH, &token).await?;
        let role = roles
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .ok_or_else(|| self.fail("the instance has no role".into()))?
            .to_string();
        let body = self
            .get(t, &format!("{CREDENTIALS_PATH}{role}"), &token)
            .await?;
        let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        if let Some(code) = json["Code"].as_str().filter(|c| *c != "Success") {
            return Err(self.fail(format!("the role {role}'s credentials: {code}")));
        }
        super::credentials_json(SOURCE, body.as_bytes())
    }
}

crate::client::flow_provider!(ImdsProvider);
