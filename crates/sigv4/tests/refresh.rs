//! The credentials cache on a fake clock: refresh before expiry, one refresh at a time,
//! never an expired credential, failures surfaced and retried.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4::{
    CachedProvider, Clock, Credentials, CredentialsError, ManualClock, ProvideCredentials,
};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Hands out credentials valid for `lifetime` from the clock's now, numbered by call; can
/// be told to fail; can be slow.
#[derive(Debug)]
struct Counting {
    clock: Arc<ManualClock>,
    calls: AtomicUsize,
    lifetime: Duration,
    fail: AtomicBool,
    delay: Duration,
}

impl Counting {
    fn new(clock: &Arc<ManualClock>, lifetime: Duration) -> Self {
        Self {
            clock: clock.clone(),
            calls: AtomicUsize::new(0),
            lifetime,
            fail: AtomicBool::new(false),
            delay: Duration::ZERO,
        }
    }
}

impl ProvideCredentials for Counting {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        std::thread::sleep(self.delay);
        if self.fail.load(Ordering::SeqCst) {
            return Err(CredentialsError::Sdk("refresh failed".into()));
        }
        Ok(Credentials::new(format!("AK{n}"), "secret")
            .with_expiry(self.clock.now() + self.lifetime))
    }
}

const T0: u64 = 1_700_000_000;

fn setup(
    lifetime: Duration,
) -> (
    Arc<ManualClock>,
    Arc<Counting>,
    CachedProvider<Arc<Counting>>,
) {
    let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(T0)));
    let provider = Arc::new(Counting::new(&clock, lifetime));
    let cache = CachedProvider::new(provider.clone())
        .with_clock(clock.clone())
        .with_margin(Duration::from_secs(300));
    (clock, provider, cache)
}

#[test]
fn refreshes_within_the_margin_not_before() {
    let (clock, provider, cache) = setup(Duration::from_secs(3600));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AK1");
    clock.advance(Duration::from_secs(3600 - 301));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AK1");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
    clock.advance(Duration::from_secs(2));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AK2");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}

#[test]
fn sixteen_threads_at_once_make_one_refresh() {
    let clock = Arc::new(ManualClock::new(UNIX_EPOCH + Duration::from_secs(T0)));
    let mut counting = Counting::new(&clock, Duration::from_secs(3600));
    counting.delay = Duration::from_millis(50);
    let provider = Arc::new(counting);
    let cache = Arc::new(CachedProvider::new(provider.clone()).with_clock(clock.clone()));
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let (cache, barrier) = (cache.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                cache.credentials().unwrap().access_key_id().to_string()
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), "AK1");
    }
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);

    // Within the margin, with the credentials still valid: one refresh while the other
    // callers keep the current credentials.
    clock.advance(Duration::from_secs(3500));
    let barrier = Arc::new(Barrier::new(16));
    let handles: Vec<_> = (0..16)
        .map(|_| {
            let (cache, barrier) = (cache.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                cache.credentials().unwrap().access_key_id().to_string()
            })
        })
        .collect();
    let got: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    assert!(got.iter().all(|k| k == "AK1" || k == "AK2"), "{got:?}");
    assert!(
        got.iter().any(|k| k == "AK2"),
        "the refreshing caller gets the new ones"
    );
}

#[test]
fn never_hands_out_expired_credentials() {
    let (clock, provider, cache) = setup(Duration::from_secs(60));
    for step in 0..200 {
        let now: SystemTime = clock.now();
        let c = cache.credentials().unwrap();
        assert!(!c.is_expired(now), "step {step}");
        clock.advance(Duration::from_secs(7));
    }
    assert!(provider.calls.load(Ordering::SeqCst) > 10);
}

#[test]
fn a_failing_refresh_is_surfaced_and_retried() {
    let (clock, provider, cache) = setup(Duration::from_secs(3600));
    cache.credentials().unwrap();
    provider.fail.store(true, Ordering::SeqCst);
    // Within the margin but valid: the failure is logged and the current ones are used.
    clock.advance(Duration::from_secs(3400));
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AK1");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
    // Expired: the error reaches the caller, and every call tries again.
    clock.advance(Duration::from_secs(300));
    let e = cache.credentials().unwrap_err();
    assert!(e.to_string().contains("refresh failed"), "{e}");
    assert!(cache.credentials().is_err());
    assert_eq!(provider.calls.load(Ordering::SeqCst), 4);
    provider.fail.store(false, Ordering::SeqCst);
    assert_eq!(cache.credentials().unwrap().access_key_id(), "AK5");
}

#[test]
fn credentials_already_expired_are_refused() {
    let (_clock, _provider, cache) = setup(Duration::ZERO);
    assert!(matches!(
        cache.credentials(),
        Err(CredentialsError::Expired)
    ));
}

#[test]
fn the_async_path_agrees() {
    let (clock, provider, cache) = setup(Duration::from_secs(3600));
    let first = futures_executor::block_on(cache.credentials_async()).unwrap();
    assert_eq!(first.access_key_id(), "AK1");
    clock.advance(Duration::from_secs(3400));
    let second = futures_executor::block_on(cache.credentials_async()).unwrap();
    assert_eq!(second.access_key_id(), "AK2");
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}

/// Signs a GET in each of `threads` threads at once with one `Signer`; the `Authorization`
/// values.
fn sign_in_threads(signer: &Arc<sigv4::Signer>, threads: usize) -> Vec<String> {
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (signer, barrier) = (signer.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                // Twice: the second signing reads what the first kept in this thread's slot.
                let mut last = String::new();
                for _ in 0..2 {
                    let req = sigv4_core::Request::from_url(
                        "GET",
                        "https://h.example/",
                        &[],
                        sigv4_core::Payload::Bytes(b""),
                    )
                    .unwrap();
                    last = signer
                        .sign(&req)
                        .unwrap()
                        .get("authorization")
                        .unwrap()
                        .to_string();
                }
                last
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn every_thread_signs_with_refreshed_credentials_and_the_new_days_key() {
    // More threads than the signer has slots for its last key, so some share one.
    let (clock, provider, _) = setup(Duration::from_secs(3600));
    let signer = Arc::new(
        sigv4::Signer::builder("s3", "us-east-1")
            .credentials(provider.clone())
            .clock(clock.clone())
            .refresh_margin(Duration::from_secs(300))
            .build(),
    );
    let day = |t: u64| {
        let ts = sigv4_core::Timestamp::from_unix(i64::try_from(t).unwrap()).unwrap();
        ts.amz_date().date_stamp().to_string()
    };
    let first = sign_in_threads(&signer, 6);
    let want = format!("Credential=AK1/{}/", day(T0));
    assert!(first.iter().all(|a| a.contains(&want)), "{first:?}");
    // Within the refresh margin: every thread moves to the new credentials.
    clock.advance(Duration::from_secs(3400));
    let refreshed = sign_in_threads(&signer, 6);
    let want = format!("Credential=AK2/{}/", day(T0 + 3400));
    assert!(refreshed.iter().all(|a| a.contains(&want)), "{refreshed:?}");
    // A day later (fresh credentials again): every thread signs with the new day's key.
    clock.advance(Duration::from_secs(86_400));
    let next_day = sign_in_threads(&signer, 6);
    let n = provider.calls.load(Ordering::SeqCst);
    let want = format!("Credential=AK{n}/{}/", day(T0 + 3400 + 86_400));
    assert!(
        next_day.iter().all(|a| a.contains(&want)),
        "{next_day:?} {want}"
    );
    assert_ne!(day(T0 + 3400), day(T0 + 3400 + 86_400));
}
