//! Credential providers against temporary files and environments.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::{
    ChainProvider, CredentialsError, Env, EnvironmentProvider, ProfileProvider, ProvideCredentials,
};
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn environment_reads_keys_and_either_token_name() {
    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKENV"),
        ("AWS_SECRET_ACCESS_KEY", "skenv"),
        ("AWS_SECURITY_TOKEN", "old-token"),
    ]);
    let c = EnvironmentProvider::with_env(env).provide().unwrap();
    assert_eq!(
        (c.access_key_id(), c.secret_access_key()),
        ("AKENV", "skenv")
    );
    assert_eq!(c.session_token(), Some("old-token"));

    let env = Env::from_vars([
        ("AWS_ACCESS_KEY_ID", "AKENV"),
        ("AWS_SECRET_ACCESS_KEY", "skenv"),
        ("AWS_SESSION_TOKEN", "new-token"),
        ("AWS_SECURITY_TOKEN", "old-token"),
    ]);
    let c = EnvironmentProvider::with_env(env).provide().unwrap();
    assert_eq!(c.session_token(), Some("new-token"));

    let env = Env::from_vars([("AWS_ACCESS_KEY_ID", "AKENV")]);
    let e = EnvironmentProvider::with_env(env).provide().unwrap_err();
    assert!(
        e.to_string().contains("AWS_SECRET_ACCESS_KEY is not set"),
        "{e}"
    );
}

#[test]
fn credentials_file_wins_over_config_and_profiles_are_picked() {
    let dir = tempfile::tempdir().unwrap();
    let creds = write(
        dir.path(),
        "credentials",
        "# comment\n[default]\naws_access_key_id = AKCRED\naws_secret_access_key = skcred\n\n\
         [dev]\naws_access_key_id=AKDEV\naws_secret_access_key=skdev\naws_session_token=tokdev\n",
    );
    let config = write(
        dir.path(),
        "config",
        "[default]\naws_access_key_id = AKCONF\naws_secret_access_key = skconf\nregion = eu-west-1\n\
         s3 =\n    max_concurrent_requests = 10\n\
         [profile only-config]\naws_access_key_id = AKONLY\naws_secret_access_key = skonly\n\
         [only-config]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n",
    );
    let env = Env::from_vars([
        ("AWS_SHARED_CREDENTIALS_FILE", creds.as_str()),
        ("AWS_CONFIG_FILE", config.as_str()),
    ]);
    let p = ProfileProvider::with_env(env.clone());
    assert_eq!(p.provide().unwrap().access_key_id(), "AKCRED");
    let dev = p.clone().profile("dev").provide().unwrap();
    assert_eq!(
        (dev.access_key_id(), dev.session_token()),
        ("AKDEV", Some("tokdev"))
    );
    // In the config file a named profile is `[profile name]`, never `[name]`.
    let only = p.clone().profile("only-config").provide().unwrap();
    assert_eq!(only.access_key_id(), "AKONLY");

    let mut vars: Vec<(String, String)> = vec![
        ("AWS_SHARED_CREDENTIALS_FILE".into(), creds.clone()),
        ("AWS_CONFIG_FILE".into(), config.clone()),
        ("AWS_PROFILE".into(), "dev".into()),
    ];
    let p = ProfileProvider::with_env(Env::from_vars(vars.clone()));
    assert_eq!(p.provide().unwrap().access_key_id(), "AKDEV");
    vars[2].1 = "missing".into();
    let e = ProfileProvider::with_env(Env::from_vars(vars))
        .provide()
        .unwrap_err();
    assert!(e.to_string().contains("profile \"missing\""), "{e}");
    assert!(e.to_string().contains("no such profile"), "{e}");
}

#[test]
fn home_directory_files_are_the_default() {
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir(home.path().join(".aws")).unwrap();
    write(
        &home.path().join(".aws"),
        "credentials",
        "[default]\naws_access_key_id = AKHOME\naws_secret_access_key = skhome\n",
    );
    let env = Env::from_vars([("HOME", home.path().display().to_string())]);
    let c = ProfileProvider::with_env(env).provide().unwrap();
    assert_eq!(c.access_key_id(), "AKHOME");

    let env = Env::from_vars([("HOME", "/nonexistent-sigv4-home")]);
    let e = ProfileProvider::with_env(env).provide().unwrap_err();
    assert!(
        e.to_string()
            .contains("no shared credentials or config file"),
        "{e}"
    );
}

