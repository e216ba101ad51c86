//! The AWS signing suite's 38 SigV4A cases (`vectors/aws-signing-test-suite/v4a`, see its
//! NOTICE). ECDSA signatures differ from run to run, so what is compared is everything
//! else, and signatures are checked by verifying them across implementations:
//!
//! - the public key derived from the case's credentials is the suite's `public-key.json`;
//! - the canonical request and string to sign, in headers and in the query, equal the
//!   suite's byte for byte;
//! - the suite's own signed requests (and its separately given signatures) verify with our
//!   verifier and the suite's public key, and one changed byte makes them fail;
//! - our signatures verify with our verifier, and with Python's `cryptography` package
//!   given only the suite's public key.
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4_core::{
    canonical_request_v4a, presign_v4a, sign_v4a, string_to_sign_v4a, verify_any, Error, Header,
    Location, Payload, Request, SigV4aKey, SigV4aPublicKey, VerifyPolicy, VerifyingKey,
};
use sigv4_tests::{suite_v4a_case_names, suite_v4a_file, OwnedRequest, SuiteContext};

fn suite_public_key(case: &str) -> SigV4aPublicKey {
    let v: serde_json::Value =
        serde_json::from_str(&suite_v4a_file(case, "public-key.json")).unwrap();
    let coord = |k: &str| {
        let mut out = [0u8; 32];
        hex::decode_to_slice(v[k].as_str().unwrap(), &mut out).unwrap();
        out
    };
    SigV4aPublicKey::from_coordinates(&coord("X"), &coord("Y")).unwrap()
}

fn policy(ctx: &SuiteContext) -> VerifyPolicy<'_> {
    let mut policy = VerifyPolicy::new(&ctx.region, &ctx.service, ctx.time);
    policy.path_mode = ctx.settings().path_mode;
    policy.allow_unsigned_security_token = ctx.omit_session_token;
    policy
}

/// Verifies a request given as raw HTTP text with `public_key`.
fn verify_text(
    text: &str,
    ctx: &SuiteContext,
    public_key: SigV4aPublicKey,
) -> Result<sigv4_core::Verified, Error> {
    let owned = OwnedRequest::parse_http(text);
    let headers = owned.header_views();
    let req = owned.view(&headers, Payload::Bytes(&owned.body));
    verify_any(&req, &policy(ctx), |ak, scope| {
        assert_eq!(ak, ctx.access_key_id);
        assert!(scope.is_without_region());
        Some(VerifyingKey::SigV4a(public_key))
    })
}

/// The signature a signed request carries (header or query form).
fn carried_signature(text: &str) -> String {
    let start = text
        .find("Signature=")
        .map(|i| i + "Signature=".len())
        .unwrap();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// One byte of what is signed changed: a letter of the `Host` header (always signed).
fn tamper(text: &str) -> String {
    let changed = text.replacen("Host:example", "Host:exbmple", 1);
    assert_ne!(changed, text, "every suite request has Host:example...");
    changed
}

#[derive(Default)]
struct Collected {
    /// `(public key SEC1 hex, string to sign, signature hex)` of every signature we made.
    ours: Vec<(String, String, String)>,
}

fn check_case(case: &str, out: &mut Collected) {
    let ctx = SuiteContext::load_v4a(case);
    let key = SigV4aKey::derive(&ctx.access_key_id, &ctx.secret).unwrap();
    let public = suite_public_key(case);
    assert_eq!(key.public_key(), public, "{case}: derived public key");
    let params = ctx.params_v4a(&key);
    let owned = OwnedRequest::parse_http(&suite_v4a_file(case, "request.txt"));
    let headers = owned.header_views();
    let req = owned.view(&headers, Payload::Bytes(&owned.body));
    for prefix in ["header", "query"] {
        let location = match prefix {
            "header" => Location::Headers,
            _ => Location::Query {
                expires_in: ctx.expires,
            },
        };
        let mut creq = String::new();
        canonical_request_v4a(&req, &params, location, &mut creq).unwrap();
        let want = suite_v4a_file(case, &format!("{prefix}-canonical-request.txt"));
        assert_eq!(creq, want, "{case} {prefix}: canonical request");
        let mut sts = String::new();
        string_to_sign_v4a(&req, &params, location, &mut sts).unwrap();
        let want = suite_v4a_file(case, &format!("{prefix}-string-to-sign.txt"));
        assert_eq!(sts, want, "{case} {prefix}: string to sign");

        // The suite's signed request verifies, with its own signature and with the one the
        // suite gives separately for the same string to sign.
        let signed = suite_v4a_file(case, &format!("{prefix}-signed-request.txt"));
        let v = verify_text(&signed, &ctx, public).unwrap_or_else(|e| {
            panic!("{case} {prefix}: the suite's signed request does not verify: {e}")
        });
        assert_eq!(
            v.scope().as_str(),
            format!("{}/service/aws4_request", &sts[23..31])
        );
        let other = suite_v4a_file(case, &format!("{prefix}-signature.txt"));
        let swapped = signed.replace(&carried_signature(&signed), &other);
        verify_text(&swapped, &ctx, public)
            .unwrap_or_else(|e| panic!("{case} {prefix}: the suite's signature: {e}"));
        assert!(
            verify_text(&tamper(&signed), &ctx, public).is_err(),
            "{case} {prefix}: a changed path still verifies"
        );
        // A signature of another key does not verify.
        let stranger = SigV4aKey::derive("AKIDOTHER", "other")
            .unwrap()
            .public_key();
        assert_eq!(
            verify_text(&signed, &ctx, stranger).map(|_| ()),
            Err(Error::SignatureMismatch),
            "{case} {prefix}"
        );

        // Our signature, sent the way the suite's is, verifies with our verifier.
        let ours = match location {
            Location::Headers => {
                let sig = sign_v4a(&req, &params).unwrap();
                let mut all: Vec<Header<'_>> = req
                    .headers
                    .iter()
                    .filter(|h| !sig.headers().any(|(n, _)| h.name.eq_ignore_ascii_case(n)))
                    .copied()
                    .collect();
                all.extend(sig.headers().map(|(n, v)| Header::new(n, v)));
                let sent = Request {
                    headers: &all,
                    ..req
                };
                let v = verify_any(&sent, &policy(&ctx), |_, _| {
                    Some(VerifyingKey::SigV4a(public))
                });
                v.unwrap_or_else(|e| panic!("{case}: our header signature: {e}"));
                sig.signature().to_string()
            }
            _ => {
                let query = presign_v4a(&req, &params, ctx.expires).unwrap();
                let full = if req.query.is_empty() {
                    query.to_string()
                } else {
                    format!("{}&{query}", req.query)
                };
                let sent = Request {
                    query: &full,
                    ..req
                };
                let v = verify_any(&sent, &policy(&ctx), |_, _| {
                    Some(VerifyingKey::SigV4a(public))
                });
                v.unwrap_or_else(|e| panic!("{case}: our presigned URL: {e}"));
                query.signature().to_string()
            }
        };
        out.ours
            .push((hex::encode(public.to_sec1_bytes()), sts, ours));
    }
}

#[test]
fn every_sigv4a_case() {
    let cases = suite_v4a_case_names();
    assert_eq!(cases.len(), 38, "the suite has 38 SigV4A cases");
    let mut collected = Collected::default();
    for case in &cases {
        check_case(case, &mut collected);
    }
    assert_eq!(collected.ours.len(), 76);
    sigv4_tests::cryptography_verifies(&collected.ours);
}
