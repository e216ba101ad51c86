//! Signs a request with the core alone and prints what was signed and the headers to send.
//!
//! ```text
//! cargo run -p sigv4-core --example sign -- [METHOD] [URL] [BODY]
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`, or the AWS documentation's example keys when unset; the time from
//! `SIGV4_DATE` (`YYYYMMDDTHHMMSSZ`) or the clock. Nothing is sent.

use sigv4_core::{
    canonical_request, presign, sign, string_to_sign, Header, Location, Payload, Request, Settings,
    SigningKey, SigningParams, Timestamp,
};
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let method = args.next().unwrap_or_else(|| "GET".into());
    let url = args.next().unwrap_or_else(|| {
        "https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x".into()
    });
    let body = args.next().unwrap_or_default();

    let env = |k: &str, default: &str| std::env::var(k).unwrap_or_else(|_| default.to_string());
    let access_key_id = env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    let secret = env(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let token = std::env::var("AWS_SESSION_TOKEN").ok();
    let time = match std::env::var("SIGV4_DATE") {
        Ok(date) => Timestamp::parse(&date)?,
        Err(_) => Timestamp::from_unix(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_secs()
                .try_into()?,
        )?,
    };

    let s3 = url.contains(".s3.") || url.contains("//s3.");
    let (service, region) = if s3 {
        ("s3", "us-east-1")
    } else {
        ("execute-api", "us-east-1")
    };
    let key = SigningKey::derive(&secret, time, region, service)?;
    let params = SigningParams {
        access_key_id: &access_key_id,
        session_token: token.as_deref(),
        key: &key,
        time,
        settings: if s3 {
            Settings::s3()
        } else {
            Settings::service()
        },
    };
    let headers = [Header::new("user-agent", "sigv4-example/0.1")];
    let req = Request::from_url(&method, &url, &headers, Payload::Bytes(body.as_bytes()))?;

    let mut text = String::new();
    canonical_request(&req, &params, Location::Headers, &mut text)?;
    println!("# canonical request\n{text}\n");
    text.clear();
    string_to_sign(&req, &params, Location::Headers, &mut text)?;
    println!("# string to sign\n{text}\n");
    println!("# headers to send");
    for (name, value) in sign(&req, &params)?.headers() {
        println!("{name}: {value}");
    }
    let unsigned = Request {
        payload: Payload::Unsigned,
        ..req
    };
    let query = presign(&unsigned, &params, 3600)?;
    println!("\n# presigned for an hour\n{}", query.url(&unsigned));
    Ok(())
}
