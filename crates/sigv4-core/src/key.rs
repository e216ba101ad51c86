//! The derived signing key and its credential scope.

use crate::date::Timestamp;
use crate::error::Error;
use crate::hmac_key::KeyedHmac;
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

type HmacSha256 = Hmac<Sha256>;

/// Longest credential scope text: date, two names of [`MAX_SCOPE_PART_LEN`], the suffix.
const SCOPE_CAP: usize = 8 + 1 + MAX_SCOPE_PART_LEN + 1 + MAX_SCOPE_PART_LEN + 13;

/// The credential scope: `date/region/service/aws4_request`, kept as the text it signs as;
/// for SigV4A, which signs for a set of regions, `date/service/aws4_request`
/// ([`Scope::without_region`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Scope {
    days: i64,
    /// `date/region/service/aws4_request`, or `date/service/aws4_request`.
    text: heapless::String<SCOPE_CAP>,
    /// `None` for a SigV4A scope.
    region_len: Option<usize>,
    /// Whether the region and service are unreserved text, so that the scope URI-encodes
    /// by encoding its slashes alone.
    plain: bool,
}

impl Scope {
    /// A scope for the UTC date of `time`.
    ///
    /// # Errors
    /// [`Error::Region`] or [`Error::Service`] when a name is empty, longer than
    /// [`MAX_SCOPE_PART_LEN`], or holds `/`, whitespace or control characters.
    pub fn new(time: Timestamp, region: &str, service: &str) -> Result<Self, Error> {
        Self::build(time, Some(region), service)
    }

    /// A SigV4A scope for the UTC date of `time`: `date/service/aws4_request`, with no
    /// region (the regions signed for are the request's `X-Amz-Region-Set`).
    ///
    /// # Errors
    /// [`Error::Service`] as for [`Scope::new`].
    pub fn without_region(time: Timestamp, service: &str) -> Result<Self, Error> {
        Self::build(time, None, service)
    }

    fn build(time: Timestamp, region: Option<&str>, service: &str) -> Result<Self, Error> {
        Self::build_on(time, &time.date_stamp(), region, service)
    }

    /// [`Scope::new`] (or, without a region, [`Scope::without_region`]) for a caller that
    /// has `time`'s date stamp already.
    pub(crate) fn build_on(
        time: Timestamp,
        date: &crate::date::DateStamp,
        region: Option<&str>,
        service: &str,
    ) -> Result<Self, Error> {
        let mut scope = Self::checked(time, region, service)?;
        let parts = [date.as_str(), "/", region.unwrap_or_default()];
        let slash = if region.is_some() { "/" } else { "" };
        for part in parts.into_iter().chain([slash, service, "/aws4_request"]) {
            // The capacity is the sum of the checked lengths.
            scope.text.push_str(part).map_err(|_| Error::Service)?;
        }
        Ok(scope)
    }

    /// [`Scope::build_on`] for a caller that holds the scope's text already, in its one
    /// form (`date/region/service/aws4_request`, or `date/service/aws4_request`) with
    /// `time`'s date: the verifier, whose credential carries it. One copy, where
    /// [`Scope::build_on`] appends six pieces.
    pub(crate) fn from_text(
        time: Timestamp,
        text: &str,
        region: Option<&str>,
        service: &str,
    ) -> Result<Self, Error> {
        let mut scope = Self::checked(time, region, service)?;
        scope.text.push_str(text).map_err(|_| Error::Service)?;
        let fits = scope.text.len() > 9 && scope.text.ends_with("/aws4_request");
        if !fits || scope.region() != region.unwrap_or_default() || scope.service() != service {
            return Err(Error::Service);
        }
        Ok(scope)
    }

    /// A scope with its region and service checked and its text still empty.
    fn checked(time: Timestamp, region: Option<&str>, service: &str) -> Result<Self, Error> {
        let region_plain = match region {
            Some(region) => check_part(region).ok_or(Error::Region)?,
            None => true,
        };
        let service_plain = check_part(service).ok_or(Error::Service)?;
        Ok(Self {
            days: time.days(),
            text: heapless::String::new(),
            region_len: region.map(str::len),
            plain: region_plain && service_plain,
        })
    }

