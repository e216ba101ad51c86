//! A request as raw HTT/1.1 text, seeded with every signed request of the AWS signing suite
//! (header and presigned forms, SigV4 and SigV4A) and mutated from there: verifying never
//! panics, and a request verifies only if the canonical request the verifier computed is
//! one the suite signed (the keys are the suite's; nothing else was ever signed with them).
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigv4_core::{verify_any_explained, Header, PathMode, Payload, Request, Scheme, SigV4aKey, SigV4aPublicKey, SigningKey, Timestamp, VerifyPolicy, VerifyingKey};
use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// The canonical requests the suite signed.
fn signed() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/aws-signing-test-suite");
        let mut set = HashSet::new();
        for version in ["v4", "v4a"] {
            let root = suite.join(version);
            for case in std::fs::read_dir(&root).expect("the AWS suite in tests/vectors") {
                let dir = case.unwrap().path();
                for file in ["header-canonical-request.txt", "query-canonical-request.txt"] {
                    if let Ok(text) = std::fs::read_to_string(dir.join(file)) {
                        set.insert(text);
                    }
                }
            }
        }
        assert!(set.len() > 60, "suite not found under {}", suite.display());
        set
    })
}

/// The suite's SigV4A public key (derived once: a scalar multiplication).
fn public_key() -> SigV4aPublicKey {
    static KEY: OnceLock<SigV4aPublicKey> = OnceLock::new();
    *KEY.get_or_init(|| SigV4aKey::derive("AKIDEXAMPLE", SECRET).unwrap().public_key())
}

/// `METHOD target HTTP/1.1`, `name:value` lines (indented lines continue a value), an
/// empty line, the body; as the suite writes requests.
fn parse(data: &[u8]) -> Option<(String, String, String, Vec<(String, Vec<u8>)>, &[u8])> {
    let split = data.windows(2).position(|w| w == b"\n\n");
    let (head, body) = match split {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &data[data.len()..]),
    };
    let head = std::str::from_utf8(head).ok()?;
    let mut lines = head.split('\n');
    let first = lines.next()?;
    let (method, rest) = first.split_once(' ')?;
    let target = rest.strip_suffix(" HTTP/1.1")?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, Vec<u8>)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut()?;
            last.1.push(b'\n');
            last.1.extend_from_slice(line.as_bytes());
        } else {
            let (name, value) = line.split_once(':')?;
            headers.push((name.to_string(), value.as_bytes().to_vec()));
        }
    }
    Some((method.into(), path.into(), query.into(), headers, body))
}

fuzz_target!(|data: &[u8]| {
    let set = signed();
    let Some((method, path, query, headers, body)) = parse(data) else { return };
    let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header { name: n, value: v }).collect();
    let authority = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
        .unwrap_or("example.amazonaws.com");
    let req = Request {
        method: &method,
        scheme: Scheme::Https,
        authority,
        path: &path,
        query: &query,
        headers: &views,
        payload: Payload::Bytes(body),
    };
    let time = Timestamp::parse_amz_date("20150830T123600Z").unwrap();
    let key = SigningKey::derive(SECRET, time, "us-east-1", "service").unwrap();
    for mode in [PathMode::Service, PathMode::ServiceUnnormalized] {
        for token_after in [false, true] {
            let mut policy = VerifyPolicy::new("us-east-1", "service", time);
            policy.path_mode = mode;
            policy.allow_unsigned_security_token = token_after;
            let (mut creq, mut sts) = (String::new(), String::new());
            let lookup = |id: &str, scope: &sigv4_core::Scope| {
                (id == "AKIDEXAMPLE").then(|| {
                    if scope.is_without_region() {
                        VerifyingKey::SigV4a(public_key())
                    } else {
                        VerifyingKey::SigV4(key.clone())
                    }
                })
            };
            if verify_any_explained(&req, &policy, lookup, &mut creq, &mut sts).is_ok() {
                assert!(set.contains(&creq), "verified a canonical request the suite never signed:\n{creq}");
            }
        }
    }
});
