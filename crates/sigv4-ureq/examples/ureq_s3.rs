//! S3 with ureq (blocking): put an object, get it back, list the bucket.
//!
//! ```text
//! AWS_ENDPOINT_URL=http://127.0.0.1:9000 cargo run -p sigv4-ureq --example ureq_s3 -- my-bucket
//! ```
//! Credentials from the environment or ~/.aws. Enable a TLS feature of ureq in your own
//! build for https.

use sigv4_ureq::{SigV4Middleware, Signer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let bucket = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "my-bucket".into());
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let base = match std::env::var("AWS_ENDPOINT_URL") {
        Ok(endpoint) => format!("{endpoint}/{bucket}"),
        Err(_) => format!("https://{bucket}.s3.{region}.amazonaws.com"),
    };
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .middleware(SigV4Middleware::new(Signer::builder("s3", &region).build()))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let put = agent
        .put(&format!("{base}/hello.txt"))
        .send("hello from sigv4")?;
    println!("PUT  {}", put.status());
    let mut get = agent.get(&format!("{base}/hello.txt")).call()?;
    println!(
        "GET  {} {:?}",
        get.status(),
        get.body_mut().read_to_string()?
    );
    let mut list = agent.get(&format!("{base}/?list-type=2")).call()?;
    println!(
        "LIST {}\n{}",
        list.status(),
        list.body_mut().read_to_string()?
    );
    Ok(())
}
