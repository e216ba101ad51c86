//! The AWS Common Runtime's SigV4A signer (awscrt, `V4_ASYMMETRIC`, the signer the AWS
//! SDKs and CLI use for Multi-Region Access Points) as an oracle: 600 generated requests
//! it signed (300 in headers, 300 presigned) verify with our verifier and the public key
//! we derive from the same credentials, and each one's twin with one signed byte changed
//! is refused. The requests come from `servers/crt_sign_v4a.py`, run with the Python of
//! `.venv-awscurl` (awscurl needs awscrt; the botocore oracle's venv stays without it).
#![allow(clippy::unwrap_used, reason = "tests")]

use serde_json::Value;
use sigv4_core::{
    verify_any, Header, Payload, Request, Scheme, SigV4aKey, Timestamp, VerifyPolicy, VerifyingKey,
};
use std::process::Command;

const AK: &str = "AKIDCRTEXAMPLE";
const SK: &str = "crt/secret+KEY/for/sigv4a";
const CASES: usize = 600;

fn crt_signed() -> Vec<Value> {
    let python = std::env::var("SIGV4_AWSCRT_PYTHON").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../.venv-awscurl/bin/python").to_string()
    });
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/servers/crt_sign_v4a.py");
    let out = Command::new(&python)
        .args([script, &CASES.to_string(), "20261201", AK, SK])
        .output()
        .unwrap_or_else(|e| panic!("cannot start {python}: {e}; run `bash scripts/test`"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn requests_signed_by_awscrt_verify_and_their_tampered_twins_do_not() {
    let public = SigV4aKey::derive(AK, SK).unwrap().public_key();
    let cases = crt_signed();
    assert_eq!(cases.len(), CASES);
    let mut presigned = 0;
    for (i, c) in cases.iter().enumerate() {
        let s = |k: &str| c[k].as_str().unwrap();
        let headers: Vec<(String, String)> = c["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
            .collect();
        let body = hex::decode(s("body")).unwrap();
        let (path, query) = s("path").split_once('?').unwrap_or((s("path"), ""));
        presigned += usize::from(c["presigned"].as_bool().unwrap());
        let time = Timestamp::parse_amz_date(s("time")).unwrap();
        let policy = VerifyPolicy::new("us-east-1", s("service"), time);
        let check = |headers: &[(String, String)], path: &str| {
            let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
            let req = Request {
                method: s("method"),
                scheme: Scheme::Https,
                authority: "example.amazonaws.com",
                path,
                query,
                headers: &views,
                payload: Payload::Bytes(&body),
            };
            verify_any(&req, &policy, |ak, scope| {
                assert_eq!((ak, scope.service()), (AK, s("service")));
                Some(VerifyingKey::SigV4a(public))
            })
        };
        check(&headers, path).unwrap_or_else(|e| panic!("case {i}: {e}\n{c}"));
        // One signed byte changed: the path, then a signed header's value.
        let mut other_path = path.to_string();
        other_path.push('x');
        assert!(
            check(&headers, &other_path).is_err(),
            "case {i}: changed path"
        );
        let mut changed = headers.clone();
        changed[0].1 = "example.amazonaws.con".into();
        assert!(check(&changed, path).is_err(), "case {i}: changed host");
    }
    assert_eq!(presigned, CASES / 2);
}
