//! The shared config and credentials files, read as the AWS CLI reads them.
//!
//! - Files: `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) and `AWS_CONFIG_FILE`
//!   (default `~/.aws/config`); a missing file is an empty one.
//! - Profile: the one given, else `AWS_PROFILE`, else `default`. In the credentials file a
//!   section is `[name]`; in the config file `[profile name]` (and `[default]`).
//! - Precedence: for each key, the credentials file wins over the config file.
//! - Keys, in the order the AWS SDKs try them: `role_arn` (with `web_identity_token_file`,
//!   or assumed with the credentials of `source_profile`, a chain of profiles, or of
//!   `credential_source` = `Environment`, `Ec2InstanceMetadata` or `EcsContainer`; with
//!   `external_id`, `role_session_name`, `duration_seconds`); `sso_session` (a
//!   `[sso-session NAME]` section) or the legacy `sso_start_url` and `sso_region`, with
//!   `sso_account_id` and `sso_role_name`; `aws_access_key_id`, `aws_secret_access_key`,
//!   `aws_session_token` (or the older `aws_security_token`); and `credential_process`,
//!   run through the shell, whose JSON (`Version: 1`, `AccessKeyId`, `SecretAccessKey`,
//!   `SessionToken`, `Expiration`) gives the credentials. Roles, web identity and SSO reach
//!   the network through the [`HttpClient`] given with
//!   [`ProfileProvider::http_client`].
//! - Lines: `[section]`, `key = value`, comments starting with `#` or `;`, blank lines, and
//!   indented lines (sub-settings such as `s3 =` blocks, ignored). Anything else is an error
//!   naming the file and line.

use crate::client::HttpClient;
use crate::error::CredentialsError;
use crate::provider::assume_role::AssumeRoleProvider;
use crate::provider::container::ContainerProvider;
use crate::provider::imds::ImdsProvider;
use crate::provider::sso::{SsoProvider, SsoSettings};
use crate::provider::web_identity::WebIdentityProvider;
use crate::provider::{Env, EnvironmentProvider, ProvideCredentials, ProvideFuture};
use crate::Credentials;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// Credentials from the shared config and credentials files.
#[derive(Debug, Clone, Default)]
pub struct ProfileProvider {
    env: Env,
    profile: Option<String>,
    credentials_file: Option<PathBuf>,
    config_file: Option<PathBuf>,
    client: Option<Arc<dyn HttpClient>>,
}

/// How a profile gets its credentials, resolved from the files.
#[derive(Debug)]
enum Plan {
    Static(Credentials),
    Process(String),
    WebIdentity {
        file: String,
        role_arn: String,
        session_name: Option<String>,
    },
    AssumeRole {
        profile: String,
        role_arn: String,
        source: Box<Plan>,
        keys: Section,
    },
    Environment,
    InstanceMetadata,
    Container,
    Sso(SsoSettings),
}

/// The two files, parsed.
struct Files {
    config: HashMap<String, Section>,
    credentials: HashMap<String, Section>,
    read: Vec<PathBuf>,
}

impl Files {
    /// A profile's keys, the credentials file's over the config file's.
    fn profile(&self, name: &str) -> Section {
        let mut merged = Section::new();
        let wanted = if name == "default" {
            vec!["default".to_string(), "profile default".to_string()]
        } else {
            vec![format!("profile {name}")]
        };
        for w in wanted {
            if let Some(s) = self.config.get(&w) {
                merged.extend(s.clone());
            }
        }
        if let Some(s) = self.credentials.get(name) {
            merged.extend(s.clone());
        }
        merged
    }
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

