//! The thread-safe signer: credentials, a signing key per scope, and the date modes.

use crate::cache::CachedProvider;
use crate::chain::ChainProvider;
use crate::client::HttpClient;
use crate::clock::{timestamp, Clock, SystemClock};
use crate::error::Error;
use crate::provider::{Env, ProvideCredentials};
use crate::Credentials;
use sigv4_core::{
    Location, PathMode, Request, SessionTokenMode, Settings, SigningKey, SigningParams, Timestamp,
};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard};
use std::time::Duration;
use zeroize::Zeroizing;

/// What the signer does when a request carries a date (`X-Amz-Date` or `Date`) that is not
/// the signing key's date. The names are those of requests-aws4auth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DateMode {
    /// The request's date picks the key; a new key is derived when the date moves.
    #[default]
    Regenerate,
    /// The key is today's (by the signer's clock); a request of another date is an error
    /// ([`Error::DateMismatch`]).
    Strict,
    /// The key is today's; requests are signed with it whatever their date, within the key's
    /// seven days.
    Passive,
}

/// Signing keys kept per credentials and date; old ones are dropped beyond this many.
const KEYS_KEPT: usize = 4;

/// Signs requests for one service and region. `Send + Sync`, cheap to clone (an `Arc`), one
/// per process is fine: signing keys are derived once per day and reused by every thread.
///
/// ```
/// use sigv4::{Credentials, Signer};
/// use sigv4_core::{Header, Payload, Request};
///
/// let signer = Signer::builder("service", "us-east-1")
///     .credentials(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"))
///     .build();
/// // The request's own X-Amz-Date picks the time (the AWS suite's `get-vanilla`).
/// let headers = [Header::new("Host", "example.amazonaws.com"), Header::new("X-Amz-Date", "20150830T123600Z")];
/// let req = Request::from_url("GET", "https://example.amazonaws.com/", &headers, Payload::Bytes(b""))?;
/// let signed = signer.sign(&req)?;
/// assert_eq!(signed.signature(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signer {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    service: String,
    region: String,
    source: Source,
    path_mode: PathMode,
    session_token: SessionTokenMode,
    content_sha256_header: bool,
    unsigned_headers: Vec<String>,
    date_mode: DateMode,
    replace_invalid_date: bool,
    pub(crate) clock: Arc<dyn Clock>,
    /// Seconds the servers' clock is ahead of `clock` (negative: behind), learnt from
    /// requests refused for their time.
    pub(crate) clock_offset: std::sync::atomic::AtomicI64,
    /// Whether refused requests teach the offset.
    pub(crate) skew_correction: bool,
    keys: RwLock<Vec<(Arc<Credentials>, Arc<SigningKey>)>>,
    /// The credentials and key of the last signing, read without cloning either (no shared
    /// counter written per request). One slot per shard of threads, each on its own cache
    /// lines: taking a read lock writes the lock, and two threads reading one lock move its
    /// line between their cores (a read took 50 ns instead of 6 under two threads).
    hot: [HotSlot; HOT_SHARDS],
    /// SigV4A: the region set signed for; `None` signs SigV4.
    #[cfg(feature = "sigv4a")]
    region_set: Option<String>,
    /// SigV4A keys, one per credentials (they depend on nothing else).
    #[cfg(feature = "sigv4a")]
    v4a_keys: RwLock<Vec<(Arc<Credentials>, Arc<sigv4_core::SigV4aKey>)>>,
}

enum Source {
    Provider(CachedProvider<Box<dyn ProvideCredentials>>),
    Key {
        key: Arc<SigningKey>,
        access_key_id: String,
        session_token: Option<Zeroizing<String>>,
    },
}

/// Builds a [`Signer`].
pub struct SignerBuilder {
    service: String,
    region: String,
    provider: Option<Box<dyn ProvideCredentials>>,
    key: Option<(SigningKey, String, Option<String>)>,
    settings: Settings<'static>,
    unsigned_headers: Vec<String>,
    date_mode: DateMode,
    replace_invalid_date: bool,
    clock: Arc<dyn Clock>,
    skew_correction: bool,
    margin: Duration,
    client: Option<Arc<dyn HttpClient>>,
    #[cfg(feature = "sigv4a")]
    region_set: Option<String>,
}

impl Signer {
    /// A builder for `service` in `region`. S3 rules apply when the service is `s3`.
    pub fn builder(service: impl Into<String>, region: impl Into<String>) -> SignerBuilder {
        let service = service.into();
        let settings = if service == "s3" {
            Settings::s3()
        } else {
            Settings::service()
        };
        SignerBuilder {
            service,
            region: region.into(),
            provider: None,
            key: None,
            settings,
            unsigned_headers: Vec::new(),
            date_mode: DateMode::default(),
            replace_invalid_date: false,
            clock: Arc::new(SystemClock),
            skew_correction: true,
            margin: crate::cache::DEFAULT_REFRESH_MARGIN,
            client: None,
            #[cfg(feature = "sigv4a")]
            region_set: None,
        }
    }

