//! The bridge to the official AWS SDK's credentials providers (feature `aws-sdk`).

use crate::error::CredentialsError;
use crate::provider::{ProvideCredentials, ProvideFuture};
use crate::Credentials;
use aws_credential_types::provider::ProvideCredentials as SdkProvide;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Any provider of the AWS SDK (`aws-credential-types`), such as the default chain of
/// `aws-config` (environment, profiles, SSO, web identity, ECS, IMDS, assume role).
///
/// Async callers get the SDK's future as it is. Blocking callers ([`ProvideCredentials::provide`])
/// get it driven on the calling thread; providers that do network I/O through the SDK's
/// HTTP client need the Tokio runtime the SDK was configured with, so call them from async
/// code.
///
/// ```
/// use aws_credential_types::provider::SharedCredentialsProvider;
/// use sigv4::{ProvideCredentials, SdkProvider};
/// let sdk = SharedCredentialsProvider::new(aws_credential_types::Credentials::from_keys("AKID", "SECRET", None));
/// let creds = SdkProvider::new(sdk).provide()?;
/// assert_eq!(creds.access_key_id(), "AKID");
/// # Ok::<(), sigv4::CredentialsError>(())
/// ```
#[derive(Debug)]
pub struct SdkProvider<P>(P);

impl<P: SdkProvide + 'static> SdkProvider<P> {
    /// Wraps an SDK provider.
    pub fn new(provider: P) -> Self {
        Self(provider)
    }
}

fn convert(
    result: Result<
        aws_credential_types::Credentials,
        aws_credential_types::provider::error::CredentialsError,
    >,
) -> Result<Credentials, CredentialsError> {
    let c = result.map_err(|e| CredentialsError::Sdk(e.to_string()))?;
    let mut creds = Credentials::new(c.access_key_id(), c.secret_access_key());
    if let Some(token) = c.session_token() {
        creds = creds.with_session_token(token);
    }
    if let Some(expiry) = c.expiry() {
        creds = creds.with_expiry(expiry);
    }
    Ok(creds)
}

impl<P: SdkProvide + 'static> ProvideCredentials for SdkProvider<P> {
    fn provide(&self) -> Result<Credentials, CredentialsError> {
        block_on(self.0.provide_credentials()).map_or_else(
            |e| Err(CredentialsError::Sdk(e.to_string())),
            |c| convert(Ok(c)),
        )
    }

    fn provide_async(&self) -> ProvideFuture<'_> {
        Box::pin(async move { convert(self.0.provide_credentials().await) })
    }
}

struct ThreadWaker(std::thread::Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Drives a future to completion on this thread.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(out) => return out,
            Poll::Pending => std::thread::park(),
        }
    }
}
