//! `sigv4 presign-post`: the fields of an HTML form that uploads straight to a bucket (an S3
//! POST policy), as JSON or as a ready page.

use crate::common::{scope, signer};
use crate::Result;
use clap::Args;
use sigv4::post::PostPolicy;
use std::time::Duration;

#[derive(Args, Debug)]
pub(crate) struct PresignPostArgs {
    /// The bucket's endpoint: `https://BUCKET.s3.REGION.amazonaws.com/`, or path-style
    /// `http://HOST/BUCKET`.
    url: String,
    /// Uploads go under this key prefix, the file keeping its name (`${filename}`).
    #[arg(long, conflicts_with = "key", required_unless_present = "key")]
    key_prefix: Option<String>,
    /// Uploads go to exactly this key.
    #[arg(long)]
    key: Option<String>,
    /// The largest file accepted, in bytes.
    #[arg(long)]
    max_size: u64,
    /// The smallest file accepted, in bytes.
    #[arg(long, default_value_t = 0)]
    min_size: u64,
    /// The stored object's Content-Type.
    #[arg(long)]
    content_type: Option<String>,
    /// Seconds the form is valid.
    #[arg(long, default_value_t = 3600)]
    expires: u64,
    /// The status S3 answers an upload with (200, 201 or 204).
    #[arg(long)]
    success_status: Option<u16>,
    /// The object's canned ACL.
    #[arg(long)]
    acl: Option<String>,
    /// The bucket (default: from the URL).
    #[arg(long)]
    bucket: Option<String>,
    /// The region (inferred from the host when absent).
    #[arg(long)]
    region: Option<String>,
    /// Print a ready HTML upload page instead of JSON.
    #[arg(long)]
    html: bool,
    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long)]
    profile: Option<String>,
}

pub(crate) fn presign_post(args: &PresignPostArgs) -> Result<()> {
    let (_, region) = scope(&args.url, Some("s3"), args.region.as_deref())?;
    let bucket = match &args.bucket {
        Some(b) => b.clone(),
        None => bucket_of(&args.url)?,
    };
    if args.min_size > args.max_size {
        return Err(format!(
            "--min-size {} is more than --max-size {}",
            args.min_size, args.max_size
        ));
    }
    let mut policy = match (&args.key, &args.key_prefix) {
        (Some(key), _) => PostPolicy::new(&bucket, key.as_str()),
        (None, prefix) => PostPolicy::key_prefix(&bucket, prefix.as_deref().unwrap_or_default()),
    }
    .expires_in(Duration::from_secs(args.expires))
    .content_length_range(args.min_size, args.max_size);
    if let Some(t) = &args.content_type {
        policy = policy.content_type(t.as_str());
    }
    if let Some(status) = args.success_status {
        policy = policy.success_action_status(status);
    }
    if let Some(acl) = &args.acl {
        policy = policy.acl(acl.as_str());
    }
    let form = signer("s3", &region, args.profile.as_deref(), None)
        .presign_post(&args.url, &policy)
        .map_err(|e| e.to_string())?;
    if args.html {
        print!("{}", form.html());
    } else {
        let fields: serde_json::Map<String, serde_json::Value> = form
            .fields()
            .iter()
            .map(|(n, v)| (n.clone(), v.clone().into()))
            .collect();
        let json = serde_json::json!({ "url": form.url(), "fields": fields });
        println!("{json:#}");
    }
    Ok(())
}

/// The bucket of a virtual-hosted (`BUCKET.s3...`) or path-style (`HOST/BUCKET`) URL.
fn bucket_of(url: &str) -> Result<String> {
    let uri: http::Uri = url.parse().map_err(|e| format!("URL {url:?}: {e}"))?;
    let host = uri.host().unwrap_or_default();
    if let Some((bucket, _)) = host.split_once(".s3.").or_else(|| host.split_once(".s3-")) {
        return Ok(bucket.to_string());
    }
    uri.path()
        .split('/')
        .find(|s| !s.is_empty())
        .map(str::to_string)
        .ok_or_else(|| format!("no bucket in {url:?}: pass --bucket"))
}

#[cfg(test)]
mod tests {
    use super::bucket_of;

    #[test]
    fn buckets_come_from_the_host_or_the_path() {
        assert_eq!(
            bucket_of("https://my-bucket.s3.eu-west-1.amazonaws.com/").unwrap(),
            "my-bucket"
        );
        assert_eq!(
            bucket_of("https://my.bucket.s3-us-west-2.amazonaws.com").unwrap(),
            "my.bucket"
        );
        assert_eq!(
            bucket_of("http://127.0.0.1:9000/uploads-bucket").unwrap(),
            "uploads-bucket"
        );
        assert!(bucket_of("https://s3.amazonaws.com/").is_err());
    }
}
