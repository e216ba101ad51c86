//! The string to sign:
//!
//! ```text
//! AWS4-HMAC-SHA256 \n amz-date \n credential scope \n hex(SHA-256(canonical request))
//! ```

use crate::canonical::ALGORITHM;
use crate::date::AmzDate;
use crate::key::Scope;
use crate::sink::Sink;

/// Writes the string to sign for a canonical request whose hash is `hashed` (hex).
pub(crate) fn write(out: &mut impl Sink, amz_date: &AmzDate, scope: &Scope, hashed: &[u8; 64]) {
    out.put(ALGORITHM.as_bytes());
    out.byte(b'\n');
    out.put(amz_date.as_bytes());
    out.byte(b'\n');
    scope.write_to(out);
    out.byte(b'\n');
    out.put(hashed);
}
