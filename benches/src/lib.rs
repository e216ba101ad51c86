//! Benches only: the workloads `benches/sign.rs` and `benches/sigv4a.rs` share.
#![allow(clippy::unwrap_used, missing_docs, reason = "bench support code")]

use sigv4_core::{
    presign, presign_then, sign, sign_then, Header, Payload, Request, Settings, SigningKey,
    SigningParams, Timestamp,
};

pub const AK: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SK: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const TOKEN: &str =
    "FwoGZXIvYXdzEBYaDNd1Xv2uH3KMGBYIRyKCATxZKqZmHgHzwV8wsv8rqNgwW8V0cRg1c2Zm4yQ7Z2k1\
    Hl9pQ6N5cRLN9kLr1+0hQ7xwq6c1TtBf0c3ZFwWpXyQw2tDq0k6M6w3kQy3e8Wn7OeG1Qp4X1mKp0y0c8fP4t3Z2wA==";
pub const URL: &str =
    "https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x";
pub const DDB: &str = "https://dynamodb.us-east-1.amazonaws.com/";
pub const AMZ_DATE: &str = "20240101T120000Z";

#[derive(Debug, Clone)]
pub struct Workload {
    pub name: &'static str,
    pub method: &'static str,
    pub url: &'static str,
    pub headers: Vec<(&'static str, &'static str)>,
    pub body: Vec<u8>,
    pub s3: bool,
    pub token: Option<&'static str>,
    pub presign: bool,
}

pub fn workloads() -> Vec<Workload> {
    let json = {
        let mut s = String::from("{\"TableName\":\"bench\",\"Items\":[");
        while s.len() < 2048 - 32 {
            s.push_str("{\"k\":\"0123456789abcdef\"},");
        }
        s.push_str("{}]}");
        s.into_bytes()
    };
    let w1_headers = vec![
        ("host", "examplebucket.s3.amazonaws.com"),
        ("x-amz-date", AMZ_DATE),
        ("range", "bytes=0-1023"),
        ("user-agent", "bench/1.0"),
    ];
    vec![
        Workload {
            name: "W1-get",
            method: "GET",
            url: URL,
            headers: w1_headers.clone(),
            body: vec![],
            s3: true,
            token: None,
            presign: false,
        },
        Workload {
            name: "W2-put-1MiB",
            method: "PUT",
            url: URL,
            headers: w1_headers[..2].to_vec(),
            body: vec![7u8; 1 << 20],
            s3: true,
            token: None,
            presign: false,
        },
        Workload {
            name: "W3-presign",
            method: "GET",
            url: URL,
            headers: vec![("host", "examplebucket.s3.amazonaws.com")],
            body: vec![],
            s3: true,
            token: None,
            presign: true,
        },
        Workload {
            name: "W4-dynamodb",
            method: "POST",
            url: DDB,
            headers: vec![
                ("host", "dynamodb.us-east-1.amazonaws.com"),
                ("x-amz-date", AMZ_DATE),
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "DynamoDB_20120810.PutItem"),
            ],
            body: json,
            s3: false,
            token: Some(TOKEN),
            presign: false,
        },
    ]
}

/// [`AMZ_DATE`] as a timestamp, made as a client makes one from its clock: parsing text on
/// every signing would time a date parser, not the signer.
pub const TIME: Timestamp = match Timestamp::from_unix(1_704_110_400) {
    Ok(t) => t,
    Err(_) => panic!("in range"),
};

pub fn time() -> Timestamp {
    TIME
}

pub fn service(w: &Workload) -> (&'static str, &'static str) {
    if w.s3 {
        ("s3", "us-east-1")
    } else {
        ("dynamodb", "us-east-1")
    }
}

