//! Clock-skew correction against real verifiers on 127.0.0.1: a client whose clock is an
//! hour off is refused (`RequestTimeTooSkewed`), learns the server's offset from its `Date`,
//! and (reqwest, hyper) signs again and retries once, which succeeds; the next request
//! succeeds the first time; a 403 for another reason is not retried. Against sigv4's own
//! `VerifyLayer` (every attempt counted) and s3s-fs.
#![allow(clippy::unwrap_used, reason = "tests")]

use http::Method;
use sigv4::{Credentials, ManualClock, Signer};
use sigv4_hyper::VerifyLayer;
use sigv4_tests::adapters::{send, Adapter, Body};
use sigv4_tests::servers::{echo, s3s_fs, secrets, AK, SK};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tower::Layer;

/// A signer whose clock is `offset_secs` from the real one (negative: behind).
fn skewed_signer(service: &str, secret: &str, offset_secs: i64) -> Signer {
    let now = SystemTime::now();
    let d = Duration::from_secs(offset_secs.unsigned_abs());
    let t = if offset_secs >= 0 { now + d } else { now - d };
    Signer::builder(service, "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .clock(Arc::new(ManualClock::new(t)))
        .build()
}

/// `VerifyLayer` over the echo service on 127.0.0.1, counting the requests that reach it.
async fn counting_server() -> (u16, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let port = sigv4_tests::servers::serve_with(move || {
        let layer = VerifyLayer::new("us-east-1", "execute-api", secrets());
        let verifying = layer.layer(tower::service_fn(echo::<hyper::body::Incoming>));
        let seen = seen.clone();
        tower::service_fn(move |req| {
            seen.fetch_add(1, Ordering::SeqCst);
            tower::ServiceExt::oneshot(verifying.clone(), req)
        })
    })
    .await;
    (port, count)
}

#[tokio::test]
async fn reqwest_and_hyper_retry_once_on_the_servers_time_and_keep_it() {
    for adapter in [Adapter::Reqwest, Adapter::Hyper] {
        let (port, count) = counting_server().await;
        let url = format!("http://127.0.0.1:{port}/items?x=1");
        let signer = skewed_signer("execute-api", SK, -3600);
        let r = send(
            adapter,
            &signer,
            Method::POST,
            &url,
            &[],
            Body::from("a body"),
        )
        .await;
        assert_eq!(r.status, 200, "{adapter:?}: {}", r.text());
        assert_eq!(
            count.load(Ordering::SeqCst),
            2,
            "{adapter:?}: refused, then retried"
        );
        let offset = signer.clock_offset();
        assert!(
            (3590..=3610).contains(&offset),
            "{adapter:?}: offset {offset}"
        );

        let r = send(adapter, &signer, Method::GET, &url, &[], Body::empty()).await;
        assert_eq!(r.status, 200, "{adapter:?}: {}", r.text());
        assert_eq!(
            count.load(Ordering::SeqCst),
            3,
            "{adapter:?}: the next one first time"
        );
    }
}

#[tokio::test]
async fn a_403_for_another_reason_is_not_retried() {
    for adapter in [Adapter::Reqwest, Adapter::Hyper, Adapter::Ureq] {
        let (port, count) = counting_server().await;
        let url = format!("http://127.0.0.1:{port}/items");
        let signer = skewed_signer("execute-api", "another secret", 0);
        let r = send(adapter, &signer, Method::GET, &url, &[], Body::empty()).await;
        assert_eq!(r.status, 403, "{adapter:?}");
        assert!(r.text().contains("SignatureDoesNotMatch"), "{}", r.text());
        assert_eq!(count.load(Ordering::SeqCst), 1, "{adapter:?}");
        assert_eq!(signer.clock_offset(), 0, "{adapter:?}");
    }
}

#[tokio::test]
async fn ureq_learns_the_offset_for_the_next_request() {
    // ureq runs a middleware chain once per call, so the refused request is not retried
    // there; the offset is learnt and the next request is signed on the server's time.
    let (port, count) = counting_server().await;
    let url = format!("http://127.0.0.1:{port}/items");
    let signer = skewed_signer("execute-api", SK, 3600);
    let get = || {
        send(
            Adapter::Ureq,
            &signer,
            Method::GET,
            &url,
            &[],
            Body::empty(),
        )
    };
    let r = get().await;
    assert_eq!(r.status, 403, "{}", r.text());
    assert!(r.text().contains("RequestTimeTooSkewed"), "{}", r.text());
    let offset = signer.clock_offset();
    assert!((-3610..=-3590).contains(&offset), "offset {offset}");
    let r = get().await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(count.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn against_s3s_fs_too() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    for (adapter, bucket) in [
        (Adapter::Reqwest, "skew-reqwest"),
        (Adapter::Hyper, "skew-hyper"),
    ] {
        let signer = skewed_signer("s3", SK, 3600);
        let r = send(
            adapter,
            &signer,
            Method::PUT,
            &format!("{base}/{bucket}"),
            &[],
            Body::empty(),
        )
        .await;
        assert!(
            r.status < 300,
            "{adapter:?} create bucket: {} {}",
            r.status,
            r.text()
        );
        assert!(
            (-3610..=-3590).contains(&signer.clock_offset()),
            "{adapter:?}"
        );
        let url = format!("{base}/{bucket}/k.txt");
        let r = send(
            adapter,
            &signer,
            Method::PUT,
            &url,
            &[],
            Body::from("skewed"),
        )
        .await;
        assert!(r.status < 300, "{adapter:?}: {}", r.text());
        let r = send(adapter, &signer, Method::GET, &url, &[], Body::empty()).await;
        assert_eq!(r.text(), "skewed", "{adapter:?}");
    }
}

#[tokio::test]
async fn correction_can_be_turned_off() {
    let (port, count) = counting_server().await;
    let signer = Signer::builder("execute-api", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .clock(Arc::new(ManualClock::new(
            SystemTime::now() - Duration::from_secs(3600),
        )))
        .clock_skew_correction(false)
        .build();
    let url = format!("http://127.0.0.1:{port}/items");
    let r = send(
        Adapter::Reqwest,
        &signer,
        Method::GET,
        &url,
        &[],
        Body::empty(),
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(count.load(Ordering::SeqCst), 1);
    assert_eq!(signer.clock_offset(), 0);
}

#[tokio::test]
async fn sigv4_ureq_run_retries_once_on_the_servers_time() {
    let (port, count) = counting_server().await;
    let url = format!("http://127.0.0.1:{port}/items");
    let signer = skewed_signer("execute-api", SK, 3600);
    let s = signer.clone();
    let status = tokio::task::spawn_blocking(move || {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .middleware(sigv4_ureq::SigV4Middleware::new(s))
                .build(),
        );
        let req = http::Request::get(&url).body(Vec::<u8>::new()).unwrap();
        sigv4_ureq::run(&agent, &req).unwrap().status().as_u16()
    })
    .await
    .unwrap();
    assert_eq!(status, 200);
    assert_eq!(count.load(Ordering::SeqCst), 2, "refused, then retried");
    assert!((-3610..=-3590).contains(&signer.clock_offset()));
}
