//! The canonical query string.
//!
//! The query as sent is split on `&`; each parameter on its first `=` (a key without `=`
//! signs as `key=`). Each side is decoded and encoded again with only the unreserved
//! characters bare, so `%7e` signs as `~` and `a b` as `a%20b`. A `+` on the wire is a
//! literal plus and signs as `%2B`: SigV4 follows RFC 3986, not HTML forms, so a client that
//! means a space must send `%20`. Parameters are sorted by encoded key, then encoded value.

use crate::encode::Canonicalized;
use crate::error::Error;
use crate::sink::Sink;
use core::cmp::Ordering;

/// Most parameters a query may have, added authentication parameters included.
pub const MAX_QUERY_PARAMETERS: usize = 64;

/// Where a parameter's value comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// From the query as sent: decoded, then encoded.
    Wire,
    /// Added by the signer as plain text: encoded.
    Raw,
    /// `X-Amz-Credential`: the access key id and the scope, written by the signer.
    Credential,
    /// `X-Amz-SignedHeaders`: the signed header list, written by the signer.
    SignedHeaders,
}

/// One parameter. Keys the signer adds are unique (a query that already has them is
/// refused), so only [`Kind::Wire`] and [`Kind::Raw`] values are ever compared.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Param<'a> {
    pub(crate) key: &'a [u8],
    pub(crate) value: &'a [u8],
    pub(crate) kind: Kind,
    /// Whether the key, and the value, sign as they are (nothing to decode or encode), so
    /// comparisons can compare the bytes.
    plain: (bool, bool),
    /// For a parameter from the query as sent: which of [`super::AUTH_PARAMS`] its decoded
    /// key names (ignoring case), plus one; 0 for none. Found once, when the query is split.
    auth: u8,
}

impl<'a> Param<'a> {
    pub(crate) fn new(key: &'a [u8], value: &'a [u8], kind: Kind) -> Self {
        let plain = (
            Canonicalized::is_identity(key),
            Canonicalized::is_identity(value),
        );
        Self {
            key,
            value,
            kind,
            plain,
            auth: 0,
        }
    }

    /// A parameter the signer adds whose key and value are unreserved text by
    /// construction (the algorithm, the date, the expiry, the names): nothing to scan.
    pub(crate) fn known(key: &'a [u8], value: &'a [u8], kind: Kind) -> Self {
        debug_assert!(Canonicalized::is_identity(key) && Canonicalized::is_identity(value));
        Self {
            key,
            value,
            kind,
            plain: (true, true),
            auth: 0,
        }
    }

    /// For a parameter of the query as sent, the index in [`super::AUTH_PARAMS`] of the
    /// authentication parameter its key names.
    pub(crate) fn auth_param(&self) -> Option<usize> {
        usize::from(self.auth).checked_sub(1)
    }

    fn decode(&self) -> bool {
        self.kind == Kind::Wire
    }

    fn cmp_canonical(&self, other: &Self) -> Ordering {
        let (da, db) = (self.decode(), other.decode());
        let key = if self.plain.0 && other.plain.0 {
            // Most keys differ in their first byte: settled without a call to memcmp.
            match (self.key.first(), other.key.first()) {
                (Some(a), Some(b)) if a != b => a.cmp(b),
                _ => self.key.cmp(other.key),
            }
        } else {
            Canonicalized::new(self.key, da).cmp(Canonicalized::new(other.key, db))
        };
        key.then_with(|| {
            if self.plain.1 && other.plain.1 {
                self.value.cmp(other.value)
            } else {
                Canonicalized::new(self.value, da).cmp(Canonicalized::new(other.value, db))
            }
        })
    }
}

pub(crate) type Params<'a> = heapless::Vec<Param<'a>, MAX_QUERY_PARAMETERS>;

