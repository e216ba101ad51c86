//! Benches only: see `benches/sign.rs`.
