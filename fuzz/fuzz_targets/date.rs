//! Any text: parsing never panics, and a parsed date formats and parses back to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigv4_core::Timestamp;

fuzz_target!(|input: &str| {
    if let Ok(t) = Timestamp::parse(input) {
        assert_eq!(Timestamp::parse_amz_date(t.amz_date().as_str()), Ok(t));
        assert_eq!(Timestamp::parse_http_date(t.http_date().as_str()), Ok(t));
        assert_eq!(t.date_stamp().as_str(), &t.amz_date().as_str()[..8]);
    }
});
