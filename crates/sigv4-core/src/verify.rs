//! Verifying SigV4 requests, for servers: parse the `Authorization` header or the presigned
//! query, rebuild the canonical request from what was received (only the signed headers),
//! recompute with the key the caller finds for the access key id, and compare in constant
//! time; check the scope, the clock skew, the expiry, the signed headers and the payload.

use crate::canonical::query::{self, Params};
use crate::canonical::{headers, Canonical, Fixed, PayloadHash, Scratch, ALGORITHM, MAX_EXPIRES};
use crate::chunked::ChunkSigner;
use crate::date::Timestamp;
use crate::error::Error;
use crate::key::{Scope, SigningKey};
use crate::request::{Payload, Request};
use crate::settings::{PathMode, SessionTokenMode, Settings};
use crate::sign::SigningParams;
use crate::sink::{hex32, Buf, HashSink, Sink, TextSink};
use crate::string_to_sign as sts;
use core::fmt;
use subtle::ConstantTimeEq;

/// Longest `AK/date/region/service/aws4_request` accepted.
const CREDENTIAL_CAP: usize = 256;

/// Default allowed distance between a request's time and the server's: 15 minutes.
pub const DEFAULT_MAX_SKEW_SECS: u32 = 900;

/// What a server accepts.
#[derive(Debug, Clone, Copy)]
pub struct VerifyPolicy<'a> {
    /// The region requests must be scoped to.
    pub region: &'a str,
    /// The service requests must be scoped to.
    pub service: &'a str,
    /// The server's time.
    pub now: Timestamp,
    /// Largest distance between the request's time and `now` (header signatures), or how
    /// far in the future a presigned URL may be dated.
    pub max_skew_secs: u32,
    /// Whether `UNSIGNED-PAYLOAD` (and the unsigned streaming marker) is accepted.
    pub allow_unsigned_payload: bool,
    /// Path rules the clients sign by.
    pub path_mode: PathMode,
    /// Whether the session token is appended after signing, as some services' clients do:
    /// an `x-amz-security-token` header may then be present unsigned, and an
    /// `X-Amz-Security-Token` query parameter is left out of the canonical query.
    pub allow_unsigned_security_token: bool,
}

impl<'a> VerifyPolicy<'a> {
    /// The defaults for `service` in `region` at `now`: 15 minutes of skew; for `s3`, S3 path
    /// rules and unsigned payloads accepted; otherwise service rules and payloads signed.
    pub fn new(region: &'a str, service: &'a str, now: Timestamp) -> Self {
        let s3 = service == "s3";
        Self {
            region,
            service,
            now,
            max_skew_secs: DEFAULT_MAX_SKEW_SECS,
            allow_unsigned_payload: s3,
            path_mode: if s3 { PathMode::S3 } else { PathMode::Service },
            allow_unsigned_security_token: false,
        }
    }
}

/// The authentication a request carries, parsed.
#[derive(Clone)]
pub struct Authorization {
    credential: Buf<CREDENTIAL_CAP>,
    /// Byte offsets of the four `/` in the credential.
    slashes: [usize; 4],
    signed_headers: Buf<{ headers::MAX_SIGNED_HEADERS_LEN }>,
    signature: [u8; 32],
    presigned: Option<(Timestamp, u32)>,
}

