//! The derived signing key and its credential scope.

use crate::date::{DateStamp, Timestamp};
use crate::error::Error;
use core::fmt;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Longest secret access key accepted (AWS secrets are 40 bytes).
pub const MAX_SECRET_LEN: usize = 128;
/// Longest region or service name accepted.
pub const MAX_SCOPE_PART_LEN: usize = 63;
/// Days after its date for which a key still signs (the key's date plus 6 more days).
pub const KEY_VALIDITY_DAYS: i64 = 7;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// The credential scope: `date/region/service/aws4_request`.
#[derive(Clone, PartialEq, Eq)]
pub struct Scope {
    days: i64,
    date: DateStamp,
    region: heapless::String<MAX_SCOPE_PART_LEN>,
    service: heapless::String<MAX_SCOPE_PART_LEN>,
}

impl Scope {
    /// A scope for the UTC date of `time`.
    ///
    /// # Errors
    /// [`Error::Region`] or [`Error::Service`] when a name is empty, longer than
    /// [`MAX_SCOPE_PART_LEN`], or holds `/`, whitespace or control characters.
    pub fn new(time: Timestamp, region: &str, service: &str) -> Result<Self, Error> {
        Ok(Self {
            days: time.days(),
            date: time.date_stamp(),
            region: scope_part(region).ok_or(Error::Region)?,
            service: scope_part(service).ok_or(Error::Service)?,
        })
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> &str {
        self.date.as_str()
    }

    /// The region, `us-east-1`.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service, `s3`.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Whether a request made at `time` may be signed with a key of this scope: its UTC date
    /// is the scope's date or one of the [`KEY_VALIDITY_DAYS`]` - 1` days after.
    pub fn covers(&self, time: Timestamp) -> bool {
        (0..KEY_VALIDITY_DAYS).contains(&(time.days() - self.days))
    }

    /// Writes `date/region/service/aws4_request`.
    pub(crate) fn write_to(&self, out: &mut impl crate::sink::Sink) {
        out.put(self.date.as_bytes());
        out.put(b"/");
        out.put(self.region.as_bytes());
        out.put(b"/");
        out.put(self.service.as_bytes());
        out.put(b"/aws4_request");
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({self})")
    }
}

fn scope_part(s: &str) -> Option<heapless::String<MAX_SCOPE_PART_LEN>> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_graphic() && b != b'/') {
        return None;
    }
    let mut out = heapless::String::new();
    out.push_str(s).ok()?;
    Some(out)
}

/// The derived SigV4 signing key with its scope.
///
/// Derive it once per scope (date, region, service) with [`SigningKey::derive`] and reuse it
/// for every request in that scope: derivation is four HMACs, signing with a derived key is
/// one. It holds no secret access key, so it can be handed to code that should sign but not
/// hold long-term credentials ([`SigningKey::from_bytes`] rebuilds it there). It signs
/// requests dated on its scope's date and the six days after ([`Scope::covers`]). The key
/// bytes are wiped on drop and never printed by `Debug`.
///
/// ```
/// use sigv4_core::{SigningKey, Timestamp};
/// let t = Timestamp::parse_amz_date("20150830T123600Z")?;
/// let key = SigningKey::derive("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", t, "us-east-1", "iam")?;
/// // The derived key the AWS documentation shows for this secret and scope.
/// let mut want = [0u8; 32];
/// hex::decode_to_slice("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", &mut want).unwrap();
/// assert_eq!(key.as_bytes(), &want);
/// assert_eq!(key.scope().to_string(), "20150830/us-east-1/iam/aws4_request");
/// assert!(!format!("{key:?}").contains("c4afb1"));
/// # Ok::<(), sigv4_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    key: [u8; 32],
    scope: Scope,
}

impl SigningKey {
    /// Derives the key: `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
    /// "aws4_request")`. `"AWS4" + secret` is built in a bounded stack buffer and wiped.
    ///
    /// # Errors
    /// [`Error::SecretTooLong`], [`Error::Region`], [`Error::Service`].
    pub fn derive(
        secret_access_key: &str,
        time: Timestamp,
        region: &str,
        service: &str,
    ) -> Result<Self, Error> {
        let secret = secret_access_key.as_bytes();
        if secret.len() > MAX_SECRET_LEN {
            return Err(Error::SecretTooLong {
                limit: MAX_SECRET_LEN,
            });
        }
        let scope = Scope::new(time, region, service)?;
        let mut seed = [0u8; 4 + MAX_SECRET_LEN];
        seed[..4].copy_from_slice(b"AWS4");
        seed[4..4 + secret.len()].copy_from_slice(secret);
        let mut k = hmac(&seed[..4 + secret.len()], scope.date.as_bytes());
        seed.zeroize();
        for part in [scope.region.as_bytes(), scope.service.as_bytes()] {
            let next = hmac(&k, part);
            k.zeroize();
            k = next;
        }
        let key = hmac(&k, b"aws4_request");
        k.zeroize();
        Ok(Self { key, scope })
    }

    /// Rebuilds a key handed out by [`SigningKey::as_bytes`] with its scope, without the
    /// secret.
    pub fn from_bytes(key: [u8; 32], scope: Scope) -> Self {
        Self { key, scope }
    }

    /// The 32 key bytes, to hand to code that signs without the secret. Treat them as a
    /// secret for the key's validity.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The scope the key was derived for.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// `HMAC-SHA256(key, data)`.
    pub(crate) fn mac(&self) -> HmacSha256 {
        new_mac(&self.key)
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl ZeroizeOnDrop for SigningKey {}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("key", &"<redacted>")
            .field("scope", &self.scope)
            .finish()
    }
}

fn new_mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never takes the error path.
    HmacSha256::new_from_slice(key).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = new_mac(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_its_date_and_six_more_days() {
        let t = Timestamp::parse_amz_date("20150830T000000Z").unwrap();
        let key = SigningKey::derive("secret", t, "us-east-1", "s3").unwrap();
        let day = |d: i64| Timestamp::from_unix(t.unix() + d * 86_400).unwrap();
        assert!(key.scope().covers(day(0)));
        assert!(key
            .scope()
            .covers(Timestamp::from_unix(day(7).unix() - 1).unwrap()));
        assert!(!key.scope().covers(day(7)));
        assert!(!key
            .scope()
            .covers(Timestamp::from_unix(t.unix() - 1).unwrap()));
    }

    #[test]
    fn rejects_bad_scope_parts_and_long_secrets() {
        let t = Timestamp::from_unix(0).unwrap();
        assert_eq!(
            SigningKey::derive("s", t, "us east", "s3").map(|_| ()),
            Err(Error::Region)
        );
        assert_eq!(
            SigningKey::derive("s", t, "r", "").map(|_| ()),
            Err(Error::Service)
        );
        let long = [b'a'; MAX_SECRET_LEN + 1];
        assert_eq!(
            SigningKey::derive(core::str::from_utf8(&long).unwrap(), t, "r", "s").map(|_| ()),
            Err(Error::SecretTooLong {
                limit: MAX_SECRET_LEN
            })
        );
    }
}