    /// Sends the requests of role, web identity and SSO profiles through `client`.
    #[must_use]
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.client = Some(client);
        self
    }

    fn load(&self) -> Result<Files, CredentialsError> {
        let mut files = Files {
            config: HashMap::new(),
            credentials: HashMap::new(),
            read: Vec::new(),
        };
        let config = self.path(self.config_file.as_ref(), "AWS_CONFIG_FILE", "config");
        if let Some(path) = config {
            if let Some(sections) = read_file(&path)? {
                files.config = sections;
                files.read.push(path);
            }
        }
        let creds = self.path(
            self.credentials_file.as_ref(),
            "AWS_SHARED_CREDENTIALS_FILE",
            "credentials",
        );
        if let Some(path) = creds {
            if let Some(sections) = read_file(&path)? {
                files.credentials = sections;
                files.read.push(path);
            }
        }
        Ok(files)
    }

    /// How profile `name` gets its credentials; `visited` is the `source_profile` path so far.
    fn plan(
        &self,
        files: &Files,
        name: &str,
        visited: &mut Vec<String>,
    ) -> Result<Plan, CredentialsError> {
        let source = format!("profile {name:?}");
        let fail = |reason: String| CredentialsError::Provider {
            source: source.clone(),
            reason,
        };
        let keys = files.profile(name);
        if keys.is_empty() {
            let shown: Vec<String> = files.read.iter().map(|p| p.display().to_string()).collect();
            return Err(CredentialsError::NotFound {
                source: source.clone(),
                reason: format!("no such profile in {}", shown.join(", ")),
            });
        }
        let get = |k: &str| keys.get(k).filter(|v| !v.is_empty()).cloned();
        let static_keys = match (get("aws_access_key_id"), get("aws_secret_access_key")) {
            (Some(ak), Some(sk)) => {
                let creds = Credentials::new(ak, sk);
                Some(
                    match get("aws_session_token").or_else(|| get("aws_security_token")) {
                        Some(t) => creds.with_session_token(t),
                        None => creds,
                    },
                )
            }
            _ => None,
        };
        visited.push(name.to_string());
        if let Some(role_arn) = get("role_arn") {
            if get("mfa_serial").is_some() {
                return Err(fail(format!(
                    "role {role_arn} needs an MFA code (mfa_serial), which this library does not \
                     prompt for: assume the role with the AWS CLI, or use credential_process"
                )));
            }
            if let Some(file) = get("web_identity_token_file") {
                return Ok(Plan::WebIdentity {
                    file,
                    role_arn,
                    session_name: get("role_session_name"),
                });
            }
            let source_plan = match (get("source_profile"), get("credential_source")) {
                (Some(_), Some(_)) => {
                    return Err(fail("both source_profile and credential_source are set".into()))
                }
                (Some(src), None) if src == name => match static_keys {
                    Some(c) => Plan::Static(c),
                    None => return Err(fail("source_profile is itself and it has no keys".into())),
                },
                (Some(src), None) => {
                    if visited.contains(&src) {
                        let mut path = visited.clone();
                        path.push(src);
                        return Err(fail(format!("source_profile cycle: {}", path.join(" -> "))));
                    }
                    self.plan(files, &src, visited)?
                }
                (None, Some(cs)) => match cs.as_str() {
                    "Environment" => Plan::Environment,
                    "Ec2InstanceMetadata" => Plan::InstanceMetadata,
                    "EcsContainer" => Plan::Container,
                    other => {
                        return Err(fail(format!(
                            "credential_source {other:?} is not Environment, Ec2InstanceMetadata or EcsContainer"
                        )))
                    }
                },
                (None, None) => {
                    return Err(fail(format!(
                        "role_arn {role_arn} needs source_profile, credential_source or web_identity_token_file"
                    )))
                }
            };
            return Ok(Plan::AssumeRole {
                profile: name.to_string(),
                role_arn,
                source: Box::new(source_plan),
                keys,
            });
        }
        if let Some(plan) = self.sso_plan(files, name, &keys)? {
            return Ok(plan);
        }
        if let Some(creds) = static_keys {
            return Ok(Plan::Static(creds));
        }
        if let Some(command) = get("credential_process") {
            return Ok(Plan::Process(command));
        }
        let shown: Vec<String> = files.read.iter().map(|p| p.display().to_string()).collect();
        Err(CredentialsError::NotFound {
            source,
            reason: format!(
                "no aws_access_key_id and aws_secret_access_key, role_arn, sso_session nor \
                 credential_process in {}",
                shown.join(", ")
            ),
        })
    }

    /// The SSO settings of a profile, in the `sso_session` form or the legacy one.
    fn sso_plan(
        &self,
        files: &Files,
        name: &str,
        keys: &Section,
    ) -> Result<Option<Plan>, CredentialsError> {
        let get = |k: &str| keys.get(k).filter(|v| !v.is_empty()).cloned();
        let fail = |reason: String| CredentialsError::Provider {
            source: format!("profile {name:?}"),
            reason,
        };
        let (cache_key, region) = if let Some(session) = get("sso_session") {
            let section = files
                .config
                .get(&format!("sso-session {session}"))
                .ok_or_else(|| fail(format!("no [sso-session {session}] section")))?;
            let region = section
                .get("sso_region")
                .cloned()
                .ok_or_else(|| fail(format!("[sso-session {session}] has no sso_region")))?;
            (session, region)
        } else if let Some(url) = get("sso_start_url") {
            let region =
                get("sso_region").ok_or_else(|| fail("sso_start_url without sso_region".into()))?;
            (url, region)
        } else {
            return Ok(None);
        };
        let account_id = get("sso_account_id").ok_or_else(|| fail("no sso_account_id".into()))?;
        let role_name = get("sso_role_name").ok_or_else(|| fail("no sso_role_name".into()))?;
        Ok(Some(Plan::Sso(SsoSettings {
            profile: name.to_string(),
            cache_key,
            region,
            account_id,
            role_name,
        })))
    }

    fn client(&self, what: &str) -> Result<Arc<dyn HttpClient>, CredentialsError> {
        self.client
            .clone()
            .ok_or_else(|| CredentialsError::NotFound {
                source: format!("profile {:?}", self.profile_name()),
                reason: format!(
                    "{what} needs an HTTP client: build the signer through sigv4_reqwest, \
                 sigv4_hyper or sigv4_ureq, or give SignerBuilder::http_client"
                ),
            })
    }

    /// The provider a plan describes.
    fn build(&self, plan: Plan) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        Ok(match plan {
            Plan::Static(c) => Box::new(c),
            Plan::Process(command) => Box::new(ProcessProvider(command)),
            Plan::Environment => Box::new(EnvironmentProvider::with_env(self.env.clone())),
            Plan::InstanceMetadata => Box::new(ImdsProvider::from_env(
                &self.env,
                self.client("credential_source Ec2InstanceMetadata")?,
            )),
            Plan::Container => Box::new(ContainerProvider::from_env(
                &self.env,
                self.client("credential_source EcsContainer")?,
            )?),
            Plan::WebIdentity {
                file,
                role_arn,
                session_name,
            } => {
                let client = self.client("web_identity_token_file")?;
                let p = WebIdentityProvider::new(
                    expand_home(&file, &self.env),
                    role_arn,
                    &self.env,
                    client,
                );
                Box::new(match session_name {
                    Some(n) => p.session_name(n),
                    None => p,
                })
            }
            Plan::Sso(settings) => {
                Box::new(SsoProvider::new(settings, &self.env, self.client("SSO")?))
            }
            Plan::AssumeRole {
                profile,
                role_arn,
                source,
                keys,
            } => self.assume_role(&profile, role_arn, *source, &keys)?,
        })
    }

    fn assume_role(
        &self,
        profile: &str,
        role_arn: String,
        source: Plan,
        keys: &Section,
    ) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        let source = self.build(source)?;
        let mut p = AssumeRoleProvider::new(role_arn, source, &self.env, self.client("role_arn")?);
        if let Some(region) = keys.get("region").filter(|r| !r.is_empty()) {
            p = p.region(region.clone(), &self.env);
        }
        if let Some(id) = keys.get("external_id") {
            p = p.external_id(id.clone());
        }
        if let Some(name) = keys.get("role_session_name") {
            p = p.session_name(name.clone());
        }
        if let Some(secs) = keys.get("duration_seconds") {
            let secs = secs.parse().map_err(|_| CredentialsError::Provider {
                source: format!("profile {profile:?}"),
                reason: format!("duration_seconds {secs:?} is not a number of seconds"),
            })?;
            p = p.duration_seconds(secs);
        }
        Ok(Box::new(p))
    }

    /// The provider the selected profile describes, from the files as they are now.
    fn resolve(&self) -> Result<Box<dyn ProvideCredentials>, CredentialsError> {
        let name = self.profile_name();
        let files = self.load()?;
        if files.read.is_empty() {
            return Err(CredentialsError::NotFound {
                source: format!("profile {name:?}"),
                reason: "no shared credentials or config file".into(),
            });
        }
        let plan = self.plan(&files, &name, &mut Vec::new())?;
        self.build(plan)
    }

    /// The region the selected profile names (`region`), if any.
    pub fn region(&self) -> Option<String> {
        let files = self.load().ok()?;
        files
            .profile(&self.profile_name())
            .get("region")
            .filter(|r| !r.is_empty())
            .cloned()
    }
}

impl ProvideCredentials for ProfileProvider {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        self.resolve()?.provide()
    }

    fn provide_async(&self) -> ProvideFuture<'_> {
        Box::pin(async move { self.resolve()?.provide_async().await })
    }
}

/// A `credential_process` command.
#[derive(Debug)]
struct ProcessProvider(String);

impl ProvideCredentials for ProcessProvider {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        run_process(&self.0)
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
    crate::provider::credentials_json("credential_process", &output.stdout).map_err(|e| match e {
        CredentialsError::Provider { reason, .. } => fail(reason.replace("the answer", "output")),
        other => other,
    })
}
