//! sigv4-hyper's SignLayer over a hyper-util client, against the verifying server on
//! 127.0.0.1 (the S3 servers and moto are in `s3_interop.rs` and `moto.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use sigv4::{Credentials, Signer};
use sigv4_hyper::{SignLayer, SignedBody};
use sigv4_tests::servers::{verifying_server, AK, SK};
use tower::{Layer, ServiceExt};

type Http = Client<hyper_util::client::legacy::connect::HttpConnector, SignedBody<Full<Bytes>>>;

fn signing(service: &str, secret: &str) -> sigv4_hyper::SignService<Http> {
    let signer = Signer::builder(service, "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .build();
    SignLayer::new(signer).layer(Client::builder(TokioExecutor::new()).build_http())
}

async fn send(
    svc: &sigv4_hyper::SignService<Http>,
    method: Method,
    url: &str,
    body: &'static str,
) -> (StatusCode, String) {
    let req = Request::builder()
        .method(method)
        .uri(url)
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .unwrap();
    let resp = svc.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (
        status,
        String::from_utf8(
            resp.into_body()
                .collect()
                .await
                .unwrap()
                .to_bytes()
                .to_vec(),
        )
        .unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_what_the_verifying_server_accepts() {
    let api = verifying_server("execute-api").await;
    let s3 = verifying_server("s3").await;
    let svc = signing("execute-api", SK);
    let (status, text) = send(
        &svc,
        Method::GET,
        &format!("http://127.0.0.1:{api}/a%20b/c?x=1&y"),
        "",
    )
    .await;
    assert_eq!(
        (status, text.as_str()),
        (
            StatusCode::OK,
            format!("ok {AK} host;x-amz-date 0").as_str()
        )
    );
    let (_, text) = send(
        &svc,
        Method::POST,
        &format!("http://127.0.0.1:{api}/items"),
        "{\"k\":1}",
    )
    .await;
    assert_eq!(text, format!("ok {AK} host;x-amz-date 7"));
    let (_, text) = send(
        &signing("s3", SK),
        Method::PUT,
        &format!("http://127.0.0.1:{s3}/b/k"),
        "hello",
    )
    .await;
    assert_eq!(
        text,
        format!("ok {AK} host;x-amz-content-sha256;x-amz-date 5")
    );
    let (status, text) = send(
        &signing("execute-api", "wrong"),
        Method::GET,
        &format!("http://127.0.0.1:{api}/"),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        text.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{text}"
    );
}
