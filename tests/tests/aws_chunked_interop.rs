//! aws-chunked uploads against real S3 servers on 127.0.0.1 that check every chunk
//! signature, the trailer signature and the trailer checksum: s3s-fs for the three streaming
//! payloads, each checksum, chunk lengths of 8 KiB and 64 KiB and bodies from empty to
//! several chunks (read back byte for byte, checksums compared with what the server
//! computed); rclone serve s3 decodes signed chunks (it does not check their signatures). Tampered data, a tampered trailer and a
//! wrong checksum are refused; a body shorter or longer than declared never leaves.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use http::{HeaderMap, Method, Uri};
use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum, ChunkEncoder};
use sigv4::{Credentials, Signer};
use sigv4_tests::servers::{rclone, s3s_fs, AK, SK};
use std::io::Read;

fn signer() -> Signer {
    Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .build()
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    )
}

/// Sends `method url` with `headers` and `body`; the status and the body's text.
fn send(method: Method, url: &str, headers: &HeaderMap, body: Vec<u8>) -> (u16, String) {
    let mut req = http::Request::builder().method(method).uri(url);
    for (n, v) in headers {
        req = req.header(n, v);
    }
    let mut resp = agent().run(req.body(body).unwrap()).unwrap();
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

/// Signs an aws-chunked PUT of `len` bytes: the headers and the encoder.
fn prepare(url: &str, len: u64, options: &AwsChunked) -> (HeaderMap, ChunkEncoder) {
    let uri: Uri = url.parse().unwrap();
    let mut headers = HeaderMap::new();
    let encoder = signer()
        .sign_http_chunked(&Method::PUT, &uri, &mut headers, len, options)
        .unwrap();
    (headers, encoder)
}

fn encode(body: &[u8], encoder: ChunkEncoder) -> Vec<u8> {
    let mut wire = Vec::new();
    AwsChunkedReader::new(body, encoder)
        .read_to_end(&mut wire)
        .unwrap();
    wire
}

fn signed_get(url: &str, checksum_mode: bool) -> (u16, HeaderMap, Vec<u8>) {
    let uri: Uri = url.parse().unwrap();
    let mut headers = HeaderMap::new();
    if checksum_mode {
        headers.insert("x-amz-checksum-mode", "ENABLED".parse().unwrap());
    }
    signer()
        .sign_http(
            &Method::GET,
            &uri,
            &mut headers,
            sigv4::http::Body::Bytes(b""),
        )
        .unwrap();
    let mut req = http::Request::builder().uri(url);
    for (n, v) in &headers {
        req = req.header(n, v);
    }
    let mut resp = agent().run(req.body(()).unwrap()).unwrap();
    let status = resp.status().as_u16();
    let got = resp.headers().clone();
    let mut body = Vec::new();
    resp.body_mut().as_reader().read_to_end(&mut body).unwrap();
    (status, got, body)
}

fn body_of(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| u8::try_from((i * 31 + i / 7) % 251).unwrap())
        .collect()
}

fn create_bucket(base: &str, bucket: &str) {
    let uri: Uri = format!("{base}/{bucket}").parse().unwrap();
    let mut headers = HeaderMap::new();
    signer()
        .sign_http(
            &Method::PUT,
            &uri,
            &mut headers,
            sigv4::http::Body::Bytes(b""),
        )
        .unwrap();
    let (status, text) = send(Method::PUT, &uri.to_string(), &headers, Vec::new());
    assert!(status < 300, "create bucket: {status} {text}");
}

#[test]
fn every_streaming_payload_against_s3s_fs() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    create_bucket(&base, "chunked");
    let modes = [
        AwsChunked::signed(),
        AwsChunked::signed_with_checksum(Checksum::Crc32),
        AwsChunked::signed_with_checksum(Checksum::Crc32c),
        AwsChunked::signed_with_checksum(Checksum::Sha256),
        AwsChunked::unsigned_with_checksum(Checksum::Crc32),
        AwsChunked::unsigned_with_checksum(Checksum::Crc32c),
        AwsChunked::unsigned_with_checksum(Checksum::Sha256),
    ];
    let mut uploads = 0;
    for (m, mode) in modes.iter().enumerate() {
        for chunk_len in [8192, 65_536] {
            let options = mode.chunk_len(chunk_len).unwrap();
            for len in [0, 1, 8191, 8192, 65_537, 200_003] {
                let body = body_of(len);
                let url = format!("{base}/chunked/m{m}-c{chunk_len}-l{len}");
                let (headers, encoder) = prepare(&url, len as u64, &options);
                let wire = encode(&body, encoder);
                assert_eq!(
                    headers["content-length"].to_str().unwrap(),
                    wire.len().to_string()
                );
                let (status, text) = send(Method::PUT, &url, &headers, wire);
                assert_eq!(status, 200, "{options:?} {len}: {text}");
                let (status, got_headers, got) = signed_get(&url, true);
                assert_eq!(status, 200);
                assert!(got == body, "{options:?} {len}: the body read back differs");
                if let Some(c) = options.checksum() {
                    assert_eq!(
                        got_headers[c.header_name()].to_str().unwrap(),
                        c.of(&body),
                        "{options:?} {len}: the server's checksum"
                    );
                }
                uploads += 1;
            }
        }
    }
    assert_eq!(uploads, 7 * 2 * 6);
}

