//! What `sign.rs` and `ratios.rs` share: the floor, and the texts it hashes.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use sigv4_benches::{with_request, Workload};
use sigv4_core::{canonical_request, string_to_sign, Header, Location, SigningKey};
use std::hint::black_box;

/// The texts the floor hashes: our canonical request and string to sign (the suite and
/// botocore tests prove them right).
pub(crate) fn texts(w: &Workload, key: &SigningKey, headers: &[Header<'_>]) -> (String, String) {
    let loc = if w.presign {
        Location::Query { expires_in: 3600 }
    } else {
        Location::Headers
    };
    with_request(w, key, headers, |req, params| {
        let (mut creq, mut sts) = (String::new(), String::new());
        canonical_request(req, params, loc, &mut creq).unwrap();
        string_to_sign(req, params, loc, &mut sts).unwrap();
        (creq, sts)
    })
}

/// The cryptographic floor of one signing: SHA-256 of the body (when signed) and of the
/// canonical request, and the HMAC of the string to sign with the derived key in hand.
pub(crate) fn floor(creq: &[u8], sts: &[u8], key: &[u8; 32], body: Option<&[u8]>) -> [u8; 32] {
    if let Some(body) = body {
        black_box(Sha256::digest(body));
    }
    black_box(Sha256::digest(creq));
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(sts);
    mac.finalize().into_bytes().into()
}
