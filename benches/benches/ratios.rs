//! The ratios measured by interleaving, for a shared machine where criterion's
//! sequential measurements move 10-35% between neighbouring rows (another tenant's load
//! comes and goes over seconds). Here every variant of a workload runs in turn, in bursts
//! of about a millisecond, round after round: each round's variants see the same machine.
//! Each ratio is the median of its per-round ratios; the times are each variant's median
//! burst. `cargo bench -p sigv4-benches --bench ratios [-- ROUNDS]` (default 1000).
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation,
    reason = "bench"
)]

mod common;

use common::texts;
use http::{HeaderMap, Method, Uri};
use sigv4_benches::floor;
use sigv4_benches::{
    header_map, ours, ours_by_value, received, received_request, service, signer, time, workloads,
    Workload, SK,
};
use sigv4_core::{Header, SigningKey, VerifyPolicy};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One thing to time: `run(n)` does it `n` times (its own set-up for the `n` outside
/// the clock) and returns the time the `n` took.
struct Variant<'a> {
    name: &'static str,
    run: Box<dyn FnMut(u32) -> Duration + 'a>,
    /// Iterations per burst, calibrated to about a millisecond.
    burst: u32,
    /// Nanoseconds per iteration, one per round.
    samples: Vec<f64>,
}

fn timed(mut f: impl FnMut()) -> impl FnMut(u32) -> Duration {
    move |n| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed()
    }
}

