//! Secrets never reach `Debug`, `Display`, error messages or `tracing` output. In a test
//! binary of its own: `tracing` caches per call site whether anyone listens, and a test on
//! another thread with no subscriber would race the one installed here.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::core::{Header, Payload, Request};
use sigv4::{Credentials, ManualClock, Signer};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

const AK: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN/with+slash=";
const SUITE_TIME: u64 = 1_440_938_160;

fn clock_at(secs: u64) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(secs)))
}

/// Collects what `tracing` writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn secrets_never_reach_debug_display_errors_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let clock = clock_at(SUITE_TIME);
    let creds = Credentials::new(AK, SECRET).with_session_token(TOKEN);
    let signer = Signer::builder("s3", "us-east-1")
        .credentials(creds.clone())
        .clock(clock.clone())
        .build();
    let headers = [Header::new("x-amz-meta-a", "b")];
    let req = Request::from_url(
        "PUT",
        "https://b.s3.amazonaws.com/k?x=1",
        &headers,
        Payload::Bytes(b"hi"),
    )
    .unwrap();
    let mut shown = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let signed = signer.sign(&req).unwrap();
        let presigned = signer.presign(&req, Duration::from_secs(60)).unwrap();
        shown.push(format!("{signed:?}"));
        shown.push(format!("{presigned:?}"));
        // An error path, logged by the cache: a refresh that fails.
        let failing = Signer::builder("s3", "us-east-1")
            .credentials(sigv4::EnvironmentProvider::with_env(sigv4::Env::from_vars(
                [("AWS_SECRET_ACCESS_KEY", SECRET)],
            )))
            .build();
        let e = failing.sign(&req).unwrap_err();
        shown.push(e.to_string());
        shown.push(format!("{e:?}"));
        let bad = Request {
            method: "BAD METHOD",
            ..req
        };
        let e = signer.sign(&bad).unwrap_err();
        shown.push(e.to_string());
        assert_eq!(
            signed.get("x-amz-security-token"),
            Some(TOKEN),
            "the token is still sent"
        );
        // The network providers: an assumed role whose STS answer carries the secret and
        // token, and a web identity token refused by STS.
        shown.extend(network_providers());
    });
    shown.push(format!("{creds:?}"));
    shown.push(format!("{signer:?}"));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("canonical_request"),
        "debug logging is on: {log}"
    );
    assert!(
        log.contains("<redacted>"),
        "the token line is redacted: {log}"
    );
    shown.push(log);
    let encoded_token = "FwoGZXIvYXdzEXAMPLETOKEN%2Fwith%2Bslash%3D";
    for text in &shown {
        for secret in [SECRET, TOKEN, encoded_token, "wJalrXUtnFEMI"] {
            assert!(!text.contains(secret), "{secret:?} leaked into {text}");
        }
    }
}

/// Answers every request with one canned body (its `Debug` shows none: the body is a
/// credentials document).
struct Canned(u16, String);

impl std::fmt::Debug for Canned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Canned")
    }
}

impl sigv4::client::HttpClient for Canned {
    fn send(
        &self,
        _req: sigv4::client::HttpRequest,
    ) -> Result<sigv4::client::HttpResponse, sigv4::client::HttpError> {
        Ok(sigv4::client::HttpResponse::new(self.0, self.1.clone()))
    }
}

const WEB_TOKEN: &str = "eyJweb-identity-token-never-shown";

/// Signs with an assumed role and fails a web identity exchange; what they show.
fn network_providers() -> Vec<String> {
    let env = sigv4::Env::from_vars([("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9")]);
    let sts = format!(
        "<AssumeRoleResponse><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>\
         <SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>\
         <Expiration>2999-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResponse>"
    );
    let role = sigv4::AssumeRoleProvider::new(
        "arn:aws:iam::123456789012:role/r",
        Credentials::new(AK, SECRET),
        &env,
        Arc::new(Canned(200, sts)),
    );
    let mut shown = vec![format!("{role:?}")];
    let signer = Signer::builder("sts", "us-east-1")
        .credentials(role)
        .build();
    let req = Request::from_url(
        "GET",
        "https://sts.amazonaws.com/",
        &[],
        Payload::Bytes(b""),
    )
    .unwrap();
    let signed = signer.sign(&req).unwrap();
    assert_eq!(signed.get("x-amz-security-token"), Some(TOKEN));
    shown.push(format!("{signed:?}"));

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, WEB_TOKEN).unwrap();
    let refused = "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad</Message></Error></ErrorResponse>";
    let web = sigv4::WebIdentityProvider::new(
        &file,
        "arn:aws:iam::1:role/r",
        &env,
        Arc::new(Canned(400, refused.into())),
    );
    shown.push(format!("{web:?}"));
    let e = sigv4::ProvideCredentials::provide(&web).unwrap_err();
    assert!(e.to_string().contains("InvalidIdentityToken"), "{e}");
    shown.push(e.to_string());
    shown.push(format!("{e:?}"));
    for text in &shown {
        assert!(
            !text.contains(WEB_TOKEN),
            "the web identity token leaked into {text}"
        );
    }
    shown
}
