//! The native credential providers (web identity, container, instance metadata, assume
//! role from profiles, SSO) against real components on 127.0.0.1: moto (authenticating,
//! and a second one without authentication for the calls that are unsigned by design), and
//! fixtures for what no local server implements (the SSO portal) or answers (errors).
//! Credentials each provider gets sign an STS `GetCallerIdentity` through each adapter,
//! with the provider's own requests sent through that adapter's client.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::client::HttpClient;
use sigv4::{
    AssumeRoleProvider, ChainProvider, ContainerProvider, CredentialsError, Env, ImdsProvider,
    ProfileProvider, ProvideCredentials, Signer, WebIdentityProvider,
};
use sigv4_tests::adapters::{send, Adapter, ALL};
use sigv4_tests::between;
use sigv4_tests::fixture::Fixture;
use sigv4_tests::servers::{moto, moto_open, Moto};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The adapter's own HTTP client, for the providers.
fn client_for(adapter: Adapter) -> Arc<dyn HttpClient> {
    match adapter {
        Adapter::Reqwest => Arc::new(sigv4_reqwest::ReqwestClient::new(reqwest::Client::new())),
        Adapter::Hyper => {
            let http =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http();
            Arc::new(sigv4_hyper::HyperClient::new(http))
        }
        Adapter::Ureq => Arc::new(sigv4_ureq::UreqClient::new(ureq::Agent::new_with_defaults())),
    }
}

/// `GetCallerIdentity` at `port`, signed with what `provider` gives, through `adapter`:
/// the ARN moto answers.
async fn caller_arn(
    adapter: Adapter,
    port: u16,
    provider: impl ProvideCredentials + 'static,
) -> String {
    let signer = Signer::builder("sts", "us-east-1")
        .credentials(provider)
        .build();
    let reply = send(
        adapter,
        &signer,
        http::Method::POST,
        &format!("http://127.0.0.1:{port}/"),
        &[("content-type", "application/x-www-form-urlencoded")],
        "Action=GetCallerIdentity&Version=2011-06-15".into(),
    )
    .await;
    let text = reply.text();
    assert_eq!(reply.status, 200, "{adapter:?}: {text}");
    between(&text, "<Arn>", "</Arn>").to_string()
}

fn temp_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_identity_container_and_instance_metadata_from_moto() {
    let open = moto_open();
    let dir = tempfile::tempdir().unwrap();
    let token = temp_file(&dir, "token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0ZXN0In0.\n");
    let endpoint = format!("http://127.0.0.1:{}", open.port);
    for adapter in ALL {
        // EKS / GitHub Actions: the token file and the role from the environment.
        let env = Env::from_vars([
            ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
            ("AWS_ROLE_ARN", open.role_arn.as_str()),
            ("AWS_ROLE_SESSION_NAME", "eks-pod"),
            ("AWS_ENDPOINT_URL_STS", endpoint.as_str()),
        ]);
        let web = WebIdentityProvider::from_env(&env, client_for(adapter)).unwrap();
        let arn = caller_arn(adapter, open.port, web).await;
        assert!(
            arn.ends_with(":assumed-role/sigv4-role/eks-pod"),
            "{adapter:?}: {arn}"
        );

        // ECS: the full URI (moto's credentials document) with an authorization token.
        let full = format!("{endpoint}/latest/meta-data/iam/security-credentials/default-role");
        let env = Env::from_vars([
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-token"),
        ]);
        let container = ContainerProvider::from_env(&env, client_for(adapter)).unwrap();
        let creds = container.provide_async().await.unwrap();
        assert_eq!(creds.access_key_id(), "test-key");
        assert!(creds.expiry().is_some());
        let arn = caller_arn(adapter, open.port, container).await;
        assert!(arn.starts_with("arn:aws:"), "{adapter:?}: {arn}");

        // EC2: IMDSv2 at moto.
        let env = Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())]);
        let imds = ImdsProvider::from_env(&env, client_for(adapter));
        let creds = imds.provide_async().await.unwrap();
        assert_eq!(creds.session_token(), Some("test-session-token"));
        let arn = caller_arn(adapter, open.port, imds).await;
        assert!(arn.starts_with("arn:aws:"), "{adapter:?}: {arn}");
    }
    // The region: the environment, the profile, then instance metadata.
    let config = temp_file(&dir, "config", "[default]\nregion = ap-south-1\n");
    let home = dir.path().display().to_string();
    let with_profile = Env::from_vars([
        ("AWS_CONFIG_FILE", config.as_str()),
        ("HOME", home.as_str()),
    ]);
    assert_eq!(
        sigv4::region::default_region(&with_profile, None).as_deref(),
        Some("ap-south-1")
    );
    let none = Env::from_vars([
        ("HOME", home.as_str()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str()),
    ]);
    assert_eq!(sigv4::region::default_region(&none, None), None);
    let client = client_for(Adapter::Ureq);
    let found =
        tokio::task::spawn_blocking(move || sigv4::region::default_region(&none, Some(client)));
    assert_eq!(found.await.unwrap().as_deref(), Some("us-east-1"));
    // The region from instance metadata, blocking (ureq).
    let env = Env::from_vars([("AWS_EC2_METADATA_SERVICE_ENDPOINT", endpoint.as_str())]);
    let imds = ImdsProvider::from_env(&env, client_for(Adapter::Ureq));
    let region = tokio::task::spawn_blocking(move || imds.region())
        .await
        .unwrap();
    assert_eq!(region.unwrap(), "us-east-1");
}

