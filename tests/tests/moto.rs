//! The three adapters against moto on 127.0.0.1, which checks every signature: STS, SQS and
//! DynamoDB with the IAM user's long-term key, then with AssumeRole session credentials; a
//! wrong session token is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sigv4::{Credentials, Signer};
use sigv4_tests::servers::moto;
use std::io::Read;
use tower::{Layer, ServiceExt};

const FORM: &str = "application/x-www-form-urlencoded";

#[derive(Clone, Copy, Debug)]
enum Adapter {
    Reqwest,
    Hyper,
    Ureq,
}

/// POSTs `body` to moto's `/` through `adapter`, signed for `service`.
async fn post(
    adapter: Adapter,
    port: u16,
    service: &str,
    creds: &Credentials,
    headers: &[(&str, &str)],
    body: &'static str,
) -> (u16, String) {
    let signer = Signer::builder(service, "us-east-1")
        .credentials(creds.clone())
        .build();
    let url = format!("http://127.0.0.1:{port}/");
    match adapter {
        Adapter::Reqwest => {
            let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
                .with(sigv4_reqwest::SigV4Middleware::new(signer))
                .build();
            let mut req = client.post(&url).body(body);
            for (n, v) in headers {
                req = req.header(*n, *v);
            }
            let r = req.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
        Adapter::Hyper => {
            let client =
                hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                    .build_http();
            let svc = sigv4_hyper::SignLayer::new(signer).layer(client);
            let mut req = http::Request::post(&url);
            for (n, v) in headers {
                req = req.header(*n, *v);
            }
            let r = svc
                .oneshot(
                    req.body(Full::new(Bytes::from_static(body.as_bytes())))
                        .unwrap(),
                )
                .await
                .unwrap();
            let status = r.status().as_u16();
            (
                status,
                String::from_utf8(r.into_body().collect().await.unwrap().to_bytes().to_vec())
                    .unwrap(),
            )
        }
        Adapter::Ureq => tokio::task::spawn_blocking({
            let headers: Vec<(String, String)> = headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            move || {
                let config = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .middleware(sigv4_ureq::SigV4Middleware::new(signer))
                    .build();
                let mut req = ureq::Agent::new_with_config(config).post(&url);
                for (n, v) in &headers {
                    req = req.header(n, v);
                }
                let mut r = req.send(body).unwrap();
                let mut text = String::new();
                r.body_mut().as_reader().read_to_string(&mut text).unwrap();
                (r.status().as_u16(), text)
            }
        })
        .await
        .unwrap(),
    }
}

fn between<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
    let start = text
        .find(open)
        .unwrap_or_else(|| panic!("no {open} in {text}"))
        + open.len();
    &text[start..start + text[start..].find(close).unwrap()]
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
    for adapter in [Adapter::Reqwest, Adapter::Hyper, Adapter::Ureq] {
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
        let assume: &'static str = Box::leak(
            format!(
                "Action=AssumeRole&Version=2011-06-15&RoleSessionName=session1&RoleArn={}",
                moto.role_arn.replace(':', "%3A").replace('/', "%2F")
            )
            .into_boxed_str(),
        );
        let (status, text) = post(adapter, moto.port, "sts", &user, &form, assume).await;
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
