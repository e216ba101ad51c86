//! Event-stream signing against aws-sigv4 1.6.4's (`sign-eventstream`, with
//! aws-smithy-eventstream framing), the oracle: random messages (every header type, empty
//! and binary payloads) encode to the same bytes, and the chain of signed wrappers, from a
//! seed signature through the final empty frame, at times that move across seconds, is the
//! same byte for byte. Our verifier takes the whole chain back and refuses a tampered or
//! reordered frame.
#![allow(
    clippy::unwrap_used,
    clippy::cast_possible_truncation,
    reason = "tests"
)]

use aws_credential_types::Credentials;
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::event_stream::{Header, HeaderValue as TheirValue, Message};
use aws_smithy_types::DateTime;
use sigv4_core::{
    encode_message, signed_frame_len, EventHeader, EventStreamSigner, HeaderValue, SigningKey,
    Timestamp,
};
use std::time::{Duration, UNIX_EPOCH};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2026-12-01T16:40:05Z.
const START: i64 = 1_796_143_205;

/// A small deterministic generator (xorshift), so a failure replays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// One header in both libraries' terms.
struct Both {
    name: String,
    ours: OwnedValue,
}

enum OwnedValue {
    Bool(bool),
    Byte(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Bytes(Vec<u8>),
    Str(String),
    Time(i64),
    Uuid([u8; 16]),
}

impl Both {
    fn ours(&self) -> EventHeader<'_> {
        let v = match &self.ours {
            OwnedValue::Bool(b) => HeaderValue::Bool(*b),
            OwnedValue::Byte(b) => HeaderValue::Byte(*b),
            OwnedValue::I16(v) => HeaderValue::Int16(*v),
            OwnedValue::I32(v) => HeaderValue::Int32(*v),
            OwnedValue::I64(v) => HeaderValue::Int64(*v),
            OwnedValue::Bytes(b) => HeaderValue::Bytes(b),
            OwnedValue::Str(s) => HeaderValue::String(s),
            OwnedValue::Time(ms) => HeaderValue::Timestamp(*ms),
            OwnedValue::Uuid(u) => HeaderValue::Uuid(*u),
        };
        EventHeader::new(&self.name, v)
    }

    fn theirs(&self) -> Header {
        let v = match &self.ours {
            OwnedValue::Bool(b) => TheirValue::Bool(*b),
            OwnedValue::Byte(b) => TheirValue::Byte(*b),
            OwnedValue::I16(v) => TheirValue::Int16(*v),
            OwnedValue::I32(v) => TheirValue::Int32(*v),
            OwnedValue::I64(v) => TheirValue::Int64(*v),
            OwnedValue::Bytes(b) => TheirValue::ByteArray(b.clone().into()),
            OwnedValue::Str(s) => TheirValue::String(s.clone().into()),
            OwnedValue::Time(ms) => TheirValue::Timestamp(DateTime::from_millis(*ms)),
            OwnedValue::Uuid(u) => TheirValue::Uuid(u128::from_be_bytes(*u)),
        };
        Header::new(self.name.clone(), v)
    }
}

fn random_message(rng: &mut Rng) -> (Vec<Both>, Vec<u8>) {
    let headers = (0..rng.below(5))
        .map(|i| {
            let name = [
                ":event-type",
                ":content-type",
                ":message-type",
                "x-custom",
                "n",
            ][i as usize % 5]
                .to_string();
            let ours = match rng.below(9) {
                0 => OwnedValue::Bool(rng.below(2) == 0),
                1 => OwnedValue::Byte(rng.next() as i8),
                2 => OwnedValue::I16(rng.next() as i16),
                3 => OwnedValue::I32(rng.next() as i32),
                4 => OwnedValue::I64(rng.next() as i64),
                5 => {
                    let n = rng.below(40) as usize;
                    OwnedValue::Bytes(rng.bytes(n))
                }
                6 => OwnedValue::Str(
                    ["AudioEvent", "application/octet-stream", "événement", ""]
                        [rng.below(4) as usize]
                        .into(),
                ),
                7 => OwnedValue::Time(START * 1000 + rng.below(10_000_000) as i64),
                _ => OwnedValue::Uuid(rng.bytes(16).try_into().unwrap()),
            };
            Both { name, ours }
        })
        .collect();
    let n = [0, 1, 17, 320, 4096][rng.below(5) as usize];
    let payload = rng.bytes(n);
    (headers, payload)
}

