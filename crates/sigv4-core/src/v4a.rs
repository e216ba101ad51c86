//! SigV4A (`AWS4-ECDSA-P256-SHA256`): the request is signed with an ECDSA P-256 key derived
//! from the secret, for a set of regions (`X-Amz-Region-Set`) rather than one.
//!
//! What differs from SigV4:
//!
//! - **The key** is derived once per access key (it depends on neither date, region nor
//!   service): the NIST SP 800-108 counter-mode KDF with HMAC-SHA256 keyed by
//!   `"AWS4A" + secret`, label `AWS4-ECDSA-P256-SHA256`, context `access key id || counter`,
//!   256 bits out; the candidate `c` is taken when `c <= n - 2` (the curve order `n`) and
//!   the private scalar is `c + 1`, otherwise the counter moves on.
//! - **The scope** has no region: `date/service/aws4_request`.
//! - **The regions** are signed as the `x-amz-region-set` header (or the `X-Amz-Region-Set`
//!   query parameter of a presigned URL): a comma-separated list, with wildcards (`us-*`,
//!   `*`).
//! - **The signature** is an ECDSA signature over SHA-256 of the string to sign, sent as
//!   its DER encoding in hex. Ours uses the deterministic nonce of RFC 6979 (no random
//!   source is needed, so the core stays `no_std` without an RNG); signatures by other
//!   signers use random nonces and verify the same way.

use crate::canonical::Location;
use crate::canonical::{Ctx, MAX_ACCESS_KEY_ID_LEN};
use crate::date::Timestamp;
use crate::error::Error;
use crate::key::{Scope, MAX_SECRET_LEN};
use crate::presign::{presign_with, PresignedQuery, ScopeRef};
use crate::request::Request;
use crate::settings::Settings;
use crate::sign::{render, sign_with, HeaderSignature, Key, Rendering, SigText};
use core::fmt;
use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, SigningKey as EcdsaSigningKey, VerifyingKey};
use sha2::Sha256;
use zeroize::Zeroize;

/// Longest `X-Amz-Region-Set` accepted.
pub const MAX_REGION_SET_LEN: usize = 512;

/// The KDF's label, the algorithm's name.
const LABEL: &[u8] = b"AWS4-ECDSA-P256-SHA256";

/// The P-256 order `n`, big-endian.
const ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// A SigV4A private key, derived from a secret access key and its access key id.
///
/// Derive it once per access key and keep it: unlike a SigV4 key it is valid for every
/// date, region and service. It is wiped on drop and never printed.
///
/// ```
/// use sigv4_core::SigV4aKey;
/// let key = SigV4aKey::derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// // The public key the AWS signing suite gives for these credentials.
/// let mut x = [0u8; 32];
/// hex::decode_to_slice("b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1", &mut x).unwrap();
/// let mut y = [0u8; 32];
/// hex::decode_to_slice("865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518", &mut y).unwrap();
/// assert_eq!(key.public_key().coordinates(), (x, y));
/// assert!(!format!("{key:?}").contains(&format!("{:?}", key.to_bytes())));
/// # Ok::<(), sigv4_core::Error>(())
/// ```
#[derive(Clone)]
pub struct SigV4aKey {
    key: EcdsaSigningKey,
}

impl SigV4aKey {
    /// Derives the key of `access_key_id` and `secret_access_key` (see the module
    /// documentation for the derivation). Four HMACs and a scalar multiplication; the
    /// counter almost never moves past 1.
    ///
    /// # Errors
    /// [`Error::AccessKeyId`] for an empty or overlong id; [`Error::SecretTooLong`].
    pub fn derive(access_key_id: &str, secret_access_key: &str) -> Result<Self, Error> {
        let ak = access_key_id.as_bytes();
        if ak.is_empty() || ak.len() > MAX_ACCESS_KEY_ID_LEN {
            return Err(Error::AccessKeyId);
        }
        let secret = secret_access_key.as_bytes();
        if secret.len() > MAX_SECRET_LEN {
            return Err(Error::SecretTooLong {
                limit: MAX_SECRET_LEN,
            });
        }
        let mut input = [0u8; 5 + MAX_SECRET_LEN];
        input[..5].copy_from_slice(b"AWS4A");
        input[5..5 + secret.len()].copy_from_slice(secret);
        let result = derive_scalar(&input[..5 + secret.len()], ak);
        input.zeroize();
        result.map(|key| Self { key })
    }

