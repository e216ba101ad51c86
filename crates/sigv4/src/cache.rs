//! A credentials cache that refreshes before expiry.

use crate::clock::{Clock, SystemClock};
use crate::error::CredentialsError;
use crate::provider::ProvideCredentials;
use crate::Credentials;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

/// How long before expiry credentials are refreshed, by default.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

/// Caches what a provider gives and asks it again only when needed:
///
/// - credentials without expiry are kept for good; others are refreshed once they are within
///   the margin (default [`DEFAULT_REFRESH_MARGIN`]) of expiring;
/// - one refresh runs at a time: while credentials are still valid, callers that find a
///   refresh under way keep using them, and a refresh that fails is logged and tried again
///   by the next caller;
/// - expired credentials are never handed out: callers wait for the refresh under way, or
///   get its error.
#[derive(Debug)]
pub struct CachedProvider<P> {
    inner: P,
    clock: Arc<dyn Clock>,
    margin: Duration,
    current: RwLock<Option<Arc<Credentials>>>,
    refresh: async_lock::Mutex<()>,
    /// Bumped each time new credentials are stored, so a signer's cache can tell its copy
    /// is still the current one with a plain load.
    generation: AtomicU64,
}

impl<P: ProvideCredentials> CachedProvider<P> {
    /// Caches `inner`, on the system clock.
    pub fn new(inner: P) -> Self {
        Self {
            inner,
            clock: Arc::new(SystemClock),
            margin: DEFAULT_REFRESH_MARGIN,
            current: RwLock::new(None),
            refresh: async_lock::Mutex::new(()),
            generation: AtomicU64::new(0),
        }
    }

    /// Reads the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Refreshes `margin` before expiry.
    #[must_use]
    pub fn with_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    fn current(&self) -> Option<Arc<Credentials>> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Which credentials are stored: read it before [`CachedProvider::credentials`], and
    /// what was returned is current while this stays the same.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Whether `c` needs no refresh yet at `now`.
    pub(crate) fn is_fresh_at(&self, c: &Credentials, now: SystemTime) -> bool {
        self.fresh(c, now)
    }

    fn fresh(&self, c: &Credentials, now: SystemTime) -> bool {
        c.expiry().is_none_or(|e| now + self.margin < e)
    }

    /// Stores what the provider returned, refusing credentials already expired.
    fn store(
        &self,
        result: Result<Credentials, CredentialsError>,
    ) -> Result<Arc<Credentials>, CredentialsError> {
        let creds = result?;
        if creds.is_expired(self.clock.now()) {
            return Err(CredentialsError::Expired);
        }
        let creds = Arc::new(creds);
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(creds.clone());
        self.generation.fetch_add(1, Ordering::Release);
        Ok(creds)
    }

    /// Valid credentials, from the cache or a refresh (blocking).
    ///
    /// # Errors
    /// The provider's error when there are no valid credentials to fall back on.
    pub fn credentials(&self) -> Result<Arc<Credentials>, CredentialsError> {
        let now = self.clock.now();
        let cached = self.current();
        match cached {
            Some(c) if self.fresh(&c, now) => Ok(c),
            Some(c) if !c.is_expired(now) => {
                // Still valid: refresh unless someone else is, and keep these on failure.
                let Some(_guard) = self.refresh.try_lock() else {
                    return Ok(c);
                };
                match self.current() {
                    Some(n) if !Arc::ptr_eq(&n, &c) => return Ok(n),
                    _ => {}
                }
                Ok(self.store(self.inner.provide()).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "credentials refresh failed; using the current ones");
                    c
                }))
            }
            _ => {
                let _guard = self.refresh.lock_blocking();
                match self.current() {
                    Some(n) if !n.is_expired(self.clock.now()) => Ok(n),
                    _ => self.store(self.inner.provide()),
                }
            }
        }
    }

    /// [`CachedProvider::credentials`] for async callers: waits without blocking a thread.
    ///
    /// # Errors
    /// As [`CachedProvider::credentials`].
    pub async fn credentials_async(&self) -> Result<Arc<Credentials>, CredentialsError> {
        let now = self.clock.now();
        let cached = self.current();
        match cached {
            Some(c) if self.fresh(&c, now) => Ok(c),
            Some(c) if !c.is_expired(now) => {
                let Some(_guard) = self.refresh.try_lock() else {
                    return Ok(c);
                };
                match self.current() {
                    Some(n) if !Arc::ptr_eq(&n, &c) => return Ok(n),
                    _ => {}
                }
                let result = self.inner.provide_async().await;
                Ok(self.store(result).unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "credentials refresh failed; using the current ones");
                    c
                }))
            }
            _ => {
                let _guard = self.refresh.lock().await;
                match self.current() {
                    Some(n) if !n.is_expired(self.clock.now()) => Ok(n),
                    _ => {
                        let result = self.inner.provide_async().await;
                        self.store(result)
                    }
                }
            }
        }
    }
}
