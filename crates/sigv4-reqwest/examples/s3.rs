//! S3 with reqwest: put an object, get it back, list the bucket.
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:9000 cargo run -p sigv4-reqwest --example s3 -- my-bucket
//! ```
//! Credentials from the environment or ~/.aws; `AWS_REGION` (default us-east-1). Without
//! `AWS_ENDPOINT_URL` it talks to `https://BUCKET.s3.REGION.amazonaws.com` (enable a TLS
//! feature of reqwest in your own build for https).

use sigv4_reqwest::{SigV4Middleware, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bucket = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "my-bucket".into());
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let base = match std::env::var("AWS_ENDPOINT_URL") {
        Ok(endpoint) => format!("{endpoint}/{bucket}"),
        Err(_) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
    };
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigV4Middleware::new(Signer::builder("s3", &region).build()))
        .build();

    let put = client
        .put(format!("{base}/hello%20world.txt"))
        .body("hello from sigv4")
        .send()
        .await?;
    println!("PUT  {}", put.status());
    let get = client
        .get(format!("{base}/hello%20world.txt"))
        .send()
        .await?;
    println!("GET  {} {:?}", get.status(), get.text().await?);
    let list = client.get(format!("{base}/?list-type=2")).send().await?;
    println!("LIST {}\n{}", list.status(), list.text().await?);
    Ok(())
}
