//! DynamoDB ListTables with reqwest.
//!
//! ```text
//! AWS_REGION=eu-west-1 cargo run -p sigv4-reqwest --example dynamodb
//! ```

use sigv4_reqwest::{SigV4Middleware, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .unwrap_or_else(|_| format!("https://dynamodb.{region}.amazonaws.com"));
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigV4Middleware::new(
            Signer::builder("dynamodb", &region).build(),
        ))
        .build();
    let response = client
        .post(format!("{endpoint}/"))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .body("{}")
        .send()
        .await?;
    println!("{}\n{}", response.status(), response.text().await?);
    Ok(())
}
