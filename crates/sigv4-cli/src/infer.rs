//! Service and region from an AWS host name.

/// `(service, region)` of an AWS endpoint host (a port is ignored).
///
/// # Errors
/// A message naming the flags to pass when the host says neither.
pub(crate) fn infer(host: &str) -> Result<(String, String), String> {
    let host = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let fail = || {
        format!("cannot infer the service and region from {host:?}: pass --service and --region")
    };
    let (rest, china) = if let Some(r) = host.strip_suffix(".amazonaws.com.cn") {
        (r, true)
    } else if let Some(r) = host.strip_suffix(".amazonaws.com") {
        (r, false)
    } else if let Some(r) = host.strip_suffix(".on.aws") {
        (r, false)
    } else {
        return Err(fail());
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let region_at = labels.iter().position(|l| is_region(l));
    let global = if china { "cn-north-1" } else { "us-east-1" };

    // S3, in all its spellings.
    if let Some(i) = labels
        .iter()
        .position(|l| *l == "s3" || l.starts_with("s3-"))
    {
        let label = labels[i];
        let region = if let Some(r) = region_at {
            labels[r].to_string()
        } else if let Some(r) = label.strip_prefix("s3-").filter(|r| is_region(r)) {
            r.to_string() // legacy s3-eu-west-1
        } else if matches!(
            label,
            "s3-external-1" | "s3" | "s3-accelerate" | "s3-global"
        ) {
            // s3-global: a Multi-Region Access Point, signed with SigV4A (whose scope has
            // no region; this one only names the signer's home region).
            global.to_string()
        } else {
            return Err(fail());
        };
        return Ok(("s3".into(), region));
    }
    if host.ends_with(".on.aws") {
        if let (Some(_), Some(r)) = (labels.iter().position(|l| *l == "lambda-url"), region_at) {
            return Ok(("lambda".into(), labels[r].to_string()));
        }
        return Err(fail());
    }
    match region_at {
        // search-domain.eu-west-1.es.amazonaws.com: the service follows the region.
        Some(r) if r + 1 < labels.len() => Ok((labels[r + 1].to_string(), labels[r].to_string())),
        // dynamodb.us-east-1, abc.execute-api.eu-west-1, sts-fips.us-east-2
        Some(r) if r >= 1 => {
            let service = labels[r - 1].trim_end_matches("-fips");
            Ok((service.to_string(), labels[r].to_string()))
        }
        Some(_) => Err(fail()),
        None => match labels.as_slice() {
            // Global endpoints.
            [service] if GLOBAL.contains(service) => {
                Ok(((*service).to_string(), global.to_string()))
            }
            _ => Err(fail()),
        },
    }
}

const GLOBAL: [&str; 6] = [
    "sts",
    "iam",
    "route53",
    "cloudfront",
    "organizations",
    "globalaccelerator",
];

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-northwest-1`, `us-iso-east-1`.
fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let (first, last) = match (parts.first(), parts.last()) {
        (Some(f), Some(l)) => (f, l),
        _ => return false,
    };
    parts.len() >= 3
        && first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::infer;

    #[test]
    fn the_table() {
        let table = [
            ("s3.eu-west-1.amazonaws.com", "s3", "eu-west-1"),
            ("bucket.s3.amazonaws.com", "s3", "us-east-1"),
            ("s3.amazonaws.com", "s3", "us-east-1"),
            (
                "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com",
                "s3",
                "us-east-1",
            ),
            (
                "my.bucket.s3.eu-central-1.amazonaws.com",
                "s3",
                "eu-central-1",
            ),
            ("s3-eu-west-1.amazonaws.com", "s3", "eu-west-1"),
            (
                "bucket.s3-ap-southeast-2.amazonaws.com",
                "s3",
                "ap-southeast-2",
            ),
            ("s3.dualstack.us-west-2.amazonaws.com", "s3", "us-west-2"),
            (
                "bucket.s3.dualstack.eu-west-3.amazonaws.com",
                "s3",
                "eu-west-3",
            ),
            ("s3-fips.us-east-2.amazonaws.com", "s3", "us-east-2"),
            (
                "s3-fips.dualstack.us-gov-west-1.amazonaws.com",
                "s3",
                "us-gov-west-1",
            ),
            ("s3-external-1.amazonaws.com", "s3", "us-east-1"),
            ("s3.cn-north-1.amazonaws.com.cn", "s3", "cn-north-1"),
            (
                "search-logs-abc123.eu-west-1.es.amazonaws.com",
                "es",
                "eu-west-1",
            ),
            (
                "abc123.execute-api.us-west-2.amazonaws.com",
                "execute-api",
                "us-west-2",
            ),
            ("xyz.lambda-url.eu-north-1.on.aws", "lambda", "eu-north-1"),
            ("sts.amazonaws.com", "sts", "us-east-1"),
            ("iam.amazonaws.com", "iam", "us-east-1"),
            ("sts.eu-west-1.amazonaws.com", "sts", "eu-west-1"),
            ("dynamodb.us-east-1.amazonaws.com", "dynamodb", "us-east-1"),
            (
                "dynamodb.cn-northwest-1.amazonaws.com.cn",
                "dynamodb",
                "cn-northwest-1",
            ),
            (
                "dynamodb.us-gov-west-1.amazonaws.com",
                "dynamodb",
                "us-gov-west-1",
            ),
            ("sqs.ap-northeast-1.amazonaws.com", "sqs", "ap-northeast-1"),
            ("sts-fips.us-east-2.amazonaws.com", "sts", "us-east-2"),
            ("lambda.sa-east-1.amazonaws.com:443", "lambda", "sa-east-1"),
            ("iam.cn-north-1.amazonaws.com.cn", "iam", "cn-north-1"),
            ("kms.me-central-1.amazonaws.com", "kms", "me-central-1"),
        ];
        for (host, service, region) in table {
            assert_eq!(
                infer(host),
                Ok((service.to_string(), region.to_string())),
                "{host}"
            );
        }
    }

    #[test]
    fn what_cannot_be_inferred_says_which_flags() {
        for host in [
            "localhost",
            "127.0.0.1:9000",
            "minio.example.com",
            "amazonaws.com",
            "example.on.aws",
            "foo.bar.amazonaws.com",
        ] {
            let e = infer(host).unwrap_err();
            assert!(e.contains("--service and --region"), "{host}: {e}");
        }
    }
}
