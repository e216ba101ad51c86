//! Signed event streams (`application/vnd.amazon.eventstream`: Transcribe streaming, Lex
//! streaming): the request signed with `STREAMING-AWS4-HMAC-SHA256-EVENTS`, then each
//! message wrapped and signed from the previous signature, and an empty final frame.
//!
//! ```
//! use sigv4::{Credentials, Signer};
//! use sigv4::core::{encode_message, EventHeader, HeaderValue, Header, Payload, Request};
//!
//! let signer = Signer::builder("transcribe", "us-east-1")
//!     .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
//!     .build();
//! let headers = [Header::new("content-type", "application/vnd.amazon.eventstream")];
//! let req = Request::from_url(
//!     "POST",
//!     "https://transcribestreaming.us-east-1.amazonaws.com/stream-transcription",
//!     &headers,
//!     Payload::StreamingEvents,
//! )?;
//! let (signed, mut events) = signer.sign_event_stream(&req)?;
//! // send `signed`'s headers with the request, then each frame as the body:
//! let mut audio = vec![0u8; 256];
//! let header = [EventHeader::new(":event-type", HeaderValue::String("AudioEvent"))];
//! let n = encode_message(&header, &[0u8; 64], &mut audio)?;
//! let frame = events.encode(&audio[..n])?;
//! let last = events.finish()?; // the empty frame that ends the stream
//! # assert!(frame.len() > n && last.len() == sigv4::core::signed_frame_len(0));
//! # let _ = signed;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::clock::timestamp;
use crate::signer::ChainKey;
use crate::{Error, SignedHeaders, Signer};
use futures_core::Stream;
use sigv4_core::{signed_frame_len, EventStreamSigner, Request, SigningKey, Timestamp};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

/// Signs the messages of one event stream, in order, on the signer's clock.
pub struct EventStreamEncoder {
    key: SigningKey,
    prior: String,
    signer: Signer,
    finished: bool,
}

impl std::fmt::Debug for EventStreamEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStreamEncoder")
            .field("scope", &self.key.scope().as_str())
            .field("prior", &self.prior)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs `req` as the start of an event stream (its payload must be
    /// [`Payload::StreamingEvents`](sigv4_core::Payload::StreamingEvents)): the headers to
    /// send (`x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-EVENTS` among them), and the
    /// encoder of its messages, chained from this signature.
    ///
    /// # Errors
    /// As [`Signer::sign`]; [`Error::Unsupported`] for another payload or a SigV4A signer.
    pub fn sign_event_stream(
        &self,
        req: &Request<'_>,
    ) -> Result<(SignedHeaders, EventStreamEncoder), Error> {
        if req.payload != sigv4_core::Payload::StreamingEvents {
            return Err(Error::Unsupported(
                "an event stream is signed with Payload::StreamingEvents",
            ));
        }
        if self.is_sigv4a() {
            return Err(Error::Unsupported("event streams are signed with SigV4"));
        }
        // The server learns the body is an event stream from `x-amz-content-sha256`, which
        // the signature covers: added (and returned to send) when the request lacks it.
        let has_marker = req
            .headers
            .iter()
            .any(|h| h.name.eq_ignore_ascii_case("x-amz-content-sha256"));
        let mut with_marker: Vec<sigv4_core::Header<'_>> = Vec::new();
        let req = if has_marker {
            *req
        } else {
            with_marker.extend_from_slice(req.headers);
            with_marker.push(sigv4_core::Header::new(
                "x-amz-content-sha256",
                sigv4_core::EVENT_STREAM_PAYLOAD,
            ));
            Request {
                headers: &with_marker,
                ..*req
            }
        };
        let (mut signed, key, _) = self.sign_keeping_key(&req)?;
        if !has_marker && signed.get("x-amz-content-sha256").is_none() {
            signed.push("x-amz-content-sha256", sigv4_core::EVENT_STREAM_PAYLOAD);
        }
        #[allow(
            clippy::infallible_destructuring_match,
            reason = "ChainKey has a SigV4A variant with the sigv4a feature"
        )]
        let key = match key {
            ChainKey::V4(key) => key,
            #[cfg(feature = "sigv4a")]
            ChainKey::V4a(..) => {
                return Err(Error::Unsupported("event streams are signed with SigV4"))
            }
        };
        let encoder = EventStreamEncoder {
            key,
            prior: signed.signature().to_string(),
            signer: self.clone(),
            finished: false,
        };
        Ok((signed, encoder))
    }
}

