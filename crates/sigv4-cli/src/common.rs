//! What the subcommands share: the request flags, headers, the scope, the body, the signer.

use crate::Result;
use clap::Args;
use sigv4::{ChainProvider, ProfileProvider, Signer};

/// What a request is made of.
#[derive(Args, Debug, Clone)]
pub(crate) struct RequestFlags {
    /// The URL.
    pub(crate) url: String,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    pub(crate) method: String,
    /// A header, `Name: value` (repeatable; repeated names are kept).
    #[arg(short = 'H', long = "header")]
    pub(crate) headers: Vec<String>,
    /// A body, as text.
    #[arg(short = 'd', long = "data", conflicts_with = "data_binary")]
    pub(crate) data: Option<String>,
    /// A body, as bytes; `@FILE` reads a file.
    #[arg(long = "data-binary")]
    pub(crate) data_binary: Option<String>,
    /// The service (inferred from the host when absent).
    #[arg(long)]
    pub(crate) service: Option<String>,
    /// The region (inferred from the host when absent).
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Sign the body as UNSIGNED-PAYLOAD.
    #[arg(long)]
    pub(crate) unsigned_payload: bool,
    /// Sign with SigV4A (AWS4-ECDSA-P256-SHA256), as S3 Multi-Region Access Points need.
    #[arg(long)]
    pub(crate) sigv4a: bool,
    /// The SigV4A region set: `us-east-1,eu-west-1`, `us-*`, `*` (implies --sigv4a;
    /// default `*`).
    #[arg(long, value_name = "SET")]
    pub(crate) region_set: Option<String>,
}

/// `Name: value` headers.
pub(crate) fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|h| {
            let (n, v) = h
                .split_once(':')
                .ok_or_else(|| format!("header {h:?} is not `Name: value`"))?;
            let name = n.trim();
            if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
                return Err(format!("header {h:?} has no valid name"));
            }
            Ok((name.to_string(), v.trim().to_string()))
        })
        .collect()
}

/// The URL, method and `-H` headers as `http` values, each error naming its input.
pub(crate) fn target(
    url: &str,
    method: &str,
    raw: &[String],
) -> Result<(http::Uri, http::Method, http::HeaderMap)> {
    let uri: http::Uri = url.parse().map_err(|e| format!("URL {url:?}: {e}"))?;
    let method: http::Method = method
        .parse()
        .map_err(|_| format!("method {method:?} is not valid"))?;
    let mut headers = http::HeaderMap::new();
    for (n, v) in parse_headers(raw)? {
        let name =
            http::HeaderName::try_from(n.as_str()).map_err(|e| format!("header {n:?}: {e}"))?;
        let value =
            http::HeaderValue::try_from(v.as_str()).map_err(|e| format!("header {n:?}: {e}"))?;
        headers.append(name, value);
    }
    Ok((uri, method, headers))
}

/// The service and region: as given, else inferred from the URL's host.
pub(crate) fn scope(
    url: &str,
    service: Option<&str>,
    region: Option<&str>,
) -> Result<(String, String)> {
    if let (Some(s), Some(r)) = (service, region) {
        return Ok((s.to_string(), r.to_string()));
    }
    let uri: http::Uri = url.parse().map_err(|e| format!("URL {url:?}: {e}"))?;
    let host = uri
        .host()
        .ok_or_else(|| format!("URL {url:?} has no host"))?;
    let (s, r) = crate::infer::infer(host)?;
    Ok((
        service.map_or(s, str::to_string),
        region.map_or(r, str::to_string),
    ))
}

pub(crate) fn body_of(flags: &RequestFlags) -> Result<Vec<u8>> {
    match (&flags.data, &flags.data_binary) {
        (Some(d), _) => Ok(d.clone().into_bytes()),
        (None, Some(b)) => match b.strip_prefix('@') {
            Some(path) => std::fs::read(path).map_err(|e| format!("--data-binary {path}: {e}")),
            None => Ok(b.clone().into_bytes()),
        },
        (None, None) => Ok(Vec::new()),
    }
}

pub(crate) fn signer(
    service: &str,
    region: &str,
    profile: Option<&str>,
    region_set: Option<&str>,
) -> Signer {
    let builder = Signer::builder(service, region);
    let builder = match region_set {
        Some(set) => builder.sigv4a(set),
        None => builder,
    };
    match profile {
        Some(p) => builder
            .credentials(ProfileProvider::new().profile(p))
            .build(),
        None => builder.credentials(ChainProvider::default_chain()).build(),
    }
}

/// The SigV4A region set the flags ask for: `--region-set`, or `*` with `--sigv4a`.
pub(crate) fn region_set(sigv4a: bool, set: Option<&str>) -> Option<&str> {
    set.or(sigv4a.then_some("*"))
}
