//! UTC timestamps: parsed from every date format servers send, formatted as SigV4 needs.
//!
//! No clock here: the caller passes the time in. Parsing checks lengths and separators
//! first, then converts digits, so a malformed date is rejected before any arithmetic.

use crate::error::{DateFormat, Error};
use core::fmt;

const SECS_PER_DAY: i64 = 86_400;
/// 0001-01-01T00:00:00Z.
const MIN_SECS: i64 = -62_135_596_800;
/// 9999-12-31T23:59:59Z.
const MAX_SECS: i64 = 253_402_300_799;

const WEEKDAYS: [&[u8; 3]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
const WEEKDAYS_LONG: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const MONTHS: [&[u8; 3]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// A UTC instant with one-second resolution (fractions are dropped when parsing).
///
/// ```
/// use sigv4_core::Timestamp;
/// let t = Timestamp::parse("Sun, 30 Aug 2015 12:36:00 GMT")?;
/// assert_eq!(t, Timestamp::parse_amz_date("20150830T123600Z")?);
/// assert_eq!(t.amz_date().as_str(), "20150830T123600Z");
/// assert_eq!(t.date_stamp().as_str(), "20150830");
/// # Ok::<(), sigv4_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

/// Calendar fields of a [`Timestamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Civil {
    year: i64,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

impl Timestamp {
    /// A timestamp from seconds since 1970-01-01T00:00:00Z.
    ///
    /// # Errors
    /// [`Error::DateOutOfRange`] outside the years 0001..=9999.
    pub const fn from_unix(secs: i64) -> Result<Self, Error> {
        if secs < MIN_SECS || secs > MAX_SECS {
            return Err(Error::DateOutOfRange);
        }
        Ok(Self(secs))
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub const fn unix(self) -> i64 {
        self.0
    }

    /// Days since 1970-01-01 (negative before).
    pub const fn days(self) -> i64 {
        self.0.div_euclid(SECS_PER_DAY)
    }

    /// A timestamp from calendar fields (UTC).
    ///
    /// # Errors
    /// [`Error::DateOutOfRange`] when a field is out of its range (month 13, 31 April,
    /// hour 24, ...) or the year is outside 0001..=9999.
    pub fn from_civil(
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
    ) -> Result<Self, Error> {
        let year = i64::from(year);
        if !(1..=9999).contains(&year)
            || !(1..=12).contains(&month)
            || day == 0
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return Err(Error::DateOutOfRange);
        }
        let days = days_from_civil(year, month, day);
        let secs = days * SECS_PER_DAY
            + i64::from(hour) * 3600
            + i64::from(minute) * 60
            + i64::from(second);
        Self::from_unix(secs)
    }

    fn civil(self) -> Civil {
        let days = self.days();
        let rem = self.0.rem_euclid(SECS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: two_digits_u8(rem / 3600),
            minute: two_digits_u8(rem % 3600 / 60),
            second: two_digits_u8(rem % 60),
        }
    }

    /// Parses any format servers send: amz-date, an HTTP date (IMF-fixdate, RFC 850,
    /// asctime) or ISO 8601 / RFC 3339. Surrounding whitespace is ignored.
    ///
    /// # Errors
    /// [`Error::Date`] naming [`DateFormat::Any`] when no format matches;
    /// [`Error::DateOutOfRange`] for impossible calendar fields.
    pub fn parse(input: &str) -> Result<Self, Error> {
        let s = input.trim();
        let b = s.as_bytes();
        match b.first() {
            Some(c) if c.is_ascii_alphabetic() => Self::parse_http_date(s),
            Some(_) if b.len() == 16 && b[8] == b'T' => Self::parse_amz_date(s),
            Some(_) if b.len() >= 10 && b[4] == b'-' => Self::parse_iso8601(s),
            _ => Err(Error::Date(DateFormat::Any)),
        }
    }

    /// Parses `YYYYMMDD'T'HHMMSS'Z'` (`X-Amz-Date`).
    ///
    /// # Errors
    /// [`Error::Date`] naming [`DateFormat::AmzDate`]; [`Error::DateOutOfRange`].
    pub fn parse_amz_date(input: &str) -> Result<Self, Error> {
        const E: Error = Error::Date(DateFormat::AmzDate);
        let b = input.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(E);
        }
        let year = digits(&b[0..4]).ok_or(E)?;
        let (mo, d) = (digits(&b[4..6]).ok_or(E)?, digits(&b[6..8]).ok_or(E)?);
        let (h, mi, s) = (
            digits(&b[9..11]).ok_or(E)?,
            digits(&b[11..13]).ok_or(E)?,
            digits(&b[13..15]).ok_or(E)?,
        );
        civil_checked(year, mo, d, h, mi, s)
    }

    /// [`Timestamp::parse_amz_date`], with the text as an [`AmzDate`]: text that parses is
    /// already in the one form [`Timestamp::amz_date`] writes (fixed width, zero-padded),
    /// so it need not be written again.
    pub(crate) fn parse_amz_date_text(input: &str) -> Result<(Self, AmzDate), Error> {
        let time = Self::parse_amz_date(input)?;
        let text =
            <[u8; 16]>::try_from(input.as_bytes()).map_err(|_| Error::Date(DateFormat::AmzDate))?;
        Ok((time, AmzDate(text)))
    }

    /// Parses an HTTP date in any of the three forms RFC 7231 requires recipients to accept:
    /// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT`
    /// (two-digit years 70-99 are 19xx, 00-69 are 20xx) and asctime
    /// `Sun Nov  6 08:49:37 1994`. The weekday must match the date.
    ///
    /// # Errors
    /// [`Error::Date`] naming [`DateFormat::HttpDate`]; [`Error::DateOutOfRange`].
    pub fn parse_http_date(input: &str) -> Result<Self, Error> {
        const E: Error = Error::Date(DateFormat::HttpDate);
        let b = input.as_bytes();
        let (weekday, t) = if b.len() == 29 && b[3] == b',' {
            (&b[..3], parse_imf_fixdate(b).ok_or(E)?)
        } else if b.len() == 24 && b[3] == b' ' {
            (&b[..3], parse_asctime(b).ok_or(E)?)
        } else {
            let comma = b.iter().position(|&c| c == b',').ok_or(E)?;
            let t = parse_rfc850(&b[comma..]).ok_or(E)?;
            let long = WEEKDAYS_LONG[weekday_index(t.days())].as_bytes();
            if &b[..comma] != long {
                return Err(E);
            }
            return Ok(t);
        };
        if weekday != WEEKDAYS[weekday_index(t.days())] {
            return Err(E);
        }
        Ok(t)
    }

    /// Parses ISO 8601 / RFC 3339: `YYYY-MM-DD`, `T` (or `t` or a space), `HH:MM:SS`, an
    /// optional fraction (dropped), then `Z` or an offset `±HH:MM` (or `±HHMM`).
    ///
    /// # Errors
    /// [`Error::Date`] naming [`DateFormat::Iso8601`]; [`Error::DateOutOfRange`].
    pub fn parse_iso8601(input: &str) -> Result<Self, Error> {
        const E: Error = Error::Date(DateFormat::Iso8601);
        let b = input.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(E);
        }
        let (y, mo, d) = (
            digits(&b[0..4]).ok_or(E)?,
            digits(&b[5..7]).ok_or(E)?,
            digits(&b[8..10]).ok_or(E)?,
        );
        let (h, mi, s) = (
            digits(&b[11..13]).ok_or(E)?,
            digits(&b[14..16]).ok_or(E)?,
            digits(&b[17..19]).ok_or(E)?,
        );
        let mut rest = &b[19..];
        if let [b'.' | b',', tail @ ..] = rest {
            let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return Err(E);
            }
            rest = &tail[n..];
        }
        let offset = parse_offset(rest).ok_or(E)?;
        let t = civil_checked(y, mo, d, h, mi, s)?;
        Self::from_unix(t.0 - offset)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'`, as `X-Amz-Date` carries it.
    pub fn amz_date(self) -> AmzDate {
        let c = self.civil();
        let mut out = *b"00000000T000000Z";
        put_year(&mut out[0..4], c.year);
        put2(&mut out[4..6], c.month);
        put2(&mut out[6..8], c.day);
        put2(&mut out[9..11], c.hour);
        put2(&mut out[11..13], c.minute);
        put2(&mut out[13..15], c.second);
        AmzDate(out)
    }

    /// `YYYYMMDD'T'HHMMSS'Z'` with the date part given (the caller knows it is this day's).
    pub(crate) fn amz_date_on(self, date: [u8; 8]) -> AmzDate {
        let rem = self.0.rem_euclid(SECS_PER_DAY);
        let mut out = *b"00000000T000000Z";
        out[..8].copy_from_slice(&date);
        put2(&mut out[9..11], two_digits_u8(rem / 3600));
        put2(&mut out[11..13], two_digits_u8(rem % 3600 / 60));
        put2(&mut out[13..15], two_digits_u8(rem % 60));
        AmzDate(out)
    }

    /// `YYYYMMDD`, the date of the credential scope.
    pub fn date_stamp(self) -> DateStamp {
        self.amz_date().date_stamp()
    }

    /// IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`, as the `Date` header carries it.
    pub fn http_date(self) -> HttpDate {
        let c = self.civil();
        let mut out = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        out[0..3].copy_from_slice(WEEKDAYS[weekday_index(self.days())]);
        put2(&mut out[5..7], c.day);
        out[8..11].copy_from_slice(MONTHS[usize::from(c.month - 1)]);
        put_year(&mut out[12..16], c.year);
        put2(&mut out[17..19], c.hour);
        put2(&mut out[20..22], c.minute);
        put2(&mut out[23..25], c.second);
        HttpDate(out)
    }
}

