//! A server that accepts only SigV4-signed requests: VerifyLayer in front of a hyper
//! service on 127.0.0.1:8080. Try it with `sigv4 sign`, awscurl or botocore.
//!
//! ```text
//! cargo run -p sigv4-hyper --example verify_server
//! ```

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use sigv4_hyper::{VerifiedIdentity, VerifyLayer};
use std::collections::HashMap;
use tower::Layer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let secrets = HashMap::from([(
        "AKIDEXAMPLE".to_string(),
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_string(),
    )]);
    let layer = VerifyLayer::new("us-east-1", "execute-api", secrets);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
    println!("listening on http://127.0.0.1:8080 (region us-east-1, service execute-api)");
    loop {
        let (stream, _) = listener.accept().await?;
        let service = layer.layer(tower::service_fn(|req: http::Request<_>| async move {
            let who = req
                .extensions()
                .get::<VerifiedIdentity>()
                .map(|i| i.access_key_id.clone());
            Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(Bytes::from(format!(
                "hello, {who:?}\n"
            )))))
        }));
        tokio::spawn(async move {
            let service = hyper_util::service::TowerToHyperService::new(service);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
