//! `sigv4 sign`: deterministic signing without sending, to compare with any other signer.

use crate::common::{body_of, parse_headers, region_set, scope, RequestFlags};
use crate::Result;
use clap::Args;
use sigv4::{EnvironmentProvider, ProvideCredentials, Signer};
use sigv4_core::{Header, Payload, Timestamp};
use std::time::Duration;

#[derive(Args, Debug)]
pub(crate) struct SignArgs {
    #[command(flatten)]
    pub(crate) request: RequestFlags,
    /// The signing time, YYYYMMDDTHHMMSSZ (default: now).
    #[arg(long)]
    pub(crate) date: Option<String>,
    /// Sign in the query (a presigned URL) instead of headers.
    #[arg(long)]
    pub(crate) presign: bool,
    /// Seconds a presigned URL is valid.
    #[arg(long, default_value_t = 3600)]
    pub(crate) expires: u32,
    /// Print JSON: canonical_request, string_to_sign, signature, headers, url.
    #[arg(long)]
    pub(crate) json: bool,
}

pub(crate) fn sign(args: &SignArgs) -> Result<()> {
    let flags = &args.request;
    let (service, region) = scope(
        &flags.url,
        flags.service.as_deref(),
        flags.region.as_deref(),
    )?;
    let raw = parse_headers(&flags.headers)?;
    let signer = signer_at(
        &service,
        &region,
        flags,
        signing_time(args.date.as_deref())?,
    )?;
    let headers: Vec<Header<'_>> = raw.iter().map(|(n, v)| Header::new(n, v)).collect();
    let body = body_of(flags)?;
    let payload = if flags.unsigned_payload || (args.presign && service == "s3") {
        Payload::Unsigned
    } else {
        Payload::Bytes(&body)
    };
    let req = sigv4_core::Request::from_url(&flags.method, &flags.url, &headers, payload)
        .map_err(|e| format!("{}: {e}", flags.url))?;
    let expires = args
        .presign
        .then(|| Duration::from_secs(u64::from(args.expires)));
    let (canonical_request, string_to_sign) = signer
        .explain_unredacted(&req, expires)
        .map_err(|e| e.to_string())?;
    let outcome = match expires {
        Some(expires) => {
            let p = signer.presign(&req, expires).map_err(|e| e.to_string())?;
            Outcome {
                signature: p.signature().to_string(),
                headers: Vec::new(),
                url: Some(p.url().to_string()),
            }
        }
        None => {
            let s = signer.sign(&req).map_err(|e| e.to_string())?;
            // By name, as printed before (and as the JSON object orders them).
            let mut headers: Vec<(String, String)> = s
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect();
            headers.sort();
            Outcome {
                signature: s.signature().to_string(),
                headers,
                url: None,
            }
        }
    };
    print(args.json, &canonical_request, &string_to_sign, &outcome);
    Ok(())
}

/// What signing produced: the signature, and the headers added or the presigned URL.
struct Outcome {
    signature: String,
    headers: Vec<(String, String)>,
    url: Option<String>,
}

/// `--date`, or now.
fn signing_time(date: Option<&str>) -> Result<Timestamp> {
    match date {
        Some(d) => Timestamp::parse_amz_date(d).map_err(|e| format!("--date {d:?}: {e}")),
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?;
            Timestamp::from_unix(i64::try_from(now.as_secs()).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())
        }
    }
}

/// A signer on a clock stopped at `time`, with the environment's credentials.
fn signer_at(service: &str, region: &str, flags: &RequestFlags, time: Timestamp) -> Result<Signer> {
    let creds = EnvironmentProvider::new().provide().map_err(|e| {
        format!("{e} (sigv4 sign reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
    })?;
    let clock = sigv4::ManualClock::new(
        std::time::UNIX_EPOCH + Duration::from_secs(time.unix().unsigned_abs()),
    );
    let builder = Signer::builder(service, region)
        .credentials(creds)
        .clock(std::sync::Arc::new(clock));
    Ok(
        match region_set(flags.sigv4a, flags.region_set.as_deref()) {
            Some(set) => builder.sigv4a(set),
            None => builder,
        }
        .build(),
    )
}

/// The texts and the outcome, as JSON or for people.
fn print(json: bool, canonical_request: &str, string_to_sign: &str, outcome: &Outcome) {
    if json {
        let mut out = serde_json::Map::new();
        out.insert("canonical_request".into(), canonical_request.into());
        out.insert("string_to_sign".into(), string_to_sign.into());
        out.insert("signature".into(), outcome.signature.clone().into());
        let headers: serde_json::Map<String, serde_json::Value> = outcome
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        out.insert("headers".into(), headers.into());
        if let Some(u) = &outcome.url {
            out.insert("url".into(), u.clone().into());
        }
        println!("{}", serde_json::Value::Object(out));
        return;
    }
    println!("# canonical request\n{canonical_request}\n\n# string to sign\n{string_to_sign}\n");
    match &outcome.url {
        Some(u) => println!("# presigned URL\n{u}"),
        None => {
            println!("# headers");
            for (n, v) in &outcome.headers {
                println!("{n}: {v}");
            }
        }
    }
}