impl EventStreamEncoder {
    /// The signed frame carrying `message` (an encoded event-stream message), signed now.
    ///
    /// # Errors
    /// After [`EventStreamEncoder::finish`]; a clock outside the key's day (a stream that
    /// runs past midnight UTC ends there: AWS signs a stream with one day's key).
    pub fn encode(&mut self, message: &[u8]) -> Result<Vec<u8>, Error> {
        let now = self.now()?;
        self.encode_at(message, now)
    }

    /// [`EventStreamEncoder::encode`] at a given time (whole seconds are signed).
    ///
    /// # Errors
    /// As [`EventStreamEncoder::encode`].
    pub fn encode_at(&mut self, message: &[u8], time: Timestamp) -> Result<Vec<u8>, Error> {
        if self.finished {
            return Err(Error::Unsupported("the event stream has ended"));
        }
        let mut chain = EventStreamSigner::new(&self.key, &self.prior)?;
        let mut out = vec![0u8; signed_frame_len(message.len())];
        let n = chain.sign(message, time, &mut out)?;
        out.truncate(n);
        self.prior = chain.prior_signature().to_string();
        Ok(out)
    }

    /// The empty frame that ends the stream; nothing can be encoded after it.
    ///
    /// # Errors
    /// As [`EventStreamEncoder::encode`].
    pub fn finish(&mut self) -> Result<Vec<u8>, Error> {
        let frame = self.encode(&[])?;
        self.finished = true;
        Ok(frame)
    }

    /// The last signature of the chain, in hex.
    pub fn prior_signature(&self) -> &str {
        &self.prior
    }

    /// An async stream of signed frames from a stream of encoded messages, ending with the
    /// empty frame once `messages` ends: the body of the request.
    pub fn into_stream<S, B, E>(self, messages: S) -> SignedEvents<S>
    where
        S: Stream<Item = Result<B, E>> + Unpin,
        B: AsRef<[u8]>,
    {
        SignedEvents {
            encoder: self,
            messages,
        }
    }

    fn now(&self) -> Result<Timestamp, Error> {
        let local: SystemTime = self.signer.inner.clock.now();
        timestamp(self.signer.corrected(local)).ok_or(Error::Clock)
    }
}

/// The signed frames of a stream of messages ([`EventStreamEncoder::into_stream`]).
#[derive(Debug)]
pub struct SignedEvents<S> {
    encoder: EventStreamEncoder,
    messages: S,
}

/// Why a frame could not be produced: the messages' own error, or signing's.
#[derive(Debug)]
pub enum SignedEventsError<E> {
    /// The stream of messages failed.
    Source(E),
    /// Signing failed.
    Sign(Error),
}

impl<E: std::fmt::Display> std::fmt::Display for SignedEventsError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Source(e) => write!(f, "event stream source: {e}"),
            Self::Sign(e) => write!(f, "event stream signing: {e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for SignedEventsError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Source(e) => Some(e),
            Self::Sign(e) => Some(e),
        }
    }
}

impl<S, B, E> Stream for SignedEvents<S>
where
    S: Stream<Item = Result<B, E>> + Unpin,
    B: AsRef<[u8]>,
{
    type Item = Result<Vec<u8>, SignedEventsError<E>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.encoder.finished {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.messages).poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(message))) => Poll::Ready(Some(
                this.encoder
                    .encode(message.as_ref())
                    .map_err(SignedEventsError::Sign),
            )),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(SignedEventsError::Source(e)))),
            Poll::Ready(None) => {
                Poll::Ready(Some(this.encoder.finish().map_err(SignedEventsError::Sign)))
            }
        }
    }
}
