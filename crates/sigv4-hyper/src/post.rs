//! S3 POST uploads (browser forms) for [`VerifyLayer`](crate::VerifyLayer): a
//! `multipart/form-data` POST authenticated by its signed policy instead of a request
//! signature. The policy's signature, its expiry and every condition are checked as S3
//! checks them; the file part is handed on as the body.

use crate::verify::Rejection;
use bytes::Bytes;
use http::StatusCode;
use sigv4_core::{SigningKey, Timestamp};

/// What a verified form upload said, put into the request's extensions for the inner
/// service (whose body is the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPost {
    /// The access key id of `x-amz-credential`.
    pub access_key_id: String,
    /// `date/region/service/aws4_request`.
    pub scope: String,
    /// The object key, `${filename}` replaced by the file's name.
    pub key: String,
    /// The file's name, as the browser sent it.
    pub filename: Option<String>,
    /// Every form field but the file, in order (names as sent).
    pub fields: Vec<(String, String)>,
}

/// One part of a `multipart/form-data` body.
struct Part<'a> {
    name: String,
    filename: Option<String>,
    data: &'a [u8],
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// The `boundary` parameter of a `multipart/form-data` content type.
pub(crate) fn boundary(content_type: &str) -> Option<&str> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"'))
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// The parts of a multipart body, up to the file (S3 ignores what follows it).
fn parts<'a>(body: &'a [u8], boundary: &str) -> Option<Vec<Part<'a>>> {
    let delimiter = format!("--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    let mut out = Vec::new();
    loop {
        if body.get(at..at + 2)? == b"--" {
            return Some(out);
        }
        at = find(body, b"\r\n", at)? + 2;
        let head_end = find(body, b"\r\n\r\n", at)?;
        let head = std::str::from_utf8(&body[at..head_end]).ok()?;
        let data_start = head_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), data_start)?;
        let (mut name, mut filename) = (None, None);
        for line in head.split("\r\n") {
            let Some((h, v)) = line.split_once(':') else {
                continue;
            };
            if !h.trim().eq_ignore_ascii_case("content-disposition") {
                continue;
            }
            for param in v.split(';').skip(1) {
                let Some((k, v)) = param.split_once('=') else {
                    continue;
                };
                let v = v.trim().trim_matches('"').to_string();
                match k.trim().to_ascii_lowercase().as_str() {
                    "name" => name = Some(v),
                    "filename" => filename = Some(v),
                    _ => {}
                }
            }
        }
        let part = Part {
            name: name?,
            filename,
            data: &body[data_start..next],
        };
        let is_file = part.name.eq_ignore_ascii_case("file");
        out.push(part);
        if is_file {
            return Some(out);
        }
        at = next + 2 + delimiter.len();
    }
}

fn denied(message: &str) -> Rejection {
    Rejection::new(StatusCode::FORBIDDEN, "AccessDenied", message)
}

fn invalid(message: &str) -> Rejection {
    Rejection::new(StatusCode::BAD_REQUEST, "InvalidArgument", message)
}

/// Standard base64, padded.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let bytes = text.trim().as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for quad in bytes.chunks_exact(4) {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || quad[..4 - pad].contains(&b'=') {
            return None;
        }
        let mut n = 0u32;
        for &c in &quad[..4 - pad] {
            n = n << 6 | value(c)?;
        }
        n <<= 6 * u32::try_from(pad).ok()?;
        let three = n.to_be_bytes();
        out.extend_from_slice(&three[1..4 - pad]);
    }
    Some(out)
}

/// What the layer needs to check a form.
pub(crate) struct PostCheck<'a> {
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
    pub(crate) now: Timestamp,
    /// The bucket the request was sent to (the host's first label, or the path's first
    /// segment).
    pub(crate) bucket: &'a str,
    pub(crate) secret: &'a dyn Fn(&str) -> Option<zeroize::Zeroizing<String>>,
}

