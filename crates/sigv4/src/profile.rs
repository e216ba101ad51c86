//! The shared config and credentials files, read as the AWS CLI reads them.
//!
//! - Files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) and `AWS_CONFIG_FILE`
//!   (default `~/.aws/config`); a missing file is an empty one.
//! - Profile: the one given, else `AWS_PROFILE`, else `default`. In the credentials file a
//!   section is `[name]`; in the config file `[profile name]` (and `[default]`).
//! - Precedence: for each key, the credentials file wins over the config file.
//! - Keys: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token` (or the older
//!   `aws_security_token`), and `credential_process`, run through the shell, whose JSON
//!   (`Version: 1`, `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`) gives
//!   the credentials.
//! - Lines: `[section]`, `key = value`, comments starting with `#` or `;`, blank lines, and
//!   indented lines (sub-settings such as `s3 =` blocks, ignored). Anything else is an error
//!   naming the file and line.

use crate::error::CredentialsError;
use crate::provider::{Env, ProvideCredentials};
use crate::Credentials;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Credentials from the shared config and credentials files.
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
    credentials_file: Option<PathBuf>,
    config_file: Option<PathBuf>,
}

type Section = HashMap<String, String>;

impl ProfileProvider {
    /// Reads the files and profile the process environment names.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the files and profile `env` names.
    pub fn with_env(env: Env) -> Self {
        Self {
            env,
            ..Self::default()
        }
    }

    /// Uses this profile, whatever `AWS_PROFILE` says.
    #[must_use]
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.profile = Some(name.into());
        self
    }

    /// Reads this credentials file.
    #[must_use]
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_file = Some(path.into());
        self
    }

    /// Reads this config file.
    #[must_use]
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config_file = Some(path.into());
        self
    }

    fn profile_name(&self) -> String {
        self.profile
            .clone()
            .or_else(|| self.env.get("AWS_PROFILE"))
            .unwrap_or_else(|| "default".into())
    }

    fn path(&self, given: Option<&PathBuf>, var: &str, default: &str) -> Option<PathBuf> {
        if let Some(p) = given {
            return Some(p.clone());
        }
        if let Some(p) = self.env.get(var) {
            return Some(expand_home(&p, &self.env));
        }
        let home = self
            .env
            .get("HOME")
            .or_else(|| self.env.get("USERPROFILE"))?;
        Some(Path::new(&home).join(".aws").join(default))
    }

    /// The profile's keys, credentials file over config file.
    fn resolve(&self, name: &str) -> Result<(Section, Vec<PathBuf>), CredentialsError> {
        let mut merged = Section::new();
        let mut read = Vec::new();
        let config = self.path(self.config_file.as_ref(), "AWS_CONFIG_FILE", "config");
        if let Some(path) = config {
            if let Some(sections) = read_file(&path)? {
                let wanted = if name == "default" {
                    vec!["default".to_string(), "profile default".to_string()]
                } else {
                    vec![format!("profile {name}")]
                };
                for w in wanted {
                    if let Some(s) = sections.get(&w) {
                        merged.extend(s.clone());
                    }
                }
                read.push(path);
            }
        }
        let creds = self.path(
            self.credentials_file.as_ref(),
            "AWS_SHARED_CREDENTIALS_FILE",
            "credentials",
        );
        if let Some(path) = creds {
            if let Some(sections) = read_file(&path)? {
                if let Some(s) = sections.get(name) {
                    merged.extend(s.clone());
                }
                read.push(path);
            }
        }
        Ok((merged, read))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let name = self.profile_name();
        let source = format!("profile {name:?}");
        let (keys, files) = self.resolve(&name)?;
        let not_found = |reason: String| CredentialsError::NotFound {
            source: source.clone(),
            reason,
        };
        if files.is_empty() {
            return Err(not_found("no shared credentials or config file".into()));
        }
        let shown: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        if keys.is_empty() {
            return Err(not_found(format!(
                "no such profile in {}",
                shown.join(", ")
            )));
        }
        if let (Some(ak), Some(sk)) = (
            keys.get("aws_access_key_id"),
            keys.get("aws_secret_access_key"),
        ) {
            let creds = Credentials::new(ak.clone(), sk.clone());
            let token = keys
                .get("aws_session_token")
                .or_else(|| keys.get("aws_security_token"));
            return Ok(match token {
                Some(t) => creds.with_session_token(t.clone()),
                None => creds,
            });
        }
        if let Some(command) = keys.get("credential_process") {
            return run_process(command);
        }
        let reason = if keys.contains_key("role_arn") || keys.contains_key("sso_session") {
            "assume-role and SSO profiles need the aws-sdk feature (SdkProvider)".to_string()
        } else {
            format!(
                "no aws_access_key_id and aws_secret_access_key, nor credential_process, in {}",
                shown.join(", ")
            )
        };
        Err(not_found(reason))
    }
}