impl Authorization {
    /// Parses `AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
    /// SignedHeaders=a;b, Signature=<64 hex>` (the three in any order, spaces after commas
    /// optional).
    ///
    /// # Errors
    /// [`Error::MalformedAuthorization`].
    pub fn from_header(value: &str) -> Result<Self, Error> {
        const E: Error = Error::MalformedAuthorization;
        let rest = value.strip_prefix(ALGORITHM).ok_or(E)?;
        let rest = rest.strip_prefix(' ').ok_or(E)?.trim();
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (name, v) = part.trim().split_once('=').ok_or(E)?;
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => return Err(E),
            };
            if slot.replace(v).is_some() {
                return Err(E);
            }
        }
        let (Some(c), Some(s), Some(sig)) = (credential, signed, signature) else {
            return Err(E);
        };
        Self::from_parts(c.as_bytes(), false, s.as_bytes(), false, sig, None)
    }

    /// Parses the `X-Amz-*` parameters of a presigned query (as sent, percent-encoded).
    ///
    /// # Errors
    /// [`Error::MalformedAuthorization`]; [`Error::Expires`] for an `X-Amz-Expires` outside
    /// 1..=604800.
    pub fn from_query(query: &str) -> Result<Self, Error> {
        const E: Error = Error::MalformedAuthorization;
        let mut params = Params::new();
        query::parse(query, &mut params).map_err(|_| E)?;
        let find = |name: &str| -> Result<&[u8], Error> {
            let mut found = params.iter().filter(|p| query::key_is(p, name));
            let first = found.next().ok_or(E)?;
            if found.next().is_some() {
                return Err(E);
            }
            Ok(first.value)
        };
        if find("X-Amz-Algorithm")? != ALGORITHM.as_bytes() {
            return Err(E);
        }
        let date = core::str::from_utf8(find("X-Amz-Date")?).map_err(|_| E)?;
        let date = Timestamp::parse_amz_date(date).map_err(|_| E)?;
        let expires = find("X-Amz-Expires")?;
        let expires = core::str::from_utf8(expires)
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 10)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or(E)?;
        let expires = u32::try_from(expires)
            .ok()
            .filter(|e| (1..=MAX_EXPIRES).contains(e))
            .ok_or(Error::Expires)?;
        let signature = core::str::from_utf8(find("X-Amz-Signature")?).map_err(|_| E)?;
        Self::from_parts(
            find("X-Amz-Credential")?,
            true,
            find("X-Amz-SignedHeaders")?,
            true,
            signature,
            Some((date, expires)),
        )
    }

    fn from_parts(
        credential: &[u8],
        decode_credential: bool,
        signed: &[u8],
        decode_signed: bool,
        signature: &str,
        presigned: Option<(Timestamp, u32)>,
    ) -> Result<Self, Error> {
        const E: Error = Error::MalformedAuthorization;
        let mut cred = Buf::new();
        decode_into(credential, decode_credential, &mut cred);
        let mut list = Buf::new();
        decode_into(signed, decode_signed, &mut list);
        if cred.overflowed() || list.overflowed() {
            return Err(E);
        }
        let mut sig = [0u8; 32];
        if signature.len() != 64 {
            return Err(E);
        }
        hex::decode_to_slice(signature, &mut sig).map_err(|_| E)?;
        let slashes = credential_slashes(cred.as_bytes()).ok_or(E)?;
        check_signed_list(list.as_str()).ok_or(E)?;
        Ok(Self {
            credential: cred,
            slashes,
            signed_headers: list,
            signature: sig,
            presigned,
        })
    }

    fn part(&self, i: usize) -> &str {
        let text = self.credential.as_str();
        let start = if i == 0 { 0 } else { self.slashes[i - 1] + 1 };
        let end = self.slashes.get(i).copied().unwrap_or(text.len());
        text.get(start..end).unwrap_or_default()
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        self.part(0)
    }

    /// The scope's date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        self.part(1)
    }

    /// The scope's region.
    pub fn region(&self) -> &str {
        self.part(2)
    }

    /// The scope's service.
    pub fn service(&self) -> &str {
        self.part(3)
    }

    /// The `;`-joined signed header names.
    pub fn signed_headers(&self) -> &str {
        self.signed_headers.as_str()
    }

    /// For a presigned request, its `X-Amz-Date` and `X-Amz-Expires`.
    pub fn presigned(&self) -> Option<(Timestamp, u32)> {
        self.presigned
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization")
            .field("credential", &self.credential.as_str())
            .field("signed_headers", &self.signed_headers.as_str())
            .field("presigned", &self.presigned)
            .finish_non_exhaustive()
    }
}

/// Copies `src` into `out`, percent-decoding when asked.
fn decode_into<const N: usize>(src: &[u8], decode: bool, out: &mut Buf<N>) {
    let mut i = 0;
    while i < src.len() {
        match crate::encode::escape_at(src, i) {
            Some(b) if decode => {
                out.byte(b);
                i += 3;
            }
            _ => {
                out.byte(src[i]);
                i += 1;
            }
        }
    }
}

