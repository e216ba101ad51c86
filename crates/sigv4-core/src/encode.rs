//! URI encoding as SigV4 defines it: every byte but the RFC 3986 unreserved characters
//! (`A-Z a-z 0-9 - . _ ~`) becomes `%XX` with upper-case hex.

use crate::sink::Sink;

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `A-Z a-z 0-9 - . _ ~`, as a table: this runs for every byte of path and query.
const UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation, reason = "b < 256")]
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    t
};

/// `A-Z a-z 0-9 - . _ ~`.
#[inline]
pub(crate) const fn is_unreserved(b: u8) -> bool {
    UNRESERVED[b as usize]
}

/// [`UNRESERVED`] and `/`: the bytes a path keeps as they are.
const PATH_KEPT: [bool; 256] = {
    let mut t = UNRESERVED;
    t[b'/' as usize] = true;
    t
};

#[inline]
fn put_escape(out: &mut impl Sink, b: u8) {
    out.put(&[
        b'%',
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 15)],
    ]);
}

/// Encodes `bytes`; `/` is left bare when `keep_slash`.
pub(crate) fn put_encoded(out: &mut impl Sink, bytes: &[u8], keep_slash: bool) {
    if Canonicalized::is_identity(bytes) {
        return out.put(bytes);
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        out.put(&bytes[start..i]);
        put_escape(out, b);
        start = i + 1;
    }
    out.put(&bytes[start..]);
}

/// Encodes a path already encoded once, the S3 way: valid `%XX` escapes are decoded, then
/// every byte outside the unreserved set and `/` is encoded, as S3 servers compute it. For
/// the paths clients send (escapes upper-case, nothing left bare that should not be) this
/// is the path as sent; a stray space or `!` is encoded, `%7e` becomes `~`. An encoded
/// slash (`%2F`) stays encoded, as botocore signs it.
pub(crate) fn put_path_as_sent(out: &mut impl Sink, bytes: &[u8]) {
    // Runs that come out as they went in (unreserved bytes, `/`, escapes already in
    // canonical form) are copied whole; only the bytes between them are rewritten. One
    // pass: a path with nothing to rewrite is one run. (A first pass to find that out was
    // a second walk over every path with an escape.)
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if PATH_KEPT[usize::from(b)] {
            i += 1;
            continue;
        }
        let escaped = escape_at(bytes, i);
        // An encoded slash stays one: it is part of a segment, not a separator.
        if let Some(d) = escaped {
            let upper = !bytes[i + 1..i + 3].iter().any(u8::is_ascii_lowercase);
            if upper && !is_unreserved(d) {
                i += 3;
                continue;
            }
        }
        out.put(&bytes[start..i]);
        match escaped {
            Some(d) if is_unreserved(d) => out.byte(d),
            Some(d) => put_escape(out, d),
            None => put_escape(out, b),
        }
        i += if escaped.is_some() { 3 } else { 1 };
        start = i;
    }
    out.put(&bytes[start..]);
}

/// The byte a valid `%XX` at `i` stands for.
#[inline]
pub(crate) fn escape_at(bytes: &[u8], i: usize) -> Option<u8> {
    match bytes.get(i..i + 3)? {
        [b'%', h, l] => Some(hex_val(*h)? << 4 | hex_val(*l)?),
        _ => None,
    }
}

#[inline]
pub(crate) const fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// The canonical (decoded, then encoded) bytes of a query component, one at a time, so two
/// components compare without either being materialised. With `decode`, valid `%XX`
/// escapes are decoded first; `+` is a literal plus either way, and a `%` that does not
/// start a valid escape is a literal `%`.
#[derive(Clone)]
pub(crate) struct Canonicalized<'a> {
    src: &'a [u8],
    decode: bool,
    pending: [u8; 2],
    npending: u8,
}

impl<'a> Canonicalized<'a> {
    pub(crate) fn new(src: &'a [u8], decode: bool) -> Self {
        Self {
            src,
            decode,
            pending: [0; 2],
            npending: 0,
        }
    }

    /// Whether the canonical form is the source itself (no byte to decode or encode).
    // Both scans run to the end without a branch: the texts are short and almost always
    // plain, so an early exit bought nothing but a mispredicted branch at the end.
    pub(crate) fn is_identity(src: &[u8]) -> bool {
        src.iter().fold(true, |ok, &b| ok & is_unreserved(b))
    }

    fn next_source_byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.src.split_first()?;
        if self.decode && first == b'%' {
            if let Some(b) = escape_at(self.src, 0) {
                self.src = &self.src[3..];
                return Some(b);
            }
        }
        self.src = rest;
        Some(first)
    }

    /// Writes the canonical form.
    pub(crate) fn write(src: &[u8], decode: bool, out: &mut impl Sink) {
        if !decode {
            return put_encoded(out, src, false);
        }
        let mut start = 0;
        let mut i = 0;
        while i < src.len() {
            let b = src[i];
            if is_unreserved(b) {
                i += 1;
                continue;
            }
            out.put(&src[start..i]);
            match escape_at(src, i) {
                Some(d) if is_unreserved(d) => out.byte(d),
                Some(d) => put_escape(out, d),
                None => put_escape(out, b),
            }
            i += if b == b'%' && escape_at(src, i).is_some() {
                3
            } else {
                1
            };
            start = i;
        }
        out.put(&src[start..]);
    }
}

impl Iterator for Canonicalized<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.npending > 0 {
            let b = self.pending[usize::from(2 - self.npending)];
            self.npending -= 1;
            return Some(b);
        }
        let b = self.next_source_byte()?;
        if is_unreserved(b) {
            return Some(b);
        }
        self.pending = [
            HEX_UPPER[usize::from(b >> 4)],
            HEX_UPPER[usize::from(b & 15)],
        ];
        self.npending = 2;
        Some(b'%')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf(heapless::Vec<u8, 64>);
    impl Sink for Buf {
        fn put(&mut self, b: &[u8]) {
            self.0.extend_from_slice(b).unwrap();
        }
    }

    fn canon(src: &[u8], decode: bool) -> heapless::Vec<u8, 64> {
        let mut b = Buf(heapless::Vec::new());
        Canonicalized::write(src, decode, &mut b);
        let iterated: heapless::Vec<u8, 64> = Canonicalized::new(src, decode).collect();
        assert_eq!(b.0, iterated, "writer and iterator agree");
        b.0
    }

    #[test]
    fn query_components() {
        assert_eq!(canon(b"a+b", true), b"a%2Bb".as_slice());
        assert_eq!(canon(b"a%20b%7e%2f", true), b"a%20b~%2F".as_slice());
        assert_eq!(canon(b"100%", true), b"100%25".as_slice());
        assert_eq!(canon(b"%zz", true), b"%25zz".as_slice());
        assert_eq!(canon(b"%20", false), b"%2520".as_slice());
        assert_eq!(canon("ሴ".as_bytes(), true), b"%E1%88%B4".as_slice());
    }

    #[test]
    fn paths() {
        let mut b = Buf(heapless::Vec::new());
        put_path_as_sent(&mut b, b"/a%2fb c/%zz!%7e%C3%A9");
        assert_eq!(b.0, b"/a%2Fb%20c/%25zz%21~%C3%A9".as_slice());
        let mut b = Buf(heapless::Vec::new());
        put_encoded(&mut b, b"/a%2fb c", true);
        assert_eq!(b.0, b"/a%252fb%20c".as_slice());
    }
}
