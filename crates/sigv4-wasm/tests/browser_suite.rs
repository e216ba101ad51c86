//! The AWS SigV4 signing suite (`tests/vectors/aws-signing-test-suite`, with its NOTICE),
//! signed inside a real browser: `scripts/browser` runs this file with
//! `wasm-bindgen-test-runner` in headless Chromium. Every case, in headers and presigned,
//! through the package's own `Signer`, must give the suite's signature.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4_wasm::{
    sha256_hex, Signer, FLAG_APPEND_SESSION_TOKEN, FLAG_CONTENT_SHA256, FLAG_NONE,
    FLAG_UNNORMALIZED,
};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

struct Case {
    name: &'static str,
    context: &'static str,
    request: &'static str,
    header_signature: &'static str,
    query_signature: &'static str,
}

macro_rules! cases {
    ($($name:literal,)*) => {
        [$(Case {
            name: $name,
            context: include_str!(concat!("../../../tests/vectors/aws-signing-test-suite/v4/", $name, "/context.json")),
            request: include_str!(concat!("../../../tests/vectors/aws-signing-test-suite/v4/", $name, "/request.txt")),
            header_signature: include_str!(concat!("../../../tests/vectors/aws-signing-test-suite/v4/", $name, "/header-signature.txt")),
            query_signature: include_str!(concat!("../../../tests/vectors/aws-signing-test-suite/v4/", $name, "/query-signature.txt")),
        },)*]
    };
}

const CASES: [Case; 38] = cases![
    "get-header-key-duplicate",
    "get-header-value-multiline",
    "get-header-value-order",
    "get-header-value-trim",
    "get-relative-normalized",
    "get-relative-relative-normalized",
    "get-relative-relative-unnormalized",
    "get-relative-unnormalized",
    "get-slash-dot-slash-normalized",
    "get-slash-dot-slash-unnormalized",
    "get-slash-normalized",
    "get-slash-pointless-dot-normalized",
    "get-slash-pointless-dot-unnormalized",
    "get-slash-unnormalized",
    "get-slashes-normalized",
    "get-slashes-unnormalized",
    "get-space-normalized",
    "get-space-unnormalized",
    "get-unreserved",
    "get-utf8",
    "get-vanilla",
    "get-vanilla-empty-query-key",
    "get-vanilla-query",
    "get-vanilla-query-order-encoded",
    "get-vanilla-query-order-key-case",
    "get-vanilla-query-unreserved",
    "get-vanilla-utf8-query",
    "get-vanilla-with-session-token",
    "post-header-key-case",
    "post-header-key-sort",
    "post-header-value-case",
    "post-sts-header-after",
    "post-sts-header-before",
    "post-vanilla",
    "post-vanilla-empty-query-value",
    "post-vanilla-query",
    "post-x-www-form-urlencoded",
    "post-x-www-form-urlencoded-parameters",
];

/// A suite request: method, path, query, headers (continuation lines joined with `\n`),
/// body.
struct Parsed {
    method: String,
    path: String,
    query: String,
    headers: Vec<String>,
    body: Vec<u8>,
}