    /// A builder for `service` in the region the environment names: `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, then the shared profile's `region`; with
    /// [`SignerBuilder::http_client`], EC2 instance metadata last. No region found leaves it
    /// empty, and signing then fails with a region error.
    pub fn from_env(service: impl Into<String>) -> SignerBuilder {
        let region = crate::region::default_region(&Env::process(), None).unwrap_or_default();
        Self::builder(service, region)
    }

    /// The service signed for.
    pub fn service(&self) -> &str {
        &self.inner.service
    }

    /// The region signed for.
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// Signs `req` in headers (blocking on the credentials provider if it must refresh).
    ///
    /// # Errors
    /// [`Error::Credentials`] without usable credentials; [`Error::InvalidDate`],
    /// [`Error::DateMismatch`] and [`Error::NoSecretKey`] as the date mode says;
    /// [`Error::Core`] for a request the core refuses.
    pub fn sign(&self, req: &Request<'_>) -> Result<SignedHeaders, Error> {
        let creds = self.credentials()?;
        self.sign_with(&creds, req)
    }

    /// [`Signer::sign`] for async callers.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub async fn sign_async(&self, req: &Request<'_>) -> Result<SignedHeaders, Error> {
        let creds = self.credentials_async().await?;
        self.sign_with(&creds, req)
    }

    /// Presigns `req` for `expires_in` (1 second to 7 days): the authentication query
    /// parameters to append to the request's query.
    ///
    /// # Errors
    /// As [`Signer::sign`]; [`sigv4_core::Error::Expires`] for an expiry out of range.
    pub fn presign(&self, req: &Request<'_>, expires_in: Duration) -> Result<Presigned, Error> {
        let creds = self.credentials()?;
        self.presign_with(&creds, req, expires_in)
    }

    /// [`Signer::presign`] for async callers.
    ///
    /// # Errors
    /// As [`Signer::presign`].
    pub async fn presign_async(
        &self,
        req: &Request<'_>,
        expires_in: Duration,
    ) -> Result<Presigned, Error> {
        let creds = self.credentials_async().await?;
        self.presign_with(&creds, req, expires_in)
    }

    /// The canonical request and string to sign of `req` as [`Signer::sign`] would sign it
    /// now (headers, or the query when `presign` gives an expiry), session token redacted:
    /// for showing, and for comparing with what a server computed.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn explain(
        &self,
        req: &Request<'_>,
        presign: Option<Duration>,
    ) -> Result<(String, String), Error> {
        self.explain_as(req, presign, true)
    }

    /// [`Signer::explain`] with the session token left in the canonical request, byte for
    /// byte what is hashed (to compare with another signer's text, as `sigv4 sign --json`
    /// does). The text then holds the token: do not log it.
    ///
    /// # Errors
    /// As [`Signer::sign`].
    pub fn explain_unredacted(
        &self,
        req: &Request<'_>,
        presign: Option<Duration>,
    ) -> Result<(String, String), Error> {
        self.explain_as(req, presign, false)
    }

    fn explain_as(
        &self,
        req: &Request<'_>,
        presign: Option<Duration>,
        redact: bool,
    ) -> Result<(String, String), Error> {
        let creds = self.credentials()?;
        let location = match presign {
            Some(d) => Location::Query {
                expires_in: u32::try_from(d.as_secs()).unwrap_or(u32::MAX),
            },
            None => Location::Headers,
        };
        self.with_params(&creds, req, |params| {
            if redact {
                Ok(render(req, params, location)?)
            } else {
                let (mut creq, mut sts) = (String::new(), String::new());
                params.render(req, location, &mut creq, &mut sts)?;
                Ok((creq, sts))
            }
        })
    }

    /// Whether signing adds `x-amz-content-sha256` (S3 rules).
    #[cfg(feature = "http")]
    pub(crate) fn adds_content_sha256(&self) -> bool {
        self.inner.content_sha256_header
    }

    fn credentials(&self) -> Result<Creds<'_>, Error> {
        match &self.inner.source {
            Source::Provider(p) => {
                if let Some((hot, now)) = self.hot() {
                    return Ok(Creds::Hot(hot, now));
                }
                let generation = p.generation();
                Ok(Creds::Owned(p.credentials()?, generation))
            }
            Source::Key { .. } => Ok(Creds::None),
        }
    }

    async fn credentials_async(&self) -> Result<Creds<'_>, Error> {
        match &self.inner.source {
            Source::Provider(p) => {
                if let Some((hot, now)) = self.hot() {
                    return Ok(Creds::Hot(hot, now));
                }
                let generation = p.generation();
                Ok(Creds::Owned(p.credentials_async().await?, generation))
            }
            Source::Key { .. } => Ok(Creds::None),
        }
    }

    /// The last signing's credentials and key, when the provider still holds those
    /// credentials and they need no refresh (SigV4, regenerate date mode).
    /// Also the (corrected) time it read the clock at, which a request without a date is
    /// then signed at.
    fn hot(&self) -> Option<(RwLockReadGuard<'_, Option<Hot>>, Timestamp)> {
        let Source::Provider(p) = &self.inner.source else {
            return None;
        };
        if self.inner.date_mode != DateMode::Regenerate || self.is_sigv4a() {
            return None;
        }
        // Today's key: after midnight the next signing takes the slow path, which derives
        // the new day's key and keeps it. One clock read serves both checks (the provider
        // was built on the signer's clock).
        let now = self.inner.clock.now();
        let today = timestamp(self.corrected(now))?;
        let guard = hot_slot(&self.inner.hot)
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let current = guard.as_ref().is_some_and(|h| {
            h.generation == p.generation()
                && p.is_fresh_at(&h.creds, now)
                && h.key.scope().is_on(today)
        });
        current.then_some((guard, today))
    }

    /// The time to sign at: the clock, moved by the offset learnt from servers.
    fn now(&self) -> Result<Timestamp, Error> {
        timestamp(self.corrected(self.inner.clock.now())).ok_or(Error::Clock)
    }

    /// The request's time: its `X-Amz-Date`, else its `Date`, else the clock (`now` when
    /// it was just read).
    fn request_time(&self, req: &Request<'_>, now: Option<Timestamp>) -> Result<Timestamp, Error> {
        for header in ["x-amz-date", "date"] {
            let Some(h) = req
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(header))
            else {
                continue;
            };
            let text = String::from_utf8_lossy(h.value);
            return match Timestamp::parse(&text) {
                Ok(t) => Ok(t),
                Err(_) if self.inner.replace_invalid_date => self.now(),
                Err(_) => Err(Error::InvalidDate {
                    header,
                    value: text.into_owned(),
                }),
            };
        }
        now.map_or_else(|| self.now(), Ok)
    }

    /// The key to sign a request of `time` with, as the date mode says.
    fn key_for(
        &self,
        creds: Option<&Arc<Credentials>>,
        time: Timestamp,
    ) -> Result<Arc<SigningKey>, Error> {
        let mode = self.inner.date_mode;
        let key_time = match mode {
            DateMode::Regenerate => time,
            DateMode::Strict | DateMode::Passive => self.now()?,
        };
        let key = match (&self.inner.source, creds) {
            (Source::Key { key, .. }, _) => key.clone(),
            (Source::Provider(_), Some(creds)) => self.cached_key(creds, key_time)?,
            (Source::Provider(_), None) => unreachable_credentials()?,
        };
        if !key.scope().is_on(time) {
            let key_date = key.scope().date();
            let request = time.date_stamp().to_string();
            match (mode, &self.inner.source) {
                (DateMode::Strict, _) => {
                    return Err(Error::DateMismatch {
                        request,
                        key: key_date.into(),
                    })
                }
                (DateMode::Regenerate, Source::Key { .. }) => {
                    return Err(Error::NoSecretKey {
                        request,
                        key: key_date.into(),
                    })
                }
                _ => {}
            }
        }
        Ok(key)
    }

    /// The key of `creds` for the date of `time`, derived once and then shared.
    fn cached_key(
        &self,
        creds: &Arc<Credentials>,
        time: Timestamp,
    ) -> Result<Arc<SigningKey>, Error> {
        let matches = |(c, k): &&(Arc<Credentials>, Arc<SigningKey>)| {
            Arc::ptr_eq(c, creds) && k.scope().is_on(time)
        };
        {
            let keys = self
                .inner
                .keys
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((_, key)) = keys.iter().find(matches) {
                return Ok(key.clone());
            }
        }
        let key = Arc::new(SigningKey::derive(
            creds.secret_access_key(),
            time,
            &self.inner.region,
            &self.inner.service,
        )?);
        let mut keys = self
            .inner
            .keys
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, existing)) = keys.iter().find(matches) {
            return Ok(existing.clone());
        }
        if keys.len() >= KEYS_KEPT {
            keys.remove(0);
        }
        keys.push((creds.clone(), key.clone()));
        Ok(key)
    }

    /// The SigV4A key of `creds`, derived once and then shared.
    #[cfg(feature = "sigv4a")]
    fn v4a_key(
        &self,
        creds: Option<&Arc<Credentials>>,
    ) -> Result<Arc<sigv4_core::SigV4aKey>, Error> {
        let creds = match (&self.inner.source, creds) {
            (Source::Key { .. }, _) => {
                return Err(Error::Unsupported(
                    "SigV4A needs the secret access key: this signer was given only a SigV4 \
                     signing key (SignerBuilder::signing_key); give it credentials instead",
                ))
            }
            (Source::Provider(_), Some(creds)) => creds,
            (Source::Provider(_), None) => return unreachable_credentials(),
        };
        let find = |keys: &[(Arc<Credentials>, Arc<sigv4_core::SigV4aKey>)]| {
            keys.iter()
                .find(|(c, _)| Arc::ptr_eq(c, creds))
                .map(|(_, k)| k.clone())
        };
        let keys = &self.inner.v4a_keys;
        if let Some(key) = find(&keys.read().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(key);
        }
        let key = Arc::new(sigv4_core::SigV4aKey::derive(
            creds.access_key_id(),
            creds.secret_access_key(),
        )?);
        let mut keys = keys.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = find(&keys) {
            return Ok(existing);
        }
        if keys.len() >= KEYS_KEPT {
            keys.remove(0);
        }
        keys.push((creds.clone(), key.clone()));
        Ok(key)
    }

    /// Calls `f` with the core's parameters for `req`.
    /// The access key id and session token to sign with.
    fn access<'c>(&'c self, creds: &'c Creds<'_>) -> Result<(&'c str, Option<&'c str>), Error> {
        Ok(match (&self.inner.source, creds.arc()) {
            (
                Source::Key {
                    access_key_id,
                    session_token,
                    ..
                },
                _,
            ) => (
                access_key_id.as_str(),
                session_token.as_deref().map(String::as_str),
            ),
            (Source::Provider(_), Some(c)) => (c.access_key_id(), c.session_token()),
            (Source::Provider(_), None) => unreachable_credentials()?,
        })
    }

    /// Calls `f` with the access key id, session token and signing key of now, as a POST
    /// policy is signed (SigV4 only).
    pub(crate) fn with_key_now<T>(
        &self,
        f: impl FnOnce(&str, Option<&str>, &SigningKey, Timestamp) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.is_sigv4a() {
            return Err(Error::Unsupported(
                "S3 POST policies are signed with SigV4; this signer signs SigV4A",
            ));
        }
        let creds = self.credentials()?;
        let now = self.now()?;
        let (access_key_id, session_token) = self.access(&creds)?;
        let key = self.key_for(creds.arc(), now)?;
        f(access_key_id, session_token, &key, now)
    }

    fn with_params<T>(
        &self,
        creds: &Creds<'_>,
        req: &Request<'_>,
        f: impl FnOnce(&AnyParams<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let clock = match creds {
            Creds::Hot(_, now) => Some(*now),
            _ => None,
        };
        let time = self.request_time(req, clock)?;
        let (access_key_id, session_token) = self.access(creds)?;
        let unsigned: Vec<&str> = self
            .inner
            .unsigned_headers
            .iter()
            .map(String::as_str)
            .collect();
        let settings = Settings {
            path_mode: self.inner.path_mode,
            session_token: self.inner.session_token,
            content_sha256_header: self.inner.content_sha256_header,
            unsigned_headers: &unsigned,
        };
        #[cfg(feature = "sigv4a")]
        if let Some(region_set) = &self.inner.region_set {
            let key = self.v4a_key(creds.arc())?;
            return f(&AnyParams::V4a(sigv4_core::SigningParamsV4a {
                access_key_id,
                session_token,
                key: &key,
                region_set,
                service: &self.inner.service,
                time,
                settings,
            }));
        }
        // The last signing's key when it is for this date (held in place, not cloned);
        // otherwise the cache's, remembered for the next signing.
        let hot_key = match creds {
            Creds::Hot(hot, _) => hot
                .as_ref()
                .map(|h| &h.key)
                .filter(|k| k.scope().is_on(time)),
            _ => None,
        };
        let fetched;
        let key: &SigningKey = match hot_key {
            Some(key) => key,
            None => {
                fetched = self.key_for(creds.arc(), time)?;
                if let Creds::Owned(c, generation) = creds {
                    // Kept only when it is today's (what the next signing checks for).
                    if self.now().is_ok_and(|now| now.days() == time.days()) {
                        self.remember(c, &fetched, *generation);
                    }
                }
                &fetched
            }
        };
        f(&AnyParams::V4(SigningParams {
            access_key_id,
            session_token,
            key,
            time,
            settings,
        }))
    }

    /// Keeps `creds` and `key` for the next signings (regenerate mode: the key is the
    /// request date's, which the next signing checks).
    fn remember(&self, creds: &Arc<Credentials>, key: &Arc<SigningKey>, generation: u64) {
        if self.inner.date_mode != DateMode::Regenerate {
            return;
        }
        let mut hot = hot_slot(&self.inner.hot)
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        *hot = Some(Hot {
            creds: creds.clone(),
            key: key.clone(),
            generation,
        });
    }

    /// Signs `req` in headers and hands the core's signature to `f`, without an owned copy
    /// (the `http` path turns it straight into header values).
    #[cfg(feature = "http")]
    pub(crate) fn sign_then<T>(
        &self,
        creds: &Creds<'_>,
        req: &Request<'_>,
        f: impl FnOnce(&sigv4_core::HeaderSignature<'_>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        self.with_params(creds, req, |params| {
            // Lent where the core built it: returned, its 1.7 KB were copied.
            params.sign_then(req, |signed| {
                log_signing(req, params, Location::Headers);
                f(signed)
            })
        })
    }

    /// Presigns `req` and writes the whole URL into one string.
    #[cfg(feature = "http")]
    pub(crate) fn presigned_url(
        &self,
        creds: &Creds<'_>,
        req: &Request<'_>,
        expires_in: Duration,
    ) -> Result<String, Error> {
        let secs = u32::try_from(expires_in.as_secs()).unwrap_or(u32::MAX);
        self.with_params(creds, req, |params| {
            params.presign_then(req, secs, |query| {
                log_signing(req, params, Location::Query { expires_in: secs });
                // Written as bytes into a buffer of exactly its length, which the string and
                // then the URI take over without a copy (written through `Display`, every
                // piece was checked as UTF-8 on its way in).
                let url = query.url(req);
                let mut bytes = vec![0u8; url.len()];
                url.write_to(&mut bytes)?;
                // The request's parts are text and the parameters ASCII: never fails.
                String::from_utf8(bytes).map_err(|e| Error::Http(e.to_string()))
            })
        })
    }

    /// The credentials to sign with now (`None` for a signer holding only a key).
    #[cfg(feature = "http")]
    pub(crate) fn current_credentials(&self) -> Result<Creds<'_>, Error> {
        self.credentials()
    }

    /// [`Signer::current_credentials`] for async callers.
    #[cfg(feature = "http")]
    pub(crate) async fn current_credentials_async(&self) -> Result<Creds<'_>, Error> {
        self.credentials_async().await
    }

    fn sign_with(&self, creds: &Creds<'_>, req: &Request<'_>) -> Result<SignedHeaders, Error> {
        self.with_params(creds, req, |params| signed_headers(req, params))
    }

    /// Signs `req` in headers, and returns the key and time it was signed with (an
    /// aws-chunked body goes on signing with them).
    pub(crate) fn sign_keeping_key(
        &self,
        req: &Request<'_>,
    ) -> Result<(SignedHeaders, ChainKey, Timestamp), Error> {
        let creds = self.credentials()?;
        self.sign_keeping_key_with(&creds, req)
    }

    /// [`Signer::sign_keeping_key`] for async callers.
    pub(crate) async fn sign_keeping_key_async(
        &self,
        req: &Request<'_>,
    ) -> Result<(SignedHeaders, ChainKey, Timestamp), Error> {
        let creds = self.credentials_async().await?;
        self.sign_keeping_key_with(&creds, req)
    }

    fn sign_keeping_key_with(
        &self,
        creds: &Creds<'_>,
        req: &Request<'_>,
    ) -> Result<(SignedHeaders, ChainKey, Timestamp), Error> {
        self.with_params(creds, req, |params| match params {
            AnyParams::V4(v4) => Ok((
                signed_headers(req, params)?,
                ChainKey::V4(v4.key.clone()),
                v4.time,
            )),
            #[cfg(feature = "sigv4a")]
            AnyParams::V4a(v4a) => Ok((
                signed_headers(req, params)?,
                ChainKey::V4a(self.v4a_key(creds.arc())?, self.inner.service.clone()),
                v4a.time,
            )),
        })
    }

    /// Whether this signer signs SigV4A.
    pub fn is_sigv4a(&self) -> bool {
        #[cfg(feature = "sigv4a")]
        return self.inner.region_set.is_some();
        #[cfg(not(feature = "sigv4a"))]
        return false;
    }

    fn presign_with(
        &self,
        creds: &Creds<'_>,
        req: &Request<'_>,
        expires_in: Duration,
    ) -> Result<Presigned, Error> {
        let secs = u32::try_from(expires_in.as_secs()).unwrap_or(u32::MAX);
        self.with_params(creds, req, |params| {
            params.presign_then(req, secs, |query| {
                log_signing(req, params, Location::Query { expires_in: secs });
                Ok(Presigned {
                    query: Zeroizing::new(query.to_string()),
                    url: Zeroizing::new(query.url(req).to_string()),
                    signature: query.signature().to_string(),
                })
            })
        })
    }
}

