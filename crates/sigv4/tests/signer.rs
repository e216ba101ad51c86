//! The Signer: many threads across midnight, the three date modes in every date format,
//! keys without secrets, and secrets kept out of every output.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::core::{Header, Payload, Request, Settings, SigningKey, SigningParams, Timestamp};
use sigv4::{Clock, Credentials, DateMode, Error, ManualClock, Signer};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

const AK: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2015-08-30T12:36:00Z, the AWS suite's time.
const SUITE_TIME: u64 = 1_440_938_160;

fn clock_at(secs: u64) -> Arc<ManualClock> {
    Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(secs)))
}

fn signer(clock: &Arc<ManualClock>, mode: DateMode) -> Signer {
    Signer::builder("service", "us-east-1")
        .credentials(Credentials::new(AK, SECRET))
        .clock(clock.clone())
        .date_mode(mode)
        .build()
}

/// The signature a fresh single-threaded signing with the core gives at `time`.
fn expected(req: &Request<'_>, time: Timestamp, token: Option<&str>) -> String {
    let key = SigningKey::derive(SECRET, time, "us-east-1", "service").unwrap();
    let params = SigningParams {
        access_key_id: AK,
        session_token: token,
        key: &key,
        time,
        settings: Settings::service(),
    };
    sigv4::core::sign(req, &params)
        .unwrap()
        .signature()
        .to_string()
}

#[test]
fn the_suite_vanilla_case_through_the_signer() {
    let clock = clock_at(SUITE_TIME);
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let req = Request::from_url(
        "GET",
        "https://example.amazonaws.com/",
        &headers,
        Payload::Bytes(b""),
    )
    .unwrap();
    let signed = signer(&clock, DateMode::Regenerate).sign(&req).unwrap();
    assert_eq!(
        signed.signature(),
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    assert_eq!(signed.get("x-amz-date"), Some("20150830T123600Z"));
}

#[test]
fn eight_threads_across_midnight_agree_with_single_threaded_signing() {
    // Five seconds before midnight UTC; a ticker moves the clock through it.
    let midnight = 1_440_979_200;
    let clock = clock_at(midnight - 5);
    let signer = signer(&clock, DateMode::Regenerate);
    let done = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (clock, done) = (clock.clone(), done.clone());
        std::thread::spawn(move || {
            for _ in 0..20 {
                if done.load(Ordering::SeqCst) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(5));
                clock.advance(Duration::from_millis(500));
            }
        })
    };
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let signer = signer.clone();
            std::thread::spawn(move || {
                let mut days = std::collections::BTreeSet::new();
                for i in 0..12_500 {
                    let path = format!("/t{t}/{i}");
                    let url = format!("https://example.amazonaws.com{path}?n={i}");
                    let req = Request::from_url("GET", &url, &[], Payload::Bytes(b"")).unwrap();
                    let signed = signer.sign(&req).unwrap();
                    let time =
                        Timestamp::parse_amz_date(signed.get("x-amz-date").unwrap()).unwrap();
                    days.insert(time.days());
                    assert_eq!(
                        signed.signature(),
                        expected(&req, time, None),
                        "{url} at {time:?}"
                    );
                }
                days
            })
        })
        .collect();
    let mut days = std::collections::BTreeSet::new();
    for w in workers {
        days.extend(w.join().unwrap());
    }
    done.store(true, Ordering::SeqCst);
    ticker.join().unwrap();
    assert_eq!(days.len(), 2, "the signatures span midnight: {days:?}");
}

/// The same instant in the five formats, and a request carrying it in `header`.
const FORMATS: [(&str, &str); 5] = [
    ("x-amz-date", "20150830T123600Z"),
    ("date", "Sun, 30 Aug 2015 12:36:00 GMT"),
    ("date", "Sunday, 30-Aug-15 12:36:00 GMT"),
    ("date", "Sun Aug 30 12:36:00 2015"),
    ("x-amz-date", "2015-08-30T14:36:00+02:00"),
];

