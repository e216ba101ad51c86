//! S3 POST policies: the fields of an HTML form that uploads straight from a browser to a
//! bucket, within the conditions the policy sets.
//!
//! ```
//! use sigv4::post::PostPolicy;
//! use sigv4::{Credentials, Signer};
//! use std::time::Duration;
//!
//! let signer = Signer::builder("s3", "us-east-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
//!     .build();
//! let policy = PostPolicy::key_prefix("examplebucket", "uploads/")
//!     .expires_in(Duration::from_secs(600))
//!     .content_length_range(1, 10 << 20)
//!     .success_action_status(201);
//! let form = signer.presign_post("https://examplebucket.s3.amazonaws.com/", &policy)?;
//! assert_eq!(form.field("key"), Some("uploads/${filename}"));
//! assert!(form.field("x-amz-signature").is_some());
//! let page = form.html(); // a ready upload form
//! # assert!(page.contains("multipart/form-data"));
//! # Ok::<(), sigv4::Error>(())
//! ```

use crate::{Error, Signer};
use sigv4_core::{sign_post_policy, Timestamp};
use std::fmt::Write as _;
use std::time::Duration;

/// One condition of a POST policy.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// `{"field": "value"}`: the form's field must equal the value.
    Equals(String, String),
    /// `["starts-with", "$field", "prefix"]`: the field must start with the prefix (an
    /// empty prefix allows any value).
    StartsWith(String, String),
    /// `["content-length-range", min, max]`: the file's size in bytes.
    ContentLengthRange(u64, u64),
}

/// What a browser form upload may do: the bucket, the key (exact or a prefix), how long the
/// form is valid, and the conditions on its fields.
///
/// The document lists the conditions in the order they were added, then the bucket, the
/// key, and the signing fields, as botocore's `generate_presigned_post` does.
#[derive(Debug, Clone)]
pub struct PostPolicy {
    bucket: String,
    key: String,
    expires_in: Duration,
    conditions: Vec<Condition>,
    fields: Vec<(String, String)>,
}

/// The `${filename}` placeholder S3 replaces with the uploaded file's name.
const FILENAME: &str = "${filename}";

impl PostPolicy {
    /// A form that uploads to `key` in `bucket`. A key ending in `${filename}` allows any
    /// key starting with what precedes it (S3 puts the file's name there).
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            key: key.into(),
            expires_in: Duration::from_secs(3600),
            conditions: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// A form that uploads under `prefix`, the file keeping its own name.
    pub fn key_prefix(bucket: impl Into<String>, prefix: &str) -> Self {
        Self::new(bucket, format!("{prefix}{FILENAME}"))
    }

    /// How long the form is valid (default an hour).
    #[must_use]
    pub fn expires_in(mut self, d: Duration) -> Self {
        self.expires_in = d;
        self
    }

    /// The file must be `min..=max` bytes.
    #[must_use]
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(Condition::ContentLengthRange(min, max))
    }

    /// The stored object's `Content-Type` (a field, and a condition that it is unchanged).
    #[must_use]
    pub fn content_type(self, value: impl Into<String>) -> Self {
        self.field("Content-Type", value)
    }

    /// The status S3 answers a successful upload with (200, 201 or 204; a field and a
    /// condition).
    #[must_use]
    pub fn success_action_status(self, status: u16) -> Self {
        self.field("success_action_status", status.to_string())
    }

    /// The object's canned ACL (a field and a condition).
    #[must_use]
    pub fn acl(self, value: impl Into<String>) -> Self {
        self.field("acl", value)
    }

    /// User metadata `x-amz-meta-<name>` (a field and a condition).
    #[must_use]
    pub fn meta(self, name: &str, value: impl Into<String>) -> Self {
        self.field(format!("x-amz-meta-{name}"), value)
    }

    /// Any field the form carries fixed, with the condition that it equals `value`.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.conditions
            .push(Condition::Equals(name.clone(), value.clone()));
        self.fields.push((name, value));
        self
    }

    /// A condition on a field the user fills in (no field is added): say,
    /// `Condition::StartsWith("Content-Type".into(), "image/".into())`.
    #[must_use]
    pub fn condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The key, or the key prefix followed by `${filename}`.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The policy document, as botocore writes it (`json.dumps`: `", "` and `": "`
    /// separators, non-ASCII as `\uXXXX`).
    fn document(&self, expiration: &str, signing: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"expiration\": ");
        json_string(&mut out, expiration);
        out.push_str(", \"conditions\": [");
        let key = match self.key.strip_suffix(FILENAME) {
            Some(prefix) => Condition::StartsWith("key".into(), prefix.into()),
            None => Condition::Equals("key".into(), self.key.clone()),
        };
        let bucket = Condition::Equals("bucket".into(), self.bucket.clone());
        let signing = signing
            .iter()
            .map(|(n, v)| Condition::Equals((*n).into(), (*v).into()));
        let all = self
            .conditions
            .iter()
            .cloned()
            .chain([bucket, key])
            .chain(signing);
        for (i, c) in all.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match c {
                Condition::Equals(name, value) => {
                    out.push('{');
                    json_string(&mut out, &name);
                    out.push_str(": ");
                    json_string(&mut out, &value);
                    out.push('}');
                }
                Condition::StartsWith(name, prefix) => {
                    out.push_str("[\"starts-with\", ");
                    json_string(&mut out, &format!("${name}"));
                    out.push_str(", ");
                    json_string(&mut out, &prefix);
                    out.push(']');
                }
                Condition::ContentLengthRange(min, max) => {
                    let _ = write!(out, "[\"content-length-range\", {min}, {max}]");
                }
            }
        }
        out.push_str("]}");
        out
    }
}