/// Checks a form upload: its signature, expiry and conditions. Returns what it said and the
/// file.
pub(crate) fn check(
    ctx: &PostCheck<'_>,
    body: &[u8],
    boundary: &str,
) -> Result<(VerifiedPost, Bytes), Rejection> {
    let parts = parts(body, boundary).ok_or_else(|| {
        invalid("the multipart/form-data body could not be read (boundaries, part headers)")
    })?;
    let Some(file) = parts.iter().find(|p| p.name.eq_ignore_ascii_case("file")) else {
        return Err(invalid("POST requires exactly one file upload per request"));
    };
    let mut fields = Vec::new();
    for p in parts
        .iter()
        .filter(|p| !p.name.eq_ignore_ascii_case("file"))
    {
        let value = std::str::from_utf8(p.data)
            .map_err(|_| invalid(&format!("form field {} is not UTF-8", p.name)))?;
        fields.push((p.name.clone(), value.to_string()));
    }
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let required =
        |name: &str| field(name).ok_or_else(|| invalid(&format!("the form has no {name} field")));
    let (policy, signature) = (required("policy")?, required("x-amz-signature")?);
    if required("x-amz-algorithm")? != sigv4_core::ALGORITHM {
        return Err(invalid("x-amz-algorithm must be AWS4-HMAC-SHA256"));
    }
    let credential = required("x-amz-credential")?;
    let amz_date = required("x-amz-date")?;
    let (access_key_id, scope) = credential
        .split_once('/')
        .ok_or_else(|| invalid("x-amz-credential is not access-key-id/scope"))?;
    let time = Timestamp::parse_amz_date(amz_date)
        .map_err(|_| invalid("x-amz-date is not YYYYMMDD'T'HHMMSS'Z'"))?;
    let expected_scope = format!(
        "{}/{}/{}/aws4_request",
        time.date_stamp().as_str(),
        ctx.region,
        ctx.service
    );
    if scope != expected_scope {
        return Err(invalid(&format!(
            "x-amz-credential's scope {scope:?} is not {expected_scope:?}"
        )));
    }
    let secret = (ctx.secret)(access_key_id).ok_or_else(|| {
        Rejection::new(
            StatusCode::FORBIDDEN,
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records.",
        )
    })?;
    let key =
        SigningKey::derive(&secret, time, ctx.region, ctx.service).map_err(Rejection::from_core)?;
    if !sigv4_core::verify_post_policy(policy, signature, &key) {
        return Err(Rejection::new(
            StatusCode::FORBIDDEN,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
        ));
    }
    let document = base64_decode(policy)
        .and_then(|d| serde_json::from_slice::<serde_json::Value>(&d).ok())
        .ok_or_else(|| invalid("the policy is not base64 of a JSON document"))?;
    let filename = file.filename.clone();
    let key_field = required("key")?;
    let object_key = key_field.replace("${filename}", filename.as_deref().unwrap_or(""));
    check_policy(ctx, &document, &fields, &object_key, file.data.len() as u64)?;
    let post = VerifiedPost {
        access_key_id: access_key_id.to_string(),
        scope: scope.to_string(),
        key: object_key,
        filename,
        fields,
    };
    Ok((post, Bytes::copy_from_slice(file.data)))
}

