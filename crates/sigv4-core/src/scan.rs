//! Finding one byte in text eight bytes at a time: the verifier splits the `Authorization`
//! value and the signed header list on `,`, `=` and `;`, a few hundred bytes per request,
//! where a byte-at-a-time loop was a tenth of a verification. And comparing signatures in
//! constant time.

use subtle::ConstantTimeEq;

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The index of the first `needle` in `hay`.
#[inline]
pub(crate) fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    find_any(hay, [needle])
}

/// The index of the first byte of `hay` that is one of `needles`.
#[inline]
pub(crate) fn find_any<const N: usize>(hay: &[u8], needles: [u8; N]) -> Option<usize> {
    let mut words = hay.chunks_exact(8);
    let mut offset = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let word = u64::from_le_bytes(bytes);
        // A zero byte of `x` (a byte equal to the needle) sets its high bit here; a byte
        // above it may be set falsely only when a lower one is truly zero, so the lowest
        // set bit (little-endian order) is exact, for each needle and so for all of them.
        let found = needles.iter().fold(0, |found, &needle| {
            let x = word ^ (ONES * u64::from(needle));
            found | (x.wrapping_sub(ONES) & !x & HIGHS)
        });
        if found != 0 {
            return Some(offset + usize::try_from(found.trailing_zeros() / 8).unwrap_or(8));
        }
        offset += 8;
    }
    let rest = words.remainder();
    rest.iter()
        .position(|b| needles.contains(b))
        .map(|i| offset + i)
}

/// Whether `hay` has an ASCII control character (below 0x20, or DEL) or `extra`.
pub(crate) fn any_control_or(hay: &[u8], extra: u8) -> bool {
    let mut words = hay.chunks_exact(8);
    let mut found = 0;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes);
        // Any byte below 0x20 (x - 0x20.. borrows into its high bit, set only when clear in
        // x); any byte equal to DEL or `extra` (zero after the xor).
        let below = x.wrapping_sub(ONES * 0x20) & !x;
        let del = x ^ (ONES * 0x7f);
        let other = x ^ (ONES * u64::from(extra));
        found |=
            (below | (del.wrapping_sub(ONES) & !del) | (other.wrapping_sub(ONES) & !other)) & HIGHS;
    }
    found != 0
        || words
            .remainder()
            .iter()
            .any(|&c| c.is_ascii_control() || c == extra)
}

/// The pieces of `hay` between `sep` bytes, as `[u8]::split` gives them.
pub(crate) fn split_byte(hay: &[u8], sep: u8) -> SplitByte<'_> {
    SplitByte {
        rest: Some(hay),
        sep,
    }
}

pub(crate) struct SplitByte<'a> {
    rest: Option<&'a [u8]>,
    sep: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        match find_byte(rest, self.sep) {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Whether `a` and `b` are equal, their contents compared in constant time (their lengths
/// are public): one OR over every byte's difference, with no early exit, then `subtle`'s
/// comparison of that one byte. `subtle` over the slices put a barrier on each byte, 15
/// instructions a byte.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    bool::from(diff.ct_eq(&0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    #[test]
    fn finds_the_first_byte_at_every_position_and_splits_as_slices_do() {
        let mut text = [b'a'; 40];
        for len in 0..text.len() {
            for at in 0..len {
                text[at] = b',';
                assert_eq!(find_byte(&text[..len], b','), Some(at), "{len} {at}");
                // A later copy does not hide the first; bytes that differ by one bit or
                // borrow across do not match.
                text[len - 1] = b',';
                assert_eq!(find_byte(&text[..len], b','), Some(at));
                text[len - 1] = b'a';
                text[at] = b'a';
            }
            assert_eq!(find_byte(&text[..len], b','), None);
        }
        // Any of several needles: the first of any of them.
        for len in 0..text.len() {
            for (at, other) in [
                (0, len),
                (len / 2, len.saturating_sub(1)),
                (len.saturating_sub(1), 0),
            ] {
                let mut text = [b'a'; 40];
                if at < len {
                    text[at] = b'#';
                }
                if other < len && other > at {
                    text[other] = b'?';
                }
                let want = text[..len].iter().position(|&b| b == b'#' || b == b'?');
                assert_eq!(find_any(&text[..len], [b'?', b'#']), want, "{len} {at}");
                assert_eq!(find_any(&text[..len], [b'?', b'/', b'#']), want);
            }
        }
        let near = [0x2b, 0x2d, 0xac, 0x00, 0x01, 0x2c];
        assert_eq!(find_byte(&near, b','), Some(5));
        assert_eq!(find_byte(&[0u8; 9], 0), Some(0));
        assert_eq!(find_byte(&[1, 0x81, 1, 1, 1, 1, 1, 1, 0x80], 0x80), Some(8));
        for len in 1..20 {
            for at in 0..len {
                for bad in [0x00, 0x1f, 0x7f, b'#', b'\n'] {
                    let mut text = [b'a'; 20];
                    text[at] = bad;
                    assert!(any_control_or(&text[..len], b'#'), "{len} {at} {bad}");
                }
                // Neighbours of the bad bytes are fine; so is a high byte.
                let mut text = [b' '; 20];
                text[at] = 0x80;
                text[(at + 1) % len] = b'$';
                text[(at + 2) % len] = 0x7e;
                assert!(!any_control_or(&text[..len], b'#'), "{len} {at}");
            }
        }
        assert!(!any_control_or(b"", b'#'));
        for s in [
            "",
            ";",
            "a",
            "a;b",
            ";a;",
            "host;range;user-agent;x-amz-date",
            ";;",
        ] {
            let ours: Vec<&[u8]> = split_byte(s.as_bytes(), b';').collect();
            let std: Vec<&[u8]> = s.as_bytes().split(|&b| b == b';').collect();
            assert_eq!(ours, std, "{s:?}");
        }
    }

    #[test]
    fn ct_eq_is_equality() {
        let a = [7u8; 32];
        assert!(ct_eq(&a, &a));
        assert!(!ct_eq(&a, &a[..31]));
        for i in 0..32 {
            for bit in 0..8 {
                let mut b = a;
                b[i] ^= 1 << bit;
                assert!(!ct_eq(&a, &b), "byte {i} bit {bit}");
            }
        }
        assert!(ct_eq(b"", b""));
    }
}
