//! An Amazon OpenSearch Service domain (service `es`) with reqwest: cluster health, then a
//! search.
//!
//! ```text
//! cargo run -p sigv4-reqwest --example opensearch -- https://search-my-domain-abc.eu-west-1.es.amazonaws.com
//! ```

use sigv4_reqwest::{SigV4Middleware, Signer};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = std::env::args()
        .nth(1)
        .ok_or("usage: opensearch DOMAIN_URL")?;
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(SigV4Middleware::new(Signer::builder("es", &region).build()))
        .build();
    let health = client
        .get(format!("{domain}/_cluster/health"))
        .send()
        .await?;
    println!("{}\n{}", health.status(), health.text().await?);
    let search = client
        .post(format!("{domain}/_search"))
        .header("content-type", "application/json")
        .body(r#"{"query": {"match_all": {}}, "size": 1}"#)
        .send()
        .await?;
    println!("{}\n{}", search.status(), search.text().await?);
    Ok(())
}
