//! Signs one workload in a loop, for a profiler: `profile_w1 [W1-get|W3-presign|W4-dynamodb] [n]`.
#![allow(clippy::unwrap_used, missing_docs, reason = "profiling aid")]
use sigv4_benches::{ours, service, time, workloads};
use sigv4_core::{Header, SigningKey};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "W1-get".into());
    let n: usize = args.next().map_or(100_000, |s| s.parse().unwrap());
    let w = workloads().into_iter().find(|w| w.name == name).unwrap();
    let (svc, region) = service(&w);
    let key = SigningKey::derive(sigv4_benches::SK, time(), region, svc).unwrap();
    let headers: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let mut acc = 0u8;
    for _ in 0..n {
        acc ^= ours(std::hint::black_box(&w), &key, &headers)[0];
    }
    println!("{acc}");
}