#[test]
fn malformed_files_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, reason) in [
        (
            "[default]\naws_access_key_id = A\nthis is not a setting\n",
            3,
            "expected `[section]`",
        ),
        ("\n[default\n", 2, "not closed"),
        ("aws_access_key_id = A\n", 1, "before any [section]"),
        ("[default]\n= value\n", 2, "key is empty"),
    ] {
        let path = write(dir.path(), "credentials", text);
        let p = ProfileProvider::new()
            .credentials_file(&path)
            .config_file(dir.path().join("no-config"));
        match p.provide() {
            Err(CredentialsError::Parse {
                path: p,
                line: l,
                reason: r,
            }) => {
                assert_eq!(p.display().to_string(), path);
                assert_eq!(l, line, "{text:?}");
                assert!(r.contains(reason), "{r}");
            }
            other => panic!("{text:?}: {other:?}"),
        }
        let message = p_err(&path, dir.path());
        assert!(
            message.starts_with(&format!("{path}:{line}: ")),
            "{message}"
        );
    }
}

fn p_err(path: &str, dir: &Path) -> String {
    ProfileProvider::new()
        .credentials_file(path)
        .config_file(dir.join("no-config"))
        .provide()
        .unwrap_err()
        .to_string()
}

#[test]
fn credential_process_runs_and_its_expiry_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let script = write(
        dir.path(),
        "creds.sh",
        "#!/bin/sh\nprintf '%s' '{\"Version\": 1, \"AccessKeyId\": \"AKPROC\", \"SecretAccessKey\": \"skproc\", \
         \"SessionToken\": \"tokproc\", \"Expiration\": \"2030-01-02T03:04:05Z\"}'\n",
    );
    let failing = write(
        dir.path(),
        "fail.sh",
        "#!/bin/sh\necho 'not logged in' >&2\nexit 3\n",
    );
    let garbage = write(dir.path(), "garbage.sh", "#!/bin/sh\necho hello\n");
    let config = write(
        dir.path(),
        "config",
        &format!(
            "[profile proc]\ncredential_process = sh {script}\n[profile fail]\ncredential_process = sh {failing}\n\
             [profile garbage]\ncredential_process = sh {garbage}\n"
        ),
    );
    let p = ProfileProvider::new()
        .config_file(&config)
        .credentials_file(dir.path().join("none"));
    let c = p.clone().profile("proc").provide().unwrap();
    assert_eq!(
        (c.access_key_id(), c.session_token()),
        ("AKPROC", Some("tokproc"))
    );
    assert_eq!(
        c.expiry(),
        Some(UNIX_EPOCH + Duration::from_secs(1_893_553_445))
    );

    let e = p.clone().profile("fail").provide().unwrap_err().to_string();
    assert!(e.contains("not logged in") && e.contains("exit"), "{e}");
    let e = p.profile("garbage").provide().unwrap_err().to_string();
    assert!(e.contains("not JSON"), "{e}");
}

#[test]
fn the_default_chain_lists_what_it_tried() {
    let env = Env::from_vars([("HOME", "/nonexistent-sigv4-home")]);
    let e = ChainProvider::default_chain_with_env(env)
        .provide()
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("no credentials found; tried environment ("),
        "{text}"
    );
    assert!(text.contains("AWS_ACCESS_KEY_ID is not set"), "{text}");
    assert!(
        text.contains("; profile (no credentials in profile \"default\""),
        "{text}"
    );

    let env = Env::from_vars([
        ("HOME", "/nonexistent-sigv4-home"),
        ("AWS_ACCESS_KEY_ID", "AKENV"),
        ("AWS_SECRET_ACCESS_KEY", "skenv"),
    ]);
    let c = ChainProvider::default_chain_with_env(env)
        .provide()
        .unwrap();
    assert_eq!(c.access_key_id(), "AKENV");
}
