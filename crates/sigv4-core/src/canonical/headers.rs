//! Canonical headers and the signed header list.
//!
//! Names are lower-cased and sorted; a name repeated keeps its values in order, joined with
//! `,`. Values are trimmed and every inner run of spaces, tabs, CR and LF (obsolete line
//! folding included) becomes one space.

use crate::error::Error;
use crate::sink::Sink;

/// Most headers a request may have signed, the ones the signer adds included.
pub const MAX_HEADERS: usize = 64;
/// Longest `;`-joined list of signed header names.
pub const MAX_SIGNED_HEADERS_LEN: usize = 1024;

/// A header to sign: a reference into the request, or one the signer adds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a [u8],
    /// Whether this entry starts a run of one name (set by [`sort`]).
    pub(crate) first: bool,
    /// Whether the name has upper-case letters to lower.
    upper: bool,
    /// Whether the value is already trimmed and folded.
    folded: bool,
}

impl<'a> Entry<'a> {
    /// An entry from a name and value the caller checked (the ones the signer adds).
    pub(crate) fn new(name: &'a str, value: &'a [u8]) -> Self {
        Self {
            name,
            value,
            first: true,
            upper: name.bytes().any(|b| b.is_ascii_uppercase()),
            folded: scan_value(value).1,
        }
    }

    /// An entry the signer adds whose name is lower case and whose value is visible ASCII
    /// (no whitespace at all), so canonical as it is.
    pub(crate) fn canonical(name: &'a str, value: &'a [u8]) -> Self {
        debug_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()));
        debug_assert!(value.iter().all(u8::is_ascii_graphic));
        Self {
            name,
            value,
            first: true,
            upper: false,
            folded: true,
        }
    }

    /// An entry from a request header: the name must be an HTTP token and the value free of
    /// control characters other than tab, CR and LF. One pass over each.
    // Inlined: returned through memory, the `Result` was written in pieces and read back
    // whole, a store-forwarding stall per header (an eighth of W1's time in `perf`).
    #[inline(always)]
    pub(crate) fn checked(name: &'a str, value: &'a [u8]) -> Result<Self, Error> {
        let (token, upper) = scan_name(name.as_bytes());
        if !token {
            return Err(Error::HeaderName);
        }
        Self::with_value(name, value, upper)
    }

    /// The order of two names lower-cased. Names already lower case (most) compare as
    /// bytes, and most differ in their first byte.
    #[inline]
    fn cmp_name(&self, other: &Self) -> core::cmp::Ordering {
        if self.upper || other.upper {
            return cmp_names(self.name, other.name);
        }
        match (self.name.as_bytes().first(), other.name.as_bytes().first()) {
            (Some(a), Some(b)) if a != b => a.cmp(b),
            _ => self.name.cmp(other.name),
        }
    }

    /// Whether the name is `lower` (a lower-case name), ignoring case.
    #[inline]
    pub(crate) fn name_is(&self, lower: &str) -> bool {
        if self.upper {
            self.name.eq_ignore_ascii_case(lower)
        } else {
            self.name == lower
        }
    }

    /// [`Entry::checked`] for a received header whose name is known to be a token (equal,
    /// ignoring case, to one of the signed list) and to have upper-case letters or not
    /// (`upper`); `first` of its name. Only the value is checked.
    pub(crate) fn received(
        name: &'a str,
        value: &'a [u8],
        upper: bool,
        first: bool,
    ) -> Result<Self, Error> {
        let mut entry = Self::with_value(name, value, upper)?;
        entry.first = first;
        Ok(entry)
    }

    /// An entry for a checked name (`upper`: whether it has upper-case letters), its value
    /// checked here.
    #[inline(always)]
    fn with_value(name: &'a str, value: &'a [u8], upper: bool) -> Result<Self, Error> {
        let (valid, folded) = scan_value(value);
        if !valid {
            return Err(Error::HeaderValue);
        }
        Ok(Self {
            name,
            value,
            first: true,
            upper,
            folded,
        })
    }
}

