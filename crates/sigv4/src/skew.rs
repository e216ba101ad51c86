//! Clock-skew correction: a server that refuses a request for its time says what its time
//! is (its `Date` header); the signer keeps the offset and signs every later request on the
//! server's time, and the adapters sign the refused request again and retry it once.

use crate::clock::timestamp;
use crate::Signer;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

/// The largest offset learnt: a server whose clock is further off than this is not
/// believed.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(24 * 60 * 60);

/// An offset below this is not worth a retry: the refusal had another cause.
const MIN_CLOCK_OFFSET_SECS: i64 = 60;

/// How much of an error body is read for its code.
pub const SKEW_BODY_LIMIT: usize = 16 << 10;

/// Whether a response refuses the request for its time: `RequestTimeTooSkewed`,
/// `RequestExpired`, `InvalidSignatureException` saying the signature expired or is not
/// yet current, or `SignatureDoesNotMatch` (when the server's `Date` is far from ours,
/// which [`Signer::learn_clock_skew`] checks).
pub fn is_time_refusal(status: u16, body: &[u8]) -> bool {
    if !matches!(status, 400 | 401 | 403) {
        return false;
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(SKEW_BODY_LIMIT)]);
    let has = |s: &str| text.contains(s);
    has("RequestTimeTooSkewed")
        || has("RequestExpired")
        || has("RequestInTheFuture")
        || (has("InvalidSignatureException")
            && (has("Signature expired") || has("Signature not yet current")))
        || has("SignatureDoesNotMatch")
}

impl Signer {
    /// The offset between the servers' clock and this one (server minus local), learnt from
    /// refused requests and applied to every signing; zero until a server has refused one.
    pub fn clock_offset(&self) -> i64 {
        self.inner.clock_offset.load(Ordering::Relaxed)
    }

    /// Whether this signer learns the servers' clock from refusals
    /// ([`SignerBuilder::clock_skew_correction`], on by default): adapters keep a request
    /// to send again only then.
    ///
    /// [`SignerBuilder::clock_skew_correction`]: crate::SignerBuilder::clock_skew_correction
    pub fn corrects_clock_skew(&self) -> bool {
        self.inner.skew_correction
    }

    /// Reads a refused response: when it refuses the request for its time and its `Date`
    /// (an HTTP date) is at least a minute but at most [`MAX_CLOCK_OFFSET`] from this
    /// signer's clock, keeps the offset and returns `true`: sign the request again and
    /// retry it once. Returns `false` (and learns nothing) otherwise, and always when
    /// correction is turned off ([`SignerBuilder::clock_skew_correction`]).
    ///
    /// [`SignerBuilder::clock_skew_correction`]: crate::SignerBuilder::clock_skew_correction
    pub fn learn_clock_skew(&self, status: u16, date: Option<&str>, body: &[u8]) -> bool {
        match self.suspected_offset(status, date) {
            Some(offset) if is_time_refusal(status, body) => {
                self.keep_offset(offset);
                true
            }
            _ => false,
        }
    }

    /// Whether a response may refuse the request for its time, from its head alone: a 400,
    /// 401 or 403 whose `Date` is a minute to a day from this signer's (corrected) clock.
    /// Read the body and call [`Signer::learn_clock_skew`] only then.
    pub fn clock_skew_suspected(&self, status: u16, date: Option<&str>) -> bool {
        self.suspected_offset(status, date).is_some()
    }

    /// [`Signer::learn_clock_skew`] for a caller that cannot read the body (a layer that
    /// must hand the response on as it came): the head alone decides, as
    /// [`Signer::clock_skew_suspected`] says.
    pub fn learn_clock_skew_from_head(&self, status: u16, date: Option<&str>) -> bool {
        match self.suspected_offset(status, date) {
            Some(offset) => {
                self.keep_offset(offset);
                true
            }
            None => false,
        }
    }

    /// The server's offset from the local clock, when the response may be a time refusal
    /// and the offset is new, believable, and worth a retry.
    fn suspected_offset(&self, status: u16, date: Option<&str>) -> Option<i64> {
        if !self.inner.skew_correction || !matches!(status, 400 | 401 | 403) {
            return None;
        }
        let server = sigv4_core::Timestamp::parse_http_date(date?).ok()?;
        let local = timestamp(self.inner.clock.now())?;
        let offset = server.unix() - local.unix();
        let max = i64::try_from(MAX_CLOCK_OFFSET.as_secs()).unwrap_or(i64::MAX);
        let new = (offset - self.clock_offset()).abs() >= MIN_CLOCK_OFFSET_SECS;
        (offset.abs() <= max && new).then_some(offset)
    }

    fn keep_offset(&self, offset: i64) {
        self.inner.clock_offset.store(offset, Ordering::Relaxed);
        tracing::debug!(offset, "sigv4: clock offset learnt from a refused request");
    }

    /// The time to sign at: the clock, moved by the learnt offset.
    pub(crate) fn corrected(&self, local: SystemTime) -> SystemTime {
        let offset = self.clock_offset();
        if offset == 0 {
            return local;
        }
        let d = Duration::from_secs(offset.unsigned_abs());
        if offset >= 0 {
            local.checked_add(d).unwrap_or(local)
        } else {
            local.checked_sub(d).unwrap_or(local)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credentials, ManualClock};
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    fn signer_at(secs: u64, correct: bool) -> Signer {
        Signer::builder("s3", "us-east-1")
            .credentials(Credentials::new("AKID", "secret"))
            .clock(Arc::new(ManualClock::new(
                UNIX_EPOCH + Duration::from_secs(secs),
            )))
            .clock_skew_correction(correct)
            .build()
    }

    const SKEWED: &[u8] = b"<Error><Code>RequestTimeTooSkewed</Code></Error>";
    // 2026-12-01T12:00:00Z
    const NOON: u64 = 1_796_126_400;

    #[test]
    fn learns_the_servers_offset_from_a_time_refusal_only() {
        let s = signer_at(NOON - 3600, true);
        let date = "Tue, 01 Dec 2026 12:00:00 GMT";
        assert!(!s.learn_clock_skew(403, Some(date), b"<Code>AccessDenied</Code>"));
        assert!(!s.learn_clock_skew(500, Some(date), SKEWED));
        assert!(!s.learn_clock_skew(403, None, SKEWED));
        assert_eq!(s.clock_offset(), 0);
        assert!(s.learn_clock_skew(403, Some(date), SKEWED));
        assert_eq!(s.clock_offset(), 3600);
        // Learnt once: the same answer again is not a reason to retry.
        assert!(!s.learn_clock_skew(403, Some(date), SKEWED));
        let json = br#"{"__type":"InvalidSignatureException","message":"Signature expired: 20261201T110000Z is now earlier than 20261201T115500Z"}"#;
        assert!(is_time_refusal(400, json));
    }

    #[test]
    fn ignores_offsets_over_a_day_and_can_be_turned_off() {
        let far = signer_at(NOON - 2 * 86_400, true);
        assert!(!far.learn_clock_skew(403, Some("Tue, 01 Dec 2026 12:00:00 GMT"), SKEWED));
        let off = signer_at(NOON - 3600, false);
        assert!(!off.learn_clock_skew(403, Some("Tue, 01 Dec 2026 12:00:00 GMT"), SKEWED));
        assert_eq!(off.clock_offset(), 0);
    }
}