/// The four `/` of `AK/YYYYMMDD/region/service/aws4_request`, each part non-empty.
fn credential_slashes(c: &[u8]) -> Option<[usize; 4]> {
    let mut slashes = [0usize; 4];
    let mut n = 0;
    for (i, &b) in c.iter().enumerate() {
        if b == b'/' {
            *slashes.get_mut(n)? = i;
            n += 1;
        } else if !b.is_ascii_graphic() {
            return None;
        }
    }
    let date_ok = n == 4
        && slashes[0] > 0
        && slashes[1] == slashes[0] + 9
        && c[slashes[0] + 1..slashes[1]].iter().all(u8::is_ascii_digit)
        && slashes[2] > slashes[1] + 1
        && slashes[3] > slashes[2] + 1;
    (date_ok && &c[slashes[3] + 1..] == b"aws4_request").then_some(slashes)
}

/// Lower-case tokens, `;`-separated, strictly ascending.
fn check_signed_list(list: &str) -> Option<()> {
    let mut prev: Option<&str> = None;
    for name in list.split(';') {
        let lower = name.bytes().all(|b| !b.is_ascii_uppercase());
        if !headers::is_token(name) || !lower || prev.is_some_and(|p| p >= name) {
            return None;
        }
        prev = Some(name);
    }
    Some(())
}

/// What a verified request proved.
#[derive(Debug, Clone)]
pub struct Verified {
    access_key_id: heapless::String<128>,
    scope: Scope,
    time: Timestamp,
    payload: VerifiedPayload,
    signature: [u8; 32],
}

impl Verified {
    /// The access key id that signed.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The credential scope signed.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// The request time signed.
    pub fn time(&self) -> Timestamp {
        self.time
    }

    /// What the signature says about the body.
    pub fn payload(&self) -> VerifiedPayload {
        self.payload
    }

    /// The checker of this request's aws-chunked body: chunk and trailer signatures chained
    /// from the request's own signature, with `key`, the key it was verified with.
    ///
    /// # Errors
    /// [`Error::KeyDate`] when `key` does not cover the request's time.
    pub fn chunk_signer<K: core::borrow::Borrow<SigningKey>>(
        &self,
        key: K,
    ) -> Result<ChunkSigner<K>, Error> {
        let seed = hex32(&self.signature);
        ChunkSigner::new(
            key,
            self.time,
            core::str::from_utf8(&seed).unwrap_or_default(),
        )
    }
}

/// What the signature covers of the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifiedPayload {
    /// The body given was hashed and matches.
    Checked,
    /// The body was not given ([`Payload::Unsigned`] in the request view, for a body still
    /// streaming in): it must hash to this, which the server checks as it reads.
    Expected([u8; 32]),
    /// The body is not covered (`UNSIGNED-PAYLOAD`).
    Unsigned,
    /// The body is aws-chunked; each chunk carries its own signature.
    Streaming,
}

/// Verifies `req` as received. `lookup` gives the signing key for an access key id and the
/// scope the request claims (derive it with [`SigningKey::derive`] from the secret, or hand
/// out a cached one); `None` means the key id is unknown.
///
/// In the request view, `payload` is the body received: [`Payload::Bytes`] to have it
/// hashed and compared, [`Payload::Sha256`] if the server hashed it, or
/// [`Payload::Unsigned`] when it is still to be read (the result then says what it must
/// hash to).
///
/// # Errors
/// The verification variants of [`Error`], each for its own failure:
/// [`Error::MissingAuthentication`], [`Error::MalformedAuthorization`],
/// [`Error::UnknownAccessKey`], [`Error::ScopeMismatch`], [`Error::MissingDate`],
/// [`Error::RequestTimeTooSkewed`], [`Error::RequestExpired`], [`Error::Expires`],
/// [`Error::UnsignedHeader`], [`Error::MissingSignedHeader`],
/// [`Error::PayloadHashMismatch`], [`Error::UnsignedPayload`],
/// [`Error::SignatureMismatch`]; and the request errors of signing.
pub fn verify<F>(req: &Request<'_>, policy: &VerifyPolicy<'_>, lookup: F) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    check(req, policy, lookup, None)
}

/// [`verify`], also rendering the canonical request and string to sign it computed (for a
/// server's own logs when a signature does not match; they hold no secret). The texts are
/// written whenever the signature could be recomputed, whatever the outcome.
///
/// # Errors
/// As [`verify`].
pub fn verify_explained<F, W: fmt::Write>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
    canonical_request: &mut W,
    string_to_sign: &mut W,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    check(
        req,
        policy,
        lookup,
        Some((
            canonical_request as &mut dyn fmt::Write,
            string_to_sign as &mut dyn fmt::Write,
        )),
    )
}