/// Slots of [`Hot`] keys: a thread uses the one its shard names.
const HOT_SHARDS: usize = 4;

/// A [`Hot`] slot alone on its cache lines (two: adjacent lines are fetched in pairs).
#[derive(Default)]
#[repr(align(128))]
struct HotSlot(RwLock<Option<Hot>>);

/// This thread's slot of `slots`: threads take shards in turn as they first sign, so up to
/// [`HOT_SHARDS`] threads each have their own (more share, as all did before). Each slot
/// is kept and checked as the one slot was: by the credentials' generation and freshness
/// and the key's day.
fn hot_slot(slots: &[HotSlot; HOT_SHARDS]) -> &RwLock<Option<Hot>> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    thread_local!(static SHARD: usize =
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % HOT_SHARDS);
    &slots[SHARD.with(|s| *s)].0
}

/// The credentials and key of the last signing, under the provider generation they came
/// with.
pub(crate) struct Hot {
    creds: Arc<Credentials>,
    key: Arc<SigningKey>,
    generation: u64,
}

/// The credentials a signing uses: none (a signer holding only a key), fetched from the
/// provider (with the generation read before), or the last signing's, read in place.
pub(crate) enum Creds<'s> {
    None,
    Owned(Arc<Credentials>, u64),
    Hot(RwLockReadGuard<'s, Option<Hot>>, Timestamp),
}

