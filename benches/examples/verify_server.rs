//! The server of the `VerifyLayer` load test (`benches/verify-load`): one hyper service
//! that reads the body and answers its length, served on 127.0.0.1 with or without
//! `VerifyLayer` in front; and the signed request a load generator sends to it.
//!
//! `verify_server serve plain|verify PORT` serves until killed (one runtime thread, so the
//! load generator has the other core); `verify_server wrk-script PORT BYTES` prints a `wrk`
//! Lua script that POSTs a BYTES-long body signed now (valid for the layer's 15 minutes of
//! skew; the layer does not refuse replays, so one signed request can be sent repeatedly);
//! `verify_server floor BYTES` times, in this process, the verification of that request:
//! its cryptographic floor and `sigv4_core::verify` (nanoseconds, the fastest of 101 runs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "bench tool"
)]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sigv4_benches::{AK, SK};
use sigv4_core::{Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
use std::collections::HashMap;
use std::convert::Infallible;
use tower::{Layer, ServiceExt};

async fn answer<B: hyper::body::Body>(
    req: http::Request<B>,
) -> Result<http::Response<Full<Bytes>>, Infallible> {
    // A body the layer refused mid-stream reads as an error: answered as length 0.
    let len = match req.into_body().collect().await {
        Ok(body) => body.to_bytes().len(),
        Err(_) => 0,
    };
    Ok(http::Response::new(Full::new(Bytes::from(len.to_string()))))
}

async fn serve(verify: bool, port: u16) {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap();
    let secrets: HashMap<String, String> = [(AK.to_string(), SK.to_string())].into();
    let layer = sigv4_hyper::VerifyLayer::new("us-east-1", "execute-api", secrets);
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let layer = layer.clone();
        tokio::spawn(async move {
            let io = TokioIo::new(stream);
            let http = hyper::server::conn::http1::Builder::new();
            if verify {
                let svc = layer.layer(tower::service_fn(
                    answer::<sigv4_hyper::VerifiedBody<hyper::body::Incoming>>,
                ));
                let svc = tower::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    svc.clone().oneshot(req)
                });
                let _ = http
                    .serve_connection(io, hyper_util::service::TowerToHyperService::new(svc))
                    .await;
            } else {
                let svc = tower::service_fn(answer::<hyper::body::Incoming>);
                let _ = http
                    .serve_connection(io, hyper_util::service::TowerToHyperService::new(svc))
                    .await;
            }
        });
    }
}

/// The load test's request: a POST of `len` bytes to 127.0.0.1:`port`, signed at `time`.
/// Its headers as sent (the signature's included), and its body.
fn signed_post(port: u16, len: usize, time: Timestamp) -> (Vec<(String, String)>, String) {
    let key = SigningKey::derive(SK, time, "us-east-1", "execute-api").unwrap();
    let body: String = "x".repeat(len);
    let host = format!("127.0.0.1:{port}");
    let mut sent = vec![
        ("host".to_string(), host.clone()),
        (
            "content-type".to_string(),
            "application/octet-stream".to_string(),
        ),
    ];
    let headers: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
    let url = format!("http://{host}/echo");
    let req = Request::from_url("POST", &url, &headers, Payload::Bytes(body.as_bytes())).unwrap();
    let params = SigningParams {
        access_key_id: AK,
        session_token: None,
        key: &key,
        time,
        settings: Settings::service(),
    };
    let signed = sigv4_core::sign(&req, &params).unwrap();
    let added: Vec<(String, String)> = signed
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    sent.extend(added);
    (sent, body)
}

fn now() -> Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    Timestamp::from_unix(i64::try_from(now).unwrap()).unwrap()
}

/// A `wrk` script for one POST of `len` bytes, signed now for 127.0.0.1:`port`.
fn wrk_script(port: u16, len: usize) -> String {
    let (sent, _) = signed_post(port, len, now());
    let mut lua = String::from("wrk.method = \"POST\"\n");
    lua += &format!("wrk.body = string.rep(\"x\", {len})\n");
    for (name, value) in sent.iter().filter(|(n, _)| n != "host") {
        lua += &format!("wrk.headers[\"{name}\"] = \"{value}\"\n");
    }
    lua
}

/// The fastest of 101 runs of `n` calls of `f`, in nanoseconds a call.
fn fastest(n: u32, mut f: impl FnMut()) -> f64 {
    (0..101)
        .map(|_| {
            let start = std::time::Instant::now();
            for _ in 0..n {
                f();
            }
            start.elapsed().as_nanos() as f64 / f64::from(n)
        })
        .fold(f64::MAX, f64::min)
}

/// The verification of the load test's request as the layer receives it, timed here: its
/// cryptographic floor (SHA-256 of the body and of the canonical request, and the HMAC of
/// the string to sign with the day's key in hand) and `sigv4_core::verify` of it.
fn floor(len: usize) -> (f64, f64) {
    use std::hint::black_box;
    let time = now();
    let (sent, body) = signed_post(18482, len, time);
    let headers: Vec<Header<'_>> = sent.iter().map(|(n, v)| Header::new(n, v)).collect();
    let url = "http://127.0.0.1:18482/echo";
    let req = Request::from_url("POST", url, &headers, Payload::Bytes(body.as_bytes())).unwrap();
    let policy = sigv4_core::VerifyPolicy::new("us-east-1", "execute-api", time);
    let key = SigningKey::derive(SK, time, "us-east-1", "execute-api").unwrap();
    let (mut creq, mut sts) = (String::new(), String::new());
    sigv4_core::verify_explained(&req, &policy, |_, _| Some(key.clone()), &mut creq, &mut sts)
        .unwrap();
    let floor = fastest(2000, || {
        black_box(sigv4_benches::floor(
            creq.as_bytes(),
            sts.as_bytes(),
            key.as_bytes(),
            Some(black_box(body.as_bytes())),
        ));
    });
    let verify = fastest(2000, || {
        let v = sigv4_core::verify(black_box(&req), &policy, |_, _| Some(key.clone()));
        black_box(v.unwrap());
    });
    (floor, verify)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["serve", mode, port] => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(serve(mode == "verify", port.parse().unwrap()));
        }
        ["wrk-script", port, len] => {
            print!(
                "{}",
                wrk_script(port.parse().unwrap(), len.parse().unwrap())
            );
        }
        ["floor", len] => {
            let (floor, verify) = floor(len.parse().unwrap());
            println!("{floor:.0} {verify:.0}");
        }
        _ => {
            eprintln!(
                "usage: verify_server serve plain|verify PORT | wrk-script PORT BYTES | floor BYTES"
            );
            std::process::exit(2);
        }
    }
}
