//! The four workloads of the core issue, each signed by sigv4-core with a reused signing
//! key, by aws-sigv4 1.6 and by reqsign 0.20 (reqsign-aws-v4 3.3) on the same request, and
//! set against the floor: the cryptographic
//! work SigV4 itself needs (SHA-256 of the canonical request bytes, HMAC-SHA256 of the
//! string to sign with the key already derived, and the payload hash).
//!
//! W1: GET https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x
//!     with host, x-amz-date, range, user-agent; empty body; header signing.
//! W2: PUT to the same URL with a 1 MiB body, signed payload.
//! W3: presigned GET, 3600 s.
//! W4: POST of a 2 KiB JSON body to https://dynamodb.us-east-1.amazonaws.com/ with
//!     content-type, x-amz-target and a session token.
//! W5: a 1 MiB aws-chunked body in 64 KiB chunks, each signed and framed, against SHA-256
//!     of the body (aws-sigv4 has no S3 chunk signer to compare with).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "bench"
)]

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    self as aws, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode,
};
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use sha2::{Digest, Sha256};
use sigv4_core::{chunk_header, ChunkSigner, Header, SigningKey};
use std::hint::black_box;
use std::time::{Duration, SystemTime};

mod common;
use common::texts;
use sigv4_benches::floor;

use sigv4_benches::{
    ours, ours_by_value, received, received_request, service, time, workloads, Workload, AK, SK,
};

fn aws_sigv4(w: &Workload, identity: &Identity) -> String {
    let (name, region) = service(w);
    let mut settings = SigningSettings::default();
    if w.s3 {
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        if !w.presign {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
    }
    if w.presign {
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(3600));
    }
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(u64::try_from(time().unix()).unwrap());
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(name)
        .time(t)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let body = if w.presign {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&w.body)
    };
    let headers = w
        .headers
        .iter()
        .copied()
        .filter(|(n, _)| *n != "x-amz-date");
    let req = SignableRequest::new(w.method, w.url, headers, body).unwrap();
    aws::sign(req, &params).unwrap().signature().to_string()
}

/// The workload as `http` parts for reqsign, which signs at the current time (its fixed
/// time is for its own tests): the headers less `x-amz-date`, plus `x-amz-content-sha256`
/// for S3 and for a body (reqsign reads the payload's hash from it; the hash is computed in
/// the measured closure, as the others hash the body they are given).
fn reqsign_parts(w: &Workload) -> http::request::Parts {
    let mut req = http::Request::builder().method(w.method).uri(w.url);
    for (n, v) in w.headers.iter().filter(|(n, _)| *n != "x-amz-date") {
        req = req.header(*n, *v);
    }
    req.body(()).unwrap().into_parts().0
}

fn reqsign(
    w: &Workload,
    signer: &reqsign_aws_v4::RequestSigner,
    cred: &reqsign_aws_v4::Credential,
    parts: &mut http::request::Parts,
) {
    use reqsign_core::SignRequest;
    if !w.presign && (w.s3 || !w.body.is_empty()) {
        let hash = hex_lower(&Sha256::digest(&w.body));
        parts.headers.insert(
            "x-amz-content-sha256",
            http::HeaderValue::from_str(&hash).unwrap(),
        );
    }
    let ctx = reqsign_core::Context::new();
    let expires = w.presign.then(|| Duration::from_secs(3600));
    futures_executor::block_on(signer.sign_request(&ctx, parts, Some(cred), expires)).unwrap();
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// reqsign's signing of `w` verified by ours (which the AWS suite and botocore check), so the
/// row times a signer that signs the same request correctly.
fn check_reqsign(
    w: &Workload,
    signer: &reqsign_aws_v4::RequestSigner,
    cred: &reqsign_aws_v4::Credential,
) {
    let mut parts = reqsign_parts(w);
    reqsign(w, signer, cred, &mut parts);
    let names: Vec<(String, Vec<u8>)> = parts
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.as_bytes().to_vec()))
        .collect();
    let mut headers: Vec<Header<'_>> = names
        .iter()
        .map(|(n, v)| Header { name: n, value: v })
        .collect();
    let host = parts.uri.host().unwrap().to_string();
    if !headers.iter().any(|h| h.name == "host") {
        headers.push(Header::new("host", &host));
    }
    let payload = if w.presign {
        sigv4_core::Payload::Unsigned
    } else {
        sigv4_core::Payload::Bytes(&w.body)
    };
    let path_and_query = parts.uri.path_and_query().unwrap().as_str().to_string();
    let url = format!("https://{host}{path_and_query}");
    let req = sigv4_core::Request::from_url(w.method, &url, &headers, payload).unwrap();
    let now = sigv4_core::Timestamp::from_unix(
        i64::try_from(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap(),
    )
    .unwrap();
    let (name, region) = service(w);
    let policy = sigv4_core::VerifyPolicy::new(region, name, now);
    sigv4_core::verify(&req, &policy, |_, scope| {
        SigningKey::derive(SK, now, scope.region(), scope.service()).ok()
    })
    .unwrap_or_else(|e| panic!("{}: reqsign's signature does not verify: {e}", w.name));
}