impl Creds<'_> {
    fn arc(&self) -> Option<&Arc<Credentials>> {
        match self {
            Self::None => None,
            Self::Owned(c, _) => Some(c),
            Self::Hot(h, _) => h.as_ref().map(|h| &h.creds),
        }
    }
}

/// The key an aws-chunked body goes on signing with: the day's SigV4 key, or the SigV4A key
/// and the service of its scope.
// Built once per upload and moved into its encoder: the size difference does not matter.
#[allow(clippy::large_enum_variant)]
pub(crate) enum ChainKey {
    V4(SigningKey),
    #[cfg(feature = "sigv4a")]
    V4a(Arc<sigv4_core::SigV4aKey>, String),
}

/// The core's parameters of one signing, for the signer's algorithm.
enum AnyParams<'a> {
    V4(SigningParams<'a>),
    #[cfg(feature = "sigv4a")]
    V4a(sigv4_core::SigningParamsV4a<'a>),
}

impl<'a> AnyParams<'a> {
    // Both lend the core's value where it was built: returned, unwrapped and converted,
    // its kilobyte or more was copied each time.
    fn sign_then<T>(
        &self,
        req: &Request<'_>,
        f: impl FnOnce(&sigv4_core::HeaderSignature<'a>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self {
            Self::V4(p) => sigv4_core::sign_then(req, p, f)?,
            #[cfg(feature = "sigv4a")]
            Self::V4a(p) => f(&sigv4_core::sign_v4a(req, p)?),
        }
    }

    fn presign_then<T>(
        &self,
        req: &Request<'_>,
        secs: u32,
        f: impl FnOnce(&sigv4_core::PresignedQuery<'a>) -> Result<T, Error>,
    ) -> Result<T, Error> {
        match self {
            Self::V4(p) => sigv4_core::presign_then(req, p, secs, f)?,
            #[cfg(feature = "sigv4a")]
            Self::V4a(p) => f(&sigv4_core::presign_v4a(req, p, secs)?),
        }
    }

    fn session_token(&self) -> Option<&'a str> {
        match self {
            Self::V4(p) => p.session_token,
            #[cfg(feature = "sigv4a")]
            Self::V4a(p) => p.session_token,
        }
    }

    fn render(
        &self,
        req: &Request<'_>,
        location: Location,
        creq: &mut String,
        sts: &mut String,
    ) -> Result<(), sigv4_core::Error> {
        match self {
            Self::V4(p) => {
                sigv4_core::canonical_request(req, p, location, creq)?;
                sigv4_core::string_to_sign(req, p, location, sts)
            }
            #[cfg(feature = "sigv4a")]
            Self::V4a(p) => {
                sigv4_core::canonical_request_v4a(req, p, location, creq)?;
                sigv4_core::string_to_sign_v4a(req, p, location, sts)
            }
        }
    }
}

fn signed_headers(req: &Request<'_>, params: &AnyParams<'_>) -> Result<SignedHeaders, Error> {
    params.sign_then(req, |signed| {
        log_signing(req, params, Location::Headers);
        Ok(SignedHeaders {
            headers: signed
                .headers()
                .map(|(n, v)| (n, Zeroizing::new(v.to_string())))
                .collect(),
            signature: signed.signature().to_string(),
        })
    })
}

fn unreachable_credentials<T>() -> Result<T, Error> {
    Err(Error::Credentials(crate::CredentialsError::NotFound {
        source: "signer".into(),
        reason: "no credentials provider".into(),
    }))
}

/// Renders the canonical request and string to sign, the session token redacted (the
/// secret never appears in them).
fn render(
    req: &Request<'_>,
    params: &AnyParams<'_>,
    location: Location,
) -> Result<(String, String), sigv4_core::Error> {
    let mut creq = String::new();
    let mut sts = String::new();
    params.render(req, location, &mut creq, &mut sts)?;
    if let Some(token) = params.session_token() {
        creq = creq.replace(token, "<redacted>");
        let mut encoded = String::new();
        for b in token.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                encoded.push(char::from(b));
            } else {
                encoded.push_str(&format!("%{b:02X}"));
            }
        }
        creq = creq.replace(&encoded, "<redacted>");
    }
    Ok((creq, sts))
}