    /// Rebuilds a key from its 32-byte private scalar (big-endian), as
    /// [`SigV4aKey::to_bytes`] hands it out.
    ///
    /// # Errors
    /// [`Error::SigV4aKey`] when the bytes are zero or not below the curve order.
    pub fn from_bytes(scalar: &[u8; 32]) -> Result<Self, Error> {
        let key = EcdsaSigningKey::from_bytes(scalar.into()).map_err(|_| Error::SigV4aKey)?;
        Ok(Self { key })
    }

    /// The private scalar, big-endian. Treat it as the secret it is.
    pub fn to_bytes(&self) -> [u8; 32] {
        self.key.to_bytes().into()
    }

    /// The public key a verifier needs.
    pub fn public_key(&self) -> SigV4aPublicKey {
        SigV4aPublicKey {
            key: *self.key.verifying_key(),
        }
    }

    /// Signs `string_to_sign`: ECDSA over its SHA-256, RFC 6979 nonce, DER in hex.
    pub(crate) fn sign_text(&self, string_to_sign: &[u8]) -> SigText {
        use p256::ecdsa::signature::Signer;
        let signature: Signature = self.key.sign(string_to_sign);
        SigText::hex(signature.to_der().as_bytes())
    }
}

impl fmt::Debug for SigV4aKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigV4aKey")
            .field("public_key", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl PartialEq for SigV4aKey {
    fn eq(&self, other: &Self) -> bool {
        self.public_key() == other.public_key()
    }
}

impl Eq for SigV4aKey {}

/// The KDF's loop: HMAC(input, 1 || label || 0 || access key id || counter || 256) until
/// the candidate is at most `n - 2`; the scalar is the candidate plus one.
fn derive_scalar(input: &[u8], access_key_id: &[u8]) -> Result<EcdsaSigningKey, Error> {
    for counter in 1..=u8::MAX {
        let mut mac = Hmac::<Sha256>::new_from_slice(input).map_err(|_| Error::SigV4aKey)?;
        mac.update(&1u32.to_be_bytes());
        mac.update(LABEL);
        mac.update(&[0]);
        mac.update(access_key_id);
        mac.update(&[counter]);
        mac.update(&256u32.to_be_bytes());
        let mut candidate: [u8; 32] = mac.finalize().into_bytes().into();
        // Taken when `candidate <= n - 2`, that is when `candidate < n` and `candidate + 1`
        // (which cannot wrap below `n`) is still below `n`.
        let mut key = None;
        if candidate < ORDER {
            increment(&mut candidate);
            if candidate < ORDER {
                key = EcdsaSigningKey::from_bytes((&candidate).into()).ok();
            }
        }
        candidate.zeroize();
        if let Some(key) = key {
            return Ok(key);
        }
    }
    Err(Error::SigV4aKey)
}

/// Adds one to a big-endian number; false when it wraps.
fn increment(n: &mut [u8; 32]) -> bool {
    // (The caller only increments numbers below the order, which never wrap.)
    for byte in n.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            return true;
        }
    }
    false
}

/// A SigV4A public key: what a verifier holds for an access key id.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigV4aPublicKey {
    key: VerifyingKey,
}

impl SigV4aPublicKey {
    /// The key with affine coordinates `x` and `y` (big-endian), as the AWS signing suite's
    /// `public-key.json` gives them.
    ///
    /// # Errors
    /// [`Error::SigV4aKey`] when the point is not on the curve.
    pub fn from_coordinates(x: &[u8; 32], y: &[u8; 32]) -> Result<Self, Error> {
        let mut sec1 = [0u8; 65];
        sec1[0] = 4;
        sec1[1..33].copy_from_slice(x);
        sec1[33..].copy_from_slice(y);
        Self::from_sec1_bytes(&sec1)
    }

