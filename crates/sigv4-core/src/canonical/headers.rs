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
}

pub(crate) type Entries<'a> = heapless::Vec<Entry<'a>, MAX_HEADERS>;
pub(crate) type SignedList = heapless::String<MAX_SIGNED_HEADERS_LEN>;

/// `!#$%&'*+-.^_`|~`, digits and letters (RFC 9110 `tchar`).
pub(crate) const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
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
        )
}

pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

const fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Checks a header's name and value.
pub(crate) fn validate(name: &str, value: &[u8]) -> Result<(), Error> {
    if !is_token(name) {
        return Err(Error::HeaderName);
    }
    if value
        .iter()
        .any(|&b| (b < 0x20 && !is_space(b)) || b == 0x7f)
    {
        return Err(Error::HeaderValue);
    }
    Ok(())
}

pub(crate) fn push<'a>(out: &mut Entries<'a>, e: Entry<'a>) -> Result<(), Error> {
    out.push(e)
        .map_err(|_| Error::TooManyHeaders { limit: MAX_HEADERS })
}

fn cmp_names(a: &str, b: &str) -> core::cmp::Ordering {
    let a = a.bytes().map(|c| c.to_ascii_lowercase());
    a.cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Stable insertion sort by lower-cased name, so repeated names keep their order.
pub(crate) fn sort(entries: &mut [Entry<'_>]) {
    for i in 1..entries.len() {
        let mut j = i;
        while j > 0 && cmp_names(entries[j - 1].name, entries[j].name).is_gt() {
            entries.swap(j - 1, j);
            j -= 1;
        }
    }
}

fn put_lower(out: &mut impl Sink, name: &str) {
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        name.bytes().for_each(|c| out.byte(c.to_ascii_lowercase()));
    } else {
        out.put(name.as_bytes());
    }
}

/// The value trimmed, with inner whitespace runs folded to one space.
fn put_value(out: &mut impl Sink, value: &[u8]) {
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

/// Groups of entries with one name, in sorted order.
fn groups<'e, 'a>(entries: &'e [Entry<'a>]) -> impl Iterator<Item = &'e [Entry<'a>]> {
    entries.chunk_by(|a, b| a.name.eq_ignore_ascii_case(b.name))
}

/// Writes `name:value,value\n` for each name.
pub(crate) fn write(out: &mut impl Sink, entries: &[Entry<'_>]) {
    for group in groups(entries) {
        put_lower(out, group[0].name);
        out.byte(b':');
        for (i, e) in group.iter().enumerate() {
            if i > 0 {
                out.byte(b',');
            }
            put_value(out, e.value);
        }
        out.byte(b'\n');
    }
}

/// Writes the `;`-joined lower-cased names.
pub(crate) fn write_signed(out: &mut impl Sink, entries: &[Entry<'_>]) {
    for (i, group) in groups(entries).enumerate() {
        if i > 0 {
            out.byte(b';');
        }
        put_lower(out, group[0].name);
    }
}

/// The signed header list as a fixed-capacity string.
pub(crate) fn signed_list(entries: &[Entry<'_>]) -> Result<SignedList, Error> {
    let mut list = SignedList::new();
    let mut sink = crate::sink::StrSink {
        out: &mut list,
        overflow: false,
    };
    write_signed(&mut sink, entries);
    if sink.overflow {
        return Err(Error::SignedHeadersTooLong {
            limit: MAX_SIGNED_HEADERS_LEN,
        });
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf(heapless::String<256>);
    impl Sink for Buf {
        fn put(&mut self, b: &[u8]) {
            self.0.push_str(core::str::from_utf8(b).unwrap()).unwrap();
        }
    }

    fn e<'a>(name: &'a str, value: &'a str) -> Entry<'a> {
        Entry {
            name,
            value: value.as_bytes(),
        }
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
        assert_eq!(signed_list(&v).unwrap().as_str(), "host;my-header1;zed");
    }

    #[test]
    fn validates() {
        assert_eq!(validate("a b", b"x"), Err(Error::HeaderName));
        assert_eq!(validate("", b"x"), Err(Error::HeaderName));
        assert_eq!(validate("a", b"x\0"), Err(Error::HeaderValue));
        assert_eq!(validate("a", b"x\r\n y\t\xff"), Ok(()));
    }
}