/// A config file whose `top` profile assumes the role from `mid`, which assumes it from
/// `base`, which holds the IAM user's key: a `source_profile` chain of depth 3.
fn role_chain_config(dir: &tempfile::TempDir, m: &Moto) -> String {
    temp_file(
        dir,
        "config",
        &format!(
            "[profile base]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
             [profile mid]\nrole_arn = {}\nsource_profile = base\nrole_session_name = mid-session\n\n\
             [profile top]\nrole_arn = {}\nsource_profile = mid\nrole_session_name = top-session\n\
             external_id = ext-1\nduration_seconds = 900\n\n\
             [profile loop-a]\nrole_arn = {}\nsource_profile = loop-b\n\n\
             [profile loop-b]\nrole_arn = {}\nsource_profile = loop-a\n\n\
             [profile mfa]\nrole_arn = {}\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/u\n",
            m.access_key_id, m.secret, m.role_arn, m.role_arn, m.role_arn, m.role_arn, m.role_arn
        ),
    )
}

fn profile_env(config: &str, endpoint: &str) -> Env {
    Env::from_vars([
        ("AWS_CONFIG_FILE", config),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("AWS_ENDPOINT_URL_STS", endpoint),
        ("HOME", "/nonexistent"),
    ])
}

/// Assume role from profiles. The authenticating moto checks the signature of every
/// `AssumeRole` made with the user's key (`mid`); it refuses a role assuming a role (its
/// policy evaluation denies role chaining), so the depth-3 chain (`top`, from `mid`, from
/// `base`) runs against the second moto, which only resolves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assume_role_chains_of_profiles_against_moto() {
    let m = moto();
    let open = moto_open();
    let dir = tempfile::tempdir().unwrap();
    let config = role_chain_config(&dir, &m);
    let endpoint = format!("http://127.0.0.1:{}", m.port);
    let env = profile_env(&config, &endpoint);
    let open_dir = tempfile::tempdir().unwrap();
    let open_config = role_chain_config(&open_dir, &open);
    let open_endpoint = format!("http://127.0.0.1:{}", open.port);
    let open_env = profile_env(&open_config, &open_endpoint);
    for adapter in ALL {
        let profile = ProfileProvider::with_env(env.clone())
            .profile("mid")
            .http_client(client_for(adapter));
        let arn = caller_arn(adapter, m.port, profile).await;
        assert!(
            arn.ends_with(":assumed-role/sigv4-role/mid-session"),
            "{adapter:?}: {arn}"
        );

        let profile = ProfileProvider::with_env(open_env.clone())
            .profile("top")
            .http_client(client_for(adapter));
        let arn = caller_arn(adapter, open.port, profile).await;
        assert!(
            arn.ends_with(":assumed-role/sigv4-role/top-session"),
            "{adapter:?}: {arn}"
        );
    }
    // In code: the user's key as the source.
    let user = sigv4::Credentials::new(&m.access_key_id, &m.secret);
    let p = AssumeRoleProvider::new(&m.role_arn, user, &env, client_for(Adapter::Ureq))
        .session_name("in-code");
    let arn = caller_arn(Adapter::Ureq, m.port, p).await;
    assert!(arn.ends_with(":assumed-role/sigv4-role/in-code"), "{arn}");

    // A cycle is refused with the profiles that make it.
    let e = ProfileProvider::with_env(env.clone())
        .profile("loop-a")
        .http_client(client_for(Adapter::Ureq))
        .provide()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("source_profile cycle: loop-a -> loop-b -> loop-a"),
        "{e}"
    );

    // A role behind MFA is a clear error, not a prompt that would hang.
    let e = ProfileProvider::with_env(env.clone())
        .profile("mfa")
        .http_client(client_for(Adapter::Ureq))
        .provide()
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs an MFA code (mfa_serial)"), "{e}");
}