    /// Whether this is a SigV4A scope (no region).
    pub fn is_without_region(&self) -> bool {
        self.region_len.is_none()
    }

    /// `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.text[..8]
    }

    /// The region, `us-east-1`; empty for a SigV4A scope.
    pub fn region(&self) -> &str {
        &self.text[9..9 + self.region_len.unwrap_or(0)]
    }

    /// The service, `s3`.
    pub fn service(&self) -> &str {
        let start = 9 + self.region_len.map_or(0, |n| n + 1);
        &self.text[start..self.text.len() - "/aws4_request".len()]
    }

    /// `date/region/service/aws4_request`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether a request made at `time` may be signed with a key of this scope: its UTC date
    /// is the scope's date or one of the [`KEY_VALIDITY_DAYS`]` - 1` days after.
    pub fn covers(&self, time: Timestamp) -> bool {
        (0..KEY_VALIDITY_DAYS).contains(&(time.days() - self.days))
    }

    /// Whether `time`'s UTC date is the scope's date (a comparison of day numbers, with no
    /// date text computed).
    pub fn is_on(&self, time: Timestamp) -> bool {
        time.days() == self.days
    }

    /// `time` as `X-Amz-Date`, reusing the scope's date when it is the same day.
    pub(crate) fn amz_date(&self, time: Timestamp) -> crate::date::AmzDate {
        if self.is_on(time) {
            let mut date = [0u8; 8];
            date.copy_from_slice(&self.text.as_bytes()[..8]);
            time.amz_date_on(date)
        } else {
            time.amz_date()
        }
    }

    /// Writes `date/region/service/aws4_request`.
    pub(crate) fn write_to(&self, out: &mut impl crate::sink::Sink) {
        out.put(self.text.as_bytes());
    }

    /// Writes the scope URI-encoded, as `X-Amz-Credential` carries it in a query:
    /// `date%2Fregion%2Fservice%2Faws4_request`.
    pub(crate) fn write_encoded(&self, out: &mut impl crate::sink::Sink) {
        if !self.plain {
            return crate::encode::put_encoded(out, self.text.as_bytes(), false);
        }
        out.put(self.date().as_bytes());
        out.put(b"%2F");
        if self.region_len.is_some() {
            out.put(self.region().as_bytes());
            out.put(b"%2F");
        }
        out.put(self.service().as_bytes());
        out.put(b"%2Faws4_request");
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Scope({self})")
    }
}

