//! aws-chunked signing against published signatures:
//! - the S3 API reference, "Signature Calculations for the Authorization Header: Transferring
//!   Payload in Multiple Chunks": 66,560 bytes of `a` in a 64 KiB chunk, a 1 KiB chunk and
//!   the final empty one, seed `4f232c43…`;
//! - the S3 API reference, "Signature calculations for trailing headers": the same body with
//!   `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`, seed `106e2a8a…` and the trailer
//!   `x-amz-checksum-crc32c:sOO8/Q==`;
//! - aws-crt-swift's chunk signer test (Apache-2.0): trailers `first`, `second`, `third`
//!   signed after the first example's final chunk.
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4_core::{
    chunk_header, sign, trailer_section, ChunkEncoding, ChunkSigner, Header, Request, Settings,
    SigningKey, SigningParams, Timestamp,
};

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn key() -> (SigningKey, Timestamp) {
    let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
    (
        SigningKey::derive(SECRET, time, "us-east-1", "s3").unwrap(),
        time,
    )
}

/// The seed: the request's own signature, with the streaming marker as its payload.
fn seed(encoding: ChunkEncoding, headers: &[Header<'_>]) -> String {
    let (key, time) = key();
    let req = Request::from_url(
        "PUT",
        "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
        headers,
        encoding.payload(),
    )
    .unwrap();
    let params = SigningParams {
        access_key_id: ACCESS_KEY_ID,
        session_token: None,
        key: &key,
        time,
        settings: Settings::s3(),
    };
    sign(&req, &params).unwrap().signature().to_string()
}

#[test]
fn the_published_chunked_upload() {
    assert_eq!(
        ChunkEncoding::Signed.encoded_length(66_560, 65_536, 2),
        Some(66_824)
    );
    let seed = seed(
        ChunkEncoding::Signed,
        &[
            Header::new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            Header::new("content-encoding", "aws-chunked"),
            Header::new("x-amz-decoded-content-length", "66560"),
            Header::new("content-length", "66824"),
        ],
    );
    assert_eq!(
        seed,
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    );
    let (key, time) = key();
    let mut chunks = ChunkSigner::new(&key, time, &seed).unwrap();
    let body = [b'a'; 65_536];
    let mut wire = Vec::new();
    for (len, expected) in [
        (
            65_536,
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        ),
        (
            1024,
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        ),
        (
            0,
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ),
    ] {
        let sig = chunks.sign_chunk(&body[..len]);
        assert_eq!(sig.as_str(), expected, "chunk of {len}");
        wire.extend_from_slice(chunk_header(len as u64, Some(&sig)).as_bytes());
        wire.extend_from_slice(&body[..len]);
        if len > 0 {
            wire.extend_from_slice(b"\r\n");
        }
    }
    let mut end = [0u8; 2];
    let n = trailer_section(&[], None, &mut end).unwrap();
    wire.extend_from_slice(&end[..n]);
    assert_eq!(wire.len(), 66_824, "the published Content-Length");
    assert!(wire.starts_with(
        b"10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\naaaa"
    ));
    assert!(wire.ends_with(
        b"aaaa\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
    ));

    // aws-crt-swift: trailers signed after the final chunk.
    let trailers = [
        Header::new("first", "1st"),
        Header::new("second", "2nd"),
        Header::new("third", "3rd"),
    ];
    assert_eq!(
        chunks.sign_trailer(&trailers).unwrap().as_str(),
        "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
    );
}

#[test]
fn the_published_chunked_upload_with_a_trailer() {
    // This example signs no content-length.
    let seed = seed(
        ChunkEncoding::SignedTrailer,
        &[
            Header::new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            Header::new("content-encoding", "aws-chunked"),
            Header::new("x-amz-decoded-content-length", "66560"),
            Header::new("x-amz-trailer", "x-amz-checksum-crc32c"),
        ],
    );
    assert_eq!(
        seed,
        "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
    );
    let (key, time) = key();
    let mut chunks = ChunkSigner::new(&key, time, &seed).unwrap();
    let body = [b'a'; 65_536];
    for (len, expected) in [
        (
            65_536,
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
        ),
        (
            1024,
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
        ),
        (
            0,
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
        ),
    ] {
        assert_eq!(chunks.sign_chunk(&body[..len]).as_str(), expected);
    }
    let trailers = [Header::new("x-amz-checksum-crc32c", "sOO8/Q==")];
    let mut checker = chunks.clone();
    let sig = chunks.sign_trailer(&trailers).unwrap();
    assert_eq!(
        sig.as_str(),
        "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
    );
    checker.verify_trailer(&trailers, sig.as_bytes()).unwrap();
    let mut out = [0u8; 256];
    let n = trailer_section(&trailers, Some(&sig), &mut out).unwrap();
    assert_eq!(
        &out[..n],
        b"x-amz-checksum-crc32c:sOO8/Q==\r\n\
          x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"
    );
}
