//! An API Gateway endpoint with IAM authorization (service `execute-api`) with reqwest.
//!
//! ```text
//! cargo run -p sigv4-reqwest --example api_gateway -- https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items
//! ```

use sigv4_reqwest::{SigV4Middleware, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let url = std::env::args().nth(1).ok_or("usage: api_gateway URL")?;
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigV4Middleware::new(
            Signer::builder("execute-api", &region).build(),
        ))
        .build();
    let response = client.get(&url).send().await?;
    println!("{}\n{}", response.status(), response.text().await?);
    Ok(())
}