/// Calls `f` with the workload's request view and signing parameters.
pub fn with_request<T>(
    w: &Workload,
    key: &SigningKey,
    headers: &[Header<'_>],
    f: impl FnOnce(&Request<'_>, &SigningParams<'_>) -> T,
) -> T {
    let req = Request::from_url(w.method, w.url, headers, payload(w)).unwrap();
    let settings = if w.s3 {
        Settings::s3()
    } else {
        Settings::service()
    };
    let params = SigningParams {
        access_key_id: AK,
        session_token: w.token,
        key,
        time: time(),
        settings,
    };
    f(&req, &params)
}

/// Our signature of the workload with `key` (presigned for W3), from `sign_then` /
/// `presign_then`: the whole signature is built (the `Authorization` value, or the query's
/// signed list), and lent where it was built.
pub fn ours(w: &Workload, key: &SigningKey, headers: &[Header<'_>]) -> [u8; 64] {
    with_request(w, key, headers, |req, params| {
        let mut out = [0u8; 64];
        if w.presign {
            presign_then(req, params, 3600, |q| {
                out.copy_from_slice(q.signature().as_bytes());
            })
            .unwrap();
        } else {
            sign_then(req, params, |s| {
                out.copy_from_slice(s.signature().as_bytes())
            })
            .unwrap();
        }
        out
    })
}

/// [`ours`] from `sign` / `presign`, which return the signature by value (a copy of its
/// 1.5 KB `Authorization` buffer, or the query's 1 KB list).
pub fn ours_by_value(w: &Workload, key: &SigningKey, headers: &[Header<'_>]) -> [u8; 64] {
    with_request(w, key, headers, |req, params| {
        let mut out = [0u8; 64];
        if w.presign {
            out.copy_from_slice(presign(req, params, 3600).unwrap().signature().as_bytes());
        } else {
            out.copy_from_slice(sign(req, params).unwrap().signature().as_bytes());
        }
        out
    })
}

/// The workload as a server receives it once we signed it: its headers (the request's,
/// less those the signature replaces, plus the signature's) and its query (the presigned
/// parameters appended for W3).
pub fn received(
    w: &Workload,
    key: &SigningKey,
    headers: &[Header<'_>],
) -> (Vec<(String, String)>, String) {
    let (added, query) = with_request(w, key, headers, |req, params| {
        if w.presign {
            let q = presign(req, params, 3600).unwrap().to_string();
            let query = if req.query.is_empty() {
                q
            } else {
                format!("{}&{q}", req.query)
            };
            (Vec::new(), query)
        } else {
            let signed = sign(req, params).unwrap();
            let added: Vec<(String, String)> = signed
                .headers()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            (added, req.query.to_string())
        }
    });
    let mut all: Vec<(String, String)> = headers
        .iter()
        .filter(|h| !added.iter().any(|(n, _)| h.name.eq_ignore_ascii_case(n)))
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    all.extend(added);
    (all, query)
}

/// The request a server receives once we signed the workload: [`received`]'s headers (as
/// views, `sent`) and query.
pub fn received_request<'a>(
    w: &'a Workload,
    sent: &'a [Header<'a>],
    query: &'a str,
) -> Request<'a> {
    Request {
        query,
        ..Request::from_url(w.method, w.url, sent, payload(w)).unwrap()
    }
}

/// The payload the workload signs: unsigned when presigned, as S3 presigned URLs are.
fn payload(w: &Workload) -> Payload<'_> {
    if w.presign {
        Payload::Unsigned
    } else {
        Payload::Bytes(&w.body)
    }
}

/// The workload's headers as an `http` map for `Signer::sign_http`, less `host` and
/// `x-amz-date` (the signer sets them, signing now; the cost does not depend on the date),
/// built by inserts as a client builds one.
pub fn header_map(w: &Workload) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (n, v) in &w.headers {
        if *n != "host" && *n != "x-amz-date" {
            map.append(
                http::HeaderName::from_static(n),
                http::HeaderValue::from_static(v),
            );
        }
    }
    map
}

/// The std path's `Signer` for the workload: static credentials (with the workload's token).
pub fn signer(w: &Workload) -> sigv4::Signer {
    let creds = sigv4::Credentials::new(AK, SK);
    let creds = match w.token {
        Some(t) => creds.with_session_token(t),
        None => creds,
    };
    let (name, region) = service(w);
    sigv4::Signer::builder(name, region)
        .credentials(creds)
        .build()
}

/// The cryptographic floor of one signing: SHA-256 of the body (when signed) and of the
/// canonical request, and the HMAC of the string to sign with the derived key in hand.
pub fn floor(creq: &[u8], sts: &[u8], key: &[u8; 32], body: Option<&[u8]>) -> [u8; 32] {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};
    if let Some(body) = body {
        std::hint::black_box(Sha256::digest(body));
    }
    std::hint::black_box(Sha256::digest(creq));
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(sts);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn time_is_amz_date() {
        let parsed = sigv4_core::Timestamp::parse_amz_date(super::AMZ_DATE).unwrap();
        assert_eq!(super::TIME, parsed);
    }
}