/// Whether a name (or a method) is a token, and whether it has upper-case letters: one pass
/// of table lookups ORed together, with no branch (names are short, and an early exit costs
/// a mispredicted branch per name).
pub(crate) fn scan_name(name: &[u8]) -> (bool, bool) {
    let class = classes(name);
    (
        !name.is_empty() && class & NOT_TCHAR == 0,
        class & UPPER != 0,
    )
}

/// Whether a value is free of forbidden control characters, and whether it is already
/// canonical (no whitespace at either end, no tab, CR or LF, no two spaces in a row). One
/// pass of table lookups ORed together; a second over neighbouring pairs only when a space
/// is present at all.
fn scan_value(v: &[u8]) -> (bool, bool) {
    let class = classes(v);
    let doubled = class & SPACE != 0 && v.windows(2).any(|w| w == b"  ");
    let ends = v.first().is_some_and(|&b| is_space(b)) || v.last().is_some_and(|&b| is_space(b));
    (class & BAD == 0, !(class & FOLD != 0 || doubled || ends))
}

/// The OR of the bytes' [`CLASS`] bits. Short texts (most names and values) cost a load and
/// an OR a byte, with none of a vector loop's set-up and tail.
#[inline(always)]
fn classes(bytes: &[u8]) -> u8 {
    bytes
        .iter()
        .fold(0, |class, &b| class | CLASS[usize::from(b)])
}

/// Not an HTTP token character (RFC 9110 `tchar`).
const NOT_TCHAR: u8 = 1;
/// An ASCII upper-case letter.
const UPPER: u8 = 2;
/// A control character a value may not hold: all but tab, CR and LF, and DEL.
const BAD: u8 = 4;
/// Tab, CR or LF: whitespace a canonical value folds.
const FOLD: u8 = 8;
/// A space.
const SPACE: u8 = 16;

/// Each byte's classes, for names and values alike.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "b < 256")]
        let c = b as u8;
        let mut class = 0;
        if !TCHAR[b] {
            class |= NOT_TCHAR;
        }
        if c.is_ascii_uppercase() {
            class |= UPPER;
        }
        if matches!(c, b'\t' | b'\r' | b'\n') {
            class |= FOLD;
        } else if c < 0x20 || c == 0x7f {
            class |= BAD;
        }
        if c == b' ' {
            class |= SPACE;
        }
        t[b] = class;
        b += 1;
    }
    t
};

/// Whether `name` is `lower` (a lower-case name) ignoring case, in one pass with no branch:
/// `None` if not, else whether `name` has upper-case letters.
pub(crate) fn name_upper(name: &[u8], lower: &[u8]) -> Option<bool> {
    if name.len() != lower.len() {
        return None;
    }
    let (mut exact, mut folded) = (0u8, 0u8);
    for (&a, &b) in name.iter().zip(lower) {
        exact |= a ^ b;
        folded |= a.to_ascii_lowercase() ^ b;
    }
    (folded == 0).then_some(exact != 0)
}

/// [`name_upper`] as a test.
pub(crate) fn same_name(name: &[u8], lower: &[u8]) -> bool {
    name_upper(name, lower).is_some()
}

pub(crate) type Entries<'a> = heapless::Vec<Entry<'a>, MAX_HEADERS>;
pub(crate) type SignedList = crate::sink::LazyBuf<MAX_SIGNED_HEADERS_LEN>;

/// `!#$%&'*+-.^_`|~`, digits and letters (RFC 9110 `tchar`), as a table.
const TCHAR: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "b < 256")]
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        b += 1;
    }
    t
};

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

pub(crate) fn push<'a>(out: &mut Entries<'a>, e: Entry<'a>) -> Result<(), Error> {
    out.push(e)
        .map_err(|_| Error::TooManyHeaders { limit: MAX_HEADERS })
}