/// Where the data of the first chunk starts in an encoded body.
fn first_data_byte(wire: &[u8]) -> usize {
    wire.windows(2).position(|w| w == b"\r\n").unwrap() + 2
}

#[test]
fn tampering_is_refused_by_s3s_fs() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    create_bucket(&base, "tamper");
    let body = body_of(100_000);
    for (name, options) in [
        ("signed", AwsChunked::signed()),
        (
            "signed-trailer",
            AwsChunked::signed_with_checksum(Checksum::Crc32c),
        ),
        (
            "unsigned-trailer",
            AwsChunked::unsigned_with_checksum(Checksum::Crc32c),
        ),
    ] {
        let url = format!("{base}/tamper/{name}");
        // One byte of data changed on the way: its chunk's signature (or, unsigned, the
        // checksum) no longer holds.
        let (headers, encoder) = prepare(&url, body.len() as u64, &options);
        let mut wire = encode(&body, encoder);
        let at = first_data_byte(&wire) + 5;
        wire[at] ^= 1;
        // s3s-fs answers a chunk that fails its check mid-body with a 500; what matters is
        // that the upload is refused and leaves no object.
        let (status, text) = send(Method::PUT, &url, &headers, wire);
        assert!(
            status >= 400,
            "{name}: tampered data accepted: {status} {text}"
        );
        if options.encoding().signs_chunks() {
            // A chunk is checked before its data is used. (Unsigned, s3s-fs writes the
            // object and then compares the checksum, leaving the file: its quirk.)
            let (status, _, _) = signed_get(&url, false);
            assert_eq!(status, 404, "{name}: a refused upload left an object");
        }

        if options.checksum().is_some() {
            // The trailer's checksum changed: refused by its signature, or (unsigned) by
            // the checksum itself.
            let (headers, encoder) = prepare(&url, body.len() as u64, &options);
            let mut wire = encode(&body, encoder);
            let name_at = wire
                .windows(22)
                .rposition(|w| w == b"x-amz-checksum-crc32c:")
                .unwrap();
            let value_at = name_at + 22;
            wire[value_at] = if wire[value_at] == b'A' { b'B' } else { b'A' };
            let (status, text) = send(Method::PUT, &url, &headers, wire);
            assert!(
                status >= 400,
                "{name}: tampered trailer accepted: {status} {text}"
            );
        }
    }

    // The control: the same uploads untouched are accepted.
    let url = format!("{base}/tamper/control");
    let options = AwsChunked::signed_with_checksum(Checksum::Crc32c);
    let (headers, encoder) = prepare(&url, body.len() as u64, &options);
    let (status, text) = send(Method::PUT, &url, &headers, encode(&body, encoder));
    assert_eq!(status, 200, "{text}");
}

#[test]
fn a_body_not_of_the_declared_length_never_leaves() {
    let url = "http://127.0.0.1:9/bucket/key";
    let options = AwsChunked::signed();
    for (declared, actual) in [(100_000u64, 99_999usize), (100_000, 100_001), (0, 1)] {
        let (_, encoder) = prepare(url, declared, &options);
        let body = body_of(actual);
        let mut wire = Vec::new();
        let err = AwsChunkedReader::new(&body[..], encoder)
            .read_to_end(&mut wire)
            .unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
        assert!(err.to_string().contains("declared"), "{err}");
        assert!(!wire.ends_with(b"\r\n\r\n"), "a complete body was produced");
    }
}

#[test]
fn signed_chunks_against_rclone() {
    let server = rclone();
    let base = format!("http://127.0.0.1:{}", server.port);
    create_bucket(&base, "chunked");
    for len in [0, 70_000] {
        let body = body_of(len);
        let url = format!("{base}/chunked/l{len}");
        let (headers, encoder) = prepare(&url, len as u64, &AwsChunked::signed());
        let (status, text) = send(Method::PUT, &url, &headers, encode(&body, encoder));
        assert_eq!(status, 200, "{len}: {text}");
        let (status, _, got) = signed_get(&url, false);
        assert_eq!(status, 200);
        assert!(got == body, "{len}: the body read back differs");
    }
}
