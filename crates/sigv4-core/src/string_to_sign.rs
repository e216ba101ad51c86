//! The string to sign:
//!
//! ```text
//! algorithm \n amz-date \n credential scope \n hex(SHA-256(canonical request))
//! ```
//!
//! with `AWS4-HMAC-SHA256` (SigV4) or `AWS4-ECDSA-P256-SHA256` (SigV4A) as the algorithm.

use crate::canonical::{Algorithm, Canonical};
use crate::date::AmzDate;
use crate::key::Scope;
use crate::sink::{hex32, HashSink, Sink};

/// Hashes `canonical` and writes its string to sign, with the algorithm and scope of the
/// signing it belongs to: what signing, rendering and verifying all compute.
pub(crate) fn write_for(out: &mut impl Sink, canonical: &Canonical<'_, '_>, amz_date: &AmzDate) {
    let mut hash = HashSink::new();
    canonical.write(&mut hash);
    let ctx = canonical.ctx();
    write(
        out,
        ctx.algorithm(),
        amz_date,
        ctx.scope,
        &hex32(&hash.finish()),
    );
}

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