fn parse(text: &str) -> Parsed {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let first = lines.next().unwrap();
    let (method, rest) = first.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<String> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            let value = headers.last_mut().unwrap();
            value.push('\n');
            value.push_str(line);
        } else if let Some((name, value)) = line.split_once(':') {
            headers.push(name.to_string());
            headers.push(value.to_string());
        }
    }
    Parsed {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// Signs `case` in headers and presigned; returns the two signatures.
fn sign_case(case: &Case) -> (String, String) {
    let ctx: serde_json::Value = serde_json::from_str(case.context).unwrap();
    let creds = &ctx["credentials"];
    let signer = Signer::new(
        creds["access_key_id"].as_str().unwrap().into(),
        creds["secret_access_key"].as_str().unwrap().into(),
        creds["token"].as_str().map(Into::into),
    )
    .unwrap();
    let mut req = parse(case.request);
    // The upstream CRT suite's request line (see tests/src/lib.rs, `suite_request`).
    if case.name == "get-space-normalized" {
        req.path = "/example space/".into();
    }
    let host = req
        .headers
        .chunks(2)
        .find(|p| p[0].eq_ignore_ascii_case("host"))
        .map(|p| p[1].clone())
        .unwrap();
    let url = format!("https://{host}/");
    // 2015-08-30T12:36:00Z -> 20150830T123600Z
    let datetime: String = ctx["timestamp"]
        .as_str()
        .unwrap()
        .chars()
        .filter(|c| !matches!(c, '-' | ':'))
        .collect();
    let mut flags = FLAG_NONE;
    if !ctx["normalize"].as_bool().unwrap() {
        flags |= FLAG_UNNORMALIZED;
    }
    if ctx["sign_body"].as_bool().unwrap_or(false) {
        flags |= FLAG_CONTENT_SHA256;
    }
    if ctx["omit_session_token"].as_bool().unwrap_or(false) {
        flags |= FLAG_APPEND_SESSION_TOKEN;
    }
    let payload = sha256_hex(&req.body);
    let (service, region) = (
        ctx["service"].as_str().unwrap(),
        ctx["region"].as_str().unwrap(),
    );
    let added = signer
        .sign_headers(
            &req.method,
            &url,
            &req.path,
            &req.query,
            req.headers.clone(),
            &payload,
            service,
            region,
            &datetime,
            flags,
        )
        .unwrap();
    let auth = added.chunks(2).find(|p| p[0] == "authorization").unwrap()[1].clone();
    let header_sig = auth.rsplit_once("Signature=").unwrap().1.to_string();
    let expires = u32::try_from(ctx["expiration_in_seconds"].as_u64().unwrap()).unwrap();
    let query = signer
        .presign(
            &req.method,
            &url,
            &req.path,
            &req.query,
            req.headers,
            &payload,
            service,
            region,
            &datetime,
            expires,
            flags,
        )
        .unwrap();
    let query_sig = query
        .split('&')
        .find_map(|p| p.strip_prefix("X-Amz-Signature="))
        .unwrap()
        .to_string();
    (header_sig, query_sig)
}

#[wasm_bindgen_test]
fn every_suite_case_signs_as_the_suite_says_in_headers_and_presigned() {
    let mut failures = Vec::new();
    for case in &CASES {
        let (header, query) = sign_case(case);
        if header != case.header_signature.trim() {
            failures.push(format!(
                "{} header: {header} != {}",
                case.name,
                case.header_signature.trim()
            ));
        }
        if query != case.query_signature.trim() {
            failures.push(format!(
                "{} query: {query} != {}",
                case.name,
                case.query_signature.trim()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} signatures differ:\n{}",
        failures.len(),
        2 * CASES.len(),
        failures.join("\n")
    );
}

#[wasm_bindgen_test]
fn a_wrong_secret_gives_other_signatures() {
    let case = &CASES[0];
    let patched = Case {
        context: Box::leak(
            case.context
                .replace("EXAMPLEKEY", "EXAMPLEKEX")
                .into_boxed_str(),
        ),
        ..*case
    };
    let (header, query) = sign_case(&patched);
    assert_ne!(header, case.header_signature.trim());
    assert_ne!(query, case.query_signature.trim());
}

#[wasm_bindgen_test]
fn errors_reach_javascript_as_messages() {
    let signer = Signer::new("AKID".into(), "secret".into(), None).unwrap();
    let err = signer
        .sign_headers(
            "GET",
            "ftp://x/",
            "/",
            "",
            vec![],
            "UNSIGNED-PAYLOAD",
            "s3",
            "us-east-1",
            "20150830T123600Z",
            FLAG_NONE,
        )
        .unwrap_err();
    assert!(err.to_string().contains("url"), "{err}");
    let err = signer
        .sign_headers(
            "GET",
            "https://x/",
            "/",
            "",
            vec![],
            "UNSIGNED-PAYLOAD",
            "s3",
            "us-east-1",
            "yesterday",
            FLAG_NONE,
        )
        .unwrap_err();
    assert!(err.to_string().contains("datetime"), "{err}");
}