fn variant<'a>(name: &'static str, run: impl FnMut(u32) -> Duration + 'a) -> Variant<'a> {
    Variant {
        name,
        run: Box::new(run),
        burst: 0,
        samples: Vec::new(),
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs `rounds` rounds of every variant in turn.
fn measure(variants: &mut [Variant<'_>], rounds: usize) {
    for v in variants.iter_mut() {
        (v.run)(200); // warm
        let t = (v.run)(2000);
        let per = t.as_nanos().max(1) as f64 / 2000.0;
        v.burst = ((1_000_000.0 / per) as u32).clamp(50, 200_000);
    }
    for _ in 0..rounds {
        for v in variants.iter_mut() {
            let t = (v.run)(v.burst);
            v.samples.push(t.as_nanos() as f64 / f64::from(v.burst));
        }
    }
}

struct Results<'a>(&'a [Variant<'a>]);

impl Results<'_> {
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|v| v.name == name)
    }

    fn get(&self, name: &str) -> &Variant<'_> {
        self.0.iter().find(|v| v.name == name).unwrap()
    }

    /// The ratio of `a`'s fastest burst to `b`'s: each variant's cost when the machine
    /// was quietest, which on a shared VM moves less than any one round.
    fn best_ratio(&self, a: &str, b: &str) -> f64 {
        let fastest = |v: &Variant<'_>| v.samples.iter().copied().fold(f64::MAX, f64::min);
        fastest(self.get(a)) / fastest(self.get(b))
    }

    /// The median over rounds of `a / b`.
    fn ratio(&self, a: &str, b: &str) -> f64 {
        let (a, b) = (self.get(a), self.get(b));
        let per_round: Vec<f64> = a
            .samples
            .iter()
            .zip(&b.samples)
            .map(|(x, y)| x / y)
            .collect();
        median(&per_round)
    }
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let hour = Duration::from_secs(3600);
    for w in workloads().into_iter().filter(|w| w.name != "W2-put-1MiB") {
        let (svc, region) = service(&w);
        let key = SigningKey::derive(SK, time(), region, svc).unwrap();
        let headers: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let (creq, sts) = texts(&w, &key, &headers);
        let body = (!w.presign).then_some(w.body.as_slice());
        let in_headers = Workload {
            presign: false,
            ..w.clone()
        };
        // The server's side, as in sign.rs.
        let (sent, sent_query) = received(&w, &key, &headers);
        let sent: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = received_request(&w, &sent, &sent_query);
        let policy = VerifyPolicy::new(region, svc, time());
        sigv4_core::verify(&req, &policy, |_, _| Some(key.clone())).unwrap();
        // The std path, static credentials, the key of the day warm.
        let signer = signer(&w);
        let method: Method = w.method.parse().unwrap();
        let uri: Uri = w.url.parse().unwrap();
        let map = header_map(&w);
        let mut warm = map.clone();
        let http_body = sigv4::http::Body::Bytes(&w.body);
        signer
            .sign_http(&method, &uri, &mut warm, http_body)
            .unwrap();

        let mut variants = vec![
            variant(
                "floor",
                timed(|| {
                    black_box(floor(
                        black_box(creq.as_bytes()),
                        sts.as_bytes(),
                        key.as_bytes(),
                        body,
                    ));
                }),
            ),
            variant(
                "core",
                timed(|| {
                    black_box(ours(black_box(&w), &key, &headers));
                }),
            ),
            variant(
                "core, by value",
                timed(|| {
                    black_box(ours_by_value(black_box(&w), &key, &headers));
                }),
            ),
            variant(
                "verify",
                timed(|| {
                    let v = sigv4_core::verify(black_box(&req), &policy, |_, _| Some(key.clone()));
                    black_box(v.unwrap());
                }),
            ),
        ];
        if w.presign {
            variants.push(variant(
                "core, in headers",
                timed(|| {
                    black_box(ours(black_box(&in_headers), &key, &headers));
                }),
            ));
            // What presigning must cost more than header signing: its canonical request
            // carries the X-Amz-* parameters (the floor of each form, side by side).
            let (creq_h, sts_h) = texts(&in_headers, &key, &headers);
            let key_h = key.clone();
            variants.push(variant(
                "floor, in headers",
                timed(move || {
                    black_box(floor(
                        black_box(creq_h.as_bytes()),
                        sts_h.as_bytes(),
                        key_h.as_bytes(),
                        None,
                    ));
                }),
            ));
            // What `presign_http` must cost more than the core: `http` parsing the URI it
            // returns (from a static string, so nothing is allocated or copied here).
            let url: &'static str = Box::leak(
                signer
                    .presign_http(&method, &uri, &map, hour)
                    .unwrap()
                    .to_string()
                    .into_boxed_str(),
            );
            variants.push(variant(
                "uri parse",
                timed(|| {
                    black_box(Uri::from_static(black_box(url)));
                }),
            ));
            variants.push(variant(
                "http",
                timed(|| {
                    let uri = signer.presign_http(&method, black_box(&uri), &map, hour);
                    black_box(uri.unwrap());
                }),
            ));
        } else {
            // Maps built outside the clock, as criterion's batched set-up does.
            variants.push(variant("http", |n| {
                let mut maps: Vec<HeaderMap> = (0..n).map(|_| header_map(&w)).collect();
                let start = Instant::now();
                for m in &mut maps {
                    signer.sign_http(&method, &uri, m, http_body).unwrap();
                }
                let t = start.elapsed();
                black_box(maps);
                t
            }));
        }
        measure(&mut variants, rounds);
        let r = Results(&variants);
        let name = w.name.split('-').next().unwrap();
        let times: Vec<String> = variants
            .iter()
            .map(|v| format!("{} {:.0} ns", v.name, median(&v.samples)))
            .collect();
        println!("{name}: {}", times.join(", "));
        // The median of the rounds' ratios (the figure reported), then the ratio of the
        // fastest bursts.
        let pairs: &[(&str, &str, &str)] = &[
            ("core / floor", "core", "floor"),
            ("by value / core", "core, by value", "core"),
            ("verify / sign", "verify", "core"),
            ("http / core", "http", "core"),
            ("presign / headers", "core", "core, in headers"),
            ("their floors", "floor", "floor, in headers"),
            ("uri parse / core", "uri parse", "core"),
        ];
        for (label, best) in [("", false), (", fastest bursts", true)] {
            let parts: Vec<String> = pairs
                .iter()
                .filter(|(_, a, b)| r.has(a) && r.has(b))
                .map(|(text, a, b)| {
                    let x = if best {
                        r.best_ratio(a, b)
                    } else {
                        r.ratio(a, b)
                    };
                    format!("{text} {x:.2}x")
                })
                .collect();
            println!("{name}: {} ({rounds} rounds{label})", parts.join(", "));
        }
    }
}
