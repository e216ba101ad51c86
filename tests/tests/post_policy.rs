//! S3 POST policies against botocore's `generate_presigned_post` (the oracle, run by
//! `tests/botocore/gen_post.py` with the Python of `SIGV4_PYTHON`): 200 random policies
//! (exact keys and `${filename}` prefixes, content-length ranges, fixed fields with
//! quotes, backslashes, control characters and non-ASCII, starts-with conditions, session
//! tokens) signed by both at the same time give the same form fields byte for byte, the
//! base64 policy document and the signature among them.
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4::post::{Condition, PostPolicy};
use sigv4::{Credentials, ManualClock, Signer};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

const COUNT: usize = 200;

/// The cases, generated once for both tests.
fn cases() -> &'static [serde_json::Value] {
    static CASES: std::sync::OnceLock<Vec<serde_json::Value>> = std::sync::OnceLock::new();
    CASES.get_or_init(generate)
}

fn generate() -> Vec<serde_json::Value> {
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("botocore_post.jsonl");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("botocore/gen_post.py");
    let python = std::env::var("SIGV4_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = std::process::Command::new(&python)
        .arg(&script)
        .args(["--count", &COUNT.to_string(), "--out"])
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python}: {e}"));
    assert!(
        status.success(),
        "{python} {} failed: install botocore, or run `bash scripts/test`",
        script.display()
    );
    std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn policy_of(case: &serde_json::Value) -> PostPolicy {
    let s = |v: &serde_json::Value| v.as_str().unwrap().to_string();
    let mut policy = PostPolicy::new(s(&case["bucket"]), s(&case["key"]))
        .expires_in(Duration::from_secs(case["expires"].as_u64().unwrap()));
    for op in case["ops"].as_array().unwrap() {
        policy = match op[0].as_str().unwrap() {
            "range" => {
                policy.content_length_range(op[1].as_u64().unwrap(), op[2].as_u64().unwrap())
            }
            "starts" => policy.condition(Condition::StartsWith(s(&op[1]), s(&op[2]))),
            "ctype" => policy.content_type(s(&op[2])),
            "status" => policy.success_action_status(s(&op[2]).parse().unwrap()),
            "acl" => policy.acl(s(&op[2])),
            "meta" => policy.meta(s(&op[1]).strip_prefix("x-amz-meta-").unwrap(), s(&op[2])),
            _ => policy.field(s(&op[1]), s(&op[2])),
        };
    }
    policy
}

fn signer_for(case: &serde_json::Value) -> Signer {
    let now = sigv4_core::Timestamp::parse_amz_date(case["now"].as_str().unwrap()).unwrap();
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(now.unix().unsigned_abs()));
    let mut creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if let Some(token) = case["token"].as_str() {
        creds = creds.with_session_token(token);
    }
    Signer::builder("s3", "us-east-1")
        .credentials(creds)
        .clock(Arc::new(clock))
        .build()
}

#[test]
fn two_hundred_random_policies_give_botocores_fields_byte_for_byte() {
    let cases = cases();
    assert_eq!(cases.len(), COUNT);
    let mut with_token = 0;
    for (i, case) in cases.iter().enumerate() {
        let form = signer_for(case)
            .presign_post("https://examplebucket.s3.amazonaws.com/", &policy_of(case))
            .unwrap();
        let theirs: Vec<(String, String)> = case["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        assert_eq!(form.fields(), theirs.as_slice(), "case {i}: {case}");
        with_token += usize::from(form.field("x-amz-security-token").is_some());
    }
    // Both kinds of credentials were covered.
    assert!(with_token > 20 && with_token < COUNT - 20, "{with_token}");
}

#[test]
fn the_signature_covers_the_document() {
    let case = &cases()[0];
    let form = signer_for(case)
        .presign_post("https://examplebucket.s3.amazonaws.com/", &policy_of(case))
        .unwrap();
    let key = sigv4_core::SigningKey::derive(
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        sigv4_core::Timestamp::parse_amz_date(case["now"].as_str().unwrap()).unwrap(),
        "us-east-1",
        "s3",
    )
    .unwrap();
    let policy = form.field("policy").unwrap();
    let signature = form.field("x-amz-signature").unwrap();
    assert!(sigv4_core::verify_post_policy(policy, signature, &key));
    // One character of the document changed: the signature no longer holds.
    let mut tampered = policy.to_string();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    assert!(!sigv4_core::verify_post_policy(&tampered, signature, &key));
}