type Texts<'t> = (&'t mut dyn fmt::Write, &'t mut dyn fmt::Write);

fn find_header<'a>(req: &Request<'a>, name: &str) -> Option<&'a [u8]> {
    req.headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value)
}

fn check<F>(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    lookup: F,
    texts: Option<Texts<'_>>,
) -> Result<Verified, Error>
where
    F: FnOnce(&str, &Scope) -> Option<SigningKey>,
{
    let auth = match find_header(req, "authorization") {
        Some(v) => Authorization::from_header(
            core::str::from_utf8(v).map_err(|_| Error::MalformedAuthorization)?,
        )?,
        None if has_query_signature(req.query) => Authorization::from_query(req.query)?,
        None => return Err(Error::MissingAuthentication),
    };
    if auth.region() != policy.region || auth.service() != policy.service {
        return Err(Error::ScopeMismatch);
    }
    let time = request_time(req, &auth)?;
    check_time(policy, &auth, time)?;
    if time.date_stamp().as_str() != auth.date() {
        return Err(Error::ScopeMismatch);
    }
    check_signed_headers(req, policy, &auth)?;
    let (payload, verified_payload) = payload_line(req, policy, &auth)?;
    let scope = Scope::new(time, auth.region(), auth.service())?;
    let key = lookup(auth.access_key_id(), &scope).ok_or(Error::UnknownAccessKey)?;
    if key.scope() != &scope {
        return Err(Error::ScopeMismatch);
    }
    let mut access_key_id = heapless::String::new();
    access_key_id
        .push_str(auth.access_key_id())
        .map_err(|_| Error::AccessKeyId)?;
    let params = SigningParams {
        access_key_id: auth.access_key_id(),
        session_token: None,
        key: &key,
        time,
        settings: Settings {
            path_mode: policy.path_mode,
            session_token: if policy.allow_unsigned_security_token {
                SessionTokenMode::AppendedAfterSigning
            } else {
                SessionTokenMode::Signed
            },
            content_sha256_header: false,
            unsigned_headers: &[],
        },
    };
    let fixed = Fixed::verbatim(time, payload);
    let mut scratch = Scratch::new();
    let canonical = Canonical::received(req, &params, auth.signed_headers(), &fixed, &mut scratch)?;
    let mut hash = HashSink::new();
    canonical.write(&mut hash);
    let hashed = hex32(&hash.finish());
    let mut text = Buf::<512>::new();
    sts::write(&mut text, &fixed.amz_date, &scope, &hashed);
    let mac = key.mac(text.as_bytes());
    if let Some((creq_out, sts_out)) = texts {
        let mut creq = TextSink::new(creq_out);
        canonical.write(&mut creq);
        let mut sts_text = TextSink::new(sts_out);
        sts_text.put(text.as_bytes());
        if creq.failed || sts_text.failed {
            return Err(Error::Fmt);
        }
    }
    if !bool::from(mac.ct_eq(&auth.signature)) {
        return Err(Error::SignatureMismatch);
    }
    Ok(Verified {
        access_key_id,
        scope,
        time,
        payload: verified_payload,
        signature: auth.signature,
    })
}

fn has_query_signature(query: &str) -> bool {
    let mut params = Params::new();
    query::parse(query, &mut params).is_ok()
        && params.iter().any(|p| query::key_is(p, "X-Amz-Signature"))
}

/// The time signed: `X-Amz-Date` (query or header), else the `Date` header.
fn request_time(req: &Request<'_>, auth: &Authorization) -> Result<Timestamp, Error> {
    if let Some((date, _)) = auth.presigned() {
        return Ok(date);
    }
    if let Some(v) = find_header(req, "x-amz-date") {
        let s = core::str::from_utf8(v).map_err(|_| Error::MissingDate)?;
        return Timestamp::parse_amz_date(s.trim());
    }
    let v = find_header(req, "date").ok_or(Error::MissingDate)?;
    let s = core::str::from_utf8(v).map_err(|_| Error::MissingDate)?;
    Timestamp::parse_http_date(s.trim())
}

