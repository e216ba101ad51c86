//! Every adapter against two independent S3 servers on 127.0.0.1, s3s-fs (Rust) and rclone
//! serve s3 (Go): buckets; objects whose keys hold spaces, UTF-8, `+ ~ = & %`,
//! `!*'()$@,;:` and folders, put, read, headed and deleted; listings with empty and
//! repeated query values; multipart upload; a streamed UNSIGNED-PAYLOAD upload; presigned
//! GET and PUT by plain HTTP; and a wrong secret, a tampered signature and an expired URL
//! refused.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use http::Method;
use sigv4::{Credentials, ManualClock, Signer};
use sigv4_tests::adapters::{presign, send, Adapter, Body, ALL};
use sigv4_tests::between;
use sigv4_tests::servers::{rclone, s3s_fs, AK, SK};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

fn signer(secret: &str) -> Signer {
    Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .build()
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

async fn scenario(adapter: Adapter, port: u16) {
    let s = signer(SK);
    let bucket = format!("bucket-{}", format!("{adapter:?}").to_lowercase());
    let base = format!("http://127.0.0.1:{port}");
    let plain = reqwest::Client::new();

    let r = send(
        adapter,
        &s,
        Method::PUT,
        &format!("{base}/{bucket}"),
        &[],
        Body::empty(),
    )
    .await;
    assert!(r.status < 300, "{adapter:?} create bucket: {}", r.text());

    for (i, key) in KEYS.iter().enumerate() {
        let url = format!("{base}{}", s3_path(&bucket, key));
        let body = format!("body {i} of {key}");
        let r = send(
            adapter,
            &s,
            Method::PUT,
            &url,
            &[("x-amz-meta-index", &i.to_string())],
            body.as_str().into(),
        )
        .await;
        assert!(r.status < 300, "{adapter:?} put {key}: {}", r.text());
        let r = send(adapter, &s, Method::GET, &url, &[], Body::empty()).await;
        assert_eq!(
            (r.status, r.text()),
            (200, body.clone()),
            "{adapter:?} get {key}"
        );
        let r = send(adapter, &s, Method::HEAD, &url, &[], Body::empty()).await;
        assert_eq!(
            r.headers["content-length"],
            body.len().to_string().as_str(),
            "{adapter:?} head {key}"
        );
    }

    // Listings: an empty value, and a repeated key (sent in sorted order: s3s-fs sorts by
    // key only).
    let r = send(
        adapter,
        &s,
        Method::GET,
        &format!("{base}/{bucket}?list-type=2&prefix=deep%2Fnested%2F"),
        &[],
        Body::empty(),
    )
    .await;
    assert!(
        r.text().contains("<Key>deep/nested/folder/file</Key>") && !r.text().contains("plain.txt"),
        "{}",
        r.text()
    );
    let url = format!(
        "{base}/{bucket}?delimiter=%2F&list-type=2&prefix=&x-id=ListObjectsV2&x-id=ListObjectsV2"
    );
    let r = send(adapter, &s, Method::GET, &url, &[], Body::empty()).await;
    assert!(
        r.text().contains("<Prefix>deep/</Prefix>") && r.text().contains("<Key>plain.txt</Key>"),
        "{}",
        r.text()
    );

    // Multipart: the first part at S3's 5 MiB minimum.
    let url = format!("{base}/{bucket}/multi%20part.bin");
    let created = send(
        adapter,
        &s,
        Method::POST,
        &format!("{url}?uploads"),
        &[],
        Body::empty(),
    )
    .await;
    let upload_id = between(&created.text(), "<UploadId>", "</UploadId>").to_string();
    let mut parts = String::new();
    for (n, part) in [vec![b'a'; 5 << 20], b"tail".to_vec()]
        .into_iter()
        .enumerate()
    {
        let r = send(
            adapter,
            &s,
            Method::PUT,
            &format!("{url}?partNumber={}&uploadId={upload_id}", n + 1),
            &[],
            Body::Bytes(part),
        )
        .await;
        assert!(r.status < 300, "{adapter:?} part {}: {}", n + 1, r.text());
        let etag = r.headers["etag"].to_str().unwrap();
        parts.push_str(&format!(
            "<Part><PartNumber>{}</PartNumber><ETag>{etag}</ETag></Part>",
            n + 1
        ));
    }
    let done = format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>");
    let r = send(
        adapter,
        &s,
        Method::POST,
        &format!("{url}?uploadId={upload_id}"),
        &[],
        done.as_str().into(),
    )
    .await;
    assert!(r.status < 300, "{adapter:?} complete: {}", r.text());
    let r = send(adapter, &s, Method::GET, &url, &[], Body::empty()).await;
    assert!(
        r.body.len() == (5 << 20) + 4 && r.body.ends_with(b"tail"),
        "{adapter:?} multipart read back"
    );

    // A streamed body: UNSIGNED-PAYLOAD.
    let r = send(
        adapter,
        &s,
        Method::PUT,
        &format!("{base}/{bucket}/streamed"),
        &[],
        Body::Stream {
            chunk: 64 << 10,
            count: 40,
        },
    )
    .await;
    assert!(r.status < 300, "{adapter:?} streamed: {}", r.text());

    // Presigned GET and PUT by plain HTTP; one signature digit changed; expired.
    let key_url = format!("{base}{}", s3_path(&bucket, KEYS[4]));
    let url = presign(
        adapter,
        &s,
        &Method::GET,
        &key_url,
        Duration::from_secs(300),
    );
    let r = plain.get(&url).send().await.unwrap();
    assert_eq!(
        r.text().await.unwrap(),
        format!("body 4 of {}", KEYS[4]),
        "{adapter:?} presigned get"
    );
    let put_url = format!("{base}/{bucket}/presigned%20put.txt");
    let url = presign(
        adapter,
        &s,
        &Method::PUT,
        &put_url,
        Duration::from_secs(300),
    );
    assert!(plain
        .put(&url)
        .body("by URL")
        .send()
        .await
        .unwrap()
        .status()
        .is_success());
    let r = send(adapter, &s, Method::GET, &put_url, &[], Body::empty()).await;
    assert_eq!(r.text(), "by URL");
    let mut tampered = presign(
        adapter,
        &s,
        &Method::GET,
        &key_url,
        Duration::from_secs(300),
    );
    sigv4_tests::flip_last_digit(&mut tampered);
    assert!(
        plain.get(&tampered).send().await.unwrap().status().as_u16() >= 400,
        "{adapter:?} tampered"
    );
    let clock = Arc::new(ManualClock::new(
        SystemTime::now() - Duration::from_secs(3600),
    ));
    let stale = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .clock(clock)
        .build();
    let url = presign(
        adapter,
        &stale,
        &Method::GET,
        &key_url,
        Duration::from_secs(60),
    );
    assert!(
        plain.get(&url).send().await.unwrap().status().as_u16() >= 400,
        "{adapter:?} expired"
    );

    // A wrong secret creates nothing.
    let forged = format!("{base}/{bucket}/forged");
    let r = send(
        adapter,
        &signer("wrong"),
        Method::PUT,
        &forged,
        &[],
        "x".into(),
    )
    .await;
    assert!(r.status >= 400, "{adapter:?} wrong secret");
    assert_eq!(
        send(adapter, &s, Method::HEAD, &forged, &[], Body::empty())
            .await
            .status,
        404
    );

    for key in KEYS {
        let r = send(
            adapter,
            &s,
            Method::DELETE,
            &format!("{base}{}", s3_path(&bucket, key)),
            &[],
            Body::empty(),
        )
        .await;
        assert!(r.status < 300, "{adapter:?} delete {key}");
        let r = send(
            adapter,
            &s,
            Method::HEAD,
            &format!("{base}{}", s3_path(&bucket, key)),
            &[],
            Body::empty(),
        )
        .await;
        assert_eq!(r.status, 404, "{adapter:?} gone {key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_adapter_against_s3s_fs() {
    let server = s3s_fs();
    for adapter in ALL {
        scenario(adapter, server.port).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_adapter_against_rclone() {
    let server = rclone();
    for adapter in ALL {
        scenario(adapter, server.port).await;
    }
}
