//! The three adapters against moto on 127.0.0.1, which checks every signature: STS, SQS and
//! DynamoDB with the IAM user's long-term key, then with AssumeRole session credentials; a
//! wrong session token is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::{Credentials, Signer};
use sigv4_tests::adapters::{send, Adapter, ALL};
use sigv4_tests::between;
use sigv4_tests::servers::moto;

const FORM: &str = "application/x-www-form-urlencoded";

/// POSTs `body` to moto's `/` through `adapter`, signed for `service` with `creds`.
async fn post(
    adapter: Adapter,
    port: u16,
    service: &str,
    creds: &Credentials,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let signer = Signer::builder(service, "us-east-1")
        .credentials(creds.clone())
        .build();
    let url = format!("http://127.0.0.1:{port}/");
    let reply = send(
        adapter,
        &signer,
        http::Method::POST,
        &url,
        headers,
        body.into(),
    )
    .await;
    (reply.status, reply.text())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sts_sqs_and_dynamodb_with_long_term_and_session_credentials() {
    let moto = moto();
    let user = Credentials::new(&moto.access_key_id, &moto.secret);
    let ddb = [
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", "DynamoDB_20120810.ListTables"),
    ];
    let form = [("content-type", FORM)];
    for adapter in ALL {
        let (status, text) = post(
            adapter,
            moto.port,
            "sts",
            &user,
            &form,
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
        .await;
        assert_eq!(status, 200, "{adapter:?}: {text}");
        assert!(
            text.contains(":user/sigv4-test</Arn>"),
            "{adapter:?}: {text}"
        );

        let (status, text) = post(
            adapter,
            moto.port,
            "sqs",
            &user,
            &form,
            "Action=ListQueues&Version=2012-11-05",
        )
        .await;
        assert_eq!(status, 200, "{adapter:?} sqs: {text}");
        let (status, text) = post(adapter, moto.port, "dynamodb", &user, &ddb, "{}").await;
        assert_eq!(
            (status, text.as_str()),
            (200, "{\"TableNames\": []}"),
            "{adapter:?} dynamodb"
        );

        let wrong = Credentials::new(&moto.access_key_id, "wrong-secret");
        let (status, text) = post(
            adapter,
            moto.port,
            "sts",
            &wrong,
            &form,
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
        .await;
        assert_eq!(status, 403, "{adapter:?}: {text}");

        // AssumeRole, then sign with the session credentials and their token.
        let assume = format!(
            "Action=AssumeRole&Version=2011-06-15&RoleSessionName=session1&RoleArn={}",
            moto.role_arn.replace(':', "%3A").replace('/', "%2F")
        );
        let (status, text) = post(adapter, moto.port, "sts", &user, &form, &assume).await;
        assert_eq!(status, 200, "{adapter:?} assume role: {text}");
        let session = Credentials::new(
            between(&text, "<AccessKeyId>", "<"),
            between(&text, "<SecretAccessKey>", "<"),
        )
        .with_session_token(between(&text, "<SessionToken>", "<"));
        let (status, text) = post(
            adapter,
            moto.port,
            "sts",
            &session,
            &form,
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
        .await;
        assert_eq!(status, 200, "{adapter:?} with session: {text}");
        assert!(
            text.contains(":assumed-role/sigv4-role/session1</Arn>"),
            "{adapter:?}: {text}"
        );
        let (status, text) = post(adapter, moto.port, "dynamodb", &session, &ddb, "{}").await;
        assert_eq!(status, 200, "{adapter:?} dynamodb with session: {text}");

        let forged = Credentials::new(session.access_key_id(), session.secret_access_key())
            .with_session_token("FQoGZXIvYXdzEForgedToken");
        let (status, text) = post(
            adapter,
            moto.port,
            "sts",
            &forged,
            &form,
            "Action=GetCallerIdentity&Version=2011-06-15",
        )
        .await;
        assert!(
            status >= 400,
            "{adapter:?}: a wrong token was accepted: {text}"
        );
    }
}