fn check_time(
    policy: &VerifyPolicy<'_>,
    auth: &Authorization,
    time: Timestamp,
) -> Result<(), Error> {
    let skew = i64::from(policy.max_skew_secs);
    let now = policy.now.unix();
    match auth.presigned() {
        Some((_, expires)) => {
            if now + skew < time.unix() || now > time.unix() + i64::from(expires) {
                return Err(Error::RequestExpired);
            }
        }
        None => {
            if (now - time.unix()).abs() > skew {
                return Err(Error::RequestTimeTooSkewed);
            }
        }
    }
    Ok(())
}

/// `host` is signed; every `x-amz-*` header present is signed (the token may be exempt).
fn check_signed_headers(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    auth: &Authorization,
) -> Result<(), Error> {
    let signed = |name: &str| {
        auth.signed_headers()
            .split(';')
            .any(|s| s.eq_ignore_ascii_case(name))
    };
    if !signed("host") {
        return Err(Error::UnsignedHeader);
    }
    for h in req.headers {
        let amz = h.name.len() >= 6 && h.name[..6].eq_ignore_ascii_case("x-amz-");
        let exempt = policy.allow_unsigned_security_token
            && h.name.eq_ignore_ascii_case("x-amz-security-token");
        if amz && !exempt && !signed(h.name) {
            return Err(Error::UnsignedHeader);
        }
    }
    Ok(())
}

const UNSIGNED_MARKERS: [&str; 2] = ["UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"];
const SIGNED_STREAMING: [&str; 2] = [
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
];

/// The payload line to verify against, and what it proves about the body.
fn payload_line(
    req: &Request<'_>,
    policy: &VerifyPolicy<'_>,
    auth: &Authorization,
) -> Result<(PayloadHash, VerifiedPayload), Error> {
    let claimed = find_header(req, "x-amz-content-sha256");
    let Some(claimed) = claimed else {
        // No header: presigned S3 requests sign UNSIGNED-PAYLOAD; everything else signs the
        // body's hash, which the server must then know.
        if auth.presigned().is_some() && policy.path_mode == PathMode::S3 {
            return unsigned(policy);
        }
        return match req.payload {
            Payload::Bytes(_) | Payload::Sha256(_) => {
                Ok((PayloadHash::of(&req.payload), VerifiedPayload::Checked))
            }
            _ => Err(Error::PayloadHashMismatch),
        };
    };
    let text = core::str::from_utf8(claimed).map_err(|_| Error::PayloadHash)?;
    if UNSIGNED_MARKERS.contains(&text) {
        return unsigned(policy).map(|(_, v)| (PayloadHash::verbatim(claimed), v));
    }
    if SIGNED_STREAMING.contains(&text) {
        return Ok((PayloadHash::verbatim(claimed), VerifiedPayload::Streaming));
    }
    let mut digest = [0u8; 32];
    if text.len() != 64 {
        return Err(Error::PayloadHash);
    }
    hex::decode_to_slice(text, &mut digest).map_err(|_| Error::PayloadHash)?;
    let proved = match req.payload {
        Payload::Bytes(b) => {
            let mut h = HashSink::new();
            h.put(b);
            h.finish() == digest
        }
        Payload::Sha256(d) => d == digest,
        _ => {
            return Ok((
                PayloadHash::verbatim(claimed),
                VerifiedPayload::Expected(digest),
            ))
        }
    };
    if !proved {
        return Err(Error::PayloadHashMismatch);
    }
    Ok((PayloadHash::verbatim(claimed), VerifiedPayload::Checked))
}

fn unsigned(policy: &VerifyPolicy<'_>) -> Result<(PayloadHash, VerifiedPayload), Error> {
    if !policy.allow_unsigned_payload {
        return Err(Error::UnsignedPayload);
    }
    Ok((
        PayloadHash::verbatim(b"UNSIGNED-PAYLOAD"),
        VerifiedPayload::Unsigned,
    ))
}

/// For the verifier, `Fixed` with the request's own values.
impl Fixed {
    pub(crate) fn verbatim(time: Timestamp, payload: PayloadHash) -> Self {
        Self {
            amz_date: time.amz_date(),
            payload,
            expires: heapless::String::new(),
        }
    }
}