fn expand_home(p: &str, env: &Env) -> PathBuf {
    match (p.strip_prefix("~/"), env.get("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(p),
    }
}

/// Reads and parses a file; `None` when it does not exist.
fn read_file(path: &Path) -> Result<Option<HashMap<String, Section>>, CredentialsError> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse(path, &text).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(CredentialsError::Io {
            path: path.to_path_buf(),
            error,
        }),
    }
}

/// Parses the INI dialect of the AWS shared files.
pub(crate) fn parse(path: &Path, text: &str) -> Result<HashMap<String, Section>, CredentialsError> {
    let mut sections: HashMap<String, Section> = HashMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let error = |reason: &str| CredentialsError::Parse {
            path: path.to_path_buf(),
            line: i + 1,
            reason: reason.into(),
        };
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if current.is_none() {
                return Err(error("indented line outside a section"));
            }
            continue; // a sub-setting, as in `s3 =` blocks
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            let name = rest
                .strip_suffix(']')
                .ok_or_else(|| error("section header is not closed with ']'"))?;
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            if name.is_empty() {
                return Err(error("section name is empty"));
            }
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let (key, value) = trimmed
            .split_once('=')
            .ok_or_else(|| error("expected `[section]` or `key = value`"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(error("key is empty"));
        }
        let section = current
            .as_ref()
            .ok_or_else(|| error("key = value before any [section]"))?;
        sections
            .entry(section.clone())
            .or_default()
            .insert(key.to_ascii_lowercase(), value.trim().to_string());
    }
    Ok(sections)
}

/// Runs a `credential_process` and reads its JSON.
fn run_process(command: &str) -> Result<Credentials, CredentialsError> {
    let fail = |reason: String| CredentialsError::Process {
        command: command.into(),
        reason,
    };
    let output = if cfg!(windows) {
        Command::new("cmd").args(["/C", command]).output()
    } else {
        Command::new("sh").args(["-c", command]).output()
    }
    .map_err(|e| fail(format!("cannot start: {e}")))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = stderr.trim();
        return Err(fail(format!("exited with {}: {stderr}", output.status)));
    }
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| fail(format!("output is not JSON: {e}")))?;
    if json["Version"] != 1 {
        return Err(fail("output has no \"Version\": 1".into()));
    }
    let field = |k: &str| json[k].as_str().map(str::to_string);
    let ak = field("AccessKeyId").ok_or_else(|| fail("output has no AccessKeyId".into()))?;
    let sk =
        field("SecretAccessKey").ok_or_else(|| fail("output has no SecretAccessKey".into()))?;
    let mut creds = Credentials::new(ak, sk);
    if let Some(token) = field("SessionToken") {
        creds = creds.with_session_token(token);
    }
    if let Some(expiration) = field("Expiration") {
        let t = sigv4_core::Timestamp::parse_iso8601(&expiration)
            .map_err(|e| fail(format!("Expiration {expiration:?}: {e}")))?;
        creds = creds.with_expiry(crate::clock::system_time(t));
    }
    Ok(creds)
}
