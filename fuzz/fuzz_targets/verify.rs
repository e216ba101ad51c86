//! A signed request (SigV4, or SigV4A for a region set, as `common::region_set` picks),
//! then any number of changes an attacker may make (bytes set, inserted or removed
//! anywhere, headers added, copied or dropped, query parameters appended), verified: never
//! a panic; a changed request verifies only when the canonical request the verifier
//! computed is the one originally signed (whatever else changed is outside what the
//! signature covers), and then with the original's replay key (for SigV4A, whose ECDSA
//! signatures anyone can rewrite into other valid ones, that key must not change with them).
#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;

#[derive(arbitrary::Arbitrary, Debug)]
enum Change {
    SetByte { part: u8, index: u16, byte: u8 },
    Insert { part: u8, index: u16, byte: u8 },
    Remove { part: u8, index: u16 },
    AddHeader { name: String, value: Vec<u8> },
    CopyHeader { index: u8, value: Option<Vec<u8>> },
    DropHeader { index: u8 },
    AppendQuery(String),
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Case {
    input: common::Input,
    presigned: bool,
    skew: i16,
    changes: Vec<Change>,
}

/// The bytes of one part: 0 method, 1 path, 2 query, 3 body, 4+ a header value.
fn with_part(r: &mut common::Received, part: u8, f: impl FnOnce(&mut Vec<u8>)) {
    let as_string = |s: &mut String, f: &mut dyn FnMut(&mut Vec<u8>)| {
        let mut b = std::mem::take(s).into_bytes();
        f(&mut b);
        *s = String::from_utf8_lossy(&b).into_owned();
    };
    let mut f = Some(f);
    let mut call = |b: &mut Vec<u8>| {
        if let Some(f) = f.take() {
            f(b);
        }
    };
    match part % 5 {
        0 => as_string(&mut r.method, &mut call),
        1 => as_string(&mut r.path, &mut call),
        2 => as_string(&mut r.query, &mut call),
        3 => call(&mut r.body),
        _ => {
            if !r.headers.is_empty() {
                let i = usize::from(part / 5) % r.headers.len();
                call(&mut r.headers[i].1);
            }
        }
    }
}

fuzz_target!(|case: Case| {
    let set = common::region_set(&case.input);
    let Some((received, mut server, key)) =
        common::sign_received_any(&case.input, case.presigned, set.as_deref())
    else {
        return;
    };
    let mut creq = String::new();
    let original = common::verify_received_any(&received, &server, &key, &mut creq);
    let mut r = received.clone();
    for change in case.changes.iter().take(8) {
        match change {
            Change::SetByte { part, index, byte } => with_part(&mut r, *part, |b| {
                if !b.is_empty() {
                    let i = usize::from(*index) % b.len();
                    b[i] = *byte;
                }
            }),
            Change::Insert { part, index, byte } => with_part(&mut r, *part, |b| {
                let i = usize::from(*index) % (b.len() + 1);
                b.insert(i, *byte);
            }),
            Change::Remove { part, index } => with_part(&mut r, *part, |b| {
                if !b.is_empty() {
                    let i = usize::from(*index) % b.len();
                    b.remove(i);
                }
            }),
            Change::AddHeader { name, value } => r.headers.push((name.clone(), value.clone())),
            Change::CopyHeader { index, value } => {
                if !r.headers.is_empty() {
                    let (n, v) = r.headers[usize::from(*index) % r.headers.len()].clone();
                    r.headers.push((n, value.clone().unwrap_or(v)));
                }
            }
            Change::DropHeader { index } => {
                if !r.headers.is_empty() {
                    let i = usize::from(*index) % r.headers.len();
                    r.headers.remove(i);
                }
            }
            Change::AppendQuery(q) => {
                if !q.contains('#') {
                    r.query = if r.query.is_empty() { q.clone() } else { format!("{}&{q}", r.query) };
                }
            }
        }
    }
    if let Ok(now) = sigv4_core::Timestamp::from_unix(server.now.unix() + i64::from(case.skew)) {
        server.now = now;
    }
    let mut creq_changed = String::new();
    let changed = common::verify_received_any(&r, &server, &key, &mut creq_changed);
    // A request refused as signed (for a reason its input shows) may be mended by a change.
    if let (Ok(o), Ok(v)) = (&original, changed) {
        assert_eq!(creq_changed, creq, "verified with another canonical request: {r:?}");
        assert_eq!(v.access_key_id(), case.input.access_key_id);
        if o.time() == v.time() {
            assert_eq!(v.signature(), o.signature(), "another replay key: {r:?}");
        }
    }
});
