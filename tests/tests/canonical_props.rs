//! Property tests: the core's canonical request equals the plain reference written from the
//! SigV4 documentation (`sigv4_tests::reference`) for random paths, queries and headers,
//! under each path mode; and what the core signs verifies, in headers and presigned.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use proptest::prelude::*;
use sha2::{Digest, Sha256};
use sigv4_core::{
    canonical_request, presign, sign, verify, Header, Location, PathMode, Payload, Request,
    Settings, SigningKey, SigningParams, Timestamp, VerifyPolicy,
};
use sigv4_tests::reference::{self, Mode};

/// Path characters, with the awkward ones weighted in: escapes (valid, invalid, an encoded
/// slash), dots, `+`, spaces, UTF-8.
fn path_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._~-]{1,4}",
        Just(".".to_string()),
        Just("..".to_string()),
        Just("%2F".to_string()),
        Just("%2f".to_string()),
        Just("%41".to_string()),
        Just("%7e".to_string()),
        Just("%zz".to_string()),
        Just("%".to_string()),
        Just(" ".to_string()),
        Just("+".to_string()),
        Just("!*'()$,;:@=&".to_string()),
        Just("é".to_string()),
        Just("ሴ".to_string()),
    ]
}

fn path() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::collection::vec(path_piece(), 0..3), 0..5),
        any::<bool>(),
    )
        .prop_map(|(segments, trailing)| {
            let segs: Vec<String> = segments.into_iter().map(|s| s.concat()).collect();
            let mut p = format!("/{}", segs.join("/"));
            if trailing && !p.ends_with('/') {
                p.push('/');
            }
            p
        })
}

fn query_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9._~-]{0,4}",
        Just("%20".to_string()),
        Just("%2b".to_string()),
        Just("%7E".to_string()),
        Just("%zz".to_string()),
        Just("+".to_string()),
        Just(" ".to_string()),
        Just("=".to_string()),
        Just("/".to_string()),
        Just("é".to_string()),
        Just("%C3%A9".to_string()),
    ]
}

fn query() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::collection::vec(query_piece(), 0..3),
            prop::option::of(prop::collection::vec(query_piece(), 0..3)),
        ),
        0..6,
    )
    .prop_map(|params| {
        let parts: Vec<String> = params
            .into_iter()
            .map(|(k, v)| match v {
                Some(v) => format!("{}={}", k.concat(), v.concat()),
                None => k.concat(),
            })
            .collect();
        parts.join("&")
    })
}

/// Header names the signer signs as given (none it adds, replaces or never signs).
fn header_name() -> impl Strategy<Value = String> {
    "[a-zA-Z][a-zA-Z0-9!#$%&'*+.^_`|~-]{0,12}".prop_filter(
        "a name the signer treats specially",
        |n| {
            let lower = n.to_ascii_lowercase();
            !(sigv4_core::DEFAULT_UNSIGNED_HEADERS.contains(&lower.as_str())
                || [
                    "host",
                    "x-amz-date",
                    "x-amz-content-sha256",
                    "x-amz-security-token",
                ]
                .contains(&lower.as_str()))
        },
    )
}

fn header_value() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            "[ -~]{0,6}",
            Just("  ".to_string()),
            Just("\t".to_string()),
            Just("\r\n ".to_string()),
            Just("é".to_string()),
        ],
        0..4,
    )
    .prop_map(|v| v.concat())
}

fn headers() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec((header_name(), header_value()), 0..6)
        .prop_flat_map(|hs| {
            // Sometimes the same name again, in another case: values join in order.
            let n = hs.len();
            (Just(hs), prop::option::of(0..n.max(1)), header_value())
        })
        .prop_map(|(mut hs, again, value)| {
            if let (Some(i), false) = (again, hs.is_empty()) {
                let name = hs[i].0.to_ascii_uppercase();
                hs.push((name, value));
            }
            hs
        })
}

fn mode() -> impl Strategy<Value = (PathMode, Mode)> {
    prop_oneof![
        Just((PathMode::Service, Mode::Service)),
        Just((PathMode::ServiceUnnormalized, Mode::ServiceUnnormalized)),
        Just((PathMode::S3, Mode::S3)),
    ]
}

const TIME: &str = "20240301T120000Z";

fn key() -> (SigningKey, Timestamp) {
    let t = Timestamp::parse_amz_date(TIME).unwrap();
    (
        SigningKey::derive("prop/secret", t, "us-east-1", "svc").unwrap(),
        t,
    )
}

fn params<'a>(key: &'a SigningKey, time: Timestamp, path_mode: PathMode) -> SigningParams<'a> {
    SigningParams {
        access_key_id: "AKIDPROP",
        session_token: None,
        key,
        time,
        settings: Settings {
            path_mode,
            ..Settings::service()
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn the_canonical_request_is_the_documented_one(
        method in "[A-Z]{1,7}",
        path in path(),
        query in query(),
        headers in headers(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        (path_mode, mode) in mode(),
    ) {
        let (key, time) = key();
        let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = Request {
            method: &method,
            scheme: sigv4_core::Scheme::Https,
            authority: "example.amazonaws.com",
            path: &path,
            query: &query,
            headers: &views,
            payload: Payload::Bytes(&body),
        };
        let mut ours = String::new();
        canonical_request(&req, &params(&key, time, path_mode), Location::Headers, &mut ours).unwrap();

        let mut all: Vec<(String, Vec<u8>)> = headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into_bytes()))
            .collect();
        all.push(("host".into(), b"example.amazonaws.com".to_vec()));
        all.push(("x-amz-date".into(), TIME.as_bytes().to_vec()));
        let payload = hex::encode(Sha256::digest(&body));
        let want = reference::canonical_request(&method, &path, &query, &all, &payload, mode);
        prop_assert_eq!(ours, String::from_utf8(want).unwrap());
    }

    #[test]
    fn what_is_signed_verifies(
        method in "[A-Z]{1,7}",
        path in path(),
        query in query(),
        headers in headers(),
        body in prop::collection::vec(any::<u8>(), 0..64),
        (path_mode, _) in mode(),
        presigned in any::<bool>(),
    ) {
        let (key, time) = key();
        let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let payload = if presigned && path_mode == PathMode::S3 {
            Payload::Unsigned
        } else {
            Payload::Bytes(&body)
        };
        let req = Request {
            method: &method,
            scheme: sigv4_core::Scheme::Https,
            authority: "example.amazonaws.com",
            path: &path,
            query: &query,
            headers: &views,
            payload,
        };
        let p = params(&key, time, path_mode);
        let mut received: Vec<(String, String)> = headers.clone();
        let mut received_query = query.clone();
        if presigned {
            let q = presign(&req, &p, 600).unwrap().to_string();
            received_query = if query.is_empty() { q } else { format!("{query}&{q}") };
        } else {
            for (n, v) in sign(&req, &p).unwrap().headers() {
                received.push((n.to_string(), v.to_string()));
            }
        }
        let rviews: Vec<Header<'_>> = received.iter().map(|(n, v)| Header::new(n, v)).collect();
        let got = Request { headers: &rviews, query: &received_query, payload: Payload::Bytes(&body), ..req };
        let mut policy = VerifyPolicy::new("us-east-1", "svc", time);
        policy.path_mode = path_mode;
        policy.allow_unsigned_payload = true;
        let result = verify(&got, &policy, |_, _| Some(key.clone()));
        prop_assert!(result.is_ok(), "{:?} for {:?}", result, got);
    }
}
