//! What `sign.rs` and `ratios.rs` share: the texts the floor ([`sigv4_benches::floor`]) hashes.

use sigv4_benches::{with_request, Workload};
use sigv4_core::{canonical_request, string_to_sign, Header, Location, SigningKey};

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
