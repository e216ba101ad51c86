//! `sigv4 presign`: a presigned URL.

use crate::common::{region_set, scope, signer, target};
use crate::Result;
use clap::Args;
use std::time::Duration;

#[derive(Args, Debug)]
pub(crate) struct PresignArgs {
    /// The URL.
    pub(crate) url: String,
    /// Seconds the URL is valid (1..=604800).
    #[arg(long, default_value_t = 3600)]
    pub(crate) expires: u64,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    pub(crate) method: String,
    /// A header the URL must be sent with, `Name: value`.
    #[arg(short = 'H', long = "header")]
    pub(crate) headers: Vec<String>,
    /// The service (inferred from the host when absent).
    #[arg(long)]
    pub(crate) service: Option<String>,
    /// The region (inferred from the host when absent).
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Sign with SigV4A (AWS4-ECDSA-P256-SHA256), as S3 Multi-Region Access Points need.
    #[arg(long)]
    pub(crate) sigv4a: bool,
    /// The SigV4A region set: `us-east-1,eu-west-1`, `us-*`, `*` (implies --sigv4a;
    /// default `*`).
    #[arg(long, value_name = "SET")]
    pub(crate) region_set: Option<String>,
    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long)]
    pub(crate) profile: Option<String>,
}

pub(crate) fn presign(args: &PresignArgs) -> Result<()> {
    let (service, region) = scope(&args.url, args.service.as_deref(), args.region.as_deref())?;
    let set = region_set(args.sigv4a, args.region_set.as_deref());
    let signer = signer(&service, &region, args.profile.as_deref(), set);
    let (uri, method, headers) = target(&args.url, &args.method, &args.headers)?;
    let url = signer
        .presign_http(&method, &uri, &headers, Duration::from_secs(args.expires))
        .map_err(|e| e.to_string())?;
    println!("{url}");
    Ok(())
}
