//! Sign, then verify: any request the signer accepts verifies as received (unless the
//! verifier refuses it for a reason the input shows, such as a header the verifier reads as
//! one value sent twice); and after one byte of a signed part is changed, the request
//! verifies only if that part means the same by the plain reference (`%41` for `A` in a
//! query, a space more in a header value), never otherwise.
#![no_main]
mod common;
use common::{reference, Input};
use libfuzzer_sys::fuzz_target;
use sigv4_core::Error;

#[derive(arbitrary::Arbitrary, Debug)]
struct Case {
    input: Input,
    presigned: bool,
    part: u8,
    index: u16,
    byte: u8,
}

const AUTH: [&str; 6] = [
    "x-amz-algorithm",
    "x-amz-credential",
    "x-amz-date",
    "x-amz-expires",
    "x-amz-signedheaders",
    "x-amz-signature",
];

/// Whether the input itself explains why its signed request is refused.
fn explained(case: &Case, r: &common::Received, e: Error) -> bool {
    let input = &case.input;
    let unsigned = |name: &str| input.unsigned_headers.iter().any(|u| u.eq_ignore_ascii_case(name));
    let credential = input.access_key_id.len() + input.region.len() + input.service.len() + 24;
    let odd_scope = |s: &str| s.bytes().any(|b| !b.is_ascii_graphic() || b == b',');
    match e {
        Error::DuplicateHeader { name } => {
            r.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).count() > 1
        }
        Error::MixedAuthentication => {
            !case.presigned
                && input.query.split('&').any(|p| {
                    let k = common::decoded_key(p);
                    AUTH.iter().any(|a| a.as_bytes().eq_ignore_ascii_case(&k))
                })
        }
        Error::UnsignedHeader => {
            // A presigned request signs its date and token in the query: the same headers
            // sent beside it go unsigned (S3 refuses them too).
            let sent = |name: &str| r.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
            let presigned_extra = case.presigned
                && (sent("x-amz-date") || (input.token.is_some() && sent("x-amz-security-token")));
            presigned_extra
                || unsigned("host")
                || r.headers.iter().any(|(n, _)| {
                    n.len() >= 6 && n[..6].eq_ignore_ascii_case("x-amz-") && unsigned(n)
                })
        }
        Error::TooManyHeaders { .. }
        | Error::TooManyQueryParameters { .. }
        | Error::SignedHeadersTooLong { .. } => true,
        Error::MalformedAuthorization => {
            credential > 256
                || odd_scope(&input.region)
                || odd_scope(&input.service)
                || odd_scope(&input.access_key_id)
        }
        _ => false,
    }
}

fn set_byte(s: &str, index: usize, byte: u8) -> Option<String> {
    let mut b = s.as_bytes().to_vec();
    let i = index % b.len().max(1);
    if b.is_empty() || !b[i].is_ascii() || !byte.is_ascii() || b[i] == byte {
        return None;
    }
    b[i] = byte;
    String::from_utf8(b).ok()
}

fuzz_target!(|case: Case| {
    let Some((received, server, key)) = common::sign_received(&case.input, case.presigned) else {
        return;
    };
    let mut creq = String::new();
    let verified = common::verify_received(&received, &server, &key, &mut creq);
    let Ok(verified) = verified else {
        let e = verified.unwrap_err();
        assert!(explained(&case, &received, e), "signed but refused: {e:?}\n{received:?}");
        return;
    };
    assert_eq!(verified.access_key_id(), case.input.access_key_id);

    // One byte of a signed part changed.
    let mut bad = received.clone();
    let index = usize::from(case.index);
    let mode = match common::path_mode(&case.input) {
        sigv4_core::PathMode::Service => reference::Mode::Service,
        sigv4_core::PathMode::ServiceUnnormalized => reference::Mode::ServiceUnnormalized,
        _ => reference::Mode::S3,
    };
    let skip = ["X-Amz-Signature", "X-Amz-Security-Token"];
    let same_meaning: bool = match case.part % 5 {
        0 => {
            let Some(m) = set_byte(&bad.method, index, case.byte) else { return };
            bad.method = m;
            false
        }
        1 => {
            let Some(p) = set_byte(&bad.path, index, case.byte) else { return };
            let same = reference::canonical_uri(&p, mode) == reference::canonical_uri(&bad.path, mode);
            bad.path = p;
            same
        }
        2 => {
            let Some(q) = set_byte(&bad.query, index, case.byte) else { return };
            let n = if server.token_after && case.presigned { 2 } else { 1 };
            let same = reference::canonical_query(&q, &skip[..n])
                == reference::canonical_query(&bad.query, &skip[..n]);
            bad.query = q;
            same
        }
        3 => {
            // A header's value: the ones the signature covers are the ones verify rendered.
            if bad.headers.is_empty() {
                return;
            }
            let i = index % bad.headers.len();
            let name = bad.headers[i].0.to_ascii_lowercase();
            let signed_list = creq.lines().rev().nth(1).unwrap_or_default();
            if !signed_list.split(';').any(|s| s == name) {
                return;
            }
            let v = &mut bad.headers[i].1;
            if v.is_empty() {
                return;
            }
            let at = usize::from(case.byte) % v.len();
            let before = reference::canonical_value(v);
            v[at] = v[at].wrapping_add(1 + case.byte % 200);
            reference::canonical_value(v) == before
        }
        _ => {
            // The signature, to another lower-case hex digit.
            let sig_at = |text: &str| text.rfind("Signature=").map(|i| i + 10);
            let digit = b"0123456789abcdef"[usize::from(case.byte % 16)];
            if case.presigned {
                let Some(at) = sig_at(&bad.query) else { return };
                let Some(q) = set_byte(&bad.query, at + index % 64, digit) else { return };
                bad.query = q;
            } else {
                let Some(h) = bad.headers.iter_mut().find(|(n, _)| n == "authorization") else { return };
                let text = String::from_utf8(h.1.clone()).unwrap();
                let Some(at) = sig_at(&text) else { return };
                let Some(t) = set_byte(&text, at + index % 64, digit) else { return };
                h.1 = t.into_bytes();
            }
            false
        }
    };
    let mut creq_bad = String::new();
    if common::verify_received(&bad, &server, &key, &mut creq_bad).is_ok() {
        assert!(same_meaning, "a changed signed part verified:\n{received:?}\n{bad:?}");
        assert_eq!(creq_bad, creq, "verified with another canonical request");
    }
});
