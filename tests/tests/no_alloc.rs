//! Zero heap allocations while signing and verifying: a counting global allocator watches
//! this thread while every AWS suite case is signed in headers and presigned, the canonical
//! request and string to sign rendered into fixed-capacity text, a presigned query written
//! out, and every suite case's signed request verified.
#![allow(unsafe_code, reason = "a global allocator is an unsafe trait")]
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4_core::{
    canonical_request, presign, presign_then, sign, sign_then, string_to_sign, verify, Location,
    Payload, SigningKey, VerifyPolicy,
};
use sigv4_tests::{suite_case_names, suite_request, SuiteContext};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::fmt::Write as _;

struct Counting;

thread_local! {
    static WATCHING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
}

fn note() {
    if WATCHING.with(Cell::get) {
        COUNT.with(|c| c.set(c.get() + 1));
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator; the thread-locals are
// const-initialised `Cell`s, so touching them never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Counts the allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    COUNT.with(|c| c.set(0));
    WATCHING.with(|w| w.set(true));
    f();
    WATCHING.with(|w| w.set(false));
    COUNT.with(Cell::get)
}

#[test]
fn the_counter_sees_allocations() {
    assert!(allocations(|| drop(std::hint::black_box(vec![1u8; 16]))) >= 1);
}

#[test]
fn signing_every_suite_case_allocates_nothing() {
    let cases: Vec<_> = suite_case_names()
        .into_iter()
        .map(|name| {
            let ctx = SuiteContext::load(&name);
            let key = ctx.key();
            (ctx, key, suite_request(&name))
        })
        .collect();
    let views: Vec<_> = cases.iter().map(|(_, _, r)| r.header_views()).collect();
    let mut signatures = 0;
    let count = allocations(|| {
        for ((ctx, key, owned), headers) in cases.iter().zip(&views) {
            let params = ctx.params(key);
            let req = owned.view(headers, Payload::Bytes(&owned.body));
            let signed = sign(&req, &params).unwrap();
            let query = presign(&req, &params, ctx.expires).unwrap();
            let mut buf = [0u8; 2048];
            let n = query.write_to(&mut buf).unwrap();
            let mut text = heapless::String::<4096>::new();
            canonical_request(&req, &params, Location::Headers, &mut text).unwrap();
            string_to_sign(&req, &params, Location::Query { expires_in: 60 }, &mut text).unwrap();
            write!(text, "{}", query.signature()).unwrap();
            // The lending forms agree with the returning ones, allocating nothing either.
            let same = sign_then(&req, &params, |s| {
                s.authorization() == signed.authorization()
            })
            .unwrap()
                && presign_then(&req, &params, ctx.expires, |q| {
                    q.signature() == query.signature()
                })
                .unwrap();
            signatures += usize::from(n > 0 && !signed.signature().is_empty() && same);
        }
    });
    assert_eq!(signatures, cases.len());
    assert_eq!(count, 0, "heap allocations while signing");
}

#[test]
fn verifying_every_suite_case_allocates_nothing() {
    let cases: Vec<_> = suite_case_names()
        .into_iter()
        .map(|name| {
            let ctx = SuiteContext::load(&name);
            let text = sigv4_tests::suite_file(&name, "header-signed-request.txt");
            let mut owned = sigv4_tests::OwnedRequest::parse_http(&text);
            if name == "get-space-normalized" {
                owned.path = "/example space/".into();
            }
            (ctx, owned)
        })
        .collect();
    let views: Vec<_> = cases.iter().map(|(_, r)| r.header_views()).collect();
    let mut verified = 0;
    let count = allocations(|| {
        for ((ctx, owned), headers) in cases.iter().zip(&views) {
            let req = owned.view(headers, Payload::Bytes(&owned.body));
            let mut policy = VerifyPolicy::new(&ctx.region, &ctx.service, ctx.time);
            policy.path_mode = ctx.settings().path_mode;
            policy.allow_unsigned_security_token = ctx.omit_session_token;
            let ok = verify(&req, &policy, |_, scope| {
                SigningKey::derive(&ctx.secret, ctx.time, scope.region(), scope.service()).ok()
            });
            verified += usize::from(ok.is_ok());
        }
    });
    assert_eq!(verified, cases.len());
    assert_eq!(count, 0, "heap allocations while verifying");
}

#[test]
fn aws_chunked_signing_and_framing_allocate_nothing() {
    use sigv4_core::{chunk_header, trailer_section, ChunkSigner, Header, Timestamp};
    let time = Timestamp::parse_amz_date("20130524T000000Z").unwrap();
    let key = SigningKey::derive("secret", time, "us-east-1", "s3").unwrap();
    let data = vec![b'a'; 70_000];
    let trailers = [Header::new("x-amz-checksum-crc32c", "sOO8/Q==")];
    let mut out = [0u8; 256];
    let mut written = 0;
    let count = allocations(|| {
        let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
        let mut chunks = ChunkSigner::new(&key, time, seed).unwrap();
        for piece in data.chunks(8192).chain([&[][..]]) {
            let sig = chunks.sign_chunk(piece);
            written += chunk_header(piece.len() as u64, Some(&sig))
                .as_bytes()
                .len();
        }
        let sig = chunks.sign_trailer(&trailers).unwrap();
        written += trailer_section(&trailers, Some(&sig), &mut out).unwrap();
    });
    assert!(written > 9 * 85, "{written}");
    assert_eq!(count, 0, "heap allocations while signing chunks");
}

#[test]
fn event_streams_and_post_policies_allocate_nothing() {
    use sigv4_core::{
        encode_message, sign_post_policy, verify_post_policy, EventHeader, EventStreamSigner,
        HeaderValue, Timestamp,
    };
    let time = Timestamp::parse_amz_date("20261201T164005Z").unwrap();
    let key = SigningKey::derive("secret", time, "us-east-1", "transcribe").unwrap();
    let seed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    let mut message = [0u8; 512];
    let mut frames = [[0u8; 600]; 4];
    let mut lens = [0usize; 4];
    let mut verified = 0;
    let mut policy = [0u8; 128];
    let count = allocations(|| {
        let mut signer = EventStreamSigner::new(&key, seed).unwrap();
        let headers = [EventHeader::new(
            ":event-type",
            HeaderValue::String("AudioEvent"),
        )];
        for (i, frame) in frames.iter_mut().enumerate() {
            let n = if i < 3 {
                encode_message(&headers, &[u8::try_from(i).unwrap(); 320], &mut message).unwrap()
            } else {
                0
            };
            lens[i] = signer.sign(&message[..n], time, frame).unwrap();
        }
        let mut checker = EventStreamSigner::new(&key, seed).unwrap();
        for (frame, len) in frames.iter().zip(lens) {
            checker.verify(&frame[..len]).unwrap();
            verified += 1;
        }
        // And an S3 POST policy's signature, signed and checked.
        let doc = br#"{"expiration": "2026-12-02T00:00:00Z", "conditions": [{"bucket": "b"}]}"#;
        let signed = sign_post_policy(doc, &key, &mut policy).unwrap();
        assert!(verify_post_policy(
            signed.policy(),
            signed.signature(),
            &key
        ));
    });
    assert_eq!(verified, 4);
    assert_eq!(
        count, 0,
        "heap allocations while signing and verifying an event stream"
    );
}

#[test]
fn sigv4a_key_derivation_signing_and_verifying_allocate_nothing() {
    use sigv4_core::{presign_v4a, sign_v4a, verify_any, SigV4aKey, VerifyingKey};
    let cases: Vec<_> = sigv4_tests::suite_v4a_case_names()
        .into_iter()
        .map(|name| {
            let ctx = SuiteContext::load_v4a(&name);
            let request = sigv4_tests::suite_v4a_file(&name, "request.txt");
            let signed = sigv4_tests::suite_v4a_file(&name, "header-signed-request.txt");
            (
                ctx,
                sigv4_tests::OwnedRequest::parse_http(&request),
                sigv4_tests::OwnedRequest::parse_http(&signed),
            )
        })
        .collect();
    let views: Vec<_> = cases
        .iter()
        .map(|(_, r, s)| (r.header_views(), s.header_views()))
        .collect();
    let (mut signed_count, mut verified) = (0, 0);
    let count = allocations(|| {
        for ((ctx, owned, sent), (headers, sent_headers)) in cases.iter().zip(&views) {
            let key = SigV4aKey::derive(&ctx.access_key_id, &ctx.secret).unwrap();
            let params = ctx.params_v4a(&key);
            let req = owned.view(headers, Payload::Bytes(&owned.body));
            let signed = sign_v4a(&req, &params).unwrap();
            let query = presign_v4a(&req, &params, ctx.expires).unwrap();
            let mut buf = [0u8; 2048];
            let n = query.write_to(&mut buf).unwrap();
            signed_count += usize::from(n > 0 && signed.signature().len() > 64);

            let req = sent.view(sent_headers, Payload::Bytes(&sent.body));
            let mut policy = VerifyPolicy::new(&ctx.region, &ctx.service, ctx.time);
            policy.path_mode = ctx.settings().path_mode;
            policy.allow_unsigned_security_token = ctx.omit_session_token;
            let ok = verify_any(&req, &policy, |_, _| {
                Some(VerifyingKey::SigV4a(key.public_key()))
            });
            verified += usize::from(ok.is_ok());

            // An aws-chunked chain from the signature: signed, framed, checked.
            let seed = signed.signature();
            let mut chain = sigv4_core::ChunkSignerV4a::new(&key, ctx.time, "s3", seed).unwrap();
            let mut check =
                sigv4_core::ChunkVerifierV4a::new(key.public_key(), ctx.time, "s3", seed).unwrap();
            let sig = chain.sign_chunk(&owned.body);
            let line = sigv4_core::chunk_header_v4a(owned.body.len() as u64, &sig);
            check
                .verify_chunk_data(&owned.body, sig.as_str().as_bytes())
                .unwrap();
            signed_count += usize::from(line.as_bytes().len() > 144) - 1;
        }
    });
    assert_eq!((signed_count, verified), (cases.len(), cases.len()));
    assert_eq!(count, 0, "heap allocations in SigV4A");
}

/// The `http` path every adapter takes, with static credentials and the key cache warm:
/// `Signer::sign_http` allocates at most one per header value it writes into the
/// `HeaderMap` (none for the static payload hashes), and `presign_http` at most two, for the benches' W1 (an S3 GET
/// with `range` and `user-agent`), signed now and at a date of its own, W3 (the same,
/// presigned) and W4 (a DynamoDB PutItem with a session token). Each map is built by
/// inserts, as a client builds a request's headers.
#[test]
fn the_http_path_allocates_one_per_header_value() {
    use http::{HeaderMap, HeaderValue, Method, Uri};
    use sigv4::http::Body;
    use sigv4::{Credentials, Signer};

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (n, v) in pairs {
            m.insert(*n, HeaderValue::from_static(v));
        }
        m
    }
    let w1: Uri =
        "https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x"
            .parse()
            .unwrap();
    let w1_now = [("range", "bytes=0-1023"), ("user-agent", "bench/1.0")];
    let w1_dated = [
        ("x-amz-date", "20240101T120000Z"),
        ("range", "bytes=0-1023"),
        ("user-agent", "bench/1.0"),
    ];
    let s3 = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new("AKIAIOSFODNN7EXAMPLE", "secret"))
        .build();
    let w4: Uri = "https://dynamodb.us-east-1.amazonaws.com/".parse().unwrap();
    let w4_pairs = [
        ("content-type", "application/x-amz-json-1.0"),
        ("x-amz-target", "DynamoDB_20120810.PutItem"),
    ];
    let ddb = Signer::builder("dynamodb", "us-east-1")
        .credentials(
            Credentials::new("AKIAIOSFODNN7EXAMPLE", "secret").with_session_token("token/+="),
        )
        .build();
    let body = vec![b'{'; 2048];

    // W1 writes three values, but the empty body's hash is a static value: two allocated.
    for (signer, uri, pairs, body, written) in [
        (&s3, &w1, &w1_now[..], Body::Bytes(b""), 2),
        (&s3, &w1, &w1_dated[..], Body::Bytes(b""), 2),
        (&ddb, &w4, &w4_pairs[..], Body::Bytes(&body), 3),
    ] {
        // Warm: credentials read, the day's key derived.
        let mut warm = map(pairs);
        signer
            .sign_http(&Method::POST, uri, &mut warm, body)
            .unwrap();
        let mut h = map(pairs);
        let count = allocations(|| signer.sign_http(&Method::POST, uri, &mut h, body).unwrap());
        assert!(h.contains_key("authorization"));
        // A map built by inserts has room for the signature's headers: no growth.
        assert!(
            count <= written,
            "{uri} {pairs:?}: {count} allocations for {written} header values"
        );
    }
    let hour = std::time::Duration::from_secs(3600);
    // Warm: today's key (a presigned URL is dated now).
    s3.presign_http(&Method::GET, &w1, &HeaderMap::new(), hour)
        .unwrap();
    let mut got = None;
    let count = allocations(|| {
        got = Some(
            s3.presign_http(&Method::GET, &w1, &HeaderMap::new(), hour)
                .unwrap(),
        );
    });
    assert!(got.unwrap().query().unwrap().contains("X-Amz-Signature="));
    assert!(count <= 2, "presign_http: {count} allocations");
}
