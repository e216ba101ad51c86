//! Ambiguous and forged requests sent as raw bytes over a real socket to `VerifyLayer` in a
//! hyper server on 127.0.0.1 (`sigv4 serve`'s stack): each class a signer never produces
//! is refused with the status and error code AWS uses, and the inner service never sees it.
//! Each starts from a request the server accepts, so the refusal is the change's doing.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4_core::{
    presign, sign, Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp,
};
use sigv4_hyper::VerifyLayer;
use sigv4_tests::servers::{secrets, serve_layer, AK, SK};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Sends `raw` and reads the whole answer (the request says `Connection: close`): the
/// status and the body.
fn send(port: u16, raw: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// The AWS error code of an XML error body.
fn code(body: &str) -> &str {
    body.split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map_or("", |(c, _)| c)
}

/// A request for the S3 server on `port`, signed now: its authentication headers or
/// presigned query, ready to write out.
struct Signed {
    host: String,
    headers: Vec<(String, String)>,
    query: String,
}

const PATH: &str = "/bucket/key";

/// The time now: the servers verify against their own clock.
fn now() -> Timestamp {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Timestamp::from_unix(i64::try_from(secs).unwrap()).unwrap()
}

fn signed(port: u16, presigned: bool) -> Signed {
    let host = format!("127.0.0.1:{port}");
    let time = now();
    let key = SigningKey::derive(SK, time, "us-east-1", "s3").unwrap();
    let params = SigningParams {
        access_key_id: AK,
        session_token: None,
        key: &key,
        time,
        settings: Settings::s3(),
    };
    let views = [Header::new("host", &host)];
    let url = format!("http://{host}{PATH}?list=1");
    if presigned {
        let req = Request::from_url("GET", &url, &views, Payload::Unsigned).unwrap();
        let q = presign(&req, &params, 300).unwrap().to_string();
        return Signed {
            host,
            headers: Vec::new(),
            query: format!("list=1&{q}"),
        };
    }
    let req = Request::from_url("GET", &url, &views, Payload::Bytes(b"")).unwrap();
    let headers = sign(&req, &params)
        .unwrap()
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Signed {
        host,
        headers,
        query: "list=1".into(),
    }
}

impl Signed {
    /// The request as raw HTTP/1.1, with `extra` header lines and `edit` applied to the
    /// authentication header lines first.
    fn raw(&self, query: &str, edit: impl Fn(&str) -> String, extra: &[&str]) -> String {
        let mut raw = format!("GET {PATH}?{query} HTTP/1.1\r\nHost: {}\r\n", self.host);
        for (n, v) in &self.headers {
            raw.push_str(&edit(&format!("{n}: {v}")));
            raw.push_str("\r\n");
        }
        for line in extra {
            raw.push_str(line);
            raw.push_str("\r\n");
        }
        raw.push_str("Connection: close\r\n\r\n");
        raw
    }

    fn plain(&self) -> String {
        self.raw(&self.query, str::to_string, &[])
    }

    fn authorization(&self) -> String {
        self.headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap()
            .1
            .clone()
    }
}

fn expect(port: u16, raw: &str, status: u16, want: &str, what: &str) {
    let (got, body) = send(port, raw);
    assert_eq!((got, code(&body)), (status, want), "{what}: {body}\n{raw}");
    assert!(!body.starts_with("ok "), "{what}: the inner service saw it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_ambiguous_class_is_refused_over_a_socket() {
    // The layer's defaults, as `sigv4 serve --service s3` runs it.
    let port = serve_layer(VerifyLayer::new("us-east-1", "s3", secrets())).await;
    tokio::task::spawn_blocking(move || refuse_each(port))
        .await
        .unwrap();
}

fn refuse_each(port: u16) {
    let h = signed(port, false);
    let (status, body) = send(port, &h.plain());
    assert_eq!(status, 200, "the unaltered request: {body}");
    assert!(body.starts_with(&format!("ok {AK} ")), "{body}");

    // Two Authorization headers: the valid one, then a forged one.
    let forged = h.authorization().replace(AK, "AKIDFORGED");
    let raw = h.raw(
        &h.query,
        str::to_string,
        &[&format!("Authorization: {forged}")],
    );
    expect(
        port,
        &raw,
        400,
        "InvalidArgument",
        "two authorization headers",
    );

    // Header authentication with a presigned parameter in the query.
    for param in [
        "X-Amz-Signature",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-SignedHeaders",
        "X-Amz-Expires",
    ] {
        let q = format!("{}&{param}=0", h.query);
        expect(
            port,
            &h.raw(&q, str::to_string, &[]),
            400,
            "InvalidArgument",
            param,
        );
    }

    // The signed header list with a name twice, or out of order.
    for (from, to) in [
        ("host;", "host;host;"),
        ("host;x-amz-content-sha256", "x-amz-content-sha256;host"),
    ] {
        let raw = h.raw(&h.query, |l| l.replacen(from, to, 1), &[]);
        expect(port, &raw, 400, "AuthorizationHeaderMalformed", to);
    }

    // The right signature in upper case.
    let upper = |l: &str| match l.split_once("Signature=") {
        Some((head, sig)) => format!("{head}Signature={}", sig.to_ascii_uppercase()),
        None => l.to_string(),
    };
    expect(
        port,
        &h.raw(&h.query, upper, &[]),
        400,
        "AuthorizationHeaderMalformed",
        "upper-case signature",
    );

    // Host left out of the signed headers (S3: 403).
    let raw = h.raw(
        &h.query,
        |l| l.replacen("SignedHeaders=host;", "SignedHeaders=", 1),
        &[],
    );
    expect(port, &raw, 403, "AccessDenied", "host not signed");

    // An x-amz-* header sent but not signed (S3 refuses those).
    let raw = h.raw(&h.query, str::to_string, &["x-amz-meta-added: later"]);
    expect(
        port,
        &raw,
        403,
        "AccessDenied",
        "unsigned x-amz-meta header",
    );

    // Host twice: the second one names another host.
    let raw = h.raw(&h.query, str::to_string, &["Host: evil.example.com"]);
    expect(port, &raw, 400, "InvalidArgument", "host twice");

    // An absolute-form target naming another authority than the Host signed.
    let raw = h.plain().replacen(
        &format!("GET {PATH}"),
        &format!("GET http://evil.example.com{PATH}"),
        1,
    );
    expect(port, &raw, 400, "InvalidRequest", "absolute-form target");

    // Framing two ways: Content-Length and Transfer-Encoding (hyper drops the length and
    // reads the chunks; S3 refuses Transfer-Encoding, and so does the layer for s3).
    for (what, lines) in [
        (
            "both, length first",
            &["Content-Length: 5", "Transfer-Encoding: chunked"][..],
        ),
        (
            "both, chunked first",
            &["Transfer-Encoding: chunked", "Content-Length: 5"][..],
        ),
        ("chunked alone", &["Transfer-Encoding: chunked"][..]),
    ] {
        let raw = h.raw(&h.query, str::to_string, lines) + "0\r\n\r\n";
        expect(port, &raw, 501, "NotImplemented", what);
    }

    // Presigned: accepted as it is; refused beside an Authorization header, with a
    // parameter given twice, or with its signature in upper case.
    let p = signed(port, true);
    let (status, body) = send(port, &p.plain());
    assert_eq!(status, 200, "the unaltered presigned request: {body}");
    let raw = p.raw(
        &p.query,
        str::to_string,
        &[&format!("Authorization: {}", h.authorization())],
    );
    expect(
        port,
        &raw,
        400,
        "InvalidArgument",
        "presigned with an authorization header",
    );
    let sig = p.query.split("X-Amz-Signature=").nth(1).unwrap();
    let q = format!("{}&X-Amz-Signature={sig}", p.query);
    expect(
        port,
        &p.raw(&q, str::to_string, &[]),
        400,
        "AuthorizationQueryParametersError",
        "signature twice",
    );
    let q = p.query.replace(sig, &sig.to_ascii_uppercase());
    expect(
        port,
        &p.raw(&q, str::to_string, &[]),
        400,
        "AuthorizationQueryParametersError",
        "presigned upper case",
    );
}

/// Behind a stack that hands both framing headers on (hyper drops `Content-Length`
/// itself), the layer refuses the pair for every service; `Transfer-Encoding` alone is
/// accepted for services other than S3, and for S3 when allowed.
#[tokio::test]
async fn both_framing_headers_are_refused_in_process() {
    use http_body_util::{BodyExt, Full};
    use tower::{Layer, ServiceExt};

    let time = now();
    let request = |service: &str, framing: &[(&str, &str)]| {
        let key = SigningKey::derive(SK, time, "us-east-1", service).unwrap();
        let views = [Header::new("host", "127.0.0.1")];
        let req =
            Request::from_url("PUT", "http://127.0.0.1/b/k", &views, Payload::Bytes(b"")).unwrap();
        let params = SigningParams {
            access_key_id: AK,
            session_token: None,
            key: &key,
            time,
            settings: if service == "s3" {
                Settings::s3()
            } else {
                Settings::service()
            },
        };
        let mut builder = http::Request::put("/b/k").header("host", "127.0.0.1");
        for (n, v) in sign(&req, &params).unwrap().headers() {
            builder = builder.header(n, v);
        }
        for (n, v) in framing {
            builder = builder.header(*n, *v);
        }
        builder.body(Full::new(bytes::Bytes::new())).unwrap()
    };
    let both = [("content-length", "0"), ("transfer-encoding", "chunked")];
    let chunked = [("transfer-encoding", "chunked")];
    for (service, allow, framing, status, code_wanted) in [
        ("execute-api", false, &both[..], 400, "InvalidRequest"),
        ("s3", true, &both[..], 400, "InvalidRequest"),
        ("execute-api", false, &chunked[..], 200, ""),
        ("s3", false, &chunked[..], 501, "NotImplemented"),
        ("s3", true, &chunked[..], 200, ""),
    ] {
        let layer =
            VerifyLayer::new("us-east-1", service, secrets()).allow_transfer_encoding(allow);
        let svc = layer.layer(tower::service_fn(
            sigv4_tests::servers::echo::<Full<bytes::Bytes>>,
        ));
        let response = svc.oneshot(request(service, framing)).await.unwrap();
        let got = response.status().as_u16();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert_eq!(
            (got, code(&body)),
            (status, code_wanted),
            "{service} {framing:?}: {body}"
        );
    }
}