/// Writes `s` as a JSON string the way Python's `json.dumps` does by default.
fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

/// The fields of a signed upload form, and where it posts to.
#[derive(Clone, PartialEq, Eq)]
pub struct PostForm {
    url: String,
    fields: Vec<(String, String)>,
}

impl std::fmt::Debug for PostForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                let v = if n == "x-amz-security-token" {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (n.as_str(), v)
            })
            .collect();
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field("fields", &shown)
            .finish()
    }
}

impl PostForm {
    /// The URL the form posts to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every field, in the order the form sends them (the file goes last, after them).
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A ready HTML page with the form: the fields hidden, a file input, a submit button.
    pub fn html(&self) -> String {
        let mut out =
            String::from("<!doctype html>\n<meta charset=\"utf-8\">\n<title>Upload</title>\n");
        let _ = writeln!(
            out,
            "<form action=\"{}\" method=\"post\" enctype=\"multipart/form-data\">",
            html_escape(&self.url)
        );
        for (name, value) in &self.fields {
            let _ = writeln!(
                out,
                "  <input type=\"hidden\" name=\"{}\" value=\"{}\">",
                html_escape(name),
                html_escape(value)
            );
        }
        out.push_str("  <input type=\"file\" name=\"file\">\n  <button type=\"submit\">Upload</button>\n</form>\n");
        out
    }
}

fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `YYYY-MM-DDTHH:MM:SSZ`.
fn iso8601(t: Timestamp) -> String {
    let a = t.amz_date();
    let d = a.as_str();
    format!(
        "{}-{}-{}T{}:{}:{}Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

impl Signer {
    /// Signs `policy` now: the fields of a form that posts to `url` (the bucket's endpoint,
    /// `https://<bucket>.s3.<region>.amazonaws.com/` or a path-style one).
    ///
    /// # Errors
    /// As [`Signer::sign`]; [`Error::Unsupported`] from a SigV4A signer; an expiry that
    /// ends past year 9999.
    pub fn presign_post(&self, url: &str, policy: &PostPolicy) -> Result<PostForm, Error> {
        self.with_key_now(|access_key_id, token, key, now| {
            let secs = i64::try_from(policy.expires_in.as_secs()).unwrap_or(i64::MAX);
            let expiration = Timestamp::from_unix(now.unix().saturating_add(secs))?;
            let credential = format!("{access_key_id}/{}", key.scope().as_str());
            let date = now.amz_date();
            let mut signing = vec![
                ("x-amz-algorithm", sigv4_core::ALGORITHM),
                ("x-amz-credential", credential.as_str()),
                ("x-amz-date", date.as_str()),
            ];
            if let Some(t) = token {
                signing.push(("x-amz-security-token", t));
            }
            let document = policy.document(&iso8601(expiration), &signing);
            let mut buf = vec![0u8; sigv4_core::base64_len(document.len())];
            let signed = sign_post_policy(document.as_bytes(), key, &mut buf)?;
            let mut fields = policy.fields.clone();
            fields.push(("key".into(), policy.key.clone()));
            fields.extend(signing.iter().map(|(n, v)| ((*n).into(), (*v).into())));
            fields.push(("policy".into(), signed.policy().into()));
            fields.push(("x-amz-signature".into(), signed.signature().into()));
            Ok(PostForm {
                url: url.into(),
                fields,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_as_python_json_dumps_writes_them() {
        let mut out = String::new();
        json_string(&mut out, "a\"b\\c\n\u{1}é😀/~\u{7f}");
        assert_eq!(out, r#""a\"b\\c\n\u0001\u00e9\ud83d\ude00/~\u007f""#);
    }

    #[test]
    fn html_escapes_values() {
        let form = PostForm {
            url: "https://b.s3.amazonaws.com/".into(),
            fields: vec![("x-amz-meta-note".into(), "\"><script>".into())],
        };
        assert!(form.html().contains("value=\"&quot;&gt;&lt;script&gt;\""));
    }
}