fn theirs_encoded(headers: &[Both], payload: &[u8]) -> (Message, Vec<u8>) {
    let mut m = Message::new(payload.to_vec());
    for h in headers {
        m = m.add_header(h.theirs());
    }
    let mut out = Vec::new();
    write_message_to(&m, &mut out).unwrap();
    (m, out)
}

#[test]
fn messages_encode_as_aws_smithy_eventstream_encodes_them() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    for i in 0..300 {
        let (headers, payload) = random_message(&mut rng);
        let ours_h: Vec<EventHeader<'_>> = headers.iter().map(Both::ours).collect();
        let (_, theirs) = theirs_encoded(&headers, &payload);
        let mut buf = vec![0u8; theirs.len()];
        let n = encode_message(&ours_h, &payload, &mut buf).unwrap();
        assert_eq!(&buf[..n], theirs.as_slice(), "message {i}");
    }
}

#[test]
fn a_signed_stream_is_aws_sigv4s_byte_for_byte_and_verifies() {
    let identity: Identity = Credentials::new("AKIDEXAMPLE", SECRET, None, None, "test").into();
    let mut rng = Rng(0x0dd_ba11_cafe_f00d);
    for stream in 0..20 {
        let seed = sigv4_core::crc32(&rng.bytes(8)); // any 64 hex digits will do
        let seed = format!("{seed:08x}").repeat(8);
        let day = Timestamp::from_unix(START).unwrap();
        let key = SigningKey::derive(SECRET, day, "us-east-1", "transcribe").unwrap();
        let mut ours = EventStreamSigner::new(&key, &seed).unwrap();
        let mut last = seed.clone();
        let mut frames: Vec<Vec<u8>> = Vec::new();
        let mut inner: Vec<Vec<u8>> = Vec::new();
        let count = 1 + rng.below(6);
        for i in 0..=count {
            let secs = START + (stream * 30) as i64 + i as i64 * (rng.below(3) as i64);
            let time = UNIX_EPOCH
                + Duration::from_secs(secs as u64)
                + Duration::from_millis(rng.below(999));
            let params: v4::SigningParams<'_, ()> = v4::SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("transcribe")
                .time(time)
                .settings(())
                .build()
                .unwrap();
            let final_frame = i == count;
            let (message_bytes, signed) = if final_frame {
                (
                    Vec::new(),
                    aws_sigv4::event_stream::sign_empty_message(&last, &params).unwrap(),
                )
            } else {
                let (headers, payload) = random_message(&mut rng);
                let (m, bytes) = theirs_encoded(&headers, &payload);
                (
                    bytes,
                    aws_sigv4::event_stream::sign_message(&m, &last, &params).unwrap(),
                )
            };
            let (wrapper, signature) = signed.into_parts();
            let mut theirs = Vec::new();
            write_message_to(&wrapper, &mut theirs).unwrap();

            let mut buf = vec![0u8; signed_frame_len(message_bytes.len())];
            let n = ours
                .sign(
                    &message_bytes,
                    Timestamp::from_unix(secs).unwrap(),
                    &mut buf,
                )
                .unwrap();
            assert_eq!(&buf[..n], theirs.as_slice(), "stream {stream}, frame {i}");
            assert_eq!(ours.prior_signature(), signature);
            last = signature;
            frames.push(buf[..n].to_vec());
            inner.push(message_bytes);
        }

        // The server's side: the whole chain verifies, each frame giving its message back.
        let mut verifier = EventStreamSigner::new(&key, &seed).unwrap();
        for (frame, message) in frames.iter().zip(&inner) {
            let (got, _) = verifier.verify(frame).unwrap();
            assert_eq!(got, message.as_slice());
        }
        // A frame out of order, or with a byte of its message changed (CRCs fixed up so
        // only the signature can tell), is refused.
        let mut verifier = EventStreamSigner::new(&key, &seed).unwrap();
        if frames.len() > 2 {
            assert!(
                verifier.verify(&frames[1]).is_err(),
                "stream {stream}: out of order"
            );
        }
        verifier.verify(&frames[0]).unwrap();
        if let Some(second) = frames.get(1).filter(|f| f.len() > 84) {
            let mut tampered = second.clone();
            let at = 12 + 67 + 1; // inside the carried message, past the signing headers
            tampered[at] ^= 1;
            let end = tampered.len() - 4;
            let crc = sigv4_core::crc32(&tampered[..end]);
            tampered[end..].copy_from_slice(&crc.to_be_bytes());
            assert_eq!(
                verifier.verify(&tampered),
                Err(sigv4_core::Error::ChunkSignatureMismatch),
                "stream {stream}"
            );
            // The chain did not move: the genuine frame still verifies next.
            verifier.verify(second).unwrap();
        }
    }
}

