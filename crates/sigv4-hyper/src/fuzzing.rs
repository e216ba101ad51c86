//! The aws-chunked decoder, opened to the fuzz targets.

use crate::chunked::{ChunkedDecoder, Step, MAX_LINE, MAX_TRAILERS};
use crate::ChunkedBodyError;
use bytes::Bytes;
use sigv4_core::{ChunkEncoding, ChunkSigner, SigningKey};

/// What one step gave.
#[derive(Debug)]
pub enum Out {
    /// Checked body bytes.
    Data(Bytes),
    /// The trailers, checked.
    Trailers,
    /// More input is needed.
    NeedMore,
    /// The end, all checked.
    Done,
}

/// The decoder of one body.
#[derive(Debug)]
pub struct Decoder(ChunkedDecoder);

impl Decoder {
    /// As the verifying layer makes it.
    pub fn new(
        signer: ChunkSigner<SigningKey>,
        encoding: ChunkEncoding,
        declared: Option<u64>,
        trailer: Option<&str>,
        max_chunk: usize,
    ) -> Self {
        Self(ChunkedDecoder::new(
            crate::chunked::ChunkCheck::V4(signer),
            encoding,
            declared,
            trailer,
            max_chunk,
        ))
    }

    /// More encoded bytes.
    pub fn feed(&mut self, data: &[u8]) {
        self.0.feed(data);
    }

    /// The next step; `ended` says the encoded body is over.
    ///
    /// # Errors
    /// The body's error.
    pub fn step(&mut self, ended: bool) -> Result<Out, ChunkedBodyError> {
        Ok(match self.0.step(ended)? {
            Step::Data(b) => Out::Data(b),
            Step::Trailers(_) => Out::Trailers,
            Step::NeedMore => Out::NeedMore,
            Step::Done => Out::Done,
        })
    }

    /// Bytes held now.
    pub fn buffered(&self) -> usize {
        self.0.buffered()
    }

    /// Most bytes the decoder may hold once it asks for more, for chunks of at most
    /// `max_chunk`: one chunk, one line, the trailers.
    pub fn bound(max_chunk: usize) -> usize {
        max_chunk + MAX_LINE + MAX_TRAILERS + 2
    }
}