/// Splits the query as sent into parameters; empty pieces (`a=1&&b=2`, a trailing `&`)
/// are dropped.
pub(crate) fn parse<'a>(query: &'a str, out: &mut Params<'a>) -> Result<(), Error> {
    if crate::scan::any_control_or(query.as_bytes(), b'#') {
        return Err(Error::Query);
    }
    for piece in crate::scan::split_byte(query.as_bytes(), b'&').filter(|p| !p.is_empty()) {
        let (key, value) = match crate::scan::find_byte(piece, b'=') {
            Some(eq) => (&piece[..eq], &piece[eq + 1..]),
            None => (piece, &b""[..]),
        };
        let mut param = Param::new(key, value, Kind::Wire);
        param.auth = amz_key_index(&param, &super::AUTH_PARAMS)
            .and_then(|i| u8::try_from(i + 1).ok())
            .unwrap_or(0);
        push(out, param)?;
    }
    Ok(())
}

/// Which of `names` (all starting `X-Amz-`) a parameter's decoded key is, ignoring ASCII
/// case. A key with nothing to decode that does not start `X-Amz-` is passed over at once.
pub(crate) fn amz_key_index(p: &Param<'_>, names: &[&str]) -> Option<usize> {
    let amz = p.key.len() >= 6 && p.key[..6].eq_ignore_ascii_case(b"X-Amz-");
    if p.plain.0 && !amz {
        return None;
    }
    names.iter().position(|name| key_is(p, name))
}

/// Whether a parameter's decoded key equals `name` (ASCII case-insensitive).
#[inline]
pub(crate) fn key_is(p: &Param<'_>, name: &str) -> bool {
    if p.plain.0 {
        // Unreserved bytes only: nothing to decode.
        return p.key.eq_ignore_ascii_case(name.as_bytes());
    }
    let mut decoded = DecodedKey::new(p.key);
    name.bytes()
        .all(|c| decoded.next().is_some_and(|d| d.eq_ignore_ascii_case(&c)))
        && decoded.next().is_none()
}

struct DecodedKey<'a>(&'a [u8]);

impl<'a> DecodedKey<'a> {
    fn new(src: &'a [u8]) -> Self {
        Self(src)
    }
}

impl Iterator for DecodedKey<'_> {
    type Item = u8;
    fn next(&mut self) -> Option<u8> {
        if let Some(b) = crate::encode::escape_at(self.0, 0) {
            self.0 = &self.0[3..];
            return Some(b);
        }
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
}

pub(crate) fn push<'a>(out: &mut Params<'a>, p: Param<'a>) -> Result<(), Error> {
    out.push(p).map_err(|_| Error::TooManyQueryParameters {
        limit: MAX_QUERY_PARAMETERS,
    })
}

