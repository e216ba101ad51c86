//! Differential test against botocore: `botocore/gen_cases.py` signs 2,000 random requests
//! with botocore's `SigV4Auth`, `S3SigV4Auth`, `SigV4QueryAuth` and `S3SigV4QueryAuth`, and
//! every one must come out of sigv4-core byte-equal: canonical request, string to sign,
//! signature, and the headers or presigned URL botocore added.
//!
//! The cases are generated on the fly with the Python named by `SIGV4_PYTHON` (default
//! `python3`), which must have botocore and not awscrt; `SIGV4_BOTOCORE_CASES` names an
//! existing file to read instead.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use serde_json::Value;
use sigv4_core::{
    canonical_request, presign, sign, string_to_sign, Header, Location, Payload, Request, Settings,
    SigningKey, SigningParams, Timestamp,
};

use sigv4_tests::MIN_BOTOCORE_CASES as MIN_CASES;

/// Signs one case with sigv4-core and returns what differs from botocore.
fn check(case: &Value) -> Vec<String> {
    let s = |k: &str| case[k].as_str().unwrap();
    let class = s("class");
    let s3 = class.starts_with("S3");
    let query_auth = class.contains("Query");
    let expected = &case["expected"];
    let time = Timestamp::from_unix(case["seconds"].as_i64().unwrap()).unwrap();
    let key = SigningKey::derive(s("secret"), time, s("region"), s("service")).unwrap();
    let owned_headers: Vec<(String, String)> =
        serde_json::from_value(case["headers"].clone()).unwrap();
    let headers: Vec<Header<'_>> = owned_headers
        .iter()
        .map(|(n, v)| Header::new(n, v))
        .collect();
    let body = hex::decode(s("body_hex")).unwrap();
    let unsigned = case["unsigned"].as_bool().unwrap() || (s3 && query_auth);
    let payload = if unsigned {
        Payload::Unsigned
    } else {
        Payload::Bytes(&body)
    };
    let req = Request::from_url(s("method"), s("url"), &headers, payload).unwrap();
    let mut settings = if s3 {
        Settings::s3()
    } else {
        Settings::service()
    };
    // botocore adds `X-Amz-Content-SHA256: UNSIGNED-PAYLOAD` for other services too when
    // payload signing is off.
    settings.content_sha256_header =
        !query_auth && expected["headers"].get("x-amz-content-sha256").is_some();
    let params = SigningParams {
        access_key_id: s("access_key_id"),
        session_token: case["token"].as_str(),
        key: &key,
        time,
        settings,
    };
    let expires = u32::try_from(case["expires"].as_u64().unwrap()).unwrap();
    let location = if query_auth {
        Location::Query {
            expires_in: expires,
        }
    } else {
        Location::Headers
    };

    let mut diffs = Vec::new();
    let mut compare = |what: &str, ours: &str, theirs: &str| {
        if ours != theirs {
            diffs.push(format!("{what}:\n--- ours\n{ours}\n--- botocore\n{theirs}"));
        }
    };
    let mut creq = String::new();
    canonical_request(&req, &params, location, &mut creq).unwrap();
    compare(
        "canonical request",
        &creq,
        expected["canonical_request"].as_str().unwrap(),
    );
    let mut sts = String::new();
    string_to_sign(&req, &params, location, &mut sts).unwrap();
    compare(
        "string to sign",
        &sts,
        expected["string_to_sign"].as_str().unwrap(),
    );
    if query_auth {
        let query = presign(&req, &params, expires).unwrap();
        compare(
            "signature",
            query.signature(),
            expected["signature"].as_str().unwrap(),
        );
        compare(
            "url",
            &query.url(&req).to_string(),
            expected["url"].as_str().unwrap(),
        );
    } else {
        let signed = sign(&req, &params).unwrap();
        compare(
            "signature",
            signed.signature(),
            expected["signature"].as_str().unwrap(),
        );
        let ours: serde_json::Map<String, Value> = signed
            .headers()
            .map(|(n, v)| (n.to_string(), Value::from(v)))
            .collect();
        let theirs = expected["headers"].as_object().unwrap();
        compare("headers", &format!("{ours:?}"), &format!("{theirs:?}"));
    }
    diffs
}

#[test]
fn every_botocore_case_signs_byte_equal() {
    let path = sigv4_tests::botocore_cases(env!("CARGO_TARGET_TMPDIR"), "sign");
    let text = std::fs::read_to_string(&path).unwrap();
    let cases: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} cases in {}",
        cases.len(),
        path.display()
    );
    let mut by_class = std::collections::BTreeMap::<&str, usize>::new();
    let mut failures = Vec::new();
    for case in &cases {
        *by_class.entry(case["class"].as_str().unwrap()).or_default() += 1;
        let diffs = check(case);
        if !diffs.is_empty() {
            failures.push(format!(
                "case {} ({}): {}",
                case["id"],
                case["url"],
                diffs.join("\n")
            ));
        }
    }
    assert!(
        by_class.len() == 4 && by_class.values().all(|&n| n >= 200),
        "{by_class:?}"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ from botocore; the first:\n{}",
        failures.len(),
        cases.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
