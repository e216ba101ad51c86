//! `sigv4 demo`: a verifying endpoint on 127.0.0.1, and requests to it signed through
//! reqwest, hyper and ureq, a presigned URL, and a tampered one.

use crate::serve::{run, runtime, Options};
use crate::Result;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use sigv4::{Credentials, Signer};
use sigv4_hyper::VerifyLayer;
use std::collections::HashMap;
use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;
use tower::{Layer, ServiceExt};

const DEMO_AK: &str = "AKIDDEMO";
const DEMO_SK: &str = "demo/secret/key+ONLY-LOCAL";

/// One row of the demo's table.
struct Row {
    client: &'static str,
    request: String,
    status: u16,
    verdict: String,
    expected: u16,
}

pub(crate) fn demo() -> Result<ExitCode> {
    let rt = runtime()?;
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let layer = VerifyLayer::new(
        "us-east-1",
        "execute-api",
        HashMap::from([(DEMO_AK.to_string(), DEMO_SK.to_string())]),
    );
    rt.spawn(run(listener, layer, Options::default()));
    let base = format!("http://127.0.0.1:{port}");
    println!(
        "sigv4 demo: a verifying endpoint on {base} (service execute-api, region us-east-1)\n"
    );
    let signer = Signer::builder("execute-api", "us-east-1")
        .credentials(Credentials::new(DEMO_AK, DEMO_SK))
        .build();
    let mut rows = vec![
        rt.block_on(with_reqwest(&signer, &base))?,
        rt.block_on(with_hyper(&signer, &base))?,
        with_ureq(&signer, &base)?,
    ];
    rows.extend(presigned(&signer, &base)?);
    Ok(print_table(&rows))
}

/// reqwest, through the middleware.
async fn with_reqwest(signer: &Signer, base: &str) -> Result<Row> {
    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(sigv4_reqwest::SigV4Middleware::new(signer.clone()))
        .build();
    let r = client
        .get(format!("{base}/items/caf%C3%A9?b=2&a=1"))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let body = r.text().await.map_err(|e| e.to_string())?;
    Ok(row(
        "reqwest",
        "GET /items/café?b=2&a=1",
        status,
        &body,
        200,
    ))
}

/// hyper, through SignLayer over a hyper-util client.
async fn with_hyper(signer: &Signer, base: &str) -> Result<Row> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let svc = sigv4_hyper::SignLayer::new(signer.clone()).layer(client);
    let req = http::Request::post(format!("{base}/items"))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(b"{\"name\": \"demo\"}")))
        .map_err(|e| e.to_string())?;
    let r = svc.oneshot(req).await.map_err(|e| e.to_string())?;
    let status = r.status().as_u16();
    let body = r
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let body = String::from_utf8_lossy(&body);
    Ok(row("hyper", "POST /items (JSON body)", status, &body, 200))
}

/// ureq, through the agent middleware.
fn with_ureq(signer: &Signer, base: &str) -> Result<Row> {
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .middleware(sigv4_ureq::SigV4Middleware::new(signer.clone()))
            .build(),
    );
    let (status, body) = ureq_text(agent.put(&format!("{base}/items/42")).send("updated"))?;
    Ok(row("ureq", "PUT /items/42", status, &body, 200))
}

/// A presigned URL fetched with no signing at all, then the same URL with one signature
/// digit changed.
fn presigned(signer: &Signer, base: &str) -> Result<[Row; 2]> {
    let plain = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let uri: http::Uri = format!("{base}/reports/today?format=csv")
        .parse()
        .map_err(|e: http::uri::InvalidUri| e.to_string())?;
    let url = signer
        .presign_http(
            &http::Method::GET,
            &uri,
            &http::HeaderMap::new(),
            Duration::from_secs(300),
        )
        .map_err(|e| e.to_string())?
        .to_string();
    let (status, body) = ureq_text(plain.get(&url).call())?;
    let fetched = row(
        "presigned URL",
        "GET /reports/today?format=csv",
        status,
        &body,
        200,
    );
    let mut tampered = url;
    let last = tampered.pop().unwrap_or('0');
    tampered.push(if last == '0' { '1' } else { '0' });
    let (status, body) = ureq_text(plain.get(&tampered).call())?;
    let refused = row(
        "tampered URL",
        "same, one signature digit changed",
        status,
        &body,
        403,
    );
    Ok([fetched, refused])
}

/// Prints the rows and says whether each came out as expected.
fn print_table(rows: &[Row]) -> ExitCode {
    println!(
        "{:<3} {:<14} {:<34} {:<7} verdict",
        "#", "client", "request", "status"
    );
    let mut all_as_expected = true;
    for (i, r) in rows.iter().enumerate() {
        let ok = r.status == r.expected;
        all_as_expected &= ok;
        println!(
            "{:<3} {:<14} {:<34} {:<7} {}{}",
            i + 1,
            r.client,
            r.request,
            r.status,
            r.verdict,
            if ok { "" } else { "  (unexpected)" }
        );
    }
    println!();
    if all_as_expected {
        println!("every signed request was accepted and the tampered one refused");
        ExitCode::SUCCESS
    } else {
        println!("something was not as expected");
        ExitCode::FAILURE
    }
}

fn ureq_text(
    result: std::result::Result<http::Response<ureq::Body>, ureq::Error>,
) -> Result<(u16, String)> {
    let mut r = result.map_err(|e| e.to_string())?;
    let mut text = String::new();
    r.body_mut()
        .as_reader()
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    Ok((r.status().as_u16(), text))
}

fn row(client: &'static str, request: &str, status: u16, body: &str, expected: u16) -> Row {
    let verdict = if status == 200 {
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        let signed = json["signed_headers"].as_array().map(|a| {
            a.iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(";")
        });
        format!("verified, signed {}", signed.unwrap_or_default())
    } else {
        let code = body
            .split("<Code>")
            .nth(1)
            .and_then(|s| s.split("</Code>").next())
            .unwrap_or("?");
        format!("refused: {code}")
    };
    Row {
        client,
        request: request.to_string(),
        status,
        verdict,
        expected,
    }
}
