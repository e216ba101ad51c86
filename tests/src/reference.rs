//! A plain reference of the canonical request, written from the SigV4 documentation with
//! strings and `format!`, and nothing shared with `sigv4-core`: the property tests and the
//! fuzz targets compare the core against it. Slow and obviously correct is the point.
//!
//! Std only, so `fuzz/` can include this file by path.

/// Path rules, as `sigv4_core::PathMode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Dot segments removed, empty segments dropped, then encoded (twice, in effect).
    Service,
    /// Encoded as for `Service` but not normalised.
    ServiceUnnormalized,
    /// Escapes decoded (but `%2F`) and encoded once.
    S3,
}

/// "URI-encode every byte except the unreserved characters: 'A'-'Z', 'a'-'z', '0'-'9',
/// '-', '.', '_', and '~'", with upper-case hex; `/` too when `keep_slash`.
pub fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::new();
    for &b in bytes {
        let unreserved = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
        if unreserved || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `%XX` escapes decoded; a `%` not followed by two hex digits stays as it is. With
/// `keep_slash`, `%2F` (any case) stays encoded, as `%2F`.
pub fn percent_decode(s: &[u8], keep_slash: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let escape = (s[i] == b'%' && i + 2 < s.len())
            .then(|| std::str::from_utf8(&s[i + 1..i + 3]).ok())
            .flatten()
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match escape {
            Some(b'/') if keep_slash => {
                out.extend_from_slice(b"%2F");
                i += 3;
            }
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    out
}

/// The canonical URI of `path` (as sent, already percent-encoded by the client).
pub fn canonical_uri(path: &str, mode: Mode) -> String {
    if path.is_empty() {
        return "/".into();
    }
    match mode {
        Mode::ServiceUnnormalized => uri_encode(path.as_bytes(), true),
        Mode::S3 => {
            // Decode, then encode every byte but `/`; an encoded slash stays `%2F`.
            let decoded = percent_decode(path.as_bytes(), true);
            let mut out = String::new();
            let mut i = 0;
            while i < decoded.len() {
                if decoded[i..].starts_with(b"%2F") {
                    out.push_str("%2F");
                    i += 3;
                } else {
                    out.push_str(&uri_encode(&decoded[i..=i], true));
                    i += 1;
                }
            }
            out
        }
        Mode::Service => {
            // RFC 3986 remove_dot_segments over the segments, empty ones dropped; a trailing
            // slash kept when the path has one and something is left (botocore's rule).
            let mut stack: Vec<&str> = Vec::new();
            for seg in path.split('/') {
                match seg {
                    "" | "." => {}
                    ".." => {
                        stack.pop();
                    }
                    s => stack.push(s),
                }
            }
            let encoded: Vec<String> = stack
                .iter()
                .map(|s| uri_encode(s.as_bytes(), false))
                .collect();
            let mut out = format!("/{}", encoded.join("/"));
            if !stack.is_empty() && path.ends_with('/') {
                out.push('/');
            }
            out
        }
    }
}

/// The canonical query string of the query as sent: pieces split on `&` (empty ones
/// dropped), each on its first `=`, both sides decoded then encoded (`+` is a literal plus),
/// sorted by encoded key, then encoded value. `skip` names keys (decoded, any case) left
/// out, as a verifier leaves out `X-Amz-Signature`.
pub fn canonical_query(query: &str, skip: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for piece in query.split('&') {
        if piece.is_empty() {
            continue;
        }
        let (k, v) = match piece.find('=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, ""),
        };
        let key = percent_decode(k.as_bytes(), false);
        if skip.iter().any(|s| s.as_bytes().eq_ignore_ascii_case(&key)) {
            continue;
        }
        let value = percent_decode(v.as_bytes(), false);
        pairs.push((uri_encode(&key, false), uri_encode(&value, false)));
    }
    pairs.sort();
    let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    joined.join("&")
}

/// "Trim leading and trailing spaces, convert sequential spaces to a single space" (tabs,
/// CR and LF count as spaces: obsolete line folding).
pub fn canonical_value(value: &[u8]) -> Vec<u8> {
    let is_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let words: Vec<&[u8]> = value.split(is_space).filter(|w| !w.is_empty()).collect();
    words.join(&b' ')
}

/// The canonical headers block and the signed header list of `headers` (every one of them
/// is signed): names lower-cased, values of one name joined with `,` in order, sorted.
pub fn canonical_headers(headers: &[(String, Vec<u8>)]) -> (Vec<u8>, String) {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    let mut block = Vec::new();
    for name in &names {
        let values: Vec<Vec<u8>> = headers
            .iter()
            .filter(|(n, _)| n.to_ascii_lowercase() == *name)
            .map(|(_, v)| canonical_value(v))
            .collect();
        block.extend_from_slice(name.as_bytes());
        block.push(b':');
        block.extend_from_slice(&values.join(&b','));
        block.push(b'\n');
    }
    (block, names.join(";"))
}

/// The whole canonical request: every header given is signed; `payload` is the payload
/// line (a hash in hex or a marker).
pub fn canonical_request(
    method: &str,
    path: &str,
    query: &str,
    headers: &[(String, Vec<u8>)],
    payload: &str,
    mode: Mode,
) -> Vec<u8> {
    let (block, signed) = canonical_headers(headers);
    let mut out = format!(
        "{method}\n{}\n{}\n",
        canonical_uri(path, mode),
        canonical_query(query, &[])
    )
    .into_bytes();
    out.extend_from_slice(&block);
    out.extend_from_slice(format!("\n{signed}\n{payload}").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases the AWS documentation spells out.
    #[test]
    fn the_documented_examples() {
        assert_eq!(uri_encode(b"a b~c/d", true), "a%20b~c/d");
        assert_eq!(uri_encode("é".as_bytes(), false), "%C3%A9");
        assert_eq!(
            canonical_uri("/documents and settings/", Mode::Service),
            "/documents%20and%20settings/"
        );
        assert_eq!(canonical_uri("/a%20b", Mode::Service), "/a%2520b");
        assert_eq!(canonical_uri("/a%20b", Mode::S3), "/a%20b");
        assert_eq!(canonical_uri("/a/b/../c/./d", Mode::Service), "/a/c/d");
        assert_eq!(canonical_query("b=2&a=1&a=0&c", &[]), "a=0&a=1&b=2&c=");
        assert_eq!(canonical_query("k=a+b&x=%7e", &[]), "k=a%2Bb&x=~");
        assert_eq!(canonical_value(b"  a   b\t c  "), b"a b c");
    }
}
