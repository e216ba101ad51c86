//! The canonical URI.

use crate::encode::{put_encoded, put_path_as_sent};
use crate::error::Error;
use crate::settings::PathMode;
use crate::sink::Sink;

/// Checks the path: empty or starting with `/`, no control character, `?` or `#`.
pub(crate) fn validate(path: &str) -> Result<(), Error> {
    let b = path.as_bytes();
    let bad = |c: &u8| c.is_ascii_control() || matches!(c, b'?' | b'#');
    if (!b.is_empty() && b[0] != b'/') || b.iter().any(bad) {
        return Err(Error::Path);
    }
    Ok(())
}

/// Writes the canonical URI for `path` (already validated).
pub(crate) fn write(out: &mut impl Sink, path: &str, mode: PathMode) {
    if path.is_empty() {
        return out.put(b"/");
    }
    match mode {
        PathMode::S3 => put_path_as_sent(out, path.as_bytes()),
        PathMode::ServiceUnnormalized => put_encoded(out, path.as_bytes(), true),
        PathMode::Service => write_normalized(out, path),
    }
}

/// Dot segments removed (RFC 3986 §5.2.4) and empty segments dropped, then encoded. A
/// trailing `/` stays when the path ends in one and something is left (as botocore does:
/// `/a/b/..` signs as `/a`).
fn write_normalized(out: &mut impl Sink, path: &str) {
    // Most paths (`/` above all) have no dot and no empty segment, and normalise to
    // themselves: encoded whole, with no walk of their segments.
    let bytes = path.as_bytes();
    if bytes.first() == Some(&b'/')
        && crate::scan::find_byte(bytes, b'.').is_none()
        && !bytes.windows(2).any(|w| w == b"//")
    {
        return put_encoded(out, bytes, true);
    }
    write_walked(out, path);
}

/// [`write_normalized`] segment by segment, for any path.
fn write_walked(out: &mut impl Sink, path: &str) {
    let has_dots = path.split('/').any(|s| s == "." || s == "..");
    out.put(b"/");
    let mut first = true;
    let mut rest = path;
    while let Some((seg, after)) = next_segment(rest) {
        rest = after;
        if seg.is_empty() || seg == "." || seg == ".." || (has_dots && cancelled(after)) {
            continue;
        }
        if !first {
            out.put(b"/");
        }
        put_encoded(out, seg.as_bytes(), false);
        first = false;
    }
    if !first && path.ends_with('/') {
        out.put(b"/");
    }
}

/// The next `/`-separated segment and the text after its separator.
fn next_segment(s: &str) -> Option<(&str, &str)> {
    if s.is_empty() {
        return None;
    }
    Some(s.split_once('/').unwrap_or((s, "")))
}

/// Whether a segment followed by `after` is removed by a `..` later in the path: a `..`
/// that finds no segment of its own to remove between them removes this one.
fn cancelled(after: &str) -> bool {
    let mut depth = 0usize;
    for seg in after.split('/') {
        match seg {
            "" | "." => {}
            ".." if depth == 0 => return true,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf(heapless::String<128>);
    impl Sink for Buf {
        fn put(&mut self, b: &[u8]) {
            self.0.push_str(core::str::from_utf8(b).unwrap()).unwrap();
        }
    }

    fn canon(path: &str, mode: PathMode) -> heapless::String<128> {
        let mut b = Buf(heapless::String::new());
        write(&mut b, path, mode);
        b.0
    }

    #[test]
    fn normalises_like_botocore() {
        for (path, want) in [
            ("", "/"),
            ("/", "/"),
            ("//", "/"),
            ("/./", "/"),
            ("/example/..", "/"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("/a/./b/../../c", "/c"),
            ("/../a", "/a"),
            ("//example//", "/example/"),
            ("/a%20b/c d", "/a%2520b/c%20d"),
            ("/a/b/c/../../d/./e/..", "/a/d"),
        ] {
            assert_eq!(canon(path, PathMode::Service).as_str(), want, "{path}");
        }
    }

    #[test]
    fn paths_that_normalise_to_themselves_are_encoded_as_the_walk_encodes_them() {
        // Every path of up to five characters from these, against the segment walk.
        let alphabet = ['/', 'a', '.', '%', ' ', '\u{e9}'];
        let mut paths = std::vec![std::string::String::new()];
        for _ in 0..5 {
            let longer: std::vec::Vec<_> = paths
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| std::format!("{p}{c}")))
                .collect();
            paths.extend(longer);
        }
        for path in paths.iter().filter(|p| !p.is_empty()) {
            let mut fast = Buf(heapless::String::new());
            write_normalized(&mut fast, path);
            let mut walked = Buf(heapless::String::new());
            write_walked(&mut walked, path);
            assert_eq!(fast.0, walked.0, "{path:?}");
        }
    }

    #[test]
    fn other_modes_keep_dots() {
        assert_eq!(canon("/a/../b//", PathMode::S3).as_str(), "/a/../b//");
        assert_eq!(
            canon("/a/../b%2F", PathMode::ServiceUnnormalized).as_str(),
            "/a/../b%252F"
        );
        assert_eq!(
            canon("/a b+c%2f%41", PathMode::S3).as_str(),
            "/a%20b%2Bc%2FA"
        );
    }

    #[test]
    fn rejects_bad_paths() {
        assert_eq!(validate("a"), Err(Error::Path));
        assert_eq!(validate("/a?b"), Err(Error::Path));
        assert_eq!(validate("/a\nb"), Err(Error::Path));
        assert_eq!(validate("/ሴ b"), Ok(()));
    }
}