macro_rules! ascii_value {
    ($(#[$doc:meta])* $name:ident, $len:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name([u8; $len]);

        impl $name {
            /// The text.
            pub fn as_str(&self) -> &str {
                // Built only from ASCII digits and letters above.
                core::str::from_utf8(&self.0).unwrap_or_default()
            }
            /// The text as bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }
    };
}

ascii_value!(
    /// `YYYYMMDD'T'HHMMSS'Z'` text on the stack.
    AmzDate,
    16
);
impl AmzDate {
    /// The date part, `YYYYMMDD`.
    pub fn date_stamp(&self) -> DateStamp {
        let mut out = [b'0'; 8];
        out.copy_from_slice(&self.0[..8]);
        DateStamp(out)
    }
}

ascii_value!(
    /// `YYYYMMDD` text on the stack.
    DateStamp,
    8
);
ascii_value!(
    /// IMF-fixdate text on the stack.
    HttpDate,
    29
);

fn parse_imf_fixdate(b: &[u8]) -> Option<Timestamp> {
    // "Sun, 06 Nov 1994 08:49:37 GMT"
    if b[4] != b' ' || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' || &b[25..] != b" GMT" {
        return None;
    }
    let day = digits(&b[5..7])?;
    let month = month_index(&b[8..11])?;
    let year = digits(&b[12..16])?;
    let (h, mi, s) = clock(&b[17..25])?;
    civil_checked(year, month, day, h, mi, s).ok()
}

fn parse_rfc850(b: &[u8]) -> Option<Timestamp> {
    // ", 06-Nov-94 08:49:37 GMT"
    if b.len() != 24 || &b[..2] != b", " || b[4] != b'-' || b[8] != b'-' || b[11] != b' ' {
        return None;
    }
    if &b[20..] != b" GMT" {
        return None;
    }
    let day = digits(&b[2..4])?;
    let month = month_index(&b[5..8])?;
    let yy = digits(&b[9..11])?;
    let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
    let (h, mi, s) = clock(&b[12..20])?;
    civil_checked(year, month, day, h, mi, s).ok()
}

fn parse_asctime(b: &[u8]) -> Option<Timestamp> {
    // "Sun Nov  6 08:49:37 1994"
    if b[7] != b' ' || b[10] != b' ' || b[19] != b' ' {
        return None;
    }
    let month = month_index(&b[4..7])?;
    let day = match b[8] {
        b' ' => digits(&b[9..10])?,
        _ => digits(&b[8..10])?,
    };
    let (h, mi, s) = clock(&b[11..19])?;
    let year = digits(&b[20..24])?;
    civil_checked(year, month, day, h, mi, s).ok()
}

/// `HH:MM:SS`.
fn clock(b: &[u8]) -> Option<(u32, u32, u32)> {
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    Some((digits(&b[0..2])?, digits(&b[3..5])?, digits(&b[6..8])?))
}

/// `Z`, `±HH:MM` or `±HHMM`, as seconds east of UTC.
fn parse_offset(b: &[u8]) -> Option<i64> {
    let (sign, h, m) = match b {
        [b'Z' | b'z'] => return Some(0),
        [s @ (b'+' | b'-'), h1, h2, b':', m1, m2] | [s @ (b'+' | b'-'), h1, h2, m1, m2] => {
            (*s, digits(&[*h1, *h2])?, digits(&[*m1, *m2])?)
        }
        _ => return None,
    };
    if h > 23 || m > 59 {
        return None;
    }
    let secs = i64::from(h * 3600 + m * 60);
    Some(if sign == b'-' { -secs } else { secs })
}

fn civil_checked(y: u32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Result<Timestamp, Error> {
    let narrow = |v: u32| u8::try_from(v).map_err(|_| Error::DateOutOfRange);
    let year = u16::try_from(y).map_err(|_| Error::DateOutOfRange)?;
    Timestamp::from_civil(
        year,
        narrow(mo)?,
        narrow(d)?,
        narrow(h)?,
        narrow(mi)?,
        narrow(s)?,
    )
}

/// A run of ASCII digits as a number; `None` if any byte is not a digit.
fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn month_index(b: &[u8]) -> Option<u32> {
    let i = MONTHS.iter().position(|m| m.as_slice() == b)?;
    u32::try_from(i + 1).ok()
}

/// 0 = Thursday (1970-01-01 was one).
fn weekday_index(days: i64) -> usize {
    usize::try_from(days.rem_euclid(7)).unwrap_or(0)
}

const fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

const fn days_in_month(y: i64, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years).
fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, two_digits_u8(m), two_digits_u8(d))
}