    /// The key from its SEC1 encoding (65 bytes uncompressed, or 33 compressed).
    ///
    /// # Errors
    /// [`Error::SigV4aKey`] when the bytes are not a point on the curve.
    pub fn from_sec1_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let key = VerifyingKey::from_sec1_bytes(bytes).map_err(|_| Error::SigV4aKey)?;
        Ok(Self { key })
    }

    /// The uncompressed SEC1 encoding: `04 || x || y`.
    pub fn to_sec1_bytes(&self) -> [u8; 65] {
        let point = self.key.to_sec1_point(false);
        let mut out = [0u8; 65];
        if point.as_bytes().len() == 65 {
            out.copy_from_slice(point.as_bytes());
        }
        out
    }

    /// The affine coordinates `(x, y)`, big-endian.
    pub fn coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let sec1 = self.to_sec1_bytes();
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        x.copy_from_slice(&sec1[1..33]);
        y.copy_from_slice(&sec1[33..]);
        (x, y)
    }

    /// Whether `der` (a DER ECDSA signature) signs `string_to_sign`.
    pub(crate) fn verifies(&self, string_to_sign: &[u8], der: &[u8]) -> bool {
        Signature::from_der(der)
            .map(|sig| self.key.verify(string_to_sign, &sig).is_ok())
            .unwrap_or(false)
    }
}

impl fmt::Debug for SigV4aPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (x, y) = self.coordinates();
        let mut hx = [0u8; 64];
        let mut hy = [0u8; 64];
        let _ = hex::encode_to_slice(x, &mut hx);
        let _ = hex::encode_to_slice(y, &mut hy);
        f.debug_struct("SigV4aPublicKey")
            .field("x", &core::str::from_utf8(&hx).unwrap_or_default())
            .field("y", &core::str::from_utf8(&hy).unwrap_or_default())
            .finish()
    }
}

/// Whether a DER signature is well formed (strict DER, both integers in range).
pub(crate) fn is_der_signature(der: &[u8]) -> bool {
    Signature::from_der(der).is_ok()
}

/// Everything a SigV4A signature needs besides the request.
#[derive(Debug, Clone, Copy)]
pub struct SigningParamsV4a<'a> {
    /// The access key id, `AKIDEXAMPLE`.
    pub access_key_id: &'a str,
    /// The session token of temporary credentials.
    pub session_token: Option<&'a str>,
    /// The key derived for `access_key_id`.
    pub key: &'a SigV4aKey,
    /// The regions the signature is valid in: `us-east-1`, `us-east-1,eu-west-1`, `us-*`
    /// or `*`.
    pub region_set: &'a str,
    /// The service signed for, `s3`.
    pub service: &'a str,
    /// The request time, signed as `X-Amz-Date`.
    pub time: Timestamp,
    /// The rules to sign by.
    pub settings: Settings<'a>,
}

impl<'a> SigningParamsV4a<'a> {
    /// Renders one of the texts of `req`, under the scope these parameters make.
    fn render<W: fmt::Write + ?Sized>(
        &self,
        req: &Request<'_>,
        location: Location,
        out: &mut W,
        what: Rendering,
    ) -> Result<(), Error> {
        let scope = Scope::without_region(self.time, self.service)?;
        render(req, &self.ctx(&scope)?, location, out, what)
    }

    fn ctx<'s>(&self, scope: &'s Scope) -> Result<Ctx<'a, 's>, Error> {
        check_region_set(self.region_set)?;
        Ok(Ctx {
            access_key_id: self.access_key_id,
            session_token: self.session_token,
            scope,
            time: self.time,
            settings: self.settings,
            region_set: Some(self.region_set),
        })
    }
}

/// A region set is comma-separated names of printable ASCII (no spaces or `/`), each
/// non-empty, within [`MAX_REGION_SET_LEN`].
pub(crate) fn check_region_set(set: &str) -> Result<(), Error> {
    let ok = !set.is_empty()
        && set.len() <= MAX_REGION_SET_LEN
        && set
            .split(',')
            .all(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_graphic() && b != b'/'));
    if ok {
        Ok(())
    } else {
        Err(Error::RegionSet)
    }
}

/// Whether `region` is in the comma-separated `set`: named, or matched by an entry ending in
/// `*` (`us-*`, `*`).
pub(crate) fn region_set_covers(set: &str, region: &str) -> bool {
    set.split(',').any(|entry| match entry.strip_suffix('*') {
        Some(prefix) => region.starts_with(prefix),
        None => entry == region,
    })
}

