//! The string to sign:
//!
//! ```text
//! algorithm \n amz-date \n credential scope \n hex(SHA-256(canonical request))
//! ```
//!
//! with `AWS4-HMAC-SHA256` (SigV4) or `AWS4-ECDSA-P256-SHA256` (SigV4A) as the algorithm.

use crate::canonical::Algorithm;
use crate::date::AmzDate;
use crate::key::Scope;
use crate::sink::Sink;

/// Writes the string to sign for a canonical request whose hash is `hashed` (hex).
pub(crate) fn write(
    out: &mut impl Sink,
    algorithm: Algorithm,
    amz_date: &AmzDate,
    scope: &Scope,
    hashed: &[u8; 64],
) {
    out.put(algorithm.as_str().as_bytes());
    out.byte(b'\n');
    out.put(amz_date.as_bytes());
    out.byte(b'\n');
    scope.write_to(out);
    out.byte(b'\n');
    out.put(hashed);
}
