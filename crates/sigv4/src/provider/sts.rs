//! The two STS calls the providers make: `AssumeRoleWithWebIdentity` (unsigned: the web
//! identity token is the proof) and `AssumeRole` (signed with the source credentials), both
//! form-encoded POSTs answered in XML.

use crate::client::{HttpRequest, Transport};
use crate::error::CredentialsError;
use crate::provider::Env;
use crate::Credentials;
use sigv4_core::{Header, Payload, Request};

/// The STS endpoint: `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the regional
/// one (the global one without a region).
pub(crate) fn endpoint(env: &Env, region: Option<&str>) -> String {
    let given = env
        .get("AWS_ENDPOINT_URL_STS")
        .or_else(|| env.get("AWS_ENDPOINT_URL"));
    match (given, region) {
        (Some(url), _) => url.trim_end_matches('/').to_string(),
        (None, Some(r)) => format!("https://sts.{r}.amazonaws.com"),
        (None, None) => "https://sts.amazonaws.com".to_string(),
    }
}

/// `application/x-www-form-urlencoded`, every byte but the unreserved ones escaped.
pub(crate) fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        let mut out = String::new();
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    };
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect();
    parts.join("&")
}

/// The text of the first `<tag>` element of `xml`, entities decoded.
pub(crate) fn xml_text(xml: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml.find(&open)? + open.len();
    let len = xml[start..].find(&close)?;
    let raw = &xml[start..start + len];
    Some(
        raw.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

/// What a role assumption gave: the credentials, and the assumed role's ARN.
#[derive(Debug)]
pub(crate) struct Assumed {
    pub(crate) credentials: Credentials,
    pub(crate) arn: Option<String>,
}

/// Reads an STS answer: the `<Credentials>` of a success, or the `<Error>` of a failure.
pub(crate) fn parse(source: &str, status: u16, xml: &str) -> Result<Assumed, CredentialsError> {
    let fail = |reason: String| CredentialsError::Provider {
        source: source.to_string(),
        reason,
    };
    if !(200..300).contains(&status) {
        let code = xml_text(xml, "Code").unwrap_or_else(|| "no error code".into());
        let message = xml_text(xml, "Message").unwrap_or_default();
        return Err(fail(format!("STS answered {status} {code}: {message}")));
    }
    let creds = xml_text(xml, "Credentials")
        .ok_or_else(|| fail("STS answer has no <Credentials>".into()))?;
    let field =
        |tag: &str| xml_text(&creds, tag).ok_or_else(|| fail(format!("STS answer has no <{tag}>")));
    let expiration = field("Expiration")?;
    let expiry = sigv4_core::Timestamp::parse_iso8601(expiration.trim())
        .map_err(|e| fail(format!("STS Expiration {expiration:?}: {e}")))?;
    let credentials = Credentials::new(field("AccessKeyId")?, field("SecretAccessKey")?)
        .with_session_token(field("SessionToken")?)
        .with_expiry(crate::clock::system_time(expiry));
    Ok(Assumed {
        credentials,
        arn: xml_text(xml, "Arn"),
    })
}

/// The parameters of one role assumption.
#[derive(Debug, Clone)]
pub(crate) struct RoleRequest {
    pub(crate) role_arn: String,
    pub(crate) session_name: String,
    pub(crate) external_id: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

impl RoleRequest {
    fn pairs<'a>(&'a self, action: &'a str, duration: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut pairs = vec![
            ("Action", action),
            ("Version", "2011-06-15"),
            ("RoleArn", self.role_arn.as_str()),
            ("RoleSessionName", self.session_name.as_str()),
        ];
        if let Some(id) = &self.external_id {
            pairs.push(("ExternalId", id));
        }
        if self.duration_seconds.is_some() {
            pairs.push(("DurationSeconds", duration));
        }
        pairs
    }
}

/// `AssumeRoleWithWebIdentity` at `endpoint`: unsigned, the token as the proof.
pub(crate) async fn assume_role_with_web_identity(
    t: Transport<'_>,
    endpoint: &str,
    role: &RoleRequest,
    token: &str,
) -> Result<Assumed, CredentialsError> {
    const SOURCE: &str = "web identity";
    let duration = role.duration_seconds.unwrap_or(0).to_string();
    let mut pairs = role.pairs("AssumeRoleWithWebIdentity", &duration);
    pairs.push(("WebIdentityToken", token));
    let req = HttpRequest::new("POST", format!("{endpoint}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form(&pairs));
    let answer = t.send(req).await.map_err(|e| CredentialsError::Provider {
        source: SOURCE.into(),
        reason: format!("STS at {endpoint}: {e}"),
    })?;
    parse(SOURCE, answer.status, &answer.body_text())
}

/// `AssumeRole` at `endpoint`, signed for STS in `region` with `source`.
pub(crate) async fn assume_role(
    t: Transport<'_>,
    endpoint: &str,
    region: &str,
    source: &Credentials,
    role: &RoleRequest,
) -> Result<Assumed, CredentialsError> {
    const SOURCE: &str = "assume role";
    let fail = |reason: String| CredentialsError::Provider {
        source: SOURCE.into(),
        reason,
    };
    let duration = role.duration_seconds.unwrap_or(0).to_string();
    let body = form(&role.pairs("AssumeRole", &duration));
    let url = format!("{endpoint}/");
    let content_type = "application/x-www-form-urlencoded";
    let signer = crate::Signer::builder("sts", region)
        .credentials(source.clone())
        .build();
    let headers = [Header::new("content-type", content_type)];
    let view = Request::from_url("POST", &url, &headers, Payload::Bytes(body.as_bytes()))
        .map_err(|e| fail(format!("STS endpoint {url}: {e}")))?;
    let signed = if t.is_blocking() {
        signer.sign(&view)
    } else {
        signer.sign_async(&view).await
    }
    .map_err(|e| fail(format!("signing the STS request: {e}")))?;
    let mut req = HttpRequest::new("POST", url.clone())
        .header("content-type", content_type)
        .body(body.into_bytes());
    for (name, value) in signed.iter() {
        req = req.header(name, value);
    }
    let answer = t
        .send(req)
        .await
        .map_err(|e| fail(format!("STS at {endpoint}: {e}")))?;
    parse(SOURCE, answer.status, &answer.body_text())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_credentials_and_errors() {
        let ok = "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>\
            <SecretAccessKey>s&amp;k</SecretAccessKey><SessionToken>tok</SessionToken>\
            <Expiration>2026-12-01T12:00:00Z</Expiration></Credentials><AssumedRoleUser>\
            <Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
        let a = parse("x", 200, ok).unwrap();
        assert_eq!(a.credentials.access_key_id(), "ASIA1");
        assert_eq!(a.credentials.secret_access_key(), "s&k");
        assert_eq!(a.arn.as_deref(), Some("arn:aws:sts::1:assumed-role/r/s"));
        let err = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
        let e = parse("web identity", 403, err).unwrap_err().to_string();
        assert_eq!(e, "web identity: STS answered 403 AccessDenied: no");
        let e = parse(
            "x",
            200,
            "<Credentials><AccessKeyId>A</AccessKeyId></Credentials>",
        );
        assert!(e.unwrap_err().to_string().contains("no <Expiration>"));
        assert_eq!(form(&[("a b", "c/d=é")]), "a%20b=c%2Fd%3D%C3%A9");
    }
}
