//! sigv4-ureq's middleware and sign_request, against the verifying server on 127.0.0.1
//! (the S3 servers and moto are in `s3_interop.rs` and `moto.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::{Credentials, Signer};
use sigv4_tests::servers::{verifying_server, AK, SK};
use sigv4_ureq::SigV4Middleware;
use std::io::Read;
use std::time::Duration;

fn signer(service: &str, secret: &str) -> Signer {
    Signer::builder(service, "us-east-1")
        .credentials(Credentials::new(AK, secret))
        .build()
}

fn agent(service: &str, secret: &str) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .middleware(SigV4Middleware::new(signer(service, secret)))
        .build();
    ureq::Agent::new_with_config(config)
}

fn text(mut r: http::Response<ureq::Body>) -> (u16, String) {
    (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
}

/// A reader of `n` bytes that ureq cannot size.
struct Zeros(usize);

impl Read for Zeros {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0);
        buf[..n].fill(b'0');
        self.0 -= n;
        Ok(n)
    }
}

#[test]
fn signs_what_the_verifying_server_accepts() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (api, s3) = rt.block_on(async {
        (
            verifying_server("execute-api").await,
            verifying_server("s3").await,
        )
    });
    let a = agent("execute-api", SK);
    let got = text(
        a.get(&format!("http://127.0.0.1:{api}/p%20q?b=1&a=2"))
            .call()
            .unwrap(),
    );
    assert_eq!(got, (200, format!("ok {AK} host;x-amz-date 0")));
    let got = text(
        a.post(&format!("http://127.0.0.1:{api}/items"))
            .send("{\"k\":2}")
            .unwrap(),
    );
    assert_eq!(got, (200, format!("ok {AK} host;x-amz-date 7")));
    // A body too large to buffer, to a service that signs payloads: refused.
    let big = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .middleware(SigV4Middleware::new(signer("execute-api", SK)).buffer_limit(10))
            .build(),
    );
    let e = big
        .post(&format!("http://127.0.0.1:{api}/items"))
        .send("0123456789abc")
        .unwrap_err();
    assert!(e.to_string().contains("buffer the body"), "{e}");

    let s = agent("s3", SK);
    let got = text(
        s.put(&format!("http://127.0.0.1:{s3}/b/k"))
            .send("hello")
            .unwrap(),
    );
    assert_eq!(
        got,
        (
            200,
            format!("ok {AK} host;x-amz-content-sha256;x-amz-date 5")
        )
    );
    // Larger than the 1 MiB S3 limit: streamed as UNSIGNED-PAYLOAD.
    let n = 3 << 20;
    let got = text(
        s.put(&format!("http://127.0.0.1:{s3}/b/big"))
            .header("content-length", n.to_string())
            .send(ureq::SendBody::from_owned_reader(Zeros(n)))
            .unwrap(),
    );
    // The caller's content-length is a header like any other: signed.
    assert_eq!(
        got,
        (
            200,
            format!("ok {AK} content-length;host;x-amz-content-sha256;x-amz-date {n}")
        )
    );

    // sign_request for a request built by hand, sent without the middleware.
    let mut req = http::Request::put(format!("http://127.0.0.1:{api}/manual"))
        .body(b"manual body".to_vec())
        .unwrap();
    sigv4_ureq::sign_request(&signer("execute-api", SK), &mut req).unwrap();
    let plain = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    assert_eq!(
        text(plain.run(req).unwrap()),
        (200, format!("ok {AK} host;x-amz-date 11"))
    );

    let uri: http::Uri = format!("http://127.0.0.1:{s3}/b/presigned")
        .parse()
        .unwrap();
    let url = sigv4_ureq::presign(
        &signer("s3", SK),
        &http::Method::GET,
        &uri,
        &Default::default(),
        Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(
        text(plain.get(&url.to_string()).call().unwrap()),
        (200, format!("ok {AK} host 0"))
    );

    let got = text(
        agent("execute-api", "wrong")
            .get(&format!("http://127.0.0.1:{api}/"))
            .call()
            .unwrap(),
    );
    assert_eq!(got.0, 403);
    assert!(got.1.contains("<Code>SignatureDoesNotMatch</Code>"));
}
