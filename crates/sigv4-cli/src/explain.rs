//! Explaining a refused signature: our canonical request and string to sign beside the
//! server's, line by line.

use sigv4::Signer;

pub(crate) fn explain(
    signer: &Signer,
    method: &http::Method,
    uri: &http::Uri,
    headers: &http::HeaderMap,
    streamed: bool,
    body: &[u8],
) -> std::result::Result<(String, String), sigv4::Error> {
    let views = sigv4::http::views(headers);
    let kind = if streamed {
        sigv4::http::Body::Stream
    } else {
        sigv4::http::Body::Bytes(body)
    };
    let payload = signer.payload_for(headers, kind)?;
    let view = sigv4::http::view(method, uri, &views, payload)?;
    signer.explain(&view, None)
}

/// The `CanonicalRequest` and `StringToSign` of an S3-style `SignatureDoesNotMatch` body.
pub(crate) fn server_texts(body: &str) -> Option<(String, String)> {
    if !body.contains("<Code>SignatureDoesNotMatch</Code>") {
        return None;
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = start + body[start..].find(&format!("</{name}>"))?;
        Some(unescape(&body[start..end]))
    };
    Some((element("CanonicalRequest")?, element("StringToSign")?))
}

pub(crate) fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A line-by-line comparison of our texts with the server's.
pub(crate) fn diff(ours: &(String, String), theirs: &(String, String)) -> String {
    if ours == theirs {
        return String::from(
            "\n* SignatureDoesNotMatch, yet the server's canonical request and string to sign are \
             ours: the signing key differs (the secret, or the region, service or date)\n",
        );
    }
    let mut out = String::from("\n* SignatureDoesNotMatch: ours (-) against the server's (+)\n");
    for (what, a, b) in [
        ("canonical request", &ours.0, &theirs.0),
        ("string to sign", &ours.1, &theirs.1),
    ] {
        out.push_str(&format!("* {what}:\n"));
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        for (mark, line) in line_diff(&la, &lb) {
            out.push_str(&format!("{mark} {line}\n"));
        }
    }
    out
}

/// The lines of `a` and `b` marked ' ' (both), '-' (only `a`) or '+' (only `b`), in order,
/// by a longest common subsequence: a missing or extra line shifts nothing else.
pub(crate) fn line_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(char, &'a str)> {
    // common[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j == b.len() || (i < a.len() && common[i + 1][j] >= common[i][j + 1]) {
            out.push(('-', a[i]));
            i += 1;
        } else {
            out.push(('+', b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    fn render(a: &str, b: &str) -> String {
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        line_diff(&la, &lb)
            .into_iter()
            .map(|(m, l)| format!("{m}{l}\n"))
            .collect()
    }

    #[test]
    fn a_missing_or_changed_line_shifts_nothing_else() {
        assert_eq!(render("a\nb\nc", "a\nb\nc"), " a\n b\n c\n");
        assert_eq!(render("a\nb\nc\nd", "a\nc\nd"), " a\n-b\n c\n d\n");
        assert_eq!(render("a\nc", "a\nb\nc"), " a\n+b\n c\n");
        assert_eq!(render("a\nb\nc", "a\nB\nc"), " a\n-b\n+B\n c\n");
        assert_eq!(render("", "x"), "+x\n");
        assert_eq!(render("x", ""), "-x\n");
    }
}
