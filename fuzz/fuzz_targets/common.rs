//! An arbitrary request and signing setup, shared by the signing targets.
#![allow(dead_code, reason = "each target uses part of it")]
#[path = "../../tests/src/reference.rs"]
#[allow(dead_code)]
pub mod reference;

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
        settings: settings(input, &unsigned),
    };
    Some(f(&req, &params))
}

/// The path rules `input` picks.
pub fn path_mode(input: &Input) -> PathMode {
    match input.mode % 3 {
        0 => PathMode::Service,
        1 => PathMode::ServiceUnnormalized,
        _ => PathMode::S3,
    }
}

/// The settings `input` picks, never signing `unsigned`.
pub fn settings<'a>(input: &Input, unsigned: &'a [&'a str]) -> Settings<'a> {
    Settings {
        path_mode: path_mode(input),
        session_token: if input.token_after {
            SessionTokenMode::AppendedAfterSigning
        } else {
            SessionTokenMode::Signed
        },
        content_sha256_header: input.sha_header,
        unsigned_headers: unsigned,
    }
}

/// A request as a server receives it after `input` was signed: the caller's headers (less
/// the ones the signer sets, as an adapter replaces them) and the signer's, or the query
/// with the presigned parameters appended.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub https: bool,
    /// What the client sends as `Host`: the authority without the scheme's default port.
    pub authority: String,
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

/// What the server expects of `input`'s requests.
pub struct Server {
    pub region: String,
    pub service: String,
    pub now: Timestamp,
    pub path_mode: PathMode,
    pub token_after: bool,
    pub access_key_id: String,
}

impl Server {
    pub fn policy(&self) -> sigv4_core::VerifyPolicy<'_> {
        let mut p = sigv4_core::VerifyPolicy::new(&self.region, &self.service, self.now);
        p.path_mode = self.path_mode;
        p.allow_unsigned_payload = true;
        p.allow_unsigned_security_token = self.token_after;
        p
    }
}

/// The payload the signer must use for the verifier to know it: presigned S3 requests sign
/// `UNSIGNED-PAYLOAD`; header-signed ones only say so in `x-amz-content-sha256`.
pub fn signing_payload<'a>(input: &'a Input, presigned: bool) -> Payload<'a> {
    let s3 = input.mode % 3 == 2;
    let unsigned = if presigned { s3 } else { input.unsigned && input.sha_header };
    if unsigned {
        Payload::Unsigned
    } else {
        Payload::Bytes(&input.body)
    }
}

/// Signs `input` (in headers, or presigned for `input.expires` seconds) at the key's own
/// time and returns the request as received, with the server that accepts it; `None` when
/// the signer refuses the input.
/// The key a server verifies with: the SigV4 key of the scope, or the SigV4A key (whose
/// public half it holds).
#[derive(Clone)]
pub enum Keys {
    V4(SigningKey),
    V4a(sigv4_core::SigV4aKey),
}

/// The SigV4A region set an input signs for, when it signs SigV4A: chosen by the bits of
/// `mode` above the path mode (so the corpus of SigV4-only days still decodes as it did):
/// none (SigV4), the region, `*`, a prefix wildcard, or a list ending in the region.
pub fn region_set(input: &Input) -> Option<String> {
    let region = &input.region;
    match (input.mode / 3) % 5 {
        0 | 1 => None,
        2 => Some(region.clone()),
        3 => Some("*".into()),
        _ => Some(format!(
            "{}*,{region}",
            region.get(..region.len().min(3)).unwrap_or("")
        )),
    }
}

pub fn sign_received(input: &Input, presigned: bool) -> Option<(Received, Server, SigningKey)> {
    match sign_received_any(input, presigned, None)? {
        (r, s, Keys::V4(k)) => Some((r, s, k)),
        _ => None,
    }
}

