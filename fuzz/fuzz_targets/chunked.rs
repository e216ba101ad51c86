//! The server's aws-chunked decoder (the one `sigv4_hyper::VerifyLayer` runs), fed a valid
//! encoding of a random body (every encoding, with and without a checksum trailer) cut into
//! random pieces, then changed at random: never a panic; never more held than one chunk,
//! one line and the trailers; a body with signed chunks hands on only a prefix of the body
//! that was signed; whatever encoding, a body that decodes to the end is the body sent.
#![no_main]
use libfuzzer_sys::fuzz_target;
use sigv4::chunked::{AwsChunked, Checksum, ChunkEncoder};
use sigv4_core::{ChunkEncoding, ChunkSigner, SigningKey, Timestamp};
use sigv4_hyper::fuzzing::{Decoder, Out};

#[derive(arbitrary::Arbitrary, Debug)]
enum Change {
    Flip { at: u32, bit: u8 },
    Insert { at: u32, byte: u8 },
    Remove { at: u32 },
    Truncate { at: u32 },
}

#[derive(arbitrary::Arbitrary, Debug)]
struct Case {
    len: u16,
    fill: u8,
    mode: u8,
    chunk_k: u8,
    declared_off: i8,
    max_chunk_k: u8,
    pieces: Vec<u16>,
    changes: Vec<Change>,
}

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

fuzz_target!(|case: Case| {
    static KEY: std::sync::OnceLock<(SigningKey, Timestamp)> = std::sync::OnceLock::new();
    let (key, time) = KEY.get_or_init(|| {
        let time = Timestamp::from_unix(1_700_000_000).unwrap();
        (SigningKey::derive("fuzz-secret", time, "us-east-1", "s3").unwrap(), time)
    });
    let (time, key) = (*time, || key.clone());
    let checksum = [Checksum::Crc32, Checksum::Crc32c, Checksum::Sha256][usize::from(case.mode / 3) % 3];
    let options = match case.mode % 3 {
        0 => AwsChunked::signed(),
        1 => AwsChunked::signed_with_checksum(checksum),
        _ => AwsChunked::unsigned_with_checksum(checksum),
    };
    let chunk_len = 8192 + usize::from(case.chunk_k % 8) * 1024;
    let options = options.chunk_len(chunk_len).unwrap();
    let body: Vec<u8> = (0..usize::from(case.len) % 40_000).map(|i| (i as u8).wrapping_mul(31) ^ case.fill).collect();
    let mut encoder = ChunkEncoder::new(key(), time, SEED, options, body.len() as u64).unwrap();
    let mut wire = Vec::new();
    for piece in body.chunks(chunk_len) {
        encoder.encode_chunk(piece, &mut wire).unwrap();
    }
    encoder.finish(&mut wire).unwrap();
    assert_eq!(wire.len() as u64, options.encoded_length(body.len() as u64));

    let pristine = case.changes.is_empty() && case.declared_off == 0;
    for change in case.changes.iter().take(4) {
        let n = wire.len().max(1);
        match *change {
            Change::Flip { at, bit } => {
                if !wire.is_empty() {
                    wire[at as usize % n] ^= 1 << (bit % 8);
                }
            }
            Change::Insert { at, byte } => wire.insert(at as usize % (wire.len() + 1), byte),
            Change::Remove { at } => {
                if !wire.is_empty() {
                    wire.remove(at as usize % n);
                }
            }
            Change::Truncate { at } => wire.truncate(at as usize % n),
        }
    }

    let declared = (body.len() as u64).checked_add_signed(i64::from(case.declared_off));
    let max_chunk = chunk_len + usize::from(case.max_chunk_k % 4) * 4096;
    let encoding: ChunkEncoding = options.encoding();
    let signer = ChunkSigner::new(key(), time, SEED).unwrap();
    let mut decoder = Decoder::new(signer, encoding, declared, options.trailer_name(), max_chunk);
    let (mut at, mut i, mut out) = (0usize, 0usize, Vec::new());
    let mut outcome = None;
    // Each step consumes input, asks for more, or ends: bounded by the input's length.
    for _ in 0..(wire.len() + 16) * 4 {
        let ended = at == wire.len();
        match decoder.step(ended) {
            Err(e) => {
                outcome = Some(Err(e));
                break;
            }
            Ok(Out::Data(b)) => {
                out.extend_from_slice(&b);
                if encoding.signs_chunks() {
                    assert!(body.starts_with(&out), "handed on bytes that were not signed");
                }
            }
            Ok(Out::Trailers) => {}
            Ok(Out::Done) => {
                outcome = Some(Ok(()));
                break;
            }
            Ok(Out::NeedMore) => {
                assert!(decoder.buffered() <= Decoder::bound(max_chunk), "held {} bytes", decoder.buffered());
                let size = case.pieces.get(i % case.pieces.len().max(1)).map_or(wire.len(), |&p| 1 + usize::from(p));
                let n = size.min(wire.len() - at);
                decoder.feed(&wire[at..at + n]);
                at += n;
                i += 1;
            }
        }
    }
    let outcome = outcome.expect("the decoder neither finished nor failed");
    if outcome.is_ok() {
        assert_eq!(out, body, "decoded to other data");
    }
    if pristine {
        assert_eq!(outcome, Ok(()), "a valid encoding was refused");
    }
});
