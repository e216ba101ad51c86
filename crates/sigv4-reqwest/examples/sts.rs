//! STS GetCallerIdentity with reqwest: who am I?
//!
//! ```text
//! cargo run -p sigv4-reqwest --example sts
//! ```
//! `AWS_ENDPOINT_URL` overrides `https://sts.amazonaws.com` (moto on 127.0.0.1, say).

use sigv4_reqwest::{SigV4Middleware, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint =
        std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| "https://sts.amazonaws.com".into());
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigV4Middleware::new(
            Signer::builder("sts", "us-east-1").build(),
        ))
        .build();
    let response = client
        .post(format!("{endpoint}/"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("Action=GetCallerIdentity&Version=2011-06-15")
        .send()
        .await?;
    println!("{}\n{}", response.status(), response.text().await?);
    Ok(())
}