/// The SSO portal: no local server implements it, so this fixture serves the documented
/// `GetRoleCredentials` answer (the authenticating moto's user key as the role's
/// credentials, so moto can check what they sign) and records what it was asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sso_with_a_cached_token_against_a_portal_fixture() {
    let m = moto();
    // The role credentials the portal hands out: real ones, from moto, so that moto can
    // check what they sign.
    let user = sigv4::Credentials::new(&m.access_key_id, &m.secret);
    let sts = format!("http://127.0.0.1:{}", m.port);
    let env = Env::from_vars([("AWS_ENDPOINT_URL_STS", sts.as_str())]);
    let role = AssumeRoleProvider::new(&m.role_arn, user, &env, client_for(Adapter::Reqwest))
        .session_name("sso-role")
        .provide_async()
        .await
        .unwrap();
    let (ak, sk) = (
        role.access_key_id().to_string(),
        role.secret_access_key().to_string(),
    );
    let token = role.session_token().unwrap().to_string();
    let portal = Fixture::start(move |req| {
        if req.header("x-amz-sso_bearer_token") != Some("cached-access-token") {
            return (
                401,
                "{\"message\":\"Session token not found or invalid\"}".into(),
            );
        }
        let expiration = (std::time::SystemTime::now() + Duration::from_secs(3600))
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let body = format!(
            "{{\"roleCredentials\":{{\"accessKeyId\":\"{ak}\",\"secretAccessKey\":\"{sk}\",\
             \"sessionToken\":\"{token}\",\"expiration\":{expiration}}}}}"
        );
        (200, body)
    });
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".aws/sso/cache");
    std::fs::create_dir_all(&cache).unwrap();
    let config = temp_file(
        &home,
        "config",
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-west-1\n\n\
         [profile legacy]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n\
         sso_account_id = 123456789012\nsso_role_name = ReadOnly\n",
    );
    // The AWS CLI names the cache file by the SHA-1 of the session name (or start URL):
    // sha1("corp") and sha1("https://old.awsapps.com/start"), as Python's hashlib gives them.
    let later = "2099-01-01T00:00:00Z";
    std::fs::write(
        cache.join("ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        format!("{{\"accessToken\":\"cached-access-token\",\"expiresAt\":\"{later}\"}}"),
    )
    .unwrap();
    std::fs::write(
        cache.join("33d5ca4bf3b1a62edb96b47f7c203034a43ac435.json"),
        "{\"accessToken\":\"old-token\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}",
    )
    .unwrap();
    let home_path = home.path().display().to_string();
    let portal_url = portal.url();
    let env = Env::from_vars([
        ("HOME", home_path.as_str()),
        ("AWS_CONFIG_FILE", config.as_str()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
        ("AWS_ENDPOINT_URL_SSO", portal_url.as_str()),
    ]);
    for adapter in ALL {
        let profile = ProfileProvider::with_env(env.clone())
            .profile("dev")
            .http_client(client_for(adapter));
        let arn = caller_arn(adapter, m.port, profile).await;
        assert!(
            arn.ends_with(":assumed-role/sigv4-role/sso-role"),
            "{adapter:?}: {arn}"
        );
    }
    let asked = portal.requests();
    assert_eq!(asked.len(), 3);
    assert_eq!(
        asked[0].target,
        "/federation/credentials?account_id=123456789012&role_name=Admin"
    );
    // The legacy profile's token is expired: the error says what to run.
    let e = ProfileProvider::with_env(env)
        .profile("legacy")
        .http_client(client_for(Adapter::Ureq))
        .provide()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("expired") && e.contains("aws sso login --profile legacy"),
        "{e}"
    );
    assert!(!e.contains("old-token"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_chain_off_ec2_moves_on_in_under_two_seconds() {
    let closed = sigv4_tests::servers::free_port();
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().display().to_string();
    let imds = format!("http://127.0.0.1:{closed}");
    let env = Env::from_vars([
        ("HOME", home_path.as_str()),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.as_str()),
    ]);
    for adapter in ALL {
        let chain = ChainProvider::default_chain_with_client(env.clone(), client_for(adapter));
        let start = Instant::now();
        let e = chain.provide_async().await.unwrap_err();
        let took = start.elapsed();
        assert!(took < Duration::from_secs(2), "{adapter:?}: {took:?}");
        let text = e.to_string();
        for name in [
            "environment",
            "profile",
            "web identity",
            "container",
            "instance metadata",
        ] {
            assert!(text.contains(&format!("{name} (")), "{adapter:?}: {text}");
        }
    }
    // Environment over profile.
    let env = Env::from_vars([
        ("HOME", home_path.as_str()),
        ("AWS_ACCESS_KEY_ID", "AKIDFROMENV"),
        ("AWS_SECRET_ACCESS_KEY", "secret"),
    ]);
    let chain = ChainProvider::default_chain_with_client(env, client_for(Adapter::Ureq));
    assert_eq!(chain.provide().unwrap().access_key_id(), "AKIDFROMENV");
}

/// Each failure names its provider and its problem, and never shows a secret or token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_answers_and_settings_are_named_errors_without_secrets() {
    let sts = Fixture::start(|req| {
        match req.body.contains("RoleSessionName=xml") {
        true => (200, "<AssumeRoleWithWebIdentityResponse><Credentials><AccessKeyId>A".into()),
        false => (
            500,
            "<ErrorResponse><Error><Code>InternalFailure</Code><Message>boom</Message></Error></ErrorResponse>"
                .into(),
        ),
    }
    });
    let container = Fixture::start(|_| {
        (
            200,
            "{\"AccessKeyId\": \"ASIA\", \"SecretAccessKey\": ".into(),
        )
    });
    let dir = tempfile::tempdir().unwrap();
    let token = temp_file(&dir, "token", "secret-web-identity-token");
    let empty = temp_file(&dir, "empty", "\n");
    let client = client_for(Adapter::Ureq);
    let sts_url = sts.url();
    let web = |file: &str, session: &str| {
        let env = Env::from_vars([
            ("AWS_WEB_IDENTITY_TOKEN_FILE", file),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
            ("AWS_ROLE_SESSION_NAME", session),
            ("AWS_ENDPOINT_URL_STS", sts_url.as_str()),
        ]);
        WebIdentityProvider::from_env(&env, client.clone()).unwrap()
    };
    let full = format!("{}/creds", container.url());
    let cases: Vec<(Box<dyn ProvideCredentials>, &str)> = vec![
        (
            Box::new(web(&token, "s")),
            "web identity: STS answered 500 InternalFailure: boom",
        ),
        (
            Box::new(web(&token, "xml")),
            "web identity: STS answer has no <Credentials>",
        ),
        (Box::new(web(&empty, "s")), "is empty"),
        (
            Box::new(
                ContainerProvider::from_env(
                    &Env::from_vars([
                        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", full.as_str()),
                        (
                            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                            "secret-container-token",
                        ),
                    ]),
                    client.clone(),
                )
                .unwrap(),
            ),
            "container: the answer is not JSON",
        ),
    ];
    for (provider, want) in cases {
        let debug = format!("{provider:?}");
        assert!(!debug.contains("secret-"), "{debug}");
        let e = tokio::task::spawn_blocking(move || provider.provide().unwrap_err())
            .await
            .unwrap();
        let shown = format!("{e} {e:?}");
        assert!(shown.contains(want), "{shown}");
        for secret in ["secret-web-identity-token", "secret-container-token"] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
    // A full URI to a host the SDKs do not allow over http.
    let env = Env::from_vars([(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/r",
    )]);
    let e = ContainerProvider::from_env(&env, client.clone()).unwrap_err();
    assert!(matches!(e, CredentialsError::Provider { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with("container: AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        "{e}"
    );
    // The container token went as Authorization, and only to the fixture.
    assert_eq!(
        container.requests()[0].header("authorization"),
        Some("secret-container-token")
    );
}

/// 15-minute session credentials (web identity, against a fixture STS that counts its
/// calls) are refreshed before they expire, once, whatever the number of threads asking.
#[test]
fn session_credentials_are_refreshed_once_before_expiry() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let sts = Fixture::start(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        let expiry = std::time::SystemTime::now()
            + Duration::from_secs(900)
            + Duration::from_secs(900 * n as u64);
        let expiry = sigv4::core::Timestamp::from_unix(
            i64::try_from(
                expiry
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs(),
            )
            .unwrap(),
        )
        .unwrap();
        let iso = {
            let d = expiry.amz_date();
            let s = d.as_str();
            format!(
                "{}-{}-{}T{}:{}:{}Z",
                &s[0..4],
                &s[4..6],
                &s[6..8],
                &s[9..11],
                &s[11..13],
                &s[13..15]
            )
        };
        let body = format!(
            "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>\
             <AccessKeyId>ASIA{n}</AccessKeyId><SecretAccessKey>s</SecretAccessKey>\
             <SessionToken>t</SessionToken><Expiration>{iso}</Expiration></Credentials>\
             </AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>"
        );
        (200, body)
    });
    let dir = tempfile::tempdir().unwrap();
    let token = temp_file(&dir, "token", "tok");
    let url = sts.url();
    let env = Env::from_vars([
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r"),
        ("AWS_ENDPOINT_URL_STS", url.as_str()),
    ]);
    let web = WebIdentityProvider::from_env(&env, client_for(Adapter::Ureq)).unwrap();
    let clock = Arc::new(sigv4::ManualClock::new(std::time::SystemTime::now()));
    let cached = Arc::new(sigv4::CachedProvider::new(web).with_clock(clock.clone()));
    assert_eq!(cached.credentials().unwrap().access_key_id(), "ASIA0");
    clock.advance(Duration::from_secs(5 * 60));
    assert_eq!(
        cached.credentials().unwrap().access_key_id(),
        "ASIA0",
        "still fresh"
    );
    // 11 minutes in: within the 5-minute margin of the 15-minute expiry.
    clock.advance(Duration::from_secs(6 * 60));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = cached.clone();
            std::thread::spawn(move || c.credentials().unwrap().access_key_id().to_string())
        })
        .collect();
    for t in threads {
        let id = t.join().unwrap();
        assert!(id == "ASIA0" || id == "ASIA1", "{id}");
    }
    assert_eq!(cached.credentials().unwrap().access_key_id(), "ASIA1");
    assert_eq!(calls.load(Ordering::SeqCst), 2, "one refresh");
}