fn cmp_names(a: &str, b: &str) -> core::cmp::Ordering {
    let a = a.bytes().map(|c| c.to_ascii_lowercase());
    a.cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Stable insertion sort by lower-cased name, so repeated names keep their order; then
/// marks where each name's run starts.
pub(crate) fn sort(entries: &mut [Entry<'_>]) {
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && entries[j - 1].cmp_name(&entries[j]).is_gt() {
            entries.swap(j - 1, j);
            j -= 1;
        }
    }
    for i in 1..entries.len() {
        entries[i].first = entries[i - 1].cmp_name(&entries[i]).is_ne();
    }
    if let Some(e) = entries.first_mut() {
        e.first = true;
    }
}

/// Writes `name` lower-cased, a chunk at a time (byte-at-a-time writes cost more than the
/// conversion).
fn put_lower(out: &mut impl Sink, e: &Entry<'_>) {
    let name = e.name.as_bytes();
    if !e.upper {
        return out.put(name);
    }
    let mut chunk = [0u8; 32];
    for piece in name.chunks(chunk.len()) {
        let dst = &mut chunk[..piece.len()];
        for (d, s) in dst.iter_mut().zip(piece) {
            *d = s.to_ascii_lowercase();
        }
        out.put(dst);
    }
}

/// The value trimmed, with inner whitespace runs folded to one space.
fn put_value(out: &mut impl Sink, e: &Entry<'_>) {
    let value = e.value;
    if e.folded {
        return out.put(value);
    }
    let start = value.iter().position(|&b| !is_space(b));
    let end = value.iter().rposition(|&b| !is_space(b));
    let (Some(start), Some(end)) = (start, end) else {
        return;
    };
    let v = &value[start..=end];
    let mut run = 0;
    let mut i = 0;
    while i < v.len() {
        if is_space(v[i]) {
            out.put(&v[run..i]);
            out.byte(b' ');
            while is_space(v[i]) {
                i += 1;
            }
            run = i;
        } else {
            i += 1;
        }
    }
    out.put(&v[run..]);
}

/// Writes `name:value,value\n` for each name (entries sorted by [`sort`]).
pub(crate) fn write(out: &mut impl Sink, entries: &[Entry<'_>]) {
    for (i, e) in entries.iter().enumerate() {
        if e.first {
            if i > 0 {
                out.byte(b'\n');
            }
            put_lower(out, e);
            out.byte(b':');
        } else {
            out.byte(b',');
        }
        put_value(out, e);
    }
    if !entries.is_empty() {
        out.byte(b'\n');
    }
}

/// Writes the `;`-joined lower-cased names (entries sorted by [`sort`]).
pub(crate) fn write_signed(out: &mut impl Sink, entries: &[Entry<'_>]) {
    for (i, e) in entries.iter().filter(|e| e.first).enumerate() {
        if i > 0 {
            out.byte(b';');
        }
        put_lower(out, e);
    }
}

/// The length of the `;`-joined list [`write_signed`] writes.
pub(crate) fn signed_list_len(entries: &[Entry<'_>]) -> usize {
    let names = entries.iter().filter(|e| e.first);
    names.clone().map(|e| e.name.len()).sum::<usize>() + names.count().saturating_sub(1)
}

/// Refuses a signed header list longer than a verifier accepts ([`MAX_SIGNED_HEADERS_LEN`]);
/// a list within it fits every buffer that holds one.
pub(crate) fn check_signed_len(entries: &[Entry<'_>]) -> Result<(), Error> {
    if signed_list_len(entries) > MAX_SIGNED_HEADERS_LEN {
        return Err(Error::SignedHeadersTooLong {
            limit: MAX_SIGNED_HEADERS_LEN,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_ignoring_case_and_say_whether_upper() {
        assert_eq!(name_upper(b"x-amz-date", b"x-amz-date"), Some(false));
        assert_eq!(name_upper(b"X-Amz-Date", b"x-amz-date"), Some(true));
        assert_eq!(name_upper(b"x-amz-datf", b"x-amz-date"), None);
        assert_eq!(name_upper(b"x-amz-dat", b"x-amz-date"), None);
        // `-` and `\r` differ by 0x20 in the other direction: not a case difference.
        assert_eq!(name_upper(b"\r", b"-"), None);
    }

    struct Buf(heapless::String<256>);
    impl Sink for Buf {
        fn put(&mut self, b: &[u8]) {
            self.0.push_str(core::str::from_utf8(b).unwrap()).unwrap();
        }
    }

    fn e<'a>(name: &'a str, value: &'a str) -> Entry<'a> {
        Entry::new(name, value.as_bytes())
    }

    #[test]
    fn sorts_groups_trims_and_folds() {
        let mut v = [
            e("Zed", " last "),
            e("My-Header1", "value4"),
            e("host", "h"),
            e("my-header1", "  a   b\r\n\t c  "),
            e("MY-HEADER1", ""),
        ];
        sort(&mut v);
        let mut b = Buf(heapless::String::new());
        write(&mut b, &v);
        assert_eq!(b.0.as_str(), "host:h\nmy-header1:value4,a b c,\nzed:last\n");
        let mut list = SignedList::new();
        write_signed(&mut list, &v);
        assert_eq!(list.as_str(), "host;my-header1;zed");
        assert_eq!(signed_list_len(&v), list.as_str().len());
    }

    /// The tables against the rules written out byte by byte: every byte alone, and every
    /// pair of bytes from those that matter (controls, whitespace, DEL, letters, a
    /// separator, a non-ASCII byte).
    #[test]
    fn the_byte_classes_are_the_rules() {
        const TOKEN_PUNCT: &[u8] = b"!#$%&'*+-.^_`|~";
        let name_rule = |n: &[u8]| {
            let token = !n.is_empty()
                && n.iter()
                    .all(|b| b.is_ascii_alphanumeric() || TOKEN_PUNCT.contains(b));
            (token, n.iter().any(u8::is_ascii_uppercase))
        };
        let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        let value_rule = |v: &[u8]| {
            let valid = !v
                .iter()
                .any(|&b| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7f);
            let folded = !v.iter().any(|b| ws(b) && *b != b' ')
                && !v.windows(2).any(|w| w == b"  ")
                && !v.first().is_some_and(ws)
                && !v.last().is_some_and(ws);
            (valid, folded)
        };
        let agree = |t: &[u8]| {
            assert_eq!(scan_name(t), name_rule(t), "{t:?}");
            assert_eq!(scan_value(t), value_rule(t), "{t:?}");
        };
        for b in 0..=255u8 {
            agree(&[b]);
        }
        let some = [
            0u8, 8, 9, 10, 13, 31, 32, 33, b'(', b'A', b'Z', b'a', 0x7f, 0x80, 0xff,
        ];
        for &a in &some {
            for &b in &some {
                agree(&[a, b]);
                agree(&[b'x', a, b, b'y']);
            }
        }
        assert_eq!(scan_name(b""), (false, false));
        assert_eq!(scan_value(b""), (true, true));
    }

    #[test]
    fn validates() {
        let check = |n, v| Entry::checked(n, v).map(|e| e.folded);
        assert_eq!(check("a b", b"x"), Err(Error::HeaderName));
        assert_eq!(check("", b"x"), Err(Error::HeaderName));
        assert_eq!(check("a", b"x\0"), Err(Error::HeaderValue));
        assert_eq!(check("a", b"x\x7f"), Err(Error::HeaderValue));
        assert_eq!(check("a", b"x\r\n y\t\xff"), Ok(false));
        assert_eq!(check("a", b"x y \xff"), Ok(true));
        assert_eq!(check("a", b"x  y"), Ok(false));
        assert_eq!(check("a", b"x "), Ok(false));
        assert_eq!(check("a", b"x y z"), Ok(true));
        assert_eq!(check("a", b""), Ok(true));
    }
}