/// The policy's expiry and conditions against the form, as S3 applies them.
fn check_policy(
    ctx: &PostCheck<'_>,
    document: &serde_json::Value,
    fields: &[(String, String)],
    object_key: &str,
    file_len: u64,
) -> Result<(), Rejection> {
    let expiration = document["expiration"]
        .as_str()
        .and_then(|e| Timestamp::parse_iso8601(e).ok())
        .ok_or_else(|| invalid("the policy has no valid expiration"))?;
    if ctx.now.unix() > expiration.unix() {
        return Err(denied("Invalid according to Policy: Policy expired."));
    }
    let conditions = document["conditions"]
        .as_array()
        .ok_or_else(|| invalid("the policy has no conditions"))?;
    // The value a condition is checked against: the bucket from the request, the key with
    // its file name, every other field from the form (absent: empty).
    let value_of = |name: &str| -> String {
        let name = name.strip_prefix('$').unwrap_or(name);
        if name.eq_ignore_ascii_case("bucket") {
            return ctx.bucket.to_string();
        }
        if name.eq_ignore_ascii_case("key") {
            return object_key.to_string();
        }
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let failed = |c: &serde_json::Value| {
        denied(&format!(
            "Invalid according to Policy: Policy Condition failed: {c}"
        ))
    };
    let mut covered: Vec<String> = Vec::new();
    for c in conditions {
        match c {
            serde_json::Value::Object(map) => {
                for (name, want) in map {
                    covered.push(name.to_ascii_lowercase());
                    if want.as_str() != Some(value_of(name).as_str()) {
                        return Err(failed(c));
                    }
                }
            }
            serde_json::Value::Array(items) => {
                let op = items.first().and_then(serde_json::Value::as_str);
                match (op, items.len()) {
                    (Some("content-length-range"), 3) => {
                        let (min, max) = (items[1].as_u64(), items[2].as_u64());
                        let (Some(min), Some(max)) = (min, max) else {
                            return Err(invalid("content-length-range needs two numbers"));
                        };
                        if file_len > max {
                            return Err(Rejection::new(
                                StatusCode::BAD_REQUEST,
                                "EntityTooLarge",
                                "Your proposed upload exceeds the maximum allowed size",
                            ));
                        }
                        if file_len < min {
                            return Err(Rejection::new(
                                StatusCode::BAD_REQUEST,
                                "EntityTooSmall",
                                "Your proposed upload is smaller than the minimum allowed size",
                            ));
                        }
                    }
                    (Some(op @ ("eq" | "starts-with")), 3) => {
                        let (Some(name), Some(want)) = (items[1].as_str(), items[2].as_str())
                        else {
                            return Err(invalid(&format!("malformed policy condition {c}")));
                        };
                        covered.push(name.trim_start_matches('$').to_ascii_lowercase());
                        let have = value_of(name);
                        let ok = if op == "eq" {
                            have == want
                        } else {
                            have.starts_with(want)
                        };
                        if !ok {
                            return Err(failed(c));
                        }
                    }
                    _ => return Err(invalid(&format!("unknown policy condition {c}"))),
                }
            }
            _ => return Err(invalid(&format!("malformed policy condition {c}"))),
        }
    }
    // Every field the form carries must be one a condition names (S3's rule), but for the
    // signature fields themselves and `x-ignore-*`.
    let exempt =
        |n: &str| matches!(n, "policy" | "x-amz-signature" | "file") || n.starts_with("x-ignore-");
    for (name, _) in fields {
        let n = name.to_ascii_lowercase();
        if !exempt(&n) && !covered.contains(&n) {
            return Err(denied(&format!(
                "Invalid according to Policy: Extra input fields: {name}"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_what_the_core_encodes() {
        for text in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "ü☃ multi-byte",
        ] {
            let mut buf = vec![0u8; sigv4_core::base64_len(text.len())];
            let n = sigv4_core::base64_encode(text.as_bytes(), &mut buf).unwrap();
            let encoded = std::str::from_utf8(&buf[..n]).unwrap();
            assert_eq!(base64_decode(encoded).unwrap(), text.as_bytes(), "{text:?}");
        }
        assert!(base64_decode("Zm9v=").is_none());
        assert!(base64_decode("Zm=v").is_none());
    }

    #[test]
    fn multipart_parts_up_to_the_file() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/${filename}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nline 1\r\nline 2\r\n--XyZ\r\nContent-Disposition: form-data; name=\"after\"\r\n\r\nignored\r\n--XyZ--\r\n";
        let parts = parts(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "key");
        assert_eq!(parts[0].data, b"uploads/${filename}");
        assert_eq!(parts[1].filename.as_deref(), Some("a.txt"));
        assert_eq!(parts[1].data, b"line 1\r\nline 2");
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\""),
            Some("XyZ")
        );
        assert_eq!(boundary("application/json"), None);
    }
}
