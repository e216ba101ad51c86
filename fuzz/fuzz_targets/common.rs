//! An arbitrary request and signing setup, shared by the signing targets.
use arbitrary::Arbitrary;
use sigv4_core::{
    Header, PathMode, Payload, Request, Scheme, SessionTokenMode, Settings, SigningKey,
    SigningParams, Timestamp,
};

#[derive(Arbitrary, Debug)]
pub struct Input {
    pub method: String,
    pub https: bool,
    pub authority: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
    pub unsigned: bool,
    pub mode: u8,
    pub token: Option<String>,
    pub token_after: bool,
    pub sha_header: bool,
    pub unsigned_headers: Vec<String>,
    pub access_key_id: String,
    pub secret: String,
    pub region: String,
    pub service: String,
    pub key_time: i64,
    pub skew: i32,
    pub expires: u32,
}

/// Calls `f` with the request view and parameters, if the key derives.
pub fn with_signing<T>(input: &Input, f: impl FnOnce(&Request<'_>, &SigningParams<'_>) -> T) -> Option<T> {
    let headers: Vec<Header<'_>> = input
        .headers
        .iter()
        .map(|(n, v)| Header { name: n, value: v })
        .collect();
    let req = Request {
        method: &input.method,
        scheme: if input.https { Scheme::Https } else { Scheme::Http },
        authority: &input.authority,
        path: &input.path,
        query: &input.query,
        headers: &headers,
        payload: if input.unsigned { Payload::Unsigned } else { Payload::Bytes(&input.body) },
    };
    let key_time = Timestamp::from_unix(input.key_time.rem_euclid(4_000_000_000)).ok()?;
    let time = Timestamp::from_unix(key_time.unix() + i64::from(input.skew)).ok()?;
    let key = SigningKey::derive(&input.secret, key_time, &input.region, &input.service).ok()?;
    let unsigned: Vec<&str> = input.unsigned_headers.iter().map(String::as_str).collect();
    let params = SigningParams {
        access_key_id: &input.access_key_id,
        session_token: input.token.as_deref(),
        key: &key,
        time,
        settings: Settings {
            path_mode: match input.mode % 3 {
                0 => PathMode::Service,
                1 => PathMode::ServiceUnnormalized,
                _ => PathMode::S3,
            },
            session_token: if input.token_after {
                SessionTokenMode::AppendedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: input.sha_header,
            unsigned_headers: &unsigned,
        },
    };
    Some(f(&req, &params))
}
