//! Any request view and settings: signing never panics; a signature is 64 lowercase hex
//! digits, the Authorization value fits its capacity and names that signature, signing is
//! deterministic, and the canonical request renders whenever signing succeeds.
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use sigv4_core::{canonical_request, sign, Location, AUTHORIZATION_CAP};

fuzz_target!(|input: common::Input| {
    common::with_signing(&input, |req, params| {
        let Ok(signed) = sign(req, params) else { return };
        let sig = signed.signature();
        assert_eq!(sig.len(), 64);
        assert!(sig.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert!(signed.authorization().len() <= AUTHORIZATION_CAP);
        assert!(signed.authorization().ends_with(sig));
        assert_eq!(sign(req, params).map(|s| s.signature().to_string()).as_deref(), Ok(sig));
        let mut text = String::new();
        assert_eq!(canonical_request(req, params, Location::Headers, &mut text), Ok(()));
    });
});