/// The whole path: `Signer::sign_event_stream` signs the request (verified by the core,
/// which says the body is an event stream), the encoder's frames, through the async
/// stream adapter, are aws-sigv4's for the same seed and time, and the server's verifier
/// takes every one.
#[test]
fn a_transcribe_style_stream_from_the_signer_verifies_end_to_end() {
    use futures_util::StreamExt;
    use sigv4::{ManualClock, Signer};
    use sigv4_core::{verify, Header, Payload, Request, VerifiedPayload, VerifyPolicy};
    use std::sync::Arc;

    let now = UNIX_EPOCH + Duration::from_secs(START as u64);
    let signer = Signer::builder("transcribe", "us-east-1")
        .credentials(sigv4::Credentials::new("AKIDEXAMPLE", SECRET))
        .clock(Arc::new(ManualClock::new(now)))
        .build();
    let url = "https://transcribestreaming.us-east-1.amazonaws.com/stream-transcription";
    let headers = [
        Header::new("content-type", "application/vnd.amazon.eventstream"),
        Header::new("x-amzn-transcribe-language-code", "en-US"),
    ];
    let req = Request::from_url("POST", url, &headers, Payload::StreamingEvents).unwrap();
    let (signed, encoder) = signer.sign_event_stream(&req).unwrap();
    assert_eq!(
        signed.get("x-amz-content-sha256"),
        Some(sigv4_core::EVENT_STREAM_PAYLOAD)
    );

    // Three audio events, as Transcribe takes them.
    let messages: Vec<Vec<u8>> = (0..3u8)
        .map(|i| {
            let h = [
                EventHeader::new(":message-type", HeaderValue::String("event")),
                EventHeader::new(":event-type", HeaderValue::String("AudioEvent")),
                EventHeader::new(
                    ":content-type",
                    HeaderValue::String("application/octet-stream"),
                ),
            ];
            let audio = vec![i; 320];
            let mut buf = vec![0u8; sigv4_core::encoded_message_len(&h, audio.len())];
            encode_message(&h, &audio, &mut buf).unwrap();
            buf
        })
        .collect();
    let source =
        futures_util::stream::iter(messages.clone().into_iter().map(Ok::<_, std::io::Error>));
    let frames: Vec<Vec<u8>> = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(
            encoder
                .into_stream(source)
                .map(|f| f.unwrap())
                .collect::<Vec<_>>(),
        );
    assert_eq!(frames.len(), 4, "three events and the empty frame");

    // aws-sigv4 from the same seed at the same time gives the same bytes.
    let identity: Identity = Credentials::new("AKIDEXAMPLE", SECRET, None, None, "t").into();
    let params: v4::SigningParams<'_, ()> = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("transcribe")
        .time(now)
        .settings(())
        .build()
        .unwrap();
    let mut last = signed.signature().to_string();
    for (i, frame) in frames.iter().enumerate() {
        let out = match messages.get(i) {
            Some(m) => {
                let decoded = aws_smithy_eventstream::frame::read_message_from(&m[..]).unwrap();
                aws_sigv4::event_stream::sign_message(&decoded, &last, &params).unwrap()
            }
            None => aws_sigv4::event_stream::sign_empty_message(&last, &params).unwrap(),
        };
        let (wrapper, signature) = out.into_parts();
        let mut theirs = Vec::new();
        write_message_to(&wrapper, &mut theirs).unwrap();
        assert_eq!(frame, &theirs, "frame {i}");
        last = signature;
    }

    // The server: the request verifies as an event stream, then every frame in order.
    let mut received: Vec<Header<'_>> = headers.to_vec();
    received.extend(signed.iter().map(|(n, v)| Header::new(n, v)));
    let req = Request::from_url("POST", url, &received, Payload::Unsigned).unwrap();
    let day = Timestamp::from_unix(START).unwrap();
    let key = SigningKey::derive(SECRET, day, "us-east-1", "transcribe").unwrap();
    let policy = VerifyPolicy::new("us-east-1", "transcribe", day);
    let verified = verify(&req, &policy, |_, _| Some(key.clone())).unwrap();
    assert_eq!(verified.payload(), VerifiedPayload::EventStream);
    let mut chain = verified.event_stream_verifier(&key).unwrap();
    for (frame, message) in frames
        .iter()
        .zip(messages.iter().map(Vec::as_slice).chain([&[][..]]))
    {
        assert_eq!(chain.verify(frame).unwrap().0, message);
    }
}
