//! Container credentials: the ECS agent's endpoint (task roles) and EKS Pod Identity.

use super::Env;
use crate::client::{HttpClient, HttpRequest, Transport};
use crate::error::CredentialsError;
use crate::Credentials;
use std::sync::Arc;
use std::time::Duration;

const SOURCE: &str = "container";
/// The ECS agent's address, for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
const ECS_HOST: &str = "169.254.170.2";

/// Credentials from `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (on 169.254.170.2) or
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI` (over `https`, or over `http` to the hosts the AWS
/// SDKs allow: loopback, 169.254.170.2, 169.254.170.23 and fd00:ec2::23), sending
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`'s content (re-read every time) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN` as `Authorization`.
#[derive(Debug, Clone)]
pub struct ContainerProvider {
    url: String,
    env: Env,
    client: Arc<dyn HttpClient>,
}

/// Whether `host` (as in a URL, IPv6 in brackets) may be reached over plain `http`.
fn allowed_http_host(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        let ecs = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23"]
            .iter()
            .any(|a| a.parse::<std::net::IpAddr>().ok() == Some(ip));
        return ip.is_loopback() || ecs;
    }
    bare.eq_ignore_ascii_case("localhost")
}

/// The host of `http(s)://host[:port]/...`.
fn host_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map(|(h, _)| &authority[..h.len() + 1]);
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

impl ContainerProvider {
    /// From the environment.
    ///
    /// # Errors
    /// [`CredentialsError::NotFound`] when neither URI variable is set;
    /// [`CredentialsError::Provider`] for a full URI to a host outside the allowed list.
    pub fn from_env(env: &Env, client: Arc<dyn HttpClient>) -> Result<Self, CredentialsError> {
        let url = if let Some(rel) = env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            format!("http://{ECS_HOST}{rel}")
        } else if let Some(full) = env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            let host = host_of(&full);
            let https = full.starts_with("https://");
            let http_ok = full.starts_with("http://") && host.is_some_and(allowed_http_host);
            if !(https || http_ok) {
                return Err(CredentialsError::Provider {
                    source: SOURCE.into(),
                    reason: format!(
                        "AWS_CONTAINER_CREDENTIALS_FULL_URI {full:?} is not https, nor http to loopback, \
                         169.254.170.2, 169.254.170.23 or fd00:ec2::23"
                    ),
                });
            }
            full
        } else {
            return Err(CredentialsError::NotFound {
                source: SOURCE.into(),
                reason: "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not set".into(),
            });
        };
        Ok(Self {
            url,
            env: env.clone(),
            client,
        })
    }

    fn token(&self) -> Result<Option<String>, CredentialsError> {
        let fail = |reason: String| CredentialsError::Provider {
            source: SOURCE.into(),
            reason,
        };
        let token = match self.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            Some(path) => Some(
                std::fs::read_to_string(&path)
                    .map_err(|e| fail(format!("cannot read the token file {path}: {e}")))?,
            ),
            None => self.env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
        };
        let token = token.map(|t| t.trim().to_string());
        if token
            .as_deref()
            .is_some_and(|t| t.bytes().any(|b| b.is_ascii_control()))
        {
            return Err(fail(
                "the authorization token holds a line break or control character".into(),
            ));
        }
        Ok(token.filter(|t| !t.is_empty()))
    }

    async fn fetch(&self, t: Transport<'_>) -> Result<Credentials, CredentialsError> {
        let fail = |reason: String| CredentialsError::Provider {
            source: SOURCE.into(),
            reason,
        };
        let mut req = HttpRequest::get(self.url.clone()).timeout(Duration::from_secs(2));
        if let Some(token) = self.token()? {
            req = req.header("authorization", token);
        }
        let shown = crate::client::redact_query(&self.url);
        let answer = t
            .send(req)
            .await
            .map_err(|e| fail(format!("{shown}: {e}")))?;
        if !answer.is_success() {
            let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_default();
            let message = json["message"]
                .as_str()
                .or(json["Message"].as_str())
                .unwrap_or("");
            return Err(fail(format!(
                "{shown} answered {}: {message}",
                answer.status
            )));
        }
        super::credentials_json(SOURCE, &answer.body)
    }
}

crate::client::flow_provider!(ContainerProvider);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_allowed_hosts_over_http() {
        for (url, ok) in [
            ("http://127.0.0.1:8080/creds", true),
            ("http://127.1.2.3/creds", true),
            ("http://localhost/creds", true),
            ("http://[::1]:80/creds", true),
            ("http://169.254.170.2/v2/creds", true),
            ("http://169.254.170.23/v1/credentials", true),
            ("http://[fd00:ec2::23]/v1/credentials", true),
            ("http://169.254.170.3/creds", false),
            ("http://example.com/creds", false),
            ("http://user@evil.com@127.0.0.1.evil.com/", false),
        ] {
            assert_eq!(host_of(url).is_some_and(allowed_http_host), ok, "{url}");
        }
    }
}
