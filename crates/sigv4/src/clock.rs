//! Where the signer reads the time: the system clock, or one the caller moves.

use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;

    /// Now as the core's timestamp; `None` outside the years 0001..=9999.
    fn timestamp(&self) -> Option<sigv4_core::Timestamp> {
        timestamp(self.now())
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock that stands still until moved, for tests (yours and ours).
///
/// ```
/// use sigv4::{Clock, ManualClock};
/// use std::time::{Duration, UNIX_EPOCH};
/// let clock = ManualClock::new(UNIX_EPOCH + Duration::from_secs(1_440_938_160));
/// clock.advance(Duration::from_secs(60));
/// assert_eq!(clock.now(), UNIX_EPOCH + Duration::from_secs(1_440_938_220));
/// ```
#[derive(Debug, Default)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    /// A clock reading `at`.
    pub fn new(at: SystemTime) -> Self {
        let clock = Self::default();
        clock.set(at);
        clock
    }

    /// Sets the time.
    pub fn set(&self, at: SystemTime) {
        let millis = match at.duration_since(UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
        };
        self.millis.store(millis, Ordering::SeqCst);
    }

    /// Moves the time forward.
    pub fn advance(&self, by: Duration) {
        let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.millis.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        let millis = self.millis.load(Ordering::SeqCst);
        let magnitude = Duration::from_millis(millis.unsigned_abs());
        if millis >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

/// A `SystemTime` as the core's timestamp.
pub(crate) fn timestamp(t: SystemTime) -> Option<sigv4_core::Timestamp> {
    let secs = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok()?,
        Err(e) => -i64::try_from(e.duration().as_secs()).ok()?,
    };
    sigv4_core::Timestamp::from_unix(secs).ok()
}

/// The core's timestamp as a `SystemTime`.
pub(crate) fn system_time(t: sigv4_core::Timestamp) -> SystemTime {
    let magnitude = Duration::from_secs(t.unix().unsigned_abs());
    if t.unix() >= 0 {
        UNIX_EPOCH + magnitude
    } else {
        UNIX_EPOCH - magnitude
    }
}
