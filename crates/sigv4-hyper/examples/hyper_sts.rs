//! STS GetCallerIdentity through a hyper-util client wrapped in SignLayer.
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:5000 cargo run -p sigv4-hyper --example hyper_sts
//! ```
//! Without `AWS_ENDPOINT_URL` it needs https: give the client an HTTPS connector
//! (hyper-rustls) in your own build.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{Layer, ServiceExt};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "https://sts.amazonaws.com".into());
    let signer = sigv4::Signer::builder("sts", "us-east-1").build();
    let client = Client::builder(TokioExecutor::new()).build_http();
    let signing = sigv4_hyper::SignLayer::new(signer).layer(client);
    let request = http::Request::post(format!("{endpoint}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from_static(
            b"Action=GetCallerIdentity&Version=2011-06-15",
        )))?;
    let response = signing.oneshot(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    println!("{status}\n{}", String::from_utf8_lossy(&body));
    Ok(())
}
