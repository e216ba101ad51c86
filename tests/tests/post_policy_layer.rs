//! `VerifyLayer` takes S3 form uploads: a `multipart/form-data` POST whose policy is signed
//! and whose conditions hold reaches the service with the file as its body and the form in
//! `VerifiedPost`; a swapped policy, an oversized file, a key outside the prefix, a field
//! the policy does not name, an expired policy and an unknown key are answered as S3 does.
//! The forms come from `Signer::presign_post` and travel as reqwest multipart bodies to a
//! server on 127.0.0.1.
#![allow(clippy::unwrap_used, reason = "tests")]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sigv4::post::PostPolicy;
use sigv4::{Credentials, ManualClock, Signer};
use sigv4_hyper::{VerifiedBody, VerifiedPost, VerifyLayer};
use sigv4_tests::servers::{secrets, AK, SK};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tower::Layer;

/// Answers `key=<key> bytes=<file>` from what the layer handed on.
async fn stored(
    req: http::Request<VerifiedBody<hyper::body::Incoming>>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let post = req.extensions().get::<VerifiedPost>().cloned();
    let body = req.into_body().collect().await.unwrap().to_bytes();
    let text = format!(
        "key={} bytes={}",
        post.map(|p| p.key).unwrap_or_default(),
        String::from_utf8_lossy(&body)
    );
    Ok(http::Response::new(Full::new(Bytes::from(text))))
}

async fn server() -> u16 {
    sigv4_tests::servers::serve_with(|| {
        VerifyLayer::new("us-east-1", "s3", secrets()).layer(tower::service_fn(stored))
    })
    .await
}

fn signer(secret: &str, ago: Duration) -> Signer {
    Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .clock(Arc::new(ManualClock::new(SystemTime::now() - ago)))
        .build()
}

/// Posts `fields` (changed by `change`; `None` drops one) then the file.
async fn post(
    url: &str,
    fields: &[(String, String)],
    extra: Option<(&str, &str)>,
    file: &[u8],
    change: impl Fn(&str, &str) -> String,
) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new();
    for (n, v) in fields {
        form = form.text(n.clone(), change(n, v));
    }
    if let Some((n, v)) = extra {
        form = form.text(n.to_string(), v.to_string());
    }
    let part = reqwest::multipart::Part::bytes(file.to_vec()).file_name("photo.png");
    form = form.part("file", part);
    let r = reqwest::Client::new()
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn verify_layer_checks_form_uploads_as_s3_does() {
    let port = server().await;
    let url = format!("http://127.0.0.1:{port}/photos");
    let policy = PostPolicy::key_prefix("photos", "uploads/")
        .content_length_range(1, 64)
        .content_type("image/png");
    let form = signer(SK, Duration::ZERO)
        .presign_post(&url, &policy)
        .unwrap();
    let same = |_: &str, v: &str| v.to_string();

    let (status, body) = post(&url, form.fields(), None, b"PNG bytes", same).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, "key=uploads/photo.png bytes=PNG bytes");

    let laxer = PostPolicy::key_prefix("photos", "uploads/")
        .content_length_range(1, 1 << 30)
        .content_type("image/png");
    let swapped = signer(SK, Duration::ZERO)
        .presign_post(&url, &laxer)
        .unwrap();
    let policy_b64 = swapped.field("policy").unwrap().to_string();
    let (status, body) = post(&url, form.fields(), None, &[b'x'; 100], |n, v| {
        if n == "policy" {
            policy_b64.clone()
        } else {
            v.to_string()
        }
    })
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");

    let (status, body) = post(&url, form.fields(), None, &[b'x'; 65], same).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");

    let (status, body) = post(&url, form.fields(), None, b"x", |n, v| {
        if n == "key" {
            "elsewhere/x".into()
        } else {
            v.to_string()
        }
    })
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("Policy Condition failed") && body.contains("$key"),
        "{body}"
    );

    let (status, body) = post(&url, form.fields(), None, b"x", |n, v| {
        if n == "Content-Type" {
            "text/html".into()
        } else {
            v.to_string()
        }
    })
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Content-Type"), "{body}");

    let (status, body) = post(
        &url,
        form.fields(),
        Some(("x-amz-meta-sneaky", "1")),
        b"x",
        same,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("Extra input fields: x-amz-meta-sneaky"),
        "{body}"
    );
    // x-ignore-* fields are allowed without a condition.
    let (status, body) = post(
        &url,
        form.fields(),
        Some(("x-ignore-note", "1")),
        b"x",
        same,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // Signed two hours ago for one hour.
    let old = signer(SK, Duration::from_secs(7200))
        .presign_post(&url, &policy.clone().expires_in(Duration::from_secs(3600)))
        .unwrap();
    let (status, body) = post(&url, old.fields(), None, b"x", same).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Policy expired"), "{body}");

    let stranger = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new("AKIDUNKNOWN", "whatever"))
        .build()
        .presign_post(&url, &policy)
        .unwrap();
    let (status, body) = post(&url, stranger.fields(), None, b"x", same).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("InvalidAccessKeyId"), "{body}");

    // Another bucket than the policy's.
    let other = format!("http://127.0.0.1:{port}/other-bucket");
    let (status, body) = post(&other, form.fields(), None, b"x", same).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("bucket"), "{body}");
}
