//! aws-sigv4 (AWS's Rust signer, with its `sigv4a` feature) as a SigV4A oracle: for the
//! same access key both derive the same private key; for 300 generated requests both sign
//! with RFC 6979 deterministic nonces, so equal signatures mean equal strings to sign (and
//! so equal canonical requests, hashed into them); and aws-sigv4's signed request verifies
//! with our verifier and the public key of our key, while its twin with one header byte
//! changed does not.
#![allow(clippy::unwrap_used, reason = "tests")]

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::http_request::{self as aws, SignableBody, SignableRequest, SigningSettings};
use aws_smithy_runtime_api::client::identity::Identity;
use sigv4_core::{
    sign_v4a, verify_any, Header, Payload, Request, Settings, SigV4aKey, SigningParamsV4a,
    Timestamp, VerifyPolicy, VerifyingKey,
};
use std::time::{Duration, SystemTime};

/// A small deterministic generator (xorshift), so a failure names a reproducible case.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[usize::try_from(self.next() % items.len() as u64).unwrap()]
    }

    fn word(&mut self) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~";
        let len = 1 + self.next() % 12;
        (0..len)
            .map(|_| char::from(CHARS[usize::try_from(self.next() % CHARS.len() as u64).unwrap()]))
            .collect()
    }
}

struct Case {
    method: &'static str,
    url: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    token: Option<String>,
    region_set: &'static str,
    service: &'static str,
    time: Timestamp,
}

fn case(g: &mut Gen) -> Case {
    let segments = 1 + g.next() % 3;
    let path: String = (0..segments).map(|_| format!("/{}", g.word())).collect();
    let params = g.next() % 4;
    let query: Vec<String> = (0..params)
        .map(|_| format!("{}={}", g.word(), g.word()))
        .collect();
    let url = if query.is_empty() {
        format!("https://example.amazonaws.com{path}")
    } else {
        format!("https://example.amazonaws.com{path}?{}", query.join("&"))
    };
    let mut headers = vec![("host".to_string(), "example.amazonaws.com".to_string())];
    for _ in 0..g.next() % 4 {
        let name = g.pick(&[
            "x-amz-meta-a",
            "content-type",
            "x-custom",
            "accept",
            "x-amz-target",
        ]);
        if headers.iter().all(|(n, _)| n != name) {
            headers.push((name.to_string(), g.word()));
        }
    }
    let body = (0..g.next() % 64).map(|i| b'a' + (i % 26) as u8).collect();
    Case {
        method: g.pick(&["GET", "POST", "PUT", "DELETE"]),
        url,
        headers,
        body,
        token: g.next().is_multiple_of(3).then(|| g.word()),
        region_set: g.pick(&["us-east-1", "*", "us-*", "us-east-1,eu-west-1"]),
        service: g.pick(&["service", "execute-api", "events"]),
        time: Timestamp::from_unix(1_440_938_160 + i64::try_from(g.next() % 10_000_000).unwrap())
            .unwrap(),
    }
}

const AK: &str = "AKIDEXAMPLE";
const SK: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// aws-sigv4's SigV4A headers for `c`.
fn theirs(c: &Case) -> Vec<(String, String)> {
    let identity: Identity = AwsCredentials::new(AK, SK, c.token.clone(), None, "test").into();
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(c.time.unix().unsigned_abs());
    let params = aws_sigv4::sign::v4a::SigningParams::builder()
        .identity(&identity)
        .region_set(c.region_set)
        .name(c.service)
        .time(t)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let headers = c.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
    let req =
        SignableRequest::new(c.method, &c.url, headers, SignableBody::Bytes(&c.body)).unwrap();
    let (instructions, _) = aws::sign(req, &params).unwrap().into_parts();
    let (headers, _) = instructions.into_parts();
    headers
        .into_iter()
        .map(|h| (h.name().to_string(), h.value().to_string()))
        .collect()
}

#[test]
fn the_same_key_as_aws_sigv4() {
    let theirs = aws_sigv4::sign::v4a::generate_signing_key(AK, SK);
    let ours = SigV4aKey::derive(AK, SK).unwrap();
    assert_eq!(theirs.as_ref(), ours.to_bytes());
}

#[test]
fn three_hundred_requests_sign_alike_and_verify_across() {
    let key = SigV4aKey::derive(AK, SK).unwrap();
    let mut g = Gen(0x5167_4a0b_2026_1201);
    for i in 0..300 {
        let c = case(&mut g);
        let headers: Vec<Header<'_>> = c.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = Request::from_url(c.method, &c.url, &headers, Payload::Bytes(&c.body)).unwrap();
        let params = SigningParamsV4a {
            access_key_id: AK,
            session_token: c.token.as_deref(),
            key: &key,
            region_set: c.region_set,
            service: c.service,
            time: c.time,
            settings: Settings::service(),
        };
        let ours = sign_v4a(&req, &params).unwrap();
        let added = theirs(&c);
        let auth = &added.iter().find(|(n, _)| n == "authorization").unwrap().1;
        assert_eq!(auth, ours.authorization(), "case {i}: {}", c.url);

        // aws-sigv4's request, as sent, verifies with our verifier and our public key.
        let mut sent: Vec<Header<'_>> = headers.clone();
        sent.extend(added.iter().map(|(n, v)| Header::new(n, v)));
        let sent_req = Request {
            headers: &sent,
            ..req
        };
        let mut policy = VerifyPolicy::new("us-east-1", c.service, c.time);
        policy.path_mode = sigv4_core::PathMode::Service;
        let public = key.public_key();
        verify_any(&sent_req, &policy, |_, _| {
            Some(VerifyingKey::SigV4a(public))
        })
        .unwrap_or_else(|e| panic!("case {i}: {e}"));
        let changed: Vec<Header<'_>> = sent
            .iter()
            .map(|h| {
                if h.name == "host" {
                    Header::new("host", "example.amazonaws.con")
                } else {
                    *h
                }
            })
            .collect();
        let changed_req = Request {
            headers: &changed,
            ..req
        };
        assert!(
            verify_any(&changed_req, &policy, |_, _| Some(VerifyingKey::SigV4a(
                public
            )))
            .is_err(),
            "case {i}: a changed host verifies"
        );
    }
}
