//! SigV4A through every layer: a `Signer` built with `.sigv4a(set)` signs through each
//! adapter (reqwest middleware, hyper `SignLayer`, ureq middleware) and presigns through
//! each one's presign function, unchanged in use, and `VerifyLayer` on 127.0.0.1 accepts
//! what they send; it refuses a region set that does not cover its region, a tampered
//! request, and a SigV4A request from a stranger's key. (The CLI's `--sigv4a` is
//! tested in `crates/sigv4-cli/tests`.)
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use http::Method;
use sigv4::{Credentials, Signer};
use sigv4_tests::adapters::{presign, send, Body, ALL};
use sigv4_tests::servers::{verifying_server, AK, SK};
use std::time::Duration;

fn signer(service: &str, secret: &str, set: &str) -> Signer {
    Signer::builder(service, "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .sigv4a(set)
        .build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_adapter_signs_sigv4a_that_the_layer_accepts() {
    let api = verifying_server("execute-api").await;
    let s3 = verifying_server("s3").await;
    for adapter in ALL {
        for set in ["us-east-1", "us-*", "eu-west-1,us-east-1", "*"] {
            let signer = signer("execute-api", SK, set);
            let url = format!("http://127.0.0.1:{api}/items?b=1&a=2");
            let body = Body::Bytes(b"{\"k\":1}".to_vec());
            let reply = send(adapter, &signer, Method::POST, &url, &[], body).await;
            assert_eq!(
                (reply.status, reply.text()),
                (200, format!("ok {AK} host;x-amz-date;x-amz-region-set 7")),
                "{adapter:?} {set}"
            );
        }
        let s3_signer = signer("s3", SK, "*");
        let url = format!("http://127.0.0.1:{s3}/bucket/key%20one");
        let body = Body::Bytes(vec![b'x'; 1000]);
        let reply = send(adapter, &s3_signer, Method::PUT, &url, &[], body).await;
        assert_eq!(reply.status, 200, "{adapter:?} s3: {}", reply.text());

        // Presigned, through the adapter's own presign function.
        let url = presign(
            adapter,
            &s3_signer,
            &Method::GET,
            &format!("http://127.0.0.1:{s3}/bucket/report.pdf"),
            Duration::from_secs(300),
        );
        assert!(
            url.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
            "{url}"
        );
        assert!(url.contains("X-Amz-Region-Set=%2A"), "{url}");
        let got = reqwest::get(&url).await.unwrap();
        assert_eq!(got.status(), 200, "{adapter:?} presigned: {url}");
        let tampered = url.replace("report.pdf", "report.pdg");
        let got = reqwest::get(&tampered).await.unwrap();
        assert_eq!(got.status(), 403, "{adapter:?} tampered presigned URL");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layer_refuses_what_sigv4a_does_not_cover() {
    let api = verifying_server("execute-api").await;
    let url = format!("http://127.0.0.1:{api}/items");
    let get = |adapter, signer: Signer| {
        let url = url.clone();
        async move {
            let reply = send(
                adapter,
                &signer,
                Method::GET,
                &url,
                &[],
                Body::Bytes(vec![]),
            )
            .await;
            (reply.status, reply.text())
        }
    };
    for adapter in ALL {
        // The server is in us-east-1.
        for set in ["eu-west-1", "us-west-*", "eu-*,ap-*"] {
            let (status, text) = get(adapter, signer("execute-api", SK, set)).await;
            assert_eq!(status, 400, "{adapter:?} {set}: {text}");
            assert!(text.contains("AuthorizationHeaderMalformed"), "{text}");
        }
        // Another secret: another ECDSA key, whose signature does not verify.
        let (status, text) = get(adapter, signer("execute-api", "not the secret", "*")).await;
        assert_eq!(status, 403, "{adapter:?}: {text}");
        assert!(text.contains("SignatureDoesNotMatch"), "{text}");
    }
}

#[test]
fn a_signer_given_only_a_sigv4_key_says_why_it_cannot_sign_sigv4a() {
    let time = sigv4_core::Timestamp::parse_amz_date("20150830T123600Z").unwrap();
    let key = sigv4_core::SigningKey::derive(SK, time, "us-east-1", "s3").unwrap();
    let signer = Signer::builder("s3", "us-east-1")
        .signing_key(key, AK, None)
        .sigv4a("*")
        .build();
    let req = sigv4_core::Request::from_url(
        "GET",
        "https://example.com/",
        &[],
        sigv4_core::Payload::Unsigned,
    )
    .unwrap();
    let err = signer.sign(&req).unwrap_err().to_string();
    assert!(err.contains("SigV4A needs the secret access key"), "{err}");
}

/// SigV4A aws-chunked uploads, encoded by `sign_http_chunked` and sent by plain HTTP, in
/// every mode: the layer checks every ECDSA chunk signature (and the trailer's) and hands
/// on the decoded body; one changed byte of data is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigv4a_aws_chunked_uploads_in_every_mode() {
    use http::{HeaderMap, Uri};
    use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum};
    use std::io::Read;

    let port = verifying_server("s3").await;
    let signer = signer("s3", SK, "us-east-1");
    for options in [
        AwsChunked::signed(),
        AwsChunked::signed_with_checksum(Checksum::Sha256),
        AwsChunked::unsigned_with_checksum(Checksum::Crc32),
    ] {
        for (len, tamper) in [(0usize, false), (100_000, false), (100_000, true)] {
            let url = format!("http://127.0.0.1:{port}/bucket/key");
            let uri: Uri = url.parse().unwrap();
            let mut headers = HeaderMap::new();
            let encoder = signer
                .sign_http_chunked(&Method::PUT, &uri, &mut headers, len as u64, &options)
                .unwrap();
            let sent = encoder.options().encoding();
            assert_eq!(
                sent.is_sigv4a(),
                options.encoding().signs_chunks(),
                "{options:?}"
            );
            let body = vec![9u8; len];
            let mut wire = Vec::new();
            AwsChunkedReader::new(&body[..], encoder)
                .read_to_end(&mut wire)
                .unwrap();
            assert_eq!(
                headers["content-length"].to_str().unwrap(),
                wire.len().to_string(),
                "{options:?}: the length announced before signing"
            );
            if tamper {
                let at = wire.len() / 2;
                wire[at] ^= 1;
            }
            let text = tokio::task::spawn_blocking(move || {
                let mut req = http::Request::builder().method("PUT").uri(&url);
                for (n, v) in &headers {
                    req = req.header(n, v);
                }
                let agent = ureq::Agent::new_with_config(
                    ureq::Agent::config_builder()
                        .http_status_as_error(false)
                        .build(),
                );
                match agent.run(req.body(wire).unwrap()) {
                    Ok(mut resp) => resp.body_mut().read_to_string().unwrap_or_default(),
                    Err(e) => format!("transport: {e}"),
                }
            })
            .await
            .unwrap();
            let ok = text.starts_with(&format!("ok {AK}")) && text.ends_with(&format!(" {len}"));
            assert_eq!(ok, !tamper, "{options:?} {len} tampered {tamper}: {text}");
        }
    }
}

/// The layer keeps the SigV4A public keys it derives, but never past a secret's rotation:
/// after the store's secret changes, the old secret's signatures are refused and the new
/// one's accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_layers_key_cache_follows_a_rotated_secret() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct Rotating(Arc<Mutex<String>>);
    impl sigv4_hyper::SecretStore for Rotating {
        fn secret(&self, access_key_id: &str) -> Option<String> {
            (access_key_id == AK).then(|| self.0.lock().unwrap().clone())
        }
    }
    let store = Rotating(Arc::new(Mutex::new("first secret".into())));
    let port = sigv4_tests::servers::serve_layer(sigv4_hyper::VerifyLayer::new(
        "us-east-1",
        "execute-api",
        store.clone(),
    ))
    .await;
    let url = format!("http://127.0.0.1:{port}/items");
    let get = |secret: &'static str| {
        let url = url.clone();
        async move {
            let signer = signer("execute-api", secret, "*");
            send(ALL[0], &signer, Method::GET, &url, &[], Body::Bytes(vec![]))
                .await
                .status
        }
    };
    assert_eq!(get("first secret").await, 200);
    assert_eq!(get("first secret").await, 200, "from the cache");
    *store.0.lock().unwrap() = "second secret".into();
    assert_eq!(
        get("first secret").await,
        403,
        "the old secret after rotation"
    );
    assert_eq!(get("second secret").await, 200);
}
