//! The path adapter users take: `Signer::sign_http` / `presign_http` on `http` parts
//! (static credentials, the key cache warm), beside the core signing the same request
//! with the key in hand, and each adapter's own signing of a built request (reqwest's
//! `sign_request`, hyper's `SignLayer` over a service that answers at once, ureq's
//! `sign_request`), so the adapter overhead shows; and one `Signer` shared by two threads
//! against one thread (W1), for the concurrency ratio.
#![allow(clippy::unwrap_used, reason = "bench")]

use bytes::Bytes;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use http::{Method, Uri};
use http_body_util::Full;
use sigv4::http::Body;
use sigv4_benches::{header_map, ours, service, signer, time, workloads, Workload, SK};
use sigv4_core::{Header, SigningKey};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tower::{Layer, ServiceExt};

fn http_request(w: &Workload) -> http::Request<Vec<u8>> {
    let mut req = http::Request::builder()
        .method(w.method)
        .uri(w.url)
        .body(w.body.clone())
        .unwrap();
    *req.headers_mut() = header_map(w);
    req
}

fn bench(c: &mut Criterion) {
    let hour = Duration::from_secs(3600);
    for w in workloads().into_iter().filter(|w| w.name != "W2-put-1MiB") {
        let signer = signer(&w);
        let (name, region) = service(&w);
        let key = SigningKey::derive(SK, time(), region, name).unwrap();
        let views: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let method: Method = w.method.parse().unwrap();
        let uri: Uri = w.url.parse().unwrap();
        let headers = header_map(&w);
        // Warm: the key of the day (the presigned URL is dated now).
        let mut warm = headers.clone();
        signer
            .sign_http(&method, &uri, &mut warm, Body::Bytes(&w.body))
            .unwrap();
        signer.presign_http(&method, &uri, &headers, hour).unwrap();

        let mut g = c.benchmark_group(format!("http-{}", w.name));
        g.bench_function("sigv4-core", |b| {
            b.iter(|| ours(black_box(&w), &key, &views))
        });
        if w.presign {
            g.bench_function("presign_http", |b| {
                b.iter(|| {
                    signer
                        .presign_http(&method, black_box(&uri), &headers, hour)
                        .unwrap()
                })
            });
            let url = reqwest::Url::parse(w.url).unwrap();
            g.bench_function("reqwest presign", |b| {
                b.iter(|| {
                    sigv4_reqwest::presign(&signer, &method, black_box(&url), &headers, hour)
                        .unwrap()
                })
            });
            g.bench_function("ureq presign", |b| {
                b.iter(|| {
                    sigv4_ureq::presign(&signer, &method, black_box(&uri), &headers, hour).unwrap()
                })
            });
        } else {
            g.bench_function("sign_http", |b| {
                // A map built as adapters' users build one (a clone has no spare room, so
                // every insert would grow it, which a built map does not).
                b.iter_batched_ref(
                    || header_map(&w),
                    |h| {
                        signer
                            .sign_http(&method, &uri, h, Body::Bytes(&w.body))
                            .unwrap()
                    },
                    BatchSize::SmallInput,
                )
            });
            let client = reqwest::Client::new();
            g.bench_function("reqwest sign_request", |b| {
                b.iter_batched(
                    || {
                        client
                            .request(method.clone(), w.url)
                            .headers(headers.clone())
                            .body(w.body.clone())
                            .build()
                            .unwrap()
                    },
                    |mut req| {
                        futures_executor::block_on(sigv4_reqwest::sign_request(&signer, &mut req))
                            .unwrap()
                    },
                    BatchSize::SmallInput,
                )
            });
            let svc = sigv4_hyper::SignLayer::new(signer.clone()).layer(tower::service_fn(
                |req: http::Request<sigv4_hyper::SignedBody<Full<Bytes>>>| async move {
                    Ok::<_, std::convert::Infallible>(http::Response::new(req.headers().len()))
                },
            ));
            g.bench_function("hyper SignLayer", |b| {
                b.iter_batched(
                    || {
                        let (parts, body) = http_request(&w).into_parts();
                        http::Request::from_parts(parts, Full::new(Bytes::from(body)))
                    },
                    |req| futures_executor::block_on(svc.clone().oneshot(req)).unwrap(),
                    BatchSize::SmallInput,
                )
            });
            g.bench_function("ureq sign_request", |b| {
                b.iter_batched_ref(
                    || http_request(&w),
                    |req| sigv4_ureq::sign_request(&signer, req).unwrap(),
                    BatchSize::SmallInput,
                )
            });
        }
        g.finish();
    }

    // One Signer, W1, signed by one thread and by two at once: the time per request each
    // thread sees (two threads that never wait on each other see the one-thread time, a
    // throughput of 2x).
    let w = workloads()
        .into_iter()
        .find(|w| w.name == "W1-get")
        .unwrap();
    let signer = signer(&w);
    let method: Method = w.method.parse().unwrap();
    let uri: Uri = w.url.parse().unwrap();
    let headers = header_map(&w);
    let run = |n: u64| {
        for _ in 0..n {
            let mut h = headers.clone();
            signer
                .sign_http(&method, &uri, &mut h, Body::Bytes(b""))
                .unwrap();
            black_box(h);
        }
    };
    run(10);
    let mut g = c.benchmark_group("concurrency-W1-sign_http");
    g.bench_function("1 thread", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            run(iters);
            start.elapsed()
        })
    });
    g.bench_function("2 threads, each", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            std::thread::scope(|s| {
                let other = s.spawn(|| run(iters));
                run(iters);
                other.join().unwrap();
            });
            start.elapsed()
        })
    });
    // The machine's own ceiling: the core signing with its own key in each thread (nothing
    // shared), one thread and two.
    let key = SigningKey::derive(SK, time(), "us-east-1", "s3").unwrap();
    let views: Vec<Header<'_>> = w.headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let alone = |n: u64| {
        let key = key.clone();
        for _ in 0..n {
            black_box(ours(&w, &key, &views));
        }
    };
    g.bench_function("control: core, 1 thread", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            alone(iters);
            start.elapsed()
        })
    });
    g.bench_function("control: core, 2 threads, each", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            std::thread::scope(|s| {
                let other = s.spawn(|| alone(iters));
                alone(iters);
                other.join().unwrap();
            });
            start.elapsed()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
