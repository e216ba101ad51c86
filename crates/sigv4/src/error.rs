//! Errors of the std crate.

use std::fmt;
use std::path::PathBuf;

/// Why credentials could not be had.
#[derive(Debug)]
#[non_exhaustive]
pub enum CredentialsError {
    /// A source has no credentials (an unset variable, a missing profile).
    NotFound {
        /// The source, `environment` or `profile "dev"`.
        source: String,
        /// What was missing.
        reason: String,
    },
    /// A file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        error: std::io::Error,
    },
    /// A line of a shared config or credentials file is malformed.
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A `credential_process` failed or printed something that is not its JSON.
    Process {
        /// The command, as configured.
        command: String,
        /// What went wrong.
        reason: String,
    },
    /// A configured source failed: its service answered an error, something unreadable,
    /// or nothing at all. Never holds a secret or a token.
    Provider {
        /// The source, `web identity`, `container`, `instance metadata`, `assume role`,
        /// `sso`.
        source: String,
        /// What went wrong.
        reason: String,
    },
    /// Every provider of a chain failed; each with its error, in the order tried.
    Chain(Vec<(String, CredentialsError)>),
    /// The provider handed out credentials that are already expired.
    Expired,
    /// A provider of the AWS SDK failed.
    Sdk(String),
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound { source, reason } => write!(f, "no credentials in {source}: {reason}"),
            Self::Io { path, error } => write!(f, "cannot read {}: {error}", path.display()),
            Self::Parse { path, line, reason } => {
                write!(f, "{}:{line}: {reason}", path.display())
            }
            Self::Process { command, reason } => {
                write!(f, "credential_process `{command}`: {reason}")
            }
            Self::Provider { source, reason } => write!(f, "{source}: {reason}"),
            Self::Chain(errors) => {
                f.write_str("no credentials found; tried")?;
                for (i, (name, e)) in errors.iter().enumerate() {
                    let sep = if i == 0 { " " } else { "; " };
                    write!(f, "{sep}{name} ({e})")?;
                }
                Ok(())
            }
            Self::Expired => f.write_str("the credentials provided are already expired"),
            Self::Sdk(e) => write!(f, "AWS SDK credentials provider: {e}"),
        }
    }
}

impl CredentialsError {
    /// A copy (an I/O error is copied as its kind and message).
    pub(crate) fn duplicate(&self) -> Self {
        match self {
            Self::NotFound { source, reason } => Self::NotFound {
                source: source.clone(),
                reason: reason.clone(),
            },
            Self::Io { path, error } => Self::Io {
                path: path.clone(),
                error: std::io::Error::new(error.kind(), error.to_string()),
            },
            Self::Parse { path, line, reason } => Self::Parse {
                path: path.clone(),
                line: *line,
                reason: reason.clone(),
            },
            Self::Process { command, reason } => Self::Process {
                command: command.clone(),
                reason: reason.clone(),
            },
            Self::Provider { source, reason } => Self::Provider {
                source: source.clone(),
                reason: reason.clone(),
            },
            Self::Chain(errors) => Self::Chain(
                errors
                    .iter()
                    .map(|(n, e)| (n.clone(), e.duplicate()))
                    .collect(),
            ),
            Self::Expired => Self::Expired,
            Self::Sdk(e) => Self::Sdk(e.clone()),
        }
    }
}

impl std::error::Error for CredentialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Everything that can go wrong signing with a [`crate::Signer`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request or the signing settings were refused by the core.
    Core(sigv4_core::Error),
    /// No usable credentials.
    Credentials(CredentialsError),
    /// Strict date mode: the request's date is not the signing key's date.
    DateMismatch {
        /// The request's date, `YYYYMMDD`.
        request: String,
        /// The key's date, `YYYYMMDD`.
        key: String,
    },
    /// A new signing key is needed for the request's date, but the signer holds a key
    /// without its secret.
    NoSecretKey {
        /// The request's date, `YYYYMMDD`.
        request: String,
        /// The key's date, `YYYYMMDD`.
        key: String,
    },
    /// A date header does not parse as any date format servers send.
    InvalidDate {
        /// The header, `x-amz-date` or `date`.
        header: &'static str,
        /// Its value.
        value: String,
    },
    /// The clock reads a time outside the years 0001..=9999.
    Clock,
    /// The body is a stream and the service signs the payload: buffer the body, or give
    /// its SHA-256 in `x-amz-content-sha256`.
    UnbufferedBody,
    /// A URL or header the signer produced or was given is not valid for the HTTP types.
    Http(String),
    /// aws-chunked: a chunk length below S3's 8 KiB minimum, an empty chunk, or a short
    /// chunk before the end of the body.
    ChunkLength(usize),
    /// aws-chunked: the body is not the length declared in `x-amz-decoded-content-length`.
    BodyLength {
        /// Bytes the declared length still expected.
        declared_remaining: u64,
        /// Bytes given (0 at the end of the body).
        given: u64,
    },
    /// What was asked cannot be done with this signer's configuration; the text says what
    /// and why (SigV4A from a signer given only a SigV4 signing key, for one).
    Unsupported(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Core(e) => e.fmt(f),
            Self::Credentials(e) => e.fmt(f),
            Self::DateMismatch { request, key } => write!(
                f,
                "request date {request} is not the signing key's date {key} (strict date mode)"
            ),
            Self::NoSecretKey { request, key } => write!(
                f,
                "request date {request} needs a new signing key (the key is for {key}) \
                 but the signer has no secret key"
            ),
            Self::InvalidDate { header, value } => {
                write!(f, "{header} header {value:?} is not a date")
            }
            Self::Clock => f.write_str("the clock reads a time outside 0001..=9999"),
            Self::UnbufferedBody => f.write_str(
                "the body is a stream and this service signs the payload: buffer the body, \
                 or give its SHA-256 in x-amz-content-sha256",
            ),
            Self::Http(e) => write!(f, "invalid HTTP value: {e}"),
            Self::ChunkLength(len) => write!(
                f,
                "aws-chunked chunk of {len} bytes: chunks are at least 8 KiB, only the last \
                 may be shorter, and none is empty"
            ),
            Self::BodyLength {
                declared_remaining,
                given,
            } if *given > *declared_remaining => write!(
                f,
                "aws-chunked body is longer than declared: {given} more bytes where \
                 {declared_remaining} were left"
            ),
            Self::BodyLength {
                declared_remaining, ..
            } => write!(
                f,
                "aws-chunked body ended {declared_remaining} bytes short of its declared length"
            ),
            Self::Unsupported(what) => f.write_str(what),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Core(e) => Some(e),
            Self::Credentials(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sigv4_core::Error> for Error {
    fn from(e: sigv4_core::Error) -> Self {
        Self::Core(e)
    }
}

impl From<CredentialsError> for Error {
    fn from(e: CredentialsError) -> Self {
        Self::Credentials(e)
    }
}