/// Narrows a value known to be below 100.
fn two_digits_u8(v: i64) -> u8 {
    u8::try_from(v).unwrap_or(0)
}

fn put2(out: &mut [u8], v: u8) {
    out[0] = b'0' + v / 10;
    out[1] = b'0' + v % 10;
}

fn put_year(out: &mut [u8], y: i64) {
    let y = u16::try_from(y).unwrap_or(0);
    let hi = u8::try_from(y / 100).unwrap_or(0);
    let lo = u8::try_from(y % 100).unwrap_or(0);
    put2(&mut out[0..2], hi);
    put2(&mut out[2..4], lo);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amz_date_text_that_parses_is_what_amz_date_writes() {
        // Every day of 400 years at a few times of day, and the edges of the range.
        let mut t = Timestamp::parse_amz_date("19000101T000000Z")
            .unwrap()
            .unix();
        for _ in 0..146_097 {
            for secs in [0, 1, 3_599, 43_261, 86_399] {
                let time = Timestamp::from_unix(t + secs).unwrap();
                let text = time.amz_date();
                let (parsed, kept) = Timestamp::parse_amz_date_text(text.as_str()).unwrap();
                assert_eq!((parsed, kept), (time, text));
            }
            t += 86_400;
        }
        // Any text that parses is the text its time writes.
        for year in ["0001", "0999", "1969", "2000", "9999"] {
            for rest in [
                "0101T000000Z",
                "0229T235959Z",
                "1231T235959Z",
                "0630T120000Z",
            ] {
                let input = std::format!("{year}{rest}");
                if let Ok((parsed, kept)) = Timestamp::parse_amz_date_text(&input) {
                    assert_eq!(kept, parsed.amz_date(), "{input}");
                }
            }
        }
        for bad in [
            "20150830T123600",
            "20150830 123600Z",
            "20150830T126000Z",
            "20150230T123600Z",
        ] {
            assert!(Timestamp::parse_amz_date_text(bad).is_err(), "{bad}");
        }
    }

    const T: i64 = 784_111_777; // 1994-11-06T08:49:37Z, a Sunday

    #[test]
    fn parses_the_three_http_forms() {
        for s in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(Timestamp::parse(s).map(Timestamp::unix), Ok(T), "{s}");
        }
    }

    #[test]
    fn parses_iso8601_with_fraction_and_offset() {
        assert_eq!(
            Timestamp::parse("1994-11-06T08:49:37.123456Z").map(Timestamp::unix),
            Ok(T)
        );
        assert_eq!(
            Timestamp::parse("1994-11-06T10:49:37+02:00").map(Timestamp::unix),
            Ok(T)
        );
        assert_eq!(
            Timestamp::parse("1994-11-06 03:49:37-0500").map(Timestamp::unix),
            Ok(T)
        );
    }

    #[test]
    fn formats() {
        let t = Timestamp::from_unix(T).unwrap();
        assert_eq!(t.amz_date().as_str(), "19941106T084937Z");
        assert_eq!(t.date_stamp().as_str(), "19941106");
        assert_eq!(t.http_date().as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn rejects_malformed_dates_naming_the_format() {
        assert_eq!(
            Timestamp::parse_amz_date("20150830T1236Z"),
            Err(Error::Date(DateFormat::AmzDate))
        );
        assert_eq!(
            Timestamp::parse_http_date("Mon, 06 Nov 1994 08:49:37 GMT"),
            Err(Error::Date(DateFormat::HttpDate))
        );
        assert_eq!(
            Timestamp::parse_amz_date("20150230T123600Z"),
            Err(Error::DateOutOfRange)
        );
        assert_eq!(Timestamp::parse(""), Err(Error::Date(DateFormat::Any)));
        assert_eq!(
            Timestamp::parse("2015-08-30T12:36:00+24:00"),
            Err(Error::Date(DateFormat::Iso8601))
        );
    }

    #[test]
    fn round_trips_the_calendar_edges() {
        for secs in [MIN_SECS, -1, 0, 951_782_400, 4_107_542_399, MAX_SECS] {
            let t = Timestamp::from_unix(secs).unwrap();
            let back = Timestamp::parse_amz_date(t.amz_date().as_str()).unwrap();
            assert_eq!(back, t);
            assert_eq!(Timestamp::parse_http_date(t.http_date().as_str()), Ok(t));
        }
        assert_eq!(
            Timestamp::from_unix(MAX_SECS + 1),
            Err(Error::DateOutOfRange)
        );
    }
}