fn bench(c: &mut Criterion) {
    for w in workloads() {
        let (name, region) = service(&w);
        let key = SigningKey::derive(SK, time(), region, name).unwrap();
        let headers: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let identity: Identity =
            Credentials::new(AK, SK, w.token.map(String::from), None, "bench").into();
        // Both signers agree before anything is measured (and our two forms with each other).
        let ours_sig = ours(&w, &key, &headers);
        assert_eq!(ours_sig, ours_by_value(&w, &key, &headers));
        assert_eq!(
            std::str::from_utf8(&ours_sig).unwrap(),
            aws_sigv4(&w, &identity),
            "{}",
            w.name
        );
        let (creq, sts) = texts(&w, &key, &headers);
        let body = (!w.presign).then_some(w.body.as_slice());

        let mut g = c.benchmark_group(w.name);
        if w.body.len() > 4096 {
            g.throughput(Throughput::Bytes(w.body.len() as u64));
            g.bench_function("sha256-of-body", |b| {
                b.iter(|| Sha256::digest(black_box(&w.body)))
            });
        }
        g.bench_function("floor", |b| {
            b.iter(|| {
                floor(
                    black_box(creq.as_bytes()),
                    sts.as_bytes(),
                    key.as_bytes(),
                    body,
                )
            })
        });
        g.bench_function("sigv4-core", |b| {
            b.iter(|| ours(black_box(&w), &key, &headers))
        });
        g.bench_function("sigv4-core, returned by value", |b| {
            b.iter(|| ours_by_value(black_box(&w), &key, &headers))
        });
        if w.presign {
            // The same request signed in headers: presigning should cost no more.
            let in_headers = Workload {
                presign: false,
                ..w.clone()
            };
            g.bench_function("sigv4-core, in headers", |b| {
                b.iter(|| ours(black_box(&in_headers), &key, &headers))
            });
        }
        g.bench_function("aws-sigv4", |b| {
            b.iter(|| aws_sigv4(black_box(&w), &identity))
        });
        let reqsigner = reqsign_aws_v4::RequestSigner::new(name, region);
        let cred = reqsign_aws_v4::Credential {
            access_key_id: AK.to_string(),
            secret_access_key: SK.to_string(),
            session_token: w.token.map(String::from),
            expires_in: None,
        };
        check_reqsign(&w, &reqsigner, &cred);
        g.bench_function("reqsign", |b| {
            b.iter_batched_ref(
                || reqsign_parts(&w),
                |parts| reqsign(black_box(&w), &reqsigner, &cred, parts),
                BatchSize::SmallInput,
            )
        });
        // The server's side: the signed request verified with the key in hand.
        let (received, sent_query) = received(&w, &key, &headers);
        let received: Vec<Header<'_>> = received.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = received_request(&w, &received, &sent_query);
        let policy = sigv4_core::VerifyPolicy::new(region, name, time());
        sigv4_core::verify(&req, &policy, |_, _| Some(key.clone())).unwrap();
        g.bench_function("verify/sigv4-core", |b| {
            b.iter(|| {
                sigv4_core::verify(black_box(&req), &policy, |_, _| Some(key.clone())).unwrap()
            })
        });
        g.finish();
    }
    // W5: a 1 MiB aws-chunked body in 64 KiB chunks: every chunk signed and framed, set
    // against SHA-256 of the same bytes (the floor: each chunk must be hashed once).
    let key = SigningKey::derive(SK, time(), "us-east-1", "s3").unwrap();
    let body = vec![0x5au8; 1 << 20];
    let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    let mut g = c.benchmark_group("W5-aws-chunked-1MiB");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("sha256-of-body", |b| {
        b.iter(|| Sha256::digest(black_box(&body)))
    });
    g.bench_function("sigv4-core", |b| {
        b.iter(|| {
            let mut chunks = ChunkSigner::new(&key, time(), seed).unwrap();
            let mut framed = 0;
            for piece in black_box(&body).chunks(64 * 1024).chain([&[][..]]) {
                let sig = chunks.sign_chunk(piece);
                framed += chunk_header(piece.len() as u64, Some(&sig))
                    .as_bytes()
                    .len();
            }
            framed
        })
    });
    g.finish();

    let mut g = c.benchmark_group("key");
    g.bench_function(BenchmarkId::new("derive", "sigv4-core"), |b| {
        b.iter(|| SigningKey::derive(black_box(SK), time(), "us-east-1", "s3").unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
