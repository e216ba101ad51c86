//! S3 POST policies (browser form uploads): the policy document in base64, signed with the
//! day's signing key.
//!
//! A form upload carries its policy as the `policy` field, base64 of the JSON document, and
//! `x-amz-signature`, the hex HMAC-SHA256 of that base64 text under the signing key of the
//! `x-amz-credential` scope. The document itself (expiration and conditions) is the
//! caller's; `sigv4`'s `PostPolicy` builds it.

use crate::error::Error;
use crate::key::SigningKey;
use crate::sink::hex32;

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of the standard, padded base64 of `n` bytes.
pub const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Writes the padded standard base64 of `input` into `out`; returns the bytes written.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` is shorter than [`base64_len`] of the input.
pub fn base64_encode(input: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    let required = base64_len(input.len());
    let out = out
        .get_mut(..required)
        .ok_or(Error::BufferTooSmall { required })?;
    for (chunk, dst) in input.chunks(3).zip(out.chunks_exact_mut(4)) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, d) in dst.iter_mut().enumerate() {
            *d = if i <= chunk.len() {
                BASE64[((n >> (18 - 6 * i)) & 63) as usize]
            } else {
                b'='
            };
        }
    }
    Ok(required)
}

/// A signed POST policy: the `policy` and `x-amz-signature` form fields.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PostPolicySignature<'b> {
    policy: &'b str,
    signature: [u8; 64],
}

impl<'b> PostPolicySignature<'b> {
    /// The `policy` field: the document in base64.
    pub fn policy(&self) -> &'b str {
        self.policy
    }

    /// The `x-amz-signature` field: 64 lower-case hex digits.
    pub fn signature(&self) -> &str {
        core::str::from_utf8(&self.signature).unwrap_or_default()
    }
}

impl core::fmt::Debug for PostPolicySignature<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PostPolicySignature")
            .field("policy", &self.policy)
            .field("signature", &self.signature())
            .finish()
    }
}

/// Signs the POST policy `document` (its JSON bytes) with `key`, the signing key of the
/// scope its `x-amz-credential` condition names: writes the base64 document into `out`
/// (at least [`base64_len`] of the document) and returns it with the signature.
///
/// ```
/// use sigv4_core::{sign_post_policy, base64_len, SigningKey, Timestamp};
///
/// let time = Timestamp::parse_amz_date("20151229T000000Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", time, "us-east-1", "s3")?;
/// let document = br#"{"expiration": "2015-12-30T12:00:00.000Z", "conditions": [{"bucket": "sigv4examplebucket"}]}"#;
/// let mut buf = [0u8; 256];
/// let signed = sign_post_policy(document, &key, &mut buf)?;
/// assert_eq!(signed.policy().len(), base64_len(document.len()));
/// assert_eq!(signed.signature().len(), 64);
/// # Ok::<(), sigv4_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` cannot hold the base64 document.
pub fn sign_post_policy<'b>(
    document: &[u8],
    key: &SigningKey,
    out: &'b mut [u8],
) -> Result<PostPolicySignature<'b>, Error> {
    let n = base64_encode(document, out)?;
    let policy = core::str::from_utf8(&out[..n]).map_err(|_| Error::Fmt)?;
    Ok(PostPolicySignature {
        policy,
        signature: hex32(&key.mac(policy.as_bytes())),
    })
}

/// Whether `signature` (hex, as a form sent it) is `key`'s signature of the base64
/// `policy` field, compared in constant time.
pub fn verify_post_policy(policy: &str, signature: &str, key: &SigningKey) -> bool {
    let expected = hex32(&key.mac(policy.as_bytes()));
    let given = signature.as_bytes();
    crate::scan::ct_eq(&expected, given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            let mut out = [0u8; 16];
            let n = base64_encode(input.as_bytes(), &mut out).unwrap();
            assert_eq!(&out[..n], want.as_bytes(), "{input:?}");
        }
        let mut short = [0u8; 3];
        assert_eq!(
            base64_encode(b"f", &mut short),
            Err(Error::BufferTooSmall { required: 4 })
        );
    }
}