fn dated_request<'a>(headers: &'a [Header<'a>]) -> Request<'a> {
    Request::from_url(
        "GET",
        "https://example.amazonaws.com/",
        headers,
        Payload::Bytes(b""),
    )
    .unwrap()
}

#[test]
fn regenerate_signs_with_the_request_date_in_every_format() {
    // The clock says a day later: the request's own date picks the key.
    let clock = clock_at(SUITE_TIME + 86_400);
    let signer = signer(&clock, DateMode::Regenerate);
    let time = Timestamp::from_unix(i64::try_from(SUITE_TIME).unwrap()).unwrap();
    for (name, value) in FORMATS {
        let headers = [Header::new(name, value)];
        let req = dated_request(&headers);
        let signed = signer.sign(&req).unwrap();
        assert_eq!(
            signed.get("x-amz-date"),
            Some("20150830T123600Z"),
            "{value}"
        );
        assert_eq!(signed.signature(), expected(&req, time, None), "{value}");
        assert!(
            signed.get("authorization").unwrap().contains("/20150830/"),
            "{value}"
        );
    }
}

#[test]
fn strict_refuses_a_request_of_another_day_in_every_format() {
    let same_day = clock_at(SUITE_TIME + 3600);
    let next_day = clock_at(SUITE_TIME + 86_400);
    for (name, value) in FORMATS {
        let headers = [Header::new(name, value)];
        let req = dated_request(&headers);
        assert!(
            signer(&same_day, DateMode::Strict).sign(&req).is_ok(),
            "{value}"
        );
        match signer(&next_day, DateMode::Strict).sign(&req) {
            Err(Error::DateMismatch { request, key }) => {
                assert_eq!((request.as_str(), key.as_str()), ("20150830", "20150831"));
            }
            other => panic!("{value}: {other:?}"),
        }
    }
}

#[test]
fn passive_signs_as_asked_within_the_key_validity() {
    // The key is the clock's day; the request is dated the day before it, or six after.
    let clock = clock_at(SUITE_TIME - 86_400);
    let signer = signer(&clock, DateMode::Passive);
    for (name, value) in FORMATS {
        let headers = [Header::new(name, value)];
        let signed = signer.sign(&dated_request(&headers)).unwrap();
        // Signed with the clock-day key: its scope, the request's own time.
        assert!(signed
            .get("authorization")
            .unwrap()
            .contains("/20150829/us-east-1/"));
        assert_eq!(signed.get("x-amz-date"), Some("20150830T123600Z"));
    }
    // Past the seven days of the key: refused by the core's validity check.
    let headers = [Header::new("x-amz-date", "20150906T000000Z")];
    let e = signer.sign(&dated_request(&headers)).unwrap_err();
    assert!(matches!(e, Error::Core(sigv4::core::Error::KeyDate)), "{e}");
}

#[test]
fn a_key_without_its_secret_cannot_regenerate() {
    let time = Timestamp::from_unix(i64::try_from(SUITE_TIME).unwrap()).unwrap();
    let key = SigningKey::derive(SECRET, time, "us-east-1", "service").unwrap();
    let distributed = SigningKey::from_bytes(*key.as_bytes(), key.scope().clone());
    let signer = Signer::builder("service", "us-east-1")
        .signing_key(distributed, AK, None)
        .clock(clock_at(SUITE_TIME))
        .build();
    let headers = [Header::new("Host", "example.amazonaws.com")];
    let req = dated_request(&headers);
    assert_eq!(
        signer.sign(&req).unwrap().signature(),
        expected(&req, time, None)
    );
    let headers = [Header::new("X-Amz-Date", "20150831T000000Z")];
    match signer.sign(&dated_request(&headers)) {
        Err(Error::NoSecretKey { request, key }) => {
            assert_eq!((request.as_str(), key.as_str()), ("20150831", "20150830"))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unparseable_date_is_an_error_unless_replacing_is_asked_for() {
    let clock = clock_at(SUITE_TIME);
    let headers = [Header::new("X-Amz-Date", "yesterday")];
    let req = dated_request(&headers);
    match signer(&clock, DateMode::Regenerate).sign(&req) {
        Err(Error::InvalidDate { header, value }) => {
            assert_eq!((header, value.as_str()), ("x-amz-date", "yesterday"))
        }
        other => panic!("{other:?}"),
    }
    let replacing = Signer::builder("service", "us-east-1")
        .credentials(Credentials::new(AK, SECRET))
        .clock(clock.clone())
        .replace_invalid_date(true)
        .build();
    let signed = replacing.sign(&req).unwrap();
    assert_eq!(signed.get("x-amz-date"), Some("20150830T123600Z"));
}

#[test]
fn async_signing_matches_blocking_signing() {
    let clock = clock_at(SUITE_TIME);
    let signer = signer(&clock, DateMode::Regenerate);
    let req = Request::from_url(
        "GET",
        "https://example.amazonaws.com/a?b=c",
        &[],
        Payload::Bytes(b""),
    )
    .unwrap();
    let blocking = signer.sign(&req).unwrap();
    let asynchronous = futures_executor::block_on(signer.sign_async(&req)).unwrap();
    assert_eq!(blocking.signature(), asynchronous.signature());
    let now = Timestamp::from_unix(i64::try_from(SUITE_TIME).unwrap()).unwrap();
    assert_eq!(blocking.signature(), expected(&req, now, None));
    assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(SUITE_TIME));
}
