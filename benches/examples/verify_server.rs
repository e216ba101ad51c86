//! The server of the `VerifyLayer` load test (`benches/verify-load`): one hyper service
//! that reads the body and answers its length, served on 127.0.0.1 with or without
//! `VerifyLayer` in front; and the signed request a load generator sends to it.
//!
//! `verify_server serve plain|verify PORT` serves until killed (one runtime thread, so the
//! load generator has the other core); `verify_server wrk-script PORT BYTES` prints a `wrk`
//! Lua script that POSTs a BYTES-long body signed now (valid for the layer's 15 minutes of
//! skew; the layer does not refuse replays, so one signed request can be sent repeatedly).
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

/// A `wrk` script for one POST of `len` bytes, signed now for 127.0.0.1:`port`.
fn wrk_script(port: u16, len: usize) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let time = Timestamp::from_unix(i64::try_from(now).unwrap()).unwrap();
    let key = SigningKey::derive(SK, time, "us-east-1", "execute-api").unwrap();
    let body: String = "x".repeat(len);
    let host = format!("127.0.0.1:{port}");
    let headers = [
        Header::new("host", &host),
        Header::new("content-type", "application/octet-stream"),
    ];
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
    let mut lua = String::from("wrk.method = \"POST\"\n");
    lua += &format!("wrk.body = string.rep(\"x\", {len})\n");
    lua += "wrk.headers[\"Content-Type\"] = \"application/octet-stream\"\n";
    for (name, value) in signed.headers() {
        lua += &format!("wrk.headers[\"{name}\"] = \"{value}\"\n");
    }
    lua
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
        _ => {
            eprintln!("usage: verify_server serve plain|verify PORT | wrk-script PORT BYTES");
            std::process::exit(2);
        }
    }
}
