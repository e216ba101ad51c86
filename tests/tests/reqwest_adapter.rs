//! sigv4-reqwest against the workspace's verifying server and against s3s-fs, all on
//! 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use reqwest::{Client, Method, StatusCode};
use sigv4::{Credentials, ManualClock, Signer};
use sigv4_reqwest::SigV4Middleware;
use sigv4_tests::servers::{rclone, s3s_fs, verifying_server, AK, SK};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

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

/// CreateMultipartUpload, two UploadParts (the first at S3's 5 MiB minimum), Complete, and
/// the object read back whole.
async fn multipart_upload(c: &reqwest_middleware::ClientWithMiddleware, base: &str) {
    fn between<'t>(text: &'t str, open: &str, close: &str) -> &'t str {
        let start = text
            .find(open)
            .unwrap_or_else(|| panic!("no {open} in {text}"))
            + open.len();
        &text[start..start + text[start..].find(close).unwrap()]
    }
    let url = format!("{base}/bucket/multi%20part.bin");
    let created = c
        .post(format!("{url}?uploads"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let upload_id = between(&created, "<UploadId>", "</UploadId>").to_string();
    let parts = [vec![b'a'; 5 << 20], b"tail".to_vec()];
    let mut etags = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let r = c
            .put(format!("{url}?partNumber={}&uploadId={upload_id}", i + 1))
            .body(part.clone())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "part {}: {}", i + 1, r.status());
        etags.push(r.headers()["etag"].to_str().unwrap().to_string());
    }
    let body: String = etags
        .iter()
        .enumerate()
        .map(|(i, e)| {
            format!(
                "<Part><PartNumber>{}</PartNumber><ETag>{e}</ETag></Part>",
                i + 1
            )
        })
        .collect();
    let r = c
        .post(format!("{url}?uploadId={upload_id}"))
        .body(format!(
            "<CompleteMultipartUpload>{body}</CompleteMultipartUpload>"
        ))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "complete: {}",
        r.text().await.unwrap()
    );
    let got = c.get(&url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(got.len(), (5 << 20) + 4);
    assert!(got.ends_with(b"tail"));
}

/// `/bucket/key` encoded as S3 clients encode keys: every byte but unreserved ones and `/`.
fn s3_path(bucket: &str, key: &str) -> String {
    let mut out = format!("/{bucket}/");
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const KEYS: [&str; 6] = [
    "plain.txt",
    "with space/and+plus.txt",
    "tilde~equals=amp&percent%.bin",
    "punct!*'()$@,;:.txt",
    "unicodé/日本語/😀.txt",
    "deep/nested/folder/file",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3s_fs_objects_round_trip() {
    let server = s3s_fs();
    objects_round_trip(server.port).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rclone_objects_round_trip() {
    let server = rclone();
    objects_round_trip(server.port).await;
}

/// Bucket, objects with awkward keys, listing, streamed upload, presigned GET, expiry and
/// a wrong secret, against the S3 server on `port`.
async fn objects_round_trip(port: u16) {
    let base = format!("http://127.0.0.1:{port}");
    let c = client("s3", SK);

    let r = c.put(format!("{base}/bucket")).send().await.unwrap();
    assert!(
        r.status().is_success(),
        "create bucket: {}",
        r.text().await.unwrap()
    );

    for (i, key) in KEYS.iter().enumerate() {
        let url = format!("{base}{}", s3_path("bucket", key));
        let body = format!("body {i} of {key}");
        let r = c.put(&url).body(body.clone()).send().await.unwrap();
        assert!(
            r.status().is_success(),
            "put {key}: {}",
            r.text().await.unwrap()
        );
        let r = c.get(&url).send().await.unwrap();
        assert!(r.status().is_success(), "get {key}");
        assert_eq!(r.text().await.unwrap(), body);
        let r = c.head(&url).send().await.unwrap();
        assert_eq!(
            r.headers()["content-length"],
            body.len().to_string().as_str(),
            "head {key}"
        );
    }

    let r = c
        .get(format!("{base}/bucket?list-type=2&prefix=deep%2Fnested%2F"))
        .send()
        .await
        .unwrap();
    let listing = r.text().await.unwrap();
    assert!(
        listing.contains("<Key>deep/nested/folder/file</Key>"),
        "{listing}"
    );
    assert!(!listing.contains("plain.txt"), "{listing}");

    // Streamed upload: UNSIGNED-PAYLOAD, never buffered; S3 wants its length up front.
    let r = c
        .put(format!("{base}/bucket/streamed"))
        .header("content-length", 16 * 64 * 1024)
        .body(stream_body(16, 64 * 1024))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "streamed put: {}",
        r.text().await.unwrap()
    );
    let r = c
        .head(format!("{base}/bucket/streamed"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-length"],
        (16 * 64 * 1024).to_string().as_str()
    );

    // Presigned GET through plain HTTP.
    let url = reqwest::Url::parse(&format!("{base}{}", s3_path("bucket", KEYS[1]))).unwrap();
    let presigned = sigv4_reqwest::presign(
        &signer("s3", SK),
        &Method::GET,
        &url,
        &Default::default(),
        Duration::from_secs(300),
    )
    .unwrap();
    let r = Client::new().get(presigned).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), format!("body 1 of {}", KEYS[1]));

    // Presigned PUT through plain HTTP, and a presigned URL with one signature digit changed.
    let put_url = reqwest::Url::parse(&format!("{base}/bucket/presigned-put.txt")).unwrap();
    let presigned = sigv4_reqwest::presign(
        &signer("s3", SK),
        &Method::PUT,
        &put_url,
        &Default::default(),
        Duration::from_secs(300),
    )
    .unwrap();
    let r = Client::new()
        .put(presigned.clone())
        .body("put by URL")
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "presigned put: {}",
        r.text().await.unwrap()
    );
    let r = c.get(put_url.as_str()).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "put by URL");
    let mut tampered = presigned.to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    let r = Client::new().get(tampered).send().await.unwrap();
    assert!(r.status().as_u16() >= 400, "tampered signature accepted");

    // Empty and repeated query values (repeats sent in sorted order: s3s-fs sorts by key only).
    let r = c
        .get(format!(
            "{base}/bucket?delimiter=%2F&list-type=2&prefix=&x-id=ListObjectsV2&x-id=ListObjectsV2"
        ))
        .send()
        .await
        .unwrap();
    let listing = r.text().await.unwrap();
    assert!(
        listing.contains("<Prefix>deep/</Prefix>") && listing.contains("<Key>plain.txt</Key>"),
        "{listing}"
    );

    multipart_upload(&c, &base).await;

    // Expired presigned URL: signed an hour ago for a minute.
    let clock = Arc::new(ManualClock::new(
        SystemTime::now() - Duration::from_secs(3600),
    ));
    let stale = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .clock(clock)
        .build();
    let presigned = sigv4_reqwest::presign(
        &stale,
        &Method::GET,
        &url,
        &Default::default(),
        Duration::from_secs(60),
    )
    .unwrap();
    let r = Client::new().get(presigned).send().await.unwrap();
    assert!(r.status().as_u16() >= 400, "expired URL accepted");

    // A wrong secret creates nothing.
    let r = client("s3", "wrong")
        .put(format!("{base}/bucket/forged"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert!(r.status().as_u16() >= 400);
    let r = c
        .head(format!("{base}/bucket/forged"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    for key in KEYS {
        let r = c
            .delete(format!("{base}{}", s3_path("bucket", key)))
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "delete {key}");
    }
}
