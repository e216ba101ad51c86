//! S3 POST policy uploads against s3s-fs on 127.0.0.1, which checks the policy's signature
//! and conditions as S3 does: a form built from `Signer::presign_post`'s fields and sent
//! with reqwest's multipart form stores the file; a tampered policy, a file over the
//! `content-length-range`, and a key outside the `starts-with` prefix are refused.
#![allow(clippy::unwrap_used, reason = "tests")]

use http::Method;
use sigv4::post::PostPolicy;
use sigv4::{Credentials, Signer};
use sigv4_tests::adapters::{send, Adapter, Body};
use sigv4_tests::servers::{s3s_fs, AK, SK};

const BUCKET: &str = "post-bucket";

fn signer() -> Signer {
    Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .build()
}

/// Posts the form: its fields (with `change` applied to them), then the file.
async fn post(
    url: &str,
    fields: &[(String, String)],
    file: &[u8],
    change: impl Fn(&str, &str) -> String,
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.clone(), change(name, value));
    }
    let part = reqwest::multipart::Part::bytes(file.to_vec()).file_name("hello.txt");
    form = form.part("file", part);
    let resp = reqwest::Client::new()
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn s3s_fs_accepts_our_forms_and_refuses_what_the_policy_forbids() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    let s = signer();
    let r = send(
        Adapter::Reqwest,
        &s,
        Method::PUT,
        &format!("{base}/{BUCKET}"),
        &[],
        Body::empty(),
    )
    .await;
    assert!(r.status < 300, "create bucket: {}", r.text());

    let policy = PostPolicy::key_prefix(BUCKET, "uploads/")
        .content_length_range(1, 1024)
        .success_action_status(201)
        .meta("origin", "post-policy-test");
    let url = format!("{base}/{BUCKET}");
    let form = s.presign_post(&url, &policy).unwrap();

    // The page names the key itself, within the prefix (s3s-fs does not put the file's name
    // in place of `${filename}`, as S3 does).
    let named = |n: &str, v: &str| {
        if n == "key" {
            "uploads/hello.txt".into()
        } else {
            v.to_string()
        }
    };
    let (status, body) = post(&url, form.fields(), b"hello from a form", named).await;
    assert_eq!(status, 201, "{body}");
    let stored = send(
        Adapter::Reqwest,
        &s,
        Method::GET,
        &format!("{base}/{BUCKET}/uploads/hello.txt"),
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(stored.status, 200, "{}", stored.text());
    assert_eq!(stored.text(), "hello from a form");

    // The document swapped for one with a larger size limit, the signature kept.
    let laxer = PostPolicy::key_prefix(BUCKET, "uploads/")
        .content_length_range(1, 1 << 30)
        .success_action_status(201)
        .meta("origin", "post-policy-test");
    let other = s.presign_post(&url, &laxer).unwrap();
    let swapped = other.field("policy").unwrap().to_string();
    assert_ne!(swapped, form.field("policy").unwrap());
    let (status, body) = post(&url, form.fields(), &[b'x'; 2000], |n, v| {
        if n == "policy" {
            swapped.clone()
        } else {
            named(n, v)
        }
    })
    .await;
    assert_eq!(status, 403, "tampered policy: {body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    // A file over the content-length-range.
    let (status, body) = post(&url, form.fields(), &[b'x'; 2000], named).await;
    assert!(
        (400..500).contains(&status),
        "file too large: {status} {body}"
    );
    assert!(
        body.contains("EntityTooLarge") || body.contains("content-length"),
        "{body}"
    );

    // A key outside the starts-with prefix.
    let (status, body) = post(&url, form.fields(), b"x", |n, v| {
        if n == "key" {
            "elsewhere/x.txt".into()
        } else {
            v.to_string()
        }
    })
    .await;
    // S3 answers 403 AccessDenied, s3s-fs 400 InvalidPolicyDocument: either way refused,
    // for the key's condition.
    assert!(
        matches!(status, 400 | 403) && body.contains("key"),
        "key outside the prefix: {status} {body}"
    );
    let missing = send(
        Adapter::Reqwest,
        &s,
        Method::GET,
        &format!("{base}/{BUCKET}/elsewhere/x.txt"),
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(missing.status, 404, "{}", missing.text());
}