/// [`sign_received`] with SigV4A for `region_set` when given.
pub fn sign_received_any(
    input: &Input,
    presigned: bool,
    region_set: Option<&str>,
) -> Option<(Received, Server, Keys)> {
    let key_time = Timestamp::from_unix(input.key_time.rem_euclid(4_000_000_000)).ok()?;
    let key = match region_set {
        None => Keys::V4(SigningKey::derive(&input.secret, key_time, &input.region, &input.service).ok()?),
        Some(_) => Keys::V4a(sigv4_core::SigV4aKey::derive(&input.access_key_id, &input.secret).ok()?),
    };
    let kept: Vec<(String, Vec<u8>)> = input
        .headers
        .iter()
        .filter(|(n, _)| !n.eq_ignore_ascii_case("authorization") && !n.eq_ignore_ascii_case("x-amz-content-sha256"))
        .cloned()
        .collect();
    let views: Vec<Header<'_>> = kept.iter().map(|(n, v)| Header { name: n, value: v }).collect();
    let req = Request {
        method: &input.method,
        scheme: if input.https { Scheme::Https } else { Scheme::Http },
        authority: &input.authority,
        path: &input.path,
        query: &input.query,
        headers: &views,
        payload: signing_payload(input, presigned),
    };
    let unsigned: Vec<&str> = input.unsigned_headers.iter().map(String::as_str).collect();
    let path_mode = path_mode(input);
    let mut received = Received {
        method: input.method.clone(),
        https: input.https,
        authority: req.host().to_string(),
        path: input.path.clone(),
        query: input.query.clone(),
        headers: kept.clone(),
        body: input.body.clone(),
    };
    let settings = settings(input, &unsigned);
    let (presigned_query, signed) = match (&key, region_set) {
        (Keys::V4(key), _) => {
            let params = SigningParams {
                access_key_id: &input.access_key_id,
                session_token: input.token.as_deref(),
                key,
                time: key_time,
                settings,
            };
            if presigned {
                (Some(sigv4_core::presign(&req, &params, input.expires).ok()?.to_string()), None)
            } else {
                (None, Some(sigv4_core::sign(&req, &params).ok()?))
            }
        }
        (Keys::V4a(key), set) => {
            let params = sigv4_core::SigningParamsV4a {
                access_key_id: &input.access_key_id,
                session_token: input.token.as_deref(),
                key,
                region_set: set.unwrap_or("*"),
                service: &input.service,
                time: key_time,
                settings,
            };
            if presigned {
                (Some(sigv4_core::presign_v4a(&req, &params, input.expires).ok()?.to_string()), None)
            } else {
                (None, Some(sigv4_core::sign_v4a(&req, &params).ok()?))
            }
        }
    };
    if let Some(q) = presigned_query {
        received.query = if input.query.is_empty() { q } else { format!("{}&{q}", input.query) };
    } else if let Some(signed) = signed {
        let out: Vec<(String, Vec<u8>)> =
            signed.headers().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect();
        received.headers.retain(|(n, _)| !out.iter().any(|(o, _)| o.eq_ignore_ascii_case(n)));
        received.headers.extend(out);
    }
    let server = Server {
        region: input.region.clone(),
        service: input.service.clone(),
        now: key_time,
        path_mode,
        token_after: input.token_after,
        access_key_id: input.access_key_id.clone(),
    };
    Some((received, server, key))
}

/// Verifies `r`, rendering the canonical request the verifier computed into `creq`; the
/// server knows one access key id, whose key is `key`.
pub fn verify_received(
    r: &Received,
    server: &Server,
    key: &SigningKey,
    creq: &mut String,
) -> Result<sigv4_core::Verified, sigv4_core::Error> {
    verify_received_any(r, server, &Keys::V4(key.clone()), creq)
}

/// [`verify_received`] with either algorithm's key, through `verify_any`.
pub fn verify_received_any(
    r: &Received,
    server: &Server,
    key: &Keys,
    creq: &mut String,
) -> Result<sigv4_core::Verified, sigv4_core::Error> {
    let views: Vec<Header<'_>> = r.headers.iter().map(|(n, v)| Header { name: n, value: v }).collect();
    let req = Request {
        method: &r.method,
        scheme: if r.https { Scheme::Https } else { Scheme::Http },
        authority: &r.authority,
        path: &r.path,
        query: &r.query,
        headers: &views,
        payload: Payload::Bytes(&r.body),
    };
    let mut sts = String::new();
    let lookup = |id: &str, _: &sigv4_core::Scope| {
        (id == server.access_key_id).then(|| match key {
            Keys::V4(k) => sigv4_core::VerifyingKey::SigV4(k.clone()),
            Keys::V4a(k) => sigv4_core::VerifyingKey::SigV4a(k.public_key()),
        })
    };
    sigv4_core::verify_any_explained(&req, &server.policy(), lookup, creq, &mut sts)
}

/// Percent-decodes a query key as the verifier reads it.
pub fn decoded_key(piece: &str) -> Vec<u8> {
    let key = piece.split_once('=').map_or(piece, |(k, _)| k);
    reference::percent_decode(key.as_bytes(), false)
}
