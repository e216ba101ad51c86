//! The verifying layer in a real hyper server on 127.0.0.1: requests signed by botocore and
//! by awscurl are accepted; tampered ones get AWS's status and error code. Also the layer's
//! body rules, driven in process.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use sigv4_hyper::VerifyLayer;
use std::collections::HashMap;
use std::convert::Infallible;
use std::path::Path;
use tower::{Layer, ServiceExt};

use sigv4_tests::servers::{echo, secrets, tool as venv_tool, verifying_server as serve, AK, SK};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_and_awscurl_requests_through_a_local_server() {
    let service_port = serve("execute-api").await;
    let s3_port = serve("s3").await;
    let python = venv_tool("SIGV4_PYTHON", ".venv/bin/python");
    let awscurl = venv_tool("SIGV4_AWSCURL", ".venv-awscurl/bin/awscurl");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("botocore/clients.py");
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .args([
            "--service-port",
            &service_port.to_string(),
            "--s3-port",
            &s3_port.to_string(),
            "--awscurl",
            &awscurl,
        ])
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run `bash scripts/test`"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cases: HashMap<String, serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (v["name"].as_str().unwrap().to_string(), v)
        })
        .collect();
    let expect = |name: &str, status: u64, code: Option<&str>, body_starts: &str| {
        let c = &cases[name];
        assert_eq!(c["status"].as_u64(), Some(status), "{name}: {c}");
        assert_eq!(c["code"].as_str(), code, "{name}: {c}");
        assert!(
            c["body"].as_str().unwrap().starts_with(body_starts),
            "{name}: {c}"
        );
    };
    expect(
        "service-get",
        200,
        None,
        &format!("ok {AK} host;x-amz-date 0"),
    );
    expect(
        "service-post",
        200,
        None,
        &format!("ok {AK} content-type;host;x-amz-date 13"),
    );
    expect("service-presigned", 200, None, &format!("ok {AK} host 0"));
    expect(
        "s3-put",
        200,
        None,
        &format!("ok {AK} host;x-amz-content-sha256;x-amz-date;x-amz-meta-a 11"),
    );
    expect(
        "s3-put-unsigned",
        200,
        None,
        &format!("ok {AK} host;x-amz-content-sha256;x-amz-date 8"),
    );
    expect("s3-presigned-get", 200, None, &format!("ok {AK} host 0"));
    expect(
        "service-tampered",
        403,
        Some("SignatureDoesNotMatch"),
        "<?xml",
    );
    expect(
        "s3-presigned-tampered",
        403,
        Some("SignatureDoesNotMatch"),
        "<?xml",
    );
    expect(
        "service-wrong-secret",
        403,
        Some("SignatureDoesNotMatch"),
        "<?xml",
    );
    expect(
        "s3-body-altered",
        400,
        Some("XAmzContentSHA256Mismatch"),
        "<?xml",
    );
    expect("awscurl-get", 200, None, &format!("ok {AK} "));
    expect(
        "awscurl-wrong-secret",
        403,
        Some("SignatureDoesNotMatch"),
        "<?xml",
    );
    // S3 shows the client what it computed.
    let body = cases["service-tampered"]["body"].as_str().unwrap();
    assert!(
        body.contains("<CanonicalRequest>GET\n/items\nb=2\n"),
        "{body}"
    );
    assert!(body.contains("<StringToSign>AWS4-HMAC-SHA256\n"), "{body}");
}

/// A streamed body of unknown length, from chunks.
struct Chunks(std::vec::IntoIter<&'static [u8]>);

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        std::task::Poll::Ready(
            self.0
                .next()
                .map(|c| Ok(http_body::Frame::data(Bytes::from_static(c)))),
        )
    }
}

/// A PUT signed in Rust with `x-amz-content-sha256: content_sha256`, its body streamed.
fn streamed(chunks: Vec<&'static [u8]>, content_sha256: &str) -> Request<Chunks> {
    let payload = sigv4_core::Payload::from_sha256_hex(content_sha256).unwrap();
    signed_put(SK, now(), content_sha256, payload)
        .body(Chunks(chunks.into_iter()))
        .unwrap()
}

fn now() -> sigv4_core::Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    sigv4_core::Timestamp::from_unix(i64::try_from(now.as_secs()).unwrap()).unwrap()
}