/// Signs `req` with SigV4A in headers: `x-amz-region-set` and `x-amz-date` (and the
/// content hash and session token, as the settings say) are added and signed.
///
/// ```
/// use sigv4_core::{sign_v4a, Header, Payload, Request, Settings, SigV4aKey, SigningParamsV4a, Timestamp};
/// let key = SigV4aKey::derive("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")?;
/// let params = SigningParamsV4a {
///     access_key_id: "AKIDEXAMPLE",
///     session_token: None,
///     key: &key,
///     region_set: "us-east-1",
///     service: "service",
///     time: Timestamp::parse_amz_date("20150830T123600Z")?,
///     settings: Settings::service(),
/// };
/// let req = Request::from_url("GET", "https://example.amazonaws.com/", &[], Payload::Bytes(b""))?;
/// let signed = sign_v4a(&req, &params)?;
/// assert!(signed.authorization().starts_with(
///     "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, \
///      SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=30"));
/// assert_eq!(signed.x_amz_region_set(), Some("us-east-1"));
/// # Ok::<(), sigv4_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::RegionSet`] for an empty or malformed region set; otherwise as [`crate::sign`].
pub fn sign_v4a<'a>(
    req: &Request<'_>,
    params: &SigningParamsV4a<'a>,
) -> Result<HeaderSignature<'a>, Error> {
    let scope = Scope::without_region(params.time, params.service)?;
    sign_with(req, &params.ctx(&scope)?, Key::Ecdsa(params.key))
}

/// Presigns `req` with SigV4A for `expires_in` seconds (1..=604800): the query gains
/// `X-Amz-Region-Set` beside the usual parameters.
///
/// # Errors
/// As [`sign_v4a`] and [`crate::presign`].
pub fn presign_v4a<'a>(
    req: &Request<'_>,
    params: &SigningParamsV4a<'a>,
    expires_in: u32,
) -> Result<PresignedQuery<'a>, Error> {
    let scope = Scope::without_region(params.time, params.service)?;
    let ctx = params.ctx(&scope)?;
    let key = Key::Ecdsa(params.key);
    presign_with(req, &ctx, key, expires_in, ScopeRef::Owned(scope.clone()))
}

/// Renders the SigV4A canonical request of `req`.
///
/// # Errors
/// As [`sign_v4a`]; [`Error::Fmt`] when `out` fails.
pub fn canonical_request_v4a<W: fmt::Write + ?Sized>(
    req: &Request<'_>,
    params: &SigningParamsV4a<'_>,
    location: Location,
    out: &mut W,
) -> Result<(), Error> {
    params.render(req, location, out, Rendering::CanonicalRequest)
}

/// Renders the SigV4A string to sign of `req`.
///
/// # Errors
/// As [`canonical_request_v4a`].
pub fn string_to_sign_v4a<W: fmt::Write + ?Sized>(
    req: &Request<'_>,
    params: &SigningParamsV4a<'_>,
    location: Location,
    out: &mut W,
) -> Result<(), Error> {
    params.render(req, location, out, Rendering::StringToSign)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn increment_carries_and_wraps() {
        let mut n = [0u8; 32];
        n[31] = 0xff;
        assert!(increment(&mut n));
        assert_eq!((n[30], n[31]), (1, 0));
        let mut max = [0xffu8; 32];
        assert!(!increment(&mut max));
    }

    #[test]
    fn region_sets_match_names_and_wildcards() {
        assert!(region_set_covers("us-east-1", "us-east-1"));
        assert!(region_set_covers("eu-west-1,us-east-1", "us-east-1"));
        assert!(region_set_covers("us-*", "us-west-2"));
        assert!(region_set_covers("*", "ap-south-1"));
        assert!(!region_set_covers("us-east-1", "us-east-2"));
        assert!(!region_set_covers("us-*", "eu-west-1"));
        assert!(check_region_set("us-east-1,*").is_ok());
        for bad in ["", "us-east-1,", ",", "us east", "a/b"] {
            assert_eq!(check_region_set(bad), Err(Error::RegionSet), "{bad:?}");
        }
    }
}
