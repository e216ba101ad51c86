//! DynamoDB ListTables with ureq (blocking).
//!
//! ```text
//! cargo run -p sigv4-ureq --example ureq_dynamodb
//! ```

use sigv4_ureq::{SigV4Middleware, Signer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .unwrap_or_else(|_| format!("https://dynamodb.{region}.amazonaws.com"));
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .middleware(SigV4Middleware::new(
            Signer::builder("dynamodb", &region).build(),
        ))
        .build();
    let mut response = ureq::Agent::new_with_config(config)
        .post(&format!("{endpoint}/"))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .send("{}")?;
    println!(
        "{}\n{}",
        response.status(),
        response.body_mut().read_to_string()?
    );
    Ok(())
}
