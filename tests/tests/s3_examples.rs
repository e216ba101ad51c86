//! The worked examples of the S3 API reference ("Signature Calculations for the
//! Authorization Header: Transferring Payload in a Single Chunk" and "Authenticating
//! Requests: Using Query Parameters"): our signatures must equal the published ones.
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4_core::{
    canonical_request, presign, sign, Header, Location, Payload, Request, Settings, SigningKey,
    SigningParams, Timestamp,
};

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const HOST: &str = "examplebucket.s3.amazonaws.com";

fn with_params<T>(f: impl FnOnce(&SigningParams<'_>) -> T) -> T {
    let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
    let key = SigningKey::derive(SECRET, time, "us-east-1", "s3").unwrap();
    f(&SigningParams {
        access_key_id: ACCESS_KEY_ID,
        session_token: None,
        key: &key,
        time,
        settings: Settings::s3(),
    })
}

fn header_signature(method: &str, target: &str, headers: &[Header<'_>], body: &[u8]) -> String {
    let url = format!("https://{HOST}{target}");
    let req = Request::from_url(method, &url, headers, Payload::Bytes(body)).unwrap();
    with_params(|p| sign(&req, p).unwrap().authorization().to_string())
}

fn authorization(signed_headers: &str, signature: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders={signed_headers}, Signature={signature}"
    )
}

#[test]
fn get_object_with_range() {
    let headers = [Header::new("Range", "bytes=0-9")];
    assert_eq!(
        header_signature("GET", "/test.txt", &headers, b""),
        authorization(
            "host;range;x-amz-content-sha256;x-amz-date",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    );
}

#[test]
fn put_object_with_date_and_storage_class() {
    let headers = [
        Header::new("Date", "Fri, 24 May 2013 00:00:00 GMT"),
        Header::new("x-amz-storage-class", "REDUCED_REDUNDANCY"),
    ];
    let body = b"Welcome to Amazon S3.";
    assert_eq!(
        header_signature("PUT", "/test$file.text", &headers, body),
        authorization(
            "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"
        )
    );
    // The published canonical request shows the path and payload hash as signed.
    let url = format!("https://{HOST}/test$file.text");
    let req = Request::from_url("PUT", &url, &headers, Payload::Bytes(body)).unwrap();
    let mut text = String::new();
    with_params(|p| canonical_request(&req, p, Location::Headers, &mut text)).unwrap();
    assert!(text.starts_with("PUT\n/test%24file.text\n\n"), "{text}");
    assert!(text.ends_with("\n44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"));
}

#[test]
fn get_bucket_lifecycle() {
    assert_eq!(
        header_signature("GET", "/?lifecycle", &[], b""),
        authorization(
            "host;x-amz-content-sha256;x-amz-date",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"
        )
    );
}

#[test]
fn list_objects_with_max_keys_and_prefix() {
    assert_eq!(
        header_signature("GET", "/?max-keys=2&prefix=J", &[], b""),
        authorization(
            "host;x-amz-content-sha256;x-amz-date",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"
        )
    );
}

#[test]
fn presigned_get_for_a_day() {
    let url = format!("https://{HOST}/test.txt");
    let req = Request::from_url("GET", &url, &[], Payload::Unsigned).unwrap();
    let presigned = with_params(|p| {
        let q = presign(&req, p, 86400).unwrap();
        q.url(&req).to_string()
    });
    assert_eq!(
        presigned,
        "https://examplebucket.s3.amazonaws.com/test.txt\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}