/// The head of a PUT to 127.0.0.1/b/k signed with `secret` at `time` (S3 rules), carrying
/// `x-amz-content-sha256: content_sha256` for `payload`.
fn signed_put(
    secret: &str,
    time: sigv4_core::Timestamp,
    content_sha256: &str,
    payload: sigv4_core::Payload<'_>,
) -> http::request::Builder {
    let key = sigv4_core::SigningKey::derive(secret, time, "us-east-1", "s3").unwrap();
    let headers = [sigv4_core::Header::new(
        "x-amz-content-sha256",
        content_sha256,
    )];
    let view =
        sigv4_core::Request::from_url("PUT", "http://127.0.0.1/b/k", &headers, payload).unwrap();
    let params = sigv4_core::SigningParams {
        access_key_id: AK,
        session_token: None,
        key: &key,
        time,
        settings: sigv4_core::Settings {
            content_sha256_header: false,
            ..sigv4_core::Settings::s3()
        },
    };
    let signed = sigv4_core::sign(&view, &params).unwrap();
    let mut builder = Request::put("http://127.0.0.1/b/k")
        .header("host", "127.0.0.1")
        .header("x-amz-content-sha256", content_sha256);
    for (n, v) in signed.headers() {
        builder = builder.header(n, v);
    }
    builder
}

#[tokio::test]
async fn a_large_streamed_body_that_does_not_hash_ends_in_an_error() {
    use sha2::Digest;
    let good: &'static [u8] = b"0123456789abcdef";
    let hash = hex(&sha2::Sha256::digest(good.repeat(2)));
    let layer = VerifyLayer::new("us-east-1", "s3", secrets()).buffer_limit(8);
    let svc = layer.layer(tower::service_fn(echo::<Chunks>));

    let ok = svc
        .clone()
        .oneshot(streamed(vec![good, good], &hash))
        .await
        .unwrap();
    let text = ok.into_body().collect().await.unwrap().to_bytes();
    assert!(text.starts_with(b"ok AKIDLOCALTEST"), "{text:?}");

    let bad = svc
        .oneshot(streamed(vec![good, b"0123456789abcdeX"], &hash))
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::OK, "the signature itself is good");
    let text = bad.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(
        text,
        "body error: body does not hash to its x-amz-content-sha256"
    );
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// A PUT of `body` signed in Rust with `secret` at `time` (S3 rules, payload signed).
fn signed_with(secret: &str, time: sigv4_core::Timestamp, body: &'static [u8]) -> Request<Chunks> {
    use sha2::Digest;
    let hash = hex(&sha2::Sha256::digest(body));
    signed_put(secret, time, &hash, sigv4_core::Payload::Bytes(body))
        .body(Chunks(vec![body].into_iter()))
        .unwrap()
}

#[tokio::test]
async fn the_layer_keeps_derived_keys_but_never_past_a_rotated_secret() {
    let secret = std::sync::Arc::new(std::sync::Mutex::new(SK.to_string()));
    let store = {
        let secret = secret.clone();
        move |ak: &str| (ak == AK).then(|| secret.lock().unwrap().clone())
    };
    let svc = VerifyLayer::new("us-east-1", "s3", store).layer(tower::service_fn(echo::<Chunks>));
    let now = now();
    let yesterday = sigv4_core::Timestamp::from_unix(now.unix() - 86_400).unwrap();
    let status = |req| {
        let svc = svc.clone();
        async move { svc.oneshot(req).await.unwrap().status() }
    };
    // The same scope twice (the second from the kept key), then another day's scope, which
    // needs its own key: the layer refuses it for its date, not for a key of today's.
    assert_eq!(status(signed_with(SK, now, b"one")).await, StatusCode::OK);
    assert_eq!(status(signed_with(SK, now, b"two")).await, StatusCode::OK);
    assert_eq!(
        status(signed_with(SK, yesterday, b"old")).await,
        StatusCode::FORBIDDEN
    );
    // Rotated: the old secret's signatures fail although its key was kept; the new one's pass.
    *secret.lock().unwrap() = "a-rotated-secret-key".to_string();
    assert_eq!(
        status(signed_with(SK, now, b"three")).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        status(signed_with("a-rotated-secret-key", now, b"four")).await,
        StatusCode::OK
    );
    // And back: the first secret's key is found again.
    *secret.lock().unwrap() = SK.to_string();
    assert_eq!(status(signed_with(SK, now, b"five")).await, StatusCode::OK);
}
