//! `sigv4 serve`, a local verifying endpoint, and `sigv4 demo`, which signs requests to one
//! through every adapter.

use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sigv4::{Credentials, ProvideCredentials, Signer};
use sigv4_hyper::{VerifiedIdentity, VerifyLayer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::io::Read;
use std::process::ExitCode;
use std::time::Duration;
use tower::{Layer, ServiceExt};

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    /// The port on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// The access key id accepted (default: your credentials').
    #[arg(long, requires = "secret_key")]
    access_key: Option<String>,
    /// Its secret.
    #[arg(long, requires = "access_key")]
    secret_key: Option<String>,
    /// The service requests must be scoped to.
    #[arg(long, default_value = "execute-api")]
    service: String,
    /// The region requests must be scoped to.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Answer CORS preflights and allow every origin, so that a page in a browser (served
    /// from another port) can send signed `fetch` calls here.
    #[arg(long)]
    cors: bool,
}

type Result<T> = std::result::Result<T, String>;

/// Answers what was verified, as JSON.
async fn answer<B>(
    req: http::Request<sigv4_hyper::VerifiedBody<B>>,
) -> std::result::Result<http::Response<Full<Bytes>>, Infallible>
where
    sigv4_hyper::VerifiedBody<B>: http_body::Body<Data = Bytes>,
{
    let identity = req.extensions().get::<VerifiedIdentity>().cloned();
    let (method, path) = (req.method().to_string(), req.uri().to_string());
    let body_ok = req.into_body().collect().await.is_ok();
    let json = serde_json::json!({
        "verified": true,
        "method": method,
        "target": path,
        "body_matches_signature": body_ok,
        "access_key_id": identity.as_ref().map(|i| i.access_key_id.clone()),
        "scope": identity.as_ref().map(|i| i.scope.clone()),
        "signed_headers": identity.as_ref().map(|i| i.signed_headers.clone()),
        "payload_signed": identity.as_ref().map(|i| i.payload_signed),
        "canonical_request": identity.and_then(|i| i.canonical_request),
    });
    let mut resp = http::Response::new(Full::new(Bytes::from(format!("{json:#}\n"))));
    resp.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    Ok(resp)
}