/// Stable insertion sort by canonical key, then value: queries are short, and this needs
/// no scratch memory.
pub(crate) fn sort(params: &mut [Param<'_>]) {
    sort_from(params, 0);
}

/// [`sort`] of `params` whose first `sorted` are in order already: each later one is
/// moved back past those it sorts before.
pub(crate) fn sort_from(params: &mut [Param<'_>], sorted: usize) {
    for i in sorted.max(1)..params.len() {
        let mut j = i;
        while j > 0 && params[j - 1].cmp_canonical(&params[j]) == Ordering::Greater {
            params.swap(j - 1, j);
            j -= 1;
        }
    }
}

/// Writes `k=v&k=v...`; `special` writes the values of the kinds the signer computes.
pub(crate) fn write<S: Sink>(out: &mut S, params: &[Param<'_>], special: impl Fn(&mut S, Kind)) {
    for (i, p) in params.iter().enumerate() {
        if i > 0 {
            out.byte(b'&');
        }
        // A plain side signs as it is.
        if p.plain.0 {
            out.put(p.key);
        } else {
            Canonicalized::write(p.key, p.decode(), out);
        }
        out.byte(b'=');
        match p.kind {
            Kind::Wire | Kind::Raw if p.plain.1 => out.put(p.value),
            Kind::Wire | Kind::Raw => Canonicalized::write(p.value, p.decode(), out),
            kind => special(out, kind),
        }
    }
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

    fn canon(q: &str) -> heapless::String<256> {
        let mut params = Params::new();
        parse(q, &mut params).unwrap();
        sort(&mut params);
        let mut b = Buf(heapless::String::new());
        write(&mut b, &params, |_, _| unreachable!());
        b.0
    }

    #[test]
    fn sorts_by_encoded_key_then_value() {
        assert_eq!(canon("b=2&a=3&a=1&a-b=0").as_str(), "a=1&a=3&a-b=0&b=2");
        assert_eq!(canon("x=%7e&%41=+&flag").as_str(), "A=%2B&flag=&x=~");
        assert_eq!(canon("a=1&&b&").as_str(), "a=1&b=");
        // '%2B' sorts by its encoded form, before 'a' ('%' < 'a').
        assert_eq!(canon("a=1&%2B=2").as_str(), "%2B=2&a=1");
        assert_eq!(canon("k=b&k=a%20").as_str(), "k=a%20&k=b");
        assert_eq!(canon("k=%C3%A9&k=%c3%a8").as_str(), "k=%C3%A8&k=%C3%A9");
    }

    #[test]
    fn sorting_in_after_a_sorted_prefix_equals_sorting_the_whole() {
        let extra = [
            Param::known(b"X-Amz-Algorithm", b"A", Kind::Raw),
            Param::known(b"X-Amz-Date", b"D", Kind::Raw),
            Param::known(b"X-Amz-Expires", b"1", Kind::Raw),
        ];
        for q in [
            "",
            "a=1",
            "list-type=2&prefix=x",
            "X-Amz-B=1&X-Amz-Z=2&A=3&%58=4",
            "z&y&X-Amz-Dat=0&X-Amz-Datf",
            "~=1&-=2&0=3",
            // The added ones all before the request's, all after, between two, or split.
            "a&b&c",
            "A&B&C",
            "X-Amz-Aaa=1&z=2",
            "X-Amz-Expirex=1&X-Amz-Aaa=2",
            "X-Amz-Cz=1",
            "X-Amz-E=1&X-Amz-Dz=2&X-Amz-B=3&a=4",
        ] {
            let mut merged = Params::new();
            merged.extend_from_slice(&extra).unwrap();
            parse(q, &mut merged).unwrap();
            sort_from(&mut merged, extra.len());
            let mut whole = Params::new();
            parse(q, &mut whole).unwrap();
            whole.extend_from_slice(&extra).unwrap();
            sort(&mut whole);
            let text = |v: &Params<'_>| {
                let mut b = Buf(heapless::String::new());
                write(&mut b, v, |_, _| unreachable!());
                b.0
            };
            assert_eq!(text(&merged), text(&whole), "{q}");
        }
    }

    #[test]
    fn rejects_control_characters_and_overflow() {
        let mut params = Params::new();
        assert_eq!(parse("a=\u{7f}", &mut params), Err(Error::Query));
        let many = std::string::String::from("a&").repeat(MAX_QUERY_PARAMETERS + 1);
        let mut params = Params::new();
        assert_eq!(
            parse(&many, &mut params),
            Err(Error::TooManyQueryParameters {
                limit: MAX_QUERY_PARAMETERS
            })
        );
    }

    #[test]
    fn splitting_finds_the_authentication_parameters_once() {
        let mut params = Params::new();
        parse(
            "a=1&x-amz-date=2&X-Amz-%53ignature=3&X-Amz-Foo=4",
            &mut params,
        )
        .unwrap();
        let found: std::vec::Vec<_> = params.iter().map(Param::auth_param).collect();
        let index = |name| super::super::AUTH_PARAMS.iter().position(|n| *n == name);
        assert_eq!(
            found,
            [None, index("X-Amz-Date"), index("X-Amz-Signature"), None]
        );
    }

    #[test]
    fn matches_keys_decoded() {
        let p = Param::new(b"X-Amz-%53ignature", b"", Kind::Wire);
        assert!(key_is(&p, "x-amz-signature"));
        assert_eq!(
            amz_key_index(&p, &["X-Amz-Date", "X-Amz-Signature"]),
            Some(1)
        );
        let plain = Param::new(b"x-amz-date", b"", Kind::Wire);
        assert_eq!(amz_key_index(&plain, &["X-Amz-Date"]), Some(0));
        let other = Param::new(b"list-type", b"2", Kind::Wire);
        assert_eq!(amz_key_index(&other, &["X-Amz-Date"]), None);
        assert!(!key_is(&p, "x-amz-signatur"));
    }
}
