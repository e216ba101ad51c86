//! SigV4A aws-chunked against aws-c-auth's own chunked-signing tests
//! (`vectors/aws-c-auth/sigv4a-chunked.json`, see its NOTICE): the seed request's canonical
//! request (plain and with a trailer) equals theirs byte for byte, and every chunk and
//! trailer signature we make verifies, with Python's `cryptography` and the public key
//! their test gives, over the string to sign their test builds around our previous
//! signature. The chain then verifies through our verifier, and a changed chunk breaks it.
#![allow(clippy::unwrap_used, reason = "tests")]

use serde_json::Value;
use sigv4_core::{
    canonical_request_v4a, sign_v4a, verify_any, Header, Location, Payload, Request, Settings,
    SigV4aKey, SigV4aPublicKey, SigningParamsV4a, Timestamp, VerifyPolicy, VerifyingKey,
};

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/vectors/aws-c-auth/sigv4a-chunked.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn seed_chunks_and_trailer_match_aws_c_auth() {
    let v = vectors();
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    let key = SigV4aKey::derive(&s("access_key_id"), &s("secret_access_key")).unwrap();
    let coord = |k: &str| {
        let mut out = [0u8; 32];
        hex::decode_to_slice(v["public_key"][k].as_str().unwrap(), &mut out).unwrap();
        out
    };
    let theirs = SigV4aPublicKey::from_coordinates(&coord("x"), &coord("y")).unwrap();
    assert_eq!(key.public_key(), theirs, "derived public key");
    let time = Timestamp::parse_http_date(&s("date")).unwrap();
    let public_hex = hex::encode(theirs.to_sec1_bytes());
    let mut checks: Vec<(String, String, String)> = Vec::new();

    for trailer in [false, true] {
        let mut owned: Vec<(String, String)> = v["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
            .collect();
        if trailer {
            let h = &v["trailer_request_extra_header"];
            owned.push((h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()));
        }
        let headers: Vec<Header<'_>> = owned.iter().map(|(n, v)| Header::new(n, v)).collect();
        let payload = if trailer {
            Payload::StreamingEcdsaSignedTrailer
        } else {
            Payload::StreamingEcdsaSigned
        };
        let url = format!("https://s3.amazonaws.com{}", s("path"));
        let req =
            Request::from_url(v["method"].as_str().unwrap(), &url, &headers, payload).unwrap();
        let params = SigningParamsV4a {
            access_key_id: v["access_key_id"].as_str().unwrap(),
            session_token: None,
            key: &key,
            region_set: v["region_set"].as_str().unwrap(),
            service: v["service"].as_str().unwrap(),
            time,
            settings: Settings::s3(),
        };
        let mut creq = String::new();
        canonical_request_v4a(&req, &params, Location::Headers, &mut creq).unwrap();
        let want = if trailer {
            s("expected_trailer_canonical_request")
        } else {
            s("expected_canonical_request")
        };
        assert_eq!(creq, want, "trailer: {trailer}");

        let signed = sign_v4a(&req, &params).unwrap();
        let mut chain =
            sigv4_core::ChunkSignerV4a::new(&key, time, "s3", signed.signature()).unwrap();
        let mut previous = signed.signature().to_string();
        let posts = v["chunk_sts_post_signature"].as_array().unwrap();
        let sizes = v["chunks"].as_array().unwrap();
        let mut sent = Vec::new();
        for (size, post) in sizes.iter().zip(posts) {
            let data = vec![b'a'; usize::try_from(size.as_u64().unwrap()).unwrap()];
            let sig = chain.sign_chunk(&data);
            let sts = format!(
                "{}{previous}{}",
                s("chunk_sts_pre_signature"),
                post.as_str().unwrap()
            );
            checks.push((public_hex.clone(), sts, sig.unpadded().to_string()));
            previous = sig.unpadded().to_string();
            sent.push((data, sig));
        }
        let trailers: Vec<(String, String)> = v["trailers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
            .collect();
        let trailer_views: Vec<Header<'_>> =
            trailers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let trailer_sig = trailer.then(|| {
            let sig = chain.sign_trailer(&trailer_views).unwrap();
            let sts = format!(
                "{}{previous}{}",
                s("trailer_sts_pre_signature"),
                s("trailer_sts_post_signature")
            );
            checks.push((public_hex.clone(), sts, sig.unpadded().to_string()));
            sig
        });

        // The signed request verifies, and its chain checks with the public key only.
        let mut all = headers.clone();
        all.extend(signed.headers().map(|(n, v)| Header::new(n, v)));
        let received = Request {
            headers: &all,
            payload: Payload::Unsigned,
            ..req
        };
        let policy = VerifyPolicy::new("us-east-1", "s3", time);
        let verified = verify_any(&received, &policy, |_, _| {
            Some(VerifyingKey::SigV4a(theirs))
        })
        .unwrap_or_else(|e| panic!("trailer {trailer}: {e}"));
        assert_eq!(verified.payload(), sigv4_core::VerifiedPayload::Streaming);
        let mut checker = verified.chunk_verifier_v4a(theirs).unwrap();
        let mut tampered = checker.clone();
        let mut changed = sent[0].0.clone();
        changed[100] = b'b';
        assert!(tampered
            .verify_chunk_data(&changed, sent[0].1.as_str().as_bytes())
            .is_err());
        for (data, sig) in &sent {
            checker
                .verify_chunk_data(data, sig.as_str().as_bytes())
                .unwrap();
        }
        if let Some(sig) = trailer_sig {
            checker
                .verify_trailer(&trailer_views, sig.as_str().as_bytes())
                .unwrap();
        }
    }
    assert_eq!(checks.len(), 7);
    sigv4_tests::cryptography_verifies(&checks);
}
