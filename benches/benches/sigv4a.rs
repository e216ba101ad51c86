//! SigV4A against aws-sigv4's SigV4A in the same run, for W1 (S3 GET) and W4 (DynamoDB
//! PutItem with a session token), region set `*`:
//!
//! - `derive-key`: the ECDSA key from the access key id and secret (once per access key);
//! - `sign`: header signing with the key derived (both sign with RFC 6979 nonces; the
//!   Authorization headers are checked equal before anything is measured);
//! - `verify`: our verifier on the signed request, given the public key.
//!
//! P-256 scalar multiplication dominates every row; the ratios are what to read.
#![allow(clippy::unwrap_used, reason = "bench")]

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{self as aws, SignableBody, SignableRequest, SigningSettings};
use aws_smithy_runtime_api::client::identity::Identity;
use criterion::{criterion_group, criterion_main, Criterion};
use sigv4_benches::{service, time, workloads, Workload, AK, SK};
use sigv4_core::{
    sign_v4a, verify_any, Header, Payload, Request, Settings, SigV4aKey, SigningParamsV4a,
    VerifyPolicy, VerifyingKey,
};
use std::hint::black_box;
use std::time::{Duration, SystemTime};

fn request<'a>(w: &'a Workload, headers: &'a [Header<'a>]) -> Request<'a> {
    Request::from_url(w.method, w.url, headers, Payload::Bytes(&w.body)).unwrap()
}

fn params<'a>(w: &'a Workload, key: &'a SigV4aKey) -> SigningParamsV4a<'a> {
    SigningParamsV4a {
        access_key_id: AK,
        session_token: w.token,
        key,
        region_set: "*",
        service: service(w).0,
        time: time(),
        settings: if w.s3 {
            Settings::s3()
        } else {
            Settings::service()
        },
    }
}

fn theirs(w: &Workload, identity: &Identity) -> String {
    let mut settings = SigningSettings::default();
    if w.s3 {
        settings.percent_encoding_mode = aws::PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = aws::UriPathNormalizationMode::Disabled;
        settings.payload_checksum_kind = aws::PayloadChecksumKind::XAmzSha256;
    }
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(time().unix().unsigned_abs());
    let params = aws_sigv4::sign::v4a::SigningParams::builder()
        .identity(identity)
        .region_set("*")
        .name(service(w).0)
        .time(t)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let headers = w
        .headers
        .iter()
        .copied()
        .filter(|(n, _)| *n != "x-amz-date");
    let req = SignableRequest::new(w.method, w.url, headers, SignableBody::Bytes(&w.body)).unwrap();
    let (instructions, _) = aws::sign(req, &params).unwrap().into_parts();
    let (headers, _) = instructions.into_parts();
    headers
        .into_iter()
        .find(|h| h.name() == "authorization")
        .map(|h| h.value().to_string())
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let key = SigV4aKey::derive(AK, SK).unwrap();
    let public = key.public_key();
    for w in workloads()
        .into_iter()
        .filter(|w| w.name == "W1-get" || w.name == "W4-dynamodb")
    {
        let headers: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let identity: Identity =
            Credentials::new(AK, SK, w.token.map(String::from), None, "bench").into();
        let req = request(&w, &headers);
        let p = params(&w, &key);
        let signed = sign_v4a(&req, &p).unwrap();
        assert_eq!(signed.authorization(), theirs(&w, &identity), "{}", w.name);
        let mut sent: Vec<Header<'_>> = headers
            .iter()
            .filter(|h| !h.name.eq_ignore_ascii_case("x-amz-date"))
            .copied()
            .collect();
        sent.extend(signed.headers().map(|(n, v)| Header::new(n, v)));
        let sent_req = Request {
            headers: &sent,
            ..req
        };
        let policy = VerifyPolicy::new("us-east-1", service(&w).0, time());
        verify_any(&sent_req, &policy, |_, _| {
            Some(VerifyingKey::SigV4a(public))
        })
        .unwrap();

        let mut g = c.benchmark_group(format!("sigv4a-{}", w.name));
        g.bench_function("derive-key/sigv4-core", |b| {
            b.iter(|| SigV4aKey::derive(black_box(AK), black_box(SK)).unwrap());
        });
        g.bench_function("derive-key/aws-sigv4", |b| {
            b.iter(|| aws_sigv4::sign::v4a::generate_signing_key(black_box(AK), black_box(SK)));
        });
        g.bench_function("sign/sigv4-core", |b| {
            b.iter(|| sign_v4a(black_box(&req), black_box(&p)).unwrap());
        });
        g.bench_function("sign/aws-sigv4", |b| {
            b.iter(|| theirs(black_box(&w), black_box(&identity)));
        });
        g.bench_function("verify/sigv4-core", |b| {
            b.iter(|| {
                verify_any(black_box(&sent_req), &policy, |_, _| {
                    Some(VerifyingKey::SigV4a(public))
                })
                .unwrap()
            });
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
