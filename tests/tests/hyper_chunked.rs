//! The verifying layer decodes and checks aws-chunked bodies: the S3 API reference's two
//! published streaming uploads (their bodies cut into awkward pieces) are accepted and
//! decoded; a changed byte, a changed trailer, a wrong checksum under a good signature, a
//! length other than declared and a truncated body each end in their error; and uploads
//! encoded by `sigv4::chunked` in every mode pass through a real hyper server on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use http::{HeaderMap, Method, Request, Response, Uri};
use http_body_util::{BodyExt, Full};
use sha2::Digest;
use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum};
use sigv4::{Credentials, ManualClock, Signer};
use sigv4_core::{ChunkSigner, Header, SigningKey, Timestamp};
use sigv4_hyper::{VerifiedBody, VerifiedIdentity, VerifyLayer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Read;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use tower::{Layer, ServiceExt};

const AK: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const CHUNKS: [&str; 3] = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];
const TRAILER_SEED: &str = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
const TRAILER_CHUNKS: [&str; 3] = [
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
    "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
];
const TRAILER_SIGNATURE: &str = "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";

/// A body handed over in pieces of `sizes`, cycling.
struct Pieces {
    data: Bytes,
    sizes: Vec<usize>,
    at: usize,
}

impl http_body::Body for Pieces {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Infallible>>> {
        if self.data.is_empty() {
            return std::task::Poll::Ready(None);
        }
        let size = self.sizes[self.at % self.sizes.len()].min(self.data.len());
        self.at += 1;
        let piece = self.data.split_to(size);
        std::task::Poll::Ready(Some(Ok(http_body::Frame::data(piece))))
    }
}

/// What the inner service saw: the decoded body's length and SHA-256, its trailers, its
/// content-length and content-encoding, or the body's error.
async fn inspect(req: Request<VerifiedBody<Pieces>>) -> Result<Response<Full<Bytes>>, Infallible> {
    let signed = req
        .extensions()
        .get::<VerifiedIdentity>()
        .is_some_and(|i| i.payload_signed);
    let length = req.headers().get("content-length").cloned();
    let coding = req.headers().get("content-encoding").cloned();
    let text = match req.into_body().collect().await {
        Ok(body) => {
            let trailers = body.trailers().cloned().unwrap_or_default();
            let bytes = body.to_bytes();
            format!(
                "ok signed={signed} len={} sha={} trailers={:?} content-length={length:?} content-encoding={coding:?}",
                bytes.len(),
                hex(&sha2::Sha256::digest(&bytes)),
                trailers,
            )
        }
        Err(e) => format!("body error: {e}"),
    };
    Ok(Response::new(Full::new(Bytes::from(text))))
}

fn hex(d: &[u8]) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}

async fn published(headers: &[(&str, &str)], body: Vec<u8>, sizes: Vec<usize>) -> (u16, String) {
    let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_369_353_600));
    let layer = VerifyLayer::new(
        "us-east-1",
        "s3",
        HashMap::from([(AK.to_string(), SECRET.to_string())]),
    )
    .clock(Arc::new(clock));
    let svc = layer.layer(tower::service_fn(inspect));
    let mut req = Request::put("/examplebucket/chunkObject.txt");
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    let req = req
        .body(Pieces {
            data: Bytes::from(body),
            sizes,
            at: 0,
        })
        .unwrap();
    let resp = svc.oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&text).into_owned())
}

fn frame(len: usize, signature: &str) -> Vec<u8> {
    let mut out = format!("{len:x};chunk-signature={signature}\r\n").into_bytes();
    out.extend(std::iter::repeat_n(b'a', len));
    out.extend_from_slice(b"\r\n");
    out
}

