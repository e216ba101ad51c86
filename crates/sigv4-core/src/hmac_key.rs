//! HMAC-SHA256 under one fixed key, with the key's two padded blocks compressed once.
//!
//! Every SigV4 signature is one HMAC under the day's signing key. The `hmac` crate starts
//! each one by compressing `key ^ ipad` and `key ^ opad`: two of the six or so SHA-256
//! blocks a signature costs. Here those two states are computed when the key is made, kept
//! beside it, and wiped with it; each signature then runs SHA-256 from them.
//!
//! The SHA-256 steps here (the initial state, whole blocks compressed, the padded end) also
//! drive [`crate::sink::HashSink`].

use sha2::digest::generic_array::GenericArray;
use zeroize::Zeroize;

pub(crate) const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The SHA-256 states after the inner (`ipad`) and outer (`opad`) key blocks.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct KeyedHmac {
    inner: [u32; 8],
    outer: [u32; 8],
}

/// Compresses one block (`block` is 64 bytes: a `chunks_exact(64)` item or an array).
fn compress(state: &mut [u32; 8], block: &[u8]) {
    sha2::compress256(
        state,
        core::slice::from_ref(GenericArray::from_slice(block)),
    );
}

fn digest_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (chunk, word) in out.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// Compresses `bytes` (whole blocks) into `state`, up to four blocks a call.
pub(crate) fn compress_blocks(state: &mut [u32; 8], bytes: &[u8]) {
    let mut batch: [GenericArray<u8, sha2::digest::consts::U64>; 4] = Default::default();
    for run in bytes.chunks(256) {
        let n = run.len() / 64;
        for (block, src) in batch.iter_mut().zip(run.chunks_exact(64)) {
            block.copy_from_slice(src);
        }
        sha2::compress256(state, &batch[..n]);
    }
}

/// Runs SHA-256 over `msg` from `state`, which has already absorbed `prefix_len` bytes (a
/// multiple of 64), and returns the digest; `state` is left as the last block made it (a
/// keyed caller wipes it).
pub(crate) fn finish(state: &mut [u32; 8], prefix_len: u64, msg: &[u8]) -> [u8; 32] {
    // Block by block, in place: the messages here are a few blocks long.
    let mut blocks = msg.chunks_exact(64);
    for block in &mut blocks {
        compress(state, block);
    }
    let rest = blocks.remainder();
    let mut tail = [0u8; 128];
    tail[..rest.len()].copy_from_slice(rest);
    tail[rest.len()] = 0x80;
    let len = if rest.len() + 9 <= 64 { 64 } else { 128 };
    let msg_len = u64::try_from(msg.len()).unwrap_or(u64::MAX);
    let bits = (prefix_len + msg_len).wrapping_mul(8);
    tail[len - 8..len].copy_from_slice(&bits.to_be_bytes());
    for block in tail[..len].chunks_exact(64) {
        compress(state, block);
    }
    digest_bytes(state)
}

impl KeyedHmac {
    /// The states for a 32-byte key (keys up to 64 bytes are used as they are).
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut block = [0x36u8; 64];
        block.iter_mut().zip(key).for_each(|(b, k)| *b ^= k);
        let mut inner = IV;
        compress(&mut inner, &block);
        block = [0x5cu8; 64];
        block.iter_mut().zip(key).for_each(|(b, k)| *b ^= k);
        let mut outer = IV;
        compress(&mut outer, &block);
        block.zeroize();
        Self { inner, outer }
    }

    /// `HMAC-SHA256(key, msg)`.
    pub(crate) fn mac(&self, msg: &[u8]) -> [u8; 32] {
        let (mut inner, mut outer) = (self.inner, self.outer);
        let mut inner_hash = finish(&mut inner, 64, msg);
        let out = finish(&mut outer, 64, &inner_hash);
        inner.zeroize();
        outer.zeroize();
        inner_hash.zeroize();
        out
    }
}

impl Drop for KeyedHmac {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    #[test]
    fn equals_the_hmac_crate_at_every_length_around_the_block_edges() {
        let key: [u8; 32] = core::array::from_fn(|i| u8::try_from(i * 7 + 3).unwrap());
        let keyed = KeyedHmac::new(&key);
        let msg: [u8; 300] = core::array::from_fn(|i| u8::try_from(i % 251).unwrap());
        for len in 0..msg.len() {
            let mut reference = Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
            reference.update(&msg[..len]);
            let want: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(keyed.mac(&msg[..len]), want, "length {len}");
        }
    }
}