/// Logs the canonical request and string to sign at debug level, the session token
/// redacted (the secret never appears in them; the signature is not logged).
fn log_signing(req: &Request<'_>, params: &AnyParams<'_>, location: Location) {
    if !tracing::enabled!(tracing::Level::DEBUG) {
        return;
    }
    let Ok((creq, sts)) = render(req, params, location) else {
        return;
    };
    tracing::debug!(
        canonical_request = %creq,
        string_to_sign = %sts,
        "sigv4: signing {} {}",
        req.method,
        req.path
    );
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("service", &self.inner.service)
            .field("region", &self.inner.region)
            .field("date_mode", &self.inner.date_mode)
            .finish_non_exhaustive()
    }
}

impl SignerBuilder {
    /// Takes credentials from `provider` (cached, refreshed before expiry). Default: the
    /// environment, then the shared config and credentials files; with an
    /// [`http_client`](Self::http_client), the whole default chain
    /// ([`ChainProvider::default_chain_with_client`]).
    #[must_use]
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.provider = Some(Box::new(provider));
        self
    }

    /// Sends the default chain's network calls (web identity, container, instance metadata,
    /// assume role, SSO) through `client`, which each adapter crate implements with its own
    /// HTTP client; an empty region is then also looked up in instance metadata.
    #[must_use]
    pub fn http_client(mut self, client: Arc<dyn HttpClient>) -> Self {
        self.client = Some(client);
        self
    }

    /// Signs with a key derived elsewhere, without the secret. Requests must fall on the
    /// key's date (or, in [`DateMode::Passive`], within its seven days).
    #[must_use]
    pub fn signing_key(
        mut self,
        key: SigningKey,
        access_key_id: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        self.key = Some((key, access_key_id.into(), session_token));
        self
    }

    /// How request dates pick the key.
    #[must_use]
    pub fn date_mode(mut self, mode: DateMode) -> Self {
        self.date_mode = mode;
        self
    }

    /// An unparseable `X-Amz-Date` or `Date` is replaced by the current time instead of being
    /// an error (requests-aws4auth's `raise_invalid_date=False`).
    #[must_use]
    pub fn replace_invalid_date(mut self, replace: bool) -> Self {
        self.replace_invalid_date = replace;
        self
    }

    /// Path rules (default: S3 rules for `s3`, service rules otherwise).
    #[must_use]
    pub fn path_mode(mut self, mode: PathMode) -> Self {
        self.settings.path_mode = mode;
        self
    }

    /// Session token placement.
    #[must_use]
    pub fn session_token_mode(mut self, mode: SessionTokenMode) -> Self {
        self.settings.session_token = mode;
        self
    }

    /// Adds and signs `x-amz-content-sha256` (default: for `s3` only).
    #[must_use]
    pub fn content_sha256_header(mut self, add: bool) -> Self {
        self.settings.content_sha256_header = add;
        self
    }

    /// Never signs this header (besides the defaults).
    #[must_use]
    pub fn unsigned_header(mut self, name: impl Into<String>) -> Self {
        self.unsigned_headers.push(name.into());
        self
    }

    /// Reads the time from `clock`.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether a request refused for its time (`RequestTimeTooSkewed` and the like) teaches
    /// the signer the server's clock offset, so the adapters retry it once and every later
    /// request is signed on the server's time (default on; see
    /// [`Signer::learn_clock_skew`]).
    #[must_use]
    pub fn clock_skew_correction(mut self, on: bool) -> Self {
        self.skew_correction = on;
        self
    }

    /// Refreshes credentials this long before they expire (default 5 minutes).
    #[must_use]
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// Signs with SigV4A (`AWS4-ECDSA-P256-SHA256`) for `region_set`: one region
    /// (`us-east-1`), several (`us-east-1,eu-west-1`) or a wildcard (`us-*`, `*`), as S3
    /// Multi-Region Access Points, CloudFront KeyValueStore and EventBridge global endpoints
    /// require. The ECDSA key is derived once per credentials and reused; every adapter and
    /// `sign`/`presign` work unchanged. The builder's region is then not signed (SigV4A
    /// scopes have none). A signer given only a SigV4 key
    /// ([`signing_key`](Self::signing_key)) cannot sign SigV4A.
    ///
    /// ```
    /// # use sigv4::{Credentials, Signer};
    /// let signer = Signer::builder("s3", "us-east-1")
    ///     .credentials(Credentials::new("AKIDEXAMPLE", "secret"))
    ///     .sigv4a("*")
    ///     .build();
    /// let req = sigv4_core::Request::from_url(
    ///     "GET",
    ///     "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key",
    ///     &[],
    ///     sigv4_core::Payload::Unsigned,
    /// )?;
    /// let signed = signer.sign(&req)?;
    /// assert!(signed.get("authorization").unwrap().starts_with("AWS4-ECDSA-P256-SHA256 "));
    /// assert_eq!(signed.get("x-amz-region-set"), Some("*"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[cfg(feature = "sigv4a")]
    #[cfg_attr(docsrs, doc(cfg(feature = "sigv4a")))]
    #[must_use]
    pub fn sigv4a(mut self, region_set: impl Into<String>) -> Self {
        self.region_set = Some(region_set.into());
        self
    }

    /// The signer.
    pub fn build(self) -> Signer {
        let source = match (self.key, self.provider) {
            (Some((key, access_key_id, token)), _) => Source::Key {
                key: Arc::new(key),
                access_key_id,
                session_token: token.map(Zeroizing::new),
            },
            (None, provider) => {
                let provider = provider.unwrap_or_else(|| match &self.client {
                    Some(client) => Box::new(ChainProvider::default_chain_with_client(
                        Env::process(),
                        client.clone(),
                    )),
                    None => Box::new(ChainProvider::default_chain()),
                });
                Source::Provider(
                    CachedProvider::new(provider)
                        .with_clock(self.clock.clone())
                        .with_margin(self.margin),
                )
            }
        };
        let region = match (self.region.is_empty(), &self.client) {
            (true, Some(client)) => {
                crate::region::default_region(&Env::process(), Some(client.clone()))
                    .unwrap_or_default()
            }
            _ => self.region,
        };
        Signer {
            inner: Arc::new(Inner {
                service: self.service,
                region,
                source,
                path_mode: self.settings.path_mode,
                session_token: self.settings.session_token,
                content_sha256_header: self.settings.content_sha256_header,
                unsigned_headers: self.unsigned_headers,
                date_mode: self.date_mode,
                replace_invalid_date: self.replace_invalid_date,
                clock: self.clock,
                clock_offset: std::sync::atomic::AtomicI64::new(0),
                skew_correction: self.skew_correction,
                keys: RwLock::new(Vec::new()),
                hot: Default::default(),
                #[cfg(feature = "sigv4a")]
                region_set: self.region_set,
                #[cfg(feature = "sigv4a")]
                v4a_keys: RwLock::new(Vec::new()),
            }),
        }
    }
}

