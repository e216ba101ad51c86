//! Signs (or verifies) one workload in a loop, for a profiler:
//! `profile_w1 [W1-get|W3-presign|W4-dynamodb] [n] [sign|verify|http|headers]` (`http`:
//! `Signer::sign_http`, or `presign_http` for W3, with the key cache warm; `headers`: the
//! workload's request signed in headers, W3's included).
#![allow(clippy::unwrap_used, missing_docs, reason = "profiling aid")]
use sigv4_benches::{
    header_map, ours, received, received_request, service, signer, time, workloads,
};
use sigv4_core::{Header, SigningKey, VerifyPolicy};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "W1-get".into());
    let n: usize = args.next().map_or(100_000, |s| s.parse().unwrap());
    let mode = args.next().unwrap_or_else(|| "sign".into());
    let mut w = workloads().into_iter().find(|w| w.name == name).unwrap();
    if mode == "headers" {
        w.presign = false;
    }
    let (svc, region) = service(&w);
    let key = SigningKey::derive(sigv4_benches::SK, time(), region, svc).unwrap();
    let headers: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let mut acc = 0u8;
    if mode == "verify" {
        let (sent, query) = received(&w, &key, &headers);
        let sent: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = received_request(&w, &sent, &query);
        let policy = VerifyPolicy::new(region, svc, time());
        for _ in 0..n {
            let v = sigv4_core::verify(std::hint::black_box(&req), &policy, |_, _| {
                Some(key.clone())
            });
            acc ^= u8::from(v.is_ok());
        }
    } else if mode == "http" {
        let signer = signer(&w);
        let method: http::Method = w.method.parse().unwrap();
        let uri: http::Uri = w.url.parse().unwrap();
        let map = header_map(&w);
        let hour = std::time::Duration::from_secs(3600);
        for _ in 0..n {
            if w.presign {
                let uri = signer.presign_http(&method, &uri, &map, hour).unwrap();
                acc ^= u8::try_from(uri.query().map_or(0, str::len) & 0xff).unwrap();
            } else {
                // Built fresh for each signing, as `benches/http.rs` does (a clone has no
                // spare room, so its inserts would grow it).
                let mut h = header_map(&w);
                signer
                    .sign_http(&method, &uri, &mut h, sigv4::http::Body::Bytes(&w.body))
                    .unwrap();
                acc ^= u8::try_from(h.len()).unwrap();
            }
        }
    } else {
        for _ in 0..n {
            acc ^= ours(std::hint::black_box(&w), &key, &headers)[0];
        }
    }
    println!("{acc}");
}