/// Checks a region or service name; returns whether it is unreserved text (so the scope
/// encodes by its slashes alone). One pass, without a branch.
fn check_part(s: &str) -> Option<bool> {
    let (mut ok, mut plain) = (!s.is_empty() && s.len() <= MAX_SCOPE_PART_LEN, true);
    for b in s.bytes() {
        ok &= b.is_ascii_graphic() & (b != b'/');
        plain &= crate::encode::is_unreserved(b);
    }
    ok.then_some(plain)
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
    hmac: KeyedHmac,
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
        let mut k = hmac(&seed[..4 + secret.len()], scope.date().as_bytes());
        seed.zeroize();
        for part in [scope.region().as_bytes(), scope.service().as_bytes()] {
            let next = hmac(&k, part);
            k.zeroize();
            k = next;
        }
        let key = hmac(&k, b"aws4_request");
        k.zeroize();
        Ok(Self::from_bytes(key, scope))
    }

    /// Rebuilds a key handed out by [`SigningKey::as_bytes`] with its scope, without the
    /// secret.
    pub fn from_bytes(key: [u8; 32], scope: Scope) -> Self {
        let hmac = KeyedHmac::new(&key);
        Self { key, hmac, scope }
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

    /// `HMAC-SHA256(key, msg)`, from the key's precomputed pad states.
    pub(crate) fn mac(&self, msg: &[u8]) -> [u8; 32] {
        self.hmac.mac(msg)
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
    fn a_scope_from_its_text_is_the_scope_built_from_its_parts() {
        let t = Timestamp::parse_amz_date("20240101T120000Z").unwrap();
        let date = t.date_stamp();
        for (region, service) in [
            (Some("us-east-1"), "s3"),
            (None, "s3"),
            (Some("r~"), "s.3_x"),
            (Some("eu+1"), "a%b"),
        ] {
            let built = Scope::build_on(t, &date, region, service).unwrap();
            let from = Scope::from_text(t, built.as_str(), region, service).unwrap();
            assert!(from == built, "{}", built.as_str());
            assert_eq!(
                (from.region(), from.service()),
                (built.region(), built.service())
            );
            assert_eq!(from.plain, built.plain);
        }
        // Text that is not the parts' scope, and parts that are not valid, are refused.
        for (text, region, service) in [
            (
                "20240101/us-east-1/s3/aws4_request",
                Some("us-east-2"),
                "s3",
            ),
            (
                "20240101/us-east-1/s3/aws4_request",
                Some("us-east-1"),
                "s4",
            ),
            ("20240101/us-east-1/s3/aws4_request", None, "s3"),
            ("20240101/us-east-1/s3/aws4", Some("us-east-1"), "s3"),
            ("20240101/a b/s3/aws4_request", Some("a b"), "s3"),
            ("20240101//s3/aws4_request", Some(""), "s3"),
        ] {
            assert!(
                Scope::from_text(t, text, region, service).is_err(),
                "{text}"
            );
        }
    }

    #[test]
    fn encodes_like_the_general_encoder() {
        use crate::sink::Buf;
        let t = Timestamp::parse_amz_date("20150830T000000Z").unwrap();
        let scopes = [
            Scope::new(t, "us-east-1", "s3").unwrap(),
            Scope::new(t, "r~1_x.y", "my-service").unwrap(),
            Scope::new(t, "us%east", "s3").unwrap(),
            Scope::new(t, "us-east-1", "s3+x").unwrap(),
            Scope::new(t, "r@gion", "s3").unwrap(),
            Scope::without_region(t, "s3").unwrap(),
            Scope::without_region(t, "s:3").unwrap(),
        ];
        for scope in scopes {
            let (mut fast, mut general) = (Buf::<256>::new(), Buf::<256>::new());
            scope.write_encoded(&mut fast);
            crate::encode::put_encoded(&mut general, scope.as_str().as_bytes(), false);
            assert!(!fast.overflowed() && !general.overflowed());
            assert_eq!(fast.as_str(), general.as_str(), "{scope:?}");
            assert!(!fast.as_str().contains('/'));
        }
    }

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
    fn scope_parts_and_text() {
        let t = Timestamp::parse_amz_date("20150830T235959Z").unwrap();
        let scope = Scope::new(t, "eu-west-1", "execute-api").unwrap();
        assert_eq!(
            (scope.date(), scope.region(), scope.service()),
            ("20150830", "eu-west-1", "execute-api")
        );
        assert_eq!(
            scope.as_str(),
            "20150830/eu-west-1/execute-api/aws4_request"
        );
        assert_eq!(scope.amz_date(t).as_str(), "20150830T235959Z");
        let next = Timestamp::from_unix(t.unix() + 1).unwrap();
        assert_eq!(scope.amz_date(next).as_str(), "20150831T000000Z");
    }

    #[test]
    fn a_scope_without_region_is_date_service_terminator() {
        let t = Timestamp::parse_amz_date("20150830T123600Z").unwrap();
        let scope = Scope::without_region(t, "service").unwrap();
        assert_eq!(scope.as_str(), "20150830/service/aws4_request");
        assert_eq!((scope.region(), scope.service()), ("", "service"));
        assert!(scope.is_without_region());
        assert!(!Scope::new(t, "r", "service").unwrap().is_without_region());
        assert_eq!(
            Scope::without_region(t, "a/b").map(|_| ()),
            Err(Error::Service)
        );
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