fn example_headers(trailer: bool) -> Vec<(&'static str, &'static str)> {
    let mut h = vec![
        ("host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("content-encoding", "aws-chunked"),
        ("x-amz-decoded-content-length", "66560"),
    ];
    if trailer {
        h.extend([
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"),
            ("x-amz-trailer", "x-amz-checksum-crc32c"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"),
        ]);
    } else {
        h.extend([
            ("content-length", "66824"),
            ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
        ]);
    }
    h
}

fn example_body() -> Vec<u8> {
    let mut body = frame(65_536, CHUNKS[0]);
    body.extend(frame(1024, CHUNKS[1]));
    body.extend(format!("0;chunk-signature={}\r\n\r\n", CHUNKS[2]).bytes());
    assert_eq!(body.len(), 66_824);
    body
}

fn trailer_body(crc: &str, signature: &str) -> Vec<u8> {
    let mut body = frame(65_536, TRAILER_CHUNKS[0]);
    body.extend(frame(1024, TRAILER_CHUNKS[1]));
    body.extend(format!("0;chunk-signature={}\r\n", TRAILER_CHUNKS[2]).bytes());
    body.extend(
        format!("x-amz-checksum-crc32c:{crc}\r\nx-amz-trailer-signature:{signature}\r\n\r\n")
            .bytes(),
    );
    body
}

fn decoded_sha() -> String {
    hex(&sha2::Sha256::digest([b'a'; 66_560]))
}

#[tokio::test]
async fn the_published_uploads_are_accepted_and_decoded() {
    for sizes in [vec![66_824], vec![7], vec![1, 85, 4096, 65_537, 2]] {
        let (status, text) =
            published(&example_headers(false), example_body(), sizes.clone()).await;
        assert_eq!(status, 200, "{text}");
        assert!(
            text.starts_with(&format!("ok signed=true len=66560 sha={}", decoded_sha())),
            "{sizes:?}: {text}"
        );
        assert!(text.contains("content-length=Some(\"66560\")"), "{text}");
        assert!(text.contains("content-encoding=None"), "{text}");

        let (status, text) = published(
            &example_headers(true),
            trailer_body("sOO8/Q==", TRAILER_SIGNATURE),
            sizes.clone(),
        )
        .await;
        assert_eq!(status, 200, "{text}");
        assert!(
            text.starts_with(&format!("ok signed=true len=66560 sha={}", decoded_sha())),
            "{sizes:?}: {text}"
        );
        assert!(
            text.contains("\"x-amz-checksum-crc32c\": \"sOO8/Q==\""),
            "{text}"
        );
    }
}

#[tokio::test]
async fn each_failure_ends_the_body_in_its_error() {
    let sizes = vec![1000];
    let mut changed = example_body();
    changed[70_000 - 5000] = b'b';
    let (_, text) = published(&example_headers(false), changed, sizes.clone()).await;
    assert_eq!(
        text,
        "body error: aws-chunked chunk signature does not match"
    );

    let mut wrong_trailer_signature = TRAILER_SIGNATURE.to_string();
    wrong_trailer_signature.replace_range(0..1, "e");
    let (_, text) = published(
        &example_headers(true),
        trailer_body("sOO8/Q==", &wrong_trailer_signature),
        sizes.clone(),
    )
    .await;
    assert_eq!(
        text,
        "body error: aws-chunked trailer signature is missing or does not match"
    );

    // A wrong checksum under a good trailer signature: signed here from the published seed.
    let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
    let key = SigningKey::derive(SECRET, time, "us-east-1", "s3").unwrap();
    let mut chain = ChunkSigner::new(&key, time, TRAILER_SEED).unwrap();
    for len in [65_536, 1024, 0] {
        chain.sign_chunk(&vec![b'a'; len]);
    }
    let sig = chain
        .sign_trailer(&[Header::new("x-amz-checksum-crc32c", "AAAAAA==")])
        .unwrap();
    let (_, text) = published(
        &example_headers(true),
        trailer_body("AAAAAA==", sig.as_str()),
        sizes.clone(),
    )
    .await;
    assert_eq!(
        text,
        "body error: x-amz-checksum-crc32c is missing from the trailer or differs from the body's"
    );

    let mut short = example_headers(false);
    for h in &mut short {
        if h.0 == "x-amz-decoded-content-length" {
            h.1 = "66559";
        }
    }
    let (status, text) = published(&short, example_body(), sizes.clone()).await;
    assert_eq!(status, 403, "the declared length is signed: {text}");

    let mut truncated = example_body();
    truncated.truncate(66_000);
    let (_, text) = published(&example_headers(false), truncated, sizes).await;
    assert_eq!(
        text,
        "body error: aws-chunked body ended before its final chunk"
    );
}

#[tokio::test]
async fn our_encoder_through_a_real_server_in_every_mode() {
    let port = sigv4_tests::servers::verifying_server("s3").await;
    let signer = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(
            sigv4_tests::servers::AK,
            sigv4_tests::servers::SK,
        ))
        .build();
    for options in [
        AwsChunked::signed(),
        AwsChunked::signed_with_checksum(Checksum::Sha256),
        AwsChunked::unsigned_with_checksum(Checksum::Crc32),
    ] {
        for len in [0usize, 100_000] {
            let url = format!("http://127.0.0.1:{port}/bucket/key");
            let uri: Uri = url.parse().unwrap();
            let mut headers = HeaderMap::new();
            let encoder = signer
                .sign_http_chunked(&Method::PUT, &uri, &mut headers, len as u64, &options)
                .unwrap();
            let body = vec![9u8; len];
            let mut wire = Vec::new();
            AwsChunkedReader::new(&body[..], encoder)
                .read_to_end(&mut wire)
                .unwrap();
            let text = tokio::task::spawn_blocking(move || {
                let mut req = http::Request::builder().method("PUT").uri(&url);
                for (n, v) in &headers {
                    req = req.header(n, v);
                }
                let mut resp = ureq::run(req.body(wire).unwrap()).unwrap();
                resp.body_mut().read_to_string().unwrap()
            })
            .await
            .unwrap();
            assert!(
                text.starts_with("ok AKIDLOCALTEST") && text.ends_with(&format!(" {len}")),
                "{options:?} {len}: {text}"
            );
        }
    }
}

/// SignLayer with aws-chunked on: a body over the buffer limit goes out in signed chunks,
/// through a hyper-util client, to s3s-fs (which checks every chunk and the checksum) and to
/// the verifying server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_layer_sends_large_s3_bodies_aws_chunked() {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    use sigv4_hyper::{SignLayer, SignedBody};
    type Http = Client<hyper_util::client::legacy::connect::HttpConnector, SignedBody<Full<Bytes>>>;

    let s3s = sigv4_tests::servers::s3s_fs();
    let ours = sigv4_tests::servers::verifying_server("s3").await;
    let signer = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(
            sigv4_tests::servers::AK,
            sigv4_tests::servers::SK,
        ))
        .build();
    let client: Http = Client::builder(TokioExecutor::new()).build_http();
    let svc = SignLayer::new(signer)
        .buffer_limit(1024)
        .aws_chunked(AwsChunked::signed_with_checksum(Checksum::Crc32c))
        .layer(client);
    let send = |method: Method, url: String, body: Vec<u8>| {
        let svc = svc.clone();
        async move {
            let req = Request::builder()
                .method(method)
                .uri(url)
                .body(Full::new(Bytes::from(body)))
                .unwrap();
            let resp = svc.oneshot(req).await.unwrap();
            let status = resp.status().as_u16();
            (status, resp.into_body().collect().await.unwrap().to_bytes())
        }
    };
    let body: Vec<u8> = (0..300_000u32).map(|i| (i % 247) as u8).collect();

    let base = format!("http://127.0.0.1:{}/layer-bucket", s3s.port);
    assert_eq!(send(Method::PUT, base.clone(), Vec::new()).await.0, 200);
    let (status, text) = send(Method::PUT, format!("{base}/big"), body.clone()).await;
    assert_eq!(status, 200, "{text:?}");
    let (status, got) = send(Method::GET, format!("{base}/big"), Vec::new()).await;
    assert_eq!(status, 200);
    assert!(got == body, "the object read back differs");

    let (status, text) = send(
        Method::PUT,
        format!("http://127.0.0.1:{ours}/bucket/big"),
        body.clone(),
    )
    .await;
    assert_eq!(status, 200);
    let text = String::from_utf8_lossy(&text);
    assert!(text.ends_with(" 300000"), "{text}");
    assert!(
        text.contains("content-encoding;"),
        "aws-chunked is signed: {text}"
    );
}