impl fmt::Debug for SignerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerBuilder")
            .field("service", &self.service)
            .field("region", &self.region)
            .field("date_mode", &self.date_mode)
            .finish_non_exhaustive()
    }
}

/// The headers a signature adds, owned: set each on the request, replacing any of the same
/// name.
#[derive(Clone)]
pub struct SignedHeaders {
    headers: Vec<(&'static str, Zeroizing<String>)>,
    signature: String,
}

impl SignedHeaders {
    /// Adds a header the signature covers that the request view did not carry yet.
    pub(crate) fn push(&mut self, name: &'static str, value: &str) {
        self.headers.push((name, Zeroizing::new(value.to_string())));
    }

    /// `(lower-case name, value)` pairs: `authorization`, `x-amz-date`, and
    /// `x-amz-content-sha256` and `x-amz-security-token` when they apply.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.headers.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// One header's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The signature in hex: 64 digits (SigV4), or the DER ECDSA signature (SigV4A).
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

impl fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (n, v) in self.iter() {
            if n == "x-amz-security-token" {
                m.entry(&n, &"<redacted>");
            } else {
                m.entry(&n, &v);
            }
        }
        m.finish()
    }
}

/// A presigned request: the query parameters to append and the whole URL.
#[derive(Clone)]
pub struct Presigned {
    query: Zeroizing<String>,
    url: Zeroizing<String>,
    signature: String,
}

impl Presigned {
    /// `X-Amz-Algorithm=...&...&X-Amz-Signature=...`, to append to the request's query.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// The presigned URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The signature in hex: 64 digits (SigV4), or the DER ECDSA signature (SigV4A).
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

impl fmt::Debug for Presigned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A presigned URL is a bearer credential: show only where it goes.
        let until = self.url.find('?').unwrap_or(self.url.len());
        f.debug_struct("Presigned")
            .field("url", &format_args!("{}?<redacted>", &self.url[..until]))
            .finish()
    }
}