/// Serves the verifying endpoint on `listener` until the runtime stops; with `cors`, also
/// answers preflights and lets any origin read the answers.
async fn run(listener: tokio::net::TcpListener, layer: VerifyLayer, cors: bool) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let verifying = layer.layer(tower::service_fn(answer::<hyper::body::Incoming>));
        let service = tower::service_fn(move |req: http::Request<hyper::body::Incoming>| {
            let verifying = verifying.clone();
            async move {
                if cors && is_preflight(&req) {
                    return Ok(preflight(&req));
                }
                let mut resp = verifying.oneshot(req).await?;
                if cors {
                    allow_origin(resp.headers_mut());
                }
                Ok::<_, Infallible>(resp)
            }
        });
        tokio::spawn(async move {
            let service = hyper_util::service::TowerToHyperService::new(service);
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// A CORS preflight: `OPTIONS` with `Access-Control-Request-Method`.
fn is_preflight<B>(req: &http::Request<B>) -> bool {
    req.method() == http::Method::OPTIONS
        && req
            .headers()
            .contains_key(http::header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// Allows the method and headers asked for, from any origin, for ten minutes.
fn preflight<B, R>(req: &http::Request<B>) -> sigv4_hyper::VerifyResponse<R> {
    use http::header::{
        ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_MAX_AGE,
        ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD,
    };
    let mut resp = http::Response::new(http_body_util::Either::Left(Full::default()));
    *resp.status_mut() = http::StatusCode::NO_CONTENT;
    let asked = |name| req.headers().get(name).cloned();
    let h = resp.headers_mut();
    allow_origin(h);
    if let Some(m) = asked(ACCESS_CONTROL_REQUEST_METHOD) {
        h.insert(ACCESS_CONTROL_ALLOW_METHODS, m);
    }
    if let Some(names) = asked(ACCESS_CONTROL_REQUEST_HEADERS) {
        h.insert(ACCESS_CONTROL_ALLOW_HEADERS, names);
    }
    h.insert(
        ACCESS_CONTROL_MAX_AGE,
        http::HeaderValue::from_static("600"),
    );
    resp
}

fn allow_origin(h: &mut http::HeaderMap) {
    h.insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        http::HeaderValue::from_static("*"),
    );
    h.insert(
        http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
        http::HeaderValue::from_static("*"),
    );
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())
}

pub(crate) fn serve(args: &ServeArgs) -> Result<()> {
    let (ak, sk) = match (&args.access_key, &args.secret_key) {
        (Some(a), Some(s)) => (a.clone(), s.clone()),
        _ => {
            let creds = sigv4::ChainProvider::default_chain()
                .provide()
                .map_err(|e| format!("{e} (or pass --access-key and --secret-key)"))?;
            (
                creds.access_key_id().to_string(),
                creds.secret_access_key().to_string(),
            )
        }
    };
    let layer = VerifyLayer::new(
        &args.region,
        &args.service,
        HashMap::from([(ak.clone(), sk)]),
    )
    .allow_unsigned_payload(true)
    .record_canonical_request(true);
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
        eprintln!(
            "sigv4: verifying requests for {ak} ({}, {}) on http://127.0.0.1:{}{}",
            args.region,
            args.service,
            args.port,
            if args.cors { ", CORS open" } else { "" }
        );
        run(listener, layer, args.cors).await;
        Ok(())
    })
}

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
    rt.spawn(run(listener, layer, false));
    let base = format!("http://127.0.0.1:{port}");
    println!(
        "sigv4 demo: a verifying endpoint on {base} (service execute-api, region us-east-1)\n"
    );
    let signer = Signer::builder("execute-api", "us-east-1")
        .credentials(Credentials::new(DEMO_AK, DEMO_SK))
        .build();
    let mut rows = Vec::new();

    // reqwest, through the middleware.
    let (status, body) = rt.block_on(async {
        let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(sigv4_reqwest::SigV4Middleware::new(signer.clone()))
            .build();
        let r = client
            .get(format!("{base}/items/caf%C3%A9?b=2&a=1"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok::<_, String>((
            r.status().as_u16(),
            r.text().await.map_err(|e| e.to_string())?,
        ))
    })?;
    rows.push(row(
        "reqwest",
        "GET /items/café?b=2&a=1",
        status,
        &body,
        200,
    ));

    // hyper, through SignLayer over a hyper-util client.
    let (status, body) = rt.block_on(async {
        let client =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
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
        Ok::<_, String>((status, String::from_utf8_lossy(&body).into_owned()))
    })?;
    rows.push(row("hyper", "POST /items (JSON body)", status, &body, 200));

    // ureq, through the agent middleware.
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .middleware(sigv4_ureq::SigV4Middleware::new(signer.clone()))
            .build(),
    );
    let (status, body) = ureq_text(agent.put(&format!("{base}/items/42")).send("updated"))?;
    rows.push(row("ureq", "PUT /items/42", status, &body, 200));

    // A presigned URL, fetched with no signing at all.
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
        .map_err(|e| e.to_string())?;
    let (status, body) = ureq_text(plain.get(&url.to_string()).call())?;
    rows.push(row(
        "presigned URL",
        "GET /reports/today?format=csv",
        status,
        &body,
        200,
    ));

    // The same URL with one signature digit changed.
    let mut tampered = url.to_string();
    let last = tampered.pop().unwrap_or('0');
    tampered.push(if last == '0' { '1' } else { '0' });
    let (status, body) = ureq_text(plain.get(&tampered).call())?;
    rows.push(row(
        "tampered URL",
        "same, one signature digit changed",
        status,
        &body,
        403,
    ));

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
        Ok(ExitCode::SUCCESS)
    } else {
        println!("something was not as expected");
        Ok(ExitCode::FAILURE)
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
