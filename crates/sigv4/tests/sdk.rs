//! The `aws-sdk` feature: an AWS SDK provider behind the signer.
#![cfg(feature = "aws-sdk")]
#![allow(clippy::unwrap_used, reason = "tests")]

use aws_credential_types::provider::SharedCredentialsProvider;
use sigv4::core::{Header, Payload, Request};
use sigv4::{ManualClock, ProvideCredentials, SdkProvider, Signer};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

fn sdk_provider() -> SdkProvider<SharedCredentialsProvider> {
    let creds = aws_credential_types::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("sdk-token".into()),
        Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
        "test",
    );
    SdkProvider::new(SharedCredentialsProvider::new(creds))
}

#[test]
fn an_sdk_static_provider_gives_its_credentials_blocking_and_async() {
    let p = sdk_provider();
    let blocking = p.provide().unwrap();
    let asynchronous = futures_executor::block_on(p.provide_async()).unwrap();
    for c in [blocking, asynchronous] {
        assert_eq!(c.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(c.session_token(), Some("sdk-token"));
        assert_eq!(
            c.expiry(),
            Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000))
        );
    }
}

#[test]
fn the_signer_signs_with_sdk_credentials() {
    let signer = Signer::builder("service", "us-east-1")
        .credentials(sdk_provider())
        .clock(Arc::new(ManualClock::new(
            UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        )))
        .build();
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let req = Request::from_url(
        "GET",
        "https://example.amazonaws.com/",
        &headers,
        Payload::Bytes(b""),
    )
    .unwrap();
    let signed = futures_executor::block_on(signer.sign_async(&req)).unwrap();
    // The AWS suite's get-vanilla-with-session-token case, with this token.
    assert_eq!(signed.get("x-amz-security-token"), Some("sdk-token"));
    assert!(signed
        .get("authorization")
        .unwrap()
        .contains("SignedHeaders=host;x-amz-date;x-amz-security-token"));
}
