//! Any request view, settings and expiry: presigning never panics; expiries outside
//! 1..=604800 are refused; the query written to a buffer of `encoded_len` bytes is the
//! displayed query, and a buffer one byte short is refused and left untouched.
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use sigv4_core::{presign, Error, MAX_EXPIRES};

fuzz_target!(|input: common::Input| {
    common::with_signing(&input, |req, params| {
        let result = presign(req, params, input.expires);
        let in_range = (1..=MAX_EXPIRES).contains(&input.expires);
        let Ok(query) = result else {
            if !in_range {
                assert!(matches!(result, Err(Error::Expires) | Err(Error::Method) | Err(Error::Path)
                    | Err(Error::AccessKeyId) | Err(Error::SessionToken) | Err(Error::KeyDate)));
            }
            return;
        };
        assert!(in_range);
        let len = query.encoded_len();
        let mut buf = vec![0xAAu8; len];
        assert_eq!(query.write_to(&mut buf), Ok(len));
        assert_eq!(std::str::from_utf8(&buf).ok(), Some(query.to_string().as_str()));
        let mut short = vec![0xAAu8; len - 1];
        assert_eq!(query.write_to(&mut short), Err(Error::BufferTooSmall { required: len }));
        assert!(short.iter().all(|&b| b == 0xAA));
        let _ = query.url(req).to_string();
    });
});
