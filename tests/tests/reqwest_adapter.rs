//! sigv4-reqwest against the workspace's verifying server on 127.0.0.1 (the S3 servers and
//! moto are in `s3_interop.rs` and `moto.rs`, for every adapter).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use reqwest::{Client, Method, StatusCode};
use sigv4::{Credentials, Signer};
use sigv4_reqwest::SigV4Middleware;
use sigv4_tests::servers::{verifying_server, AK, SK};
use std::time::Duration;

fn signer(service: &str, secret: &str) -> Signer {
    Signer::builder(service, "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .build()
}

fn client(service: &str, secret: &str) -> reqwest_middleware::ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(Client::new())
        .with(SigV4Middleware::new(signer(service, secret)))
        .build()
}

/// A body streamed in chunks, of unknown length.
fn stream_body(chunks: usize, size: usize) -> reqwest::Body {
    let chunk = Bytes::from(vec![b'x'; size]);
    let stream = futures_util::stream::iter(
        (0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
    );
    reqwest::Body::wrap_stream(stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_what_the_verifying_server_accepts() {
    let api = verifying_server("execute-api").await;
    let s3 = verifying_server("s3").await;
    let c = client("execute-api", SK);

    let r = c
        .get(format!(
            "http://127.0.0.1:{api}/items/caf%C3%A9%20x?b=2&a=1&empty="
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.text().await.unwrap(),
        format!("ok {AK} host;x-amz-date 0")
    );

    let r = c
        .post(format!("http://127.0.0.1:{api}/items"))
        .header("content-type", "application/json")
        .body(r#"{"a": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        format!("ok {AK} content-type;host;x-amz-date 8")
    );

    // A stream to a service that signs payloads is refused before anything is sent.
    let e = c
        .put(format!("http://127.0.0.1:{api}/x"))
        .body(stream_body(2, 10))
        .send()
        .await
        .unwrap_err();
    assert!(e.to_string().contains("buffer the body"), "{e}");

    let c3 = client("s3", SK);
    let r = c3
        .put(format!("http://127.0.0.1:{s3}/b/k"))
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        format!("ok {AK} host;x-amz-content-sha256;x-amz-date 5")
    );
    let r = c3
        .put(format!("http://127.0.0.1:{s3}/b/streamed"))
        .body(stream_body(4, 1000))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        format!("ok {AK} host;x-amz-content-sha256;x-amz-date 4000")
    );

    let url = reqwest::Url::parse(&format!("http://127.0.0.1:{s3}/b/presigned?x=1")).unwrap();
    let presigned = sigv4_reqwest::presign(
        &signer("s3", SK),
        &Method::GET,
        &url,
        &Default::default(),
        Duration::from_secs(60),
    )
    .unwrap();
    let r = Client::new().get(presigned).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), format!("ok {AK} host 0"));

    let r = client("execute-api", "wrong")
        .get(format!("http://127.0.0.1:{api}/items"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("<Code>SignatureDoesNotMatch</Code>"));
}

#[test]
fn blocking_requests_sign_too() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let port = rt.block_on(verifying_server("execute-api"));
    let client = reqwest::blocking::Client::new();
    let mut req = client
        .post(format!("http://127.0.0.1:{port}/blocking?q=1"))
        .body("blocking body")
        .build()
        .unwrap();
    sigv4_reqwest::sign_blocking_request(&signer("execute-api", SK), &mut req).unwrap();
    let r = client.execute(req).unwrap();
    assert_eq!(r.text().unwrap(), format!("ok {AK} host;x-amz-date 13"));
}
