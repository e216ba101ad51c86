//! `sigv4 serve`: a local verifying endpoint on 127.0.0.1 (also what `sigv4 demo` signs
//! against).

use bytes::Bytes;
use clap::Args;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sigv4::ProvideCredentials;
use sigv4_hyper::{VerifiedIdentity, VerifyLayer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::time::SystemTime;
use tower::{Layer, ServiceExt};

#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    /// The port on 127.0.0.1; 0 picks a free one (the first line on stderr names it).
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
    /// Run as a server whose clock is SECS ahead of this machine's (negative: behind), in
    /// its verdicts and its `Date` header: to try a client's clock-skew correction.
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 0,
        allow_hyphen_values = true
    )]
    clock_offset: i64,
}

/// This machine's clock moved by a fixed offset: the clock `serve --clock-offset` runs on.
#[derive(Debug)]
struct OffsetClock(i64);

impl OffsetClock {
    fn at(&self, t: SystemTime) -> SystemTime {
        let d = std::time::Duration::from_secs(self.0.unsigned_abs());
        if self.0 >= 0 {
            t + d
        } else {
            t - d
        }
    }
}

impl sigv4::Clock for OffsetClock {
    fn now(&self) -> SystemTime {
        self.at(SystemTime::now())
    }
}

/// How `run` answers besides verifying.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// Answer CORS preflights; let any origin read answers.
    pub(crate) cors: bool,
    /// Seconds the server's clock is ahead (its `Date` header says so).
    pub(crate) clock_offset: i64,
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
/// answers preflights and lets any origin read the answers; with a clock offset, dates its
/// answers on that clock.
pub(crate) async fn run(listener: tokio::net::TcpListener, layer: VerifyLayer, options: Options) {
    let Options { cors, clock_offset } = options;
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
                if clock_offset != 0 {
                    let now = OffsetClock(clock_offset).at(SystemTime::now());
                    if let Some(date) = sigv4::core::Timestamp::from_unix(unix(now))
                        .ok()
                        .and_then(|t| http::HeaderValue::try_from(t.http_date().as_str()).ok())
                    {
                        resp.headers_mut().insert(http::header::DATE, date);
                    }
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

/// Seconds since the epoch (negative before it).
fn unix(t: SystemTime) -> i64 {
    match t.duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
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

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
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
    .record_canonical_request(true)
    .clock(std::sync::Arc::new(OffsetClock(args.clock_offset)));
    let rt = runtime()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", args.port))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        eprintln!(
            "sigv4: verifying requests for {ak} ({}, {}) on http://127.0.0.1:{port}{}",
            args.region,
            args.service,
            if args.cors { ", CORS open" } else { "" }
        );
        let options = Options {
            cors: args.cors,
            clock_offset: args.clock_offset,
        };
        run(listener, layer, options).await;
        Ok(())
    })
}
