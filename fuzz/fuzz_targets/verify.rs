//! Any received request: verification never panics, and nothing verifies without the
//! secret (the key the lookup hands out is derived from a secret the input cannot know).
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigv4_core::{verify, Authorization, Header, Payload, Request, Scheme, SigningKey, Timestamp, VerifyPolicy};

#[derive(arbitrary::Arbitrary, Debug)]
struct Input {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Option<Vec<u8>>,
    now: u32,
    authorization: String,
}

fuzz_target!(|input: Input| {
    let _ = Authorization::from_header(&input.authorization);
    let _ = Authorization::from_query(&input.query);
    let headers: Vec<Header<'_>> = input
        .headers
        .iter()
        .map(|(n, v)| Header { name: n, value: v })
        .collect();
    let req = Request {
        method: &input.method,
        scheme: Scheme::Https,
        authority: "fuzz.example.com",
        path: &input.path,
        query: &input.query,
        headers: &headers,
        payload: input.body.as_deref().map_or(Payload::Unsigned, Payload::Bytes),
    };
    let Ok(now) = Timestamp::from_unix(i64::from(input.now)) else { return };
    for service in ["s3", "service"] {
        let policy = VerifyPolicy::new("us-east-1", service, now);
        let result = verify(&req, &policy, |_, scope| {
            let t = Timestamp::parse_amz_date(&format!("{}T000000Z", scope.date())).ok()?;
            SigningKey::derive("a secret the fuzzer never sees: 7f3a9c", t, scope.region(), scope.service()).ok()
        });
        assert!(result.is_err(), "verified without the secret: {req:?}");
    }
});
