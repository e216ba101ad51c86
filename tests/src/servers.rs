//! Servers the interop tests talk to, all on 127.0.0.1: the verifying hyper server of this
//! workspace, and real S3-compatible servers run as processes, stopped when dropped.

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use sigv4_hyper::{VerifiedBody, VerifiedIdentity, VerifyLayer};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tower::Layer;

/// The access key id the local servers know.
pub const AK: &str = "AKIDLOCALTEST";
/// Its secret.
pub const SK: &str = "local/secret+KEY";

/// The local servers' one key pair.
pub fn secrets() -> HashMap<String, String> {
    HashMap::from([(AK.to_string(), SK.to_string())])
}

/// Echoes who signed, what they signed and how much body was read (`ok AK h1;h2 N`);
/// reports a body that ended in an error (`body error: ...`).
///
/// # Errors
/// Never.
pub async fn echo<B>(req: Request<VerifiedBody<B>>) -> Result<Response<Full<Bytes>>, Infallible>
where
    VerifiedBody<B>: http_body::Body<Data = Bytes>,
    <VerifiedBody<B> as http_body::Body>::Error: std::fmt::Display,
{
    let identity = req.extensions().get::<VerifiedIdentity>().cloned();
    let text = match req.into_body().collect().await {
        Ok(body) => format!(
            "ok {} {} {}",
            identity.as_ref().map_or("-", |i| i.access_key_id.as_str()),
            identity
                .as_ref()
                .map(|i| i.signed_headers.join(";"))
                .unwrap_or_default(),
            body.to_bytes().len()
        ),
        Err(e) => format!("body error: {e}"),
    };
    Ok(Response::new(Full::new(Bytes::from(text))))
}

/// Starts a verifying server for `service` (region `us-east-1`) on 127.0.0.1 in this tokio
/// runtime; returns its port. It accepts chunked (`Transfer-Encoding`) uploads, as
/// S3-compatible servers such as s3s-fs and MinIO do (AWS S3 does not: see
/// [`serve_layer`] for a server with the layer's defaults).
///
/// # Panics
/// If no port can be bound on 127.0.0.1.
pub async fn verifying_server(service: &'static str) -> u16 {
    serve_layer(VerifyLayer::new("us-east-1", service, secrets()).allow_transfer_encoding(true))
        .await
}

/// Serves `layer` over [`echo`] on 127.0.0.1 in this tokio runtime; returns its port.
///
/// # Panics
/// If no port can be bound on 127.0.0.1.
pub async fn serve_layer(layer: VerifyLayer) -> u16 {
    serve_with(move || layer.layer(tower::service_fn(echo::<hyper::body::Incoming>))).await
}

/// Serves, on 127.0.0.1 in this tokio runtime, a service `make` builds for each connection;
/// returns its port.
///
/// # Panics
/// If no port can be bound on 127.0.0.1.
pub async fn serve_with<S, B>(make: impl Fn() -> S + Send + 'static) -> u16
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let svc = hyper_util::service::TowerToHyperService::new(make());
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), svc)
                    .await;
            });
        }
    });
    port
}

/// A tool from `var`, else from the workspace's `default` path.
pub fn tool(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(default)
            .display()
            .to_string()
    })
}

/// A server process on 127.0.0.1, killed when dropped.
#[derive(Debug)]
pub struct Process {
    child: Child,
    /// Its port.
    pub port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free port on 127.0.0.1.
///
/// # Panics
/// If none can be bound.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `program args...` (with `{port}` and `{dir}` substituted) and waits, at most 20
/// seconds, until it accepts connections on 127.0.0.1.
///
/// The port is chosen free and released before the program binds it, so a test running
/// beside this one can take it in between: then the program exits, and it is started
/// again on another port (three tries).
///
/// # Panics
/// If it cannot start or never listens.
pub fn start(program: &str, args: &[&str]) -> Process {
    let mut tries = 0;
    loop {
        tries += 1;
        match try_start(program, args) {
            Ok(process) => return process,
            Err(status) if tries < 3 => {
                eprintln!("{program} exited ({status}), probably a port taken: trying again");
            }
            Err(status) => panic!("{program} exited ({status}) three times"),
        }
    }
}

fn try_start(program: &str, args: &[&str]) -> Result<Process, std::process::ExitStatus> {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            a.replace("{port}", &port.to_string())
                .replace("{dir}", &dir.path().display().to_string())
        })
        .collect();
    let child = Command::new(program)
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start {program}: {e}; run `bash scripts/test` to install it")
        });
    let mut process = Process {
        child,
        port,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = process.child.try_wait().unwrap() {
            return Err(status);
        }
        assert!(
            Instant::now() < deadline,
            "{program} did not listen on 127.0.0.1:{port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // Something listens: if it is another test's server, ours fails to bind and exits.
    std::thread::sleep(Duration::from_millis(100));
    match process.child.try_wait().unwrap() {
        Some(status) => Err(status),
        None => Ok(process),
    }
}

/// s3s-fs on 127.0.0.1 with the local key pair, storing in a temporary directory.
pub fn s3s_fs() -> Process {
    let program = std::env::var("SIGV4_S3S_FS").unwrap_or_else(|_| "s3s-fs".into());
    start(
        &program,
        &[
            "--host",
            "127.0.0.1",
            "--port",
            "{port}",
            "--access-key",
            AK,
            "--secret-key",
            SK,
            "{dir}",
        ],
    )
}

/// moto on 127.0.0.1, checking every signature, with the IAM user and role
/// `servers/moto_server.py` made.
#[derive(Debug)]
pub struct Moto {
    child: Child,
    /// Its port.
    pub port: u16,
    /// The user's access key id.
    pub access_key_id: String,
    /// The user's secret.
    pub secret: String,
    /// A role the user may assume.
    pub role_arn: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts moto with the Python named by `SIGV4_SERVERS_PYTHON` (default
/// `.venv-servers/bin/python`).
///
/// # Panics
/// If it cannot start or never says it is ready.
pub fn moto() -> Moto {
    start_moto(false)
}

/// [`moto`] with authentication off: it answers the calls that are unsigned by design
/// (`AssumeRoleWithWebIdentity`, instance metadata) and checks no signature.
///
/// # Panics
/// As [`moto`].
pub fn moto_open() -> Moto {
    start_moto(true)
}

fn start_moto(open: bool) -> Moto {
    use std::io::BufRead;
    let python = tool("SIGV4_SERVERS_PYTHON", ".venv-servers/bin/python");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("servers/moto_server.py");
    let port = free_port();
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(port.to_string())
        .args(open.then_some("--open"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {python}: {e}; run `bash scripts/test`"));
    let mut line = String::new();
    let stdout = child.stdout.take().unwrap();
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("moto did not start ({e}): {line:?}"));
    let s = |k: &str| v[k].as_str().unwrap().to_string();
    Moto {
        child,
        port,
        access_key_id: s("access_key_id"),
        secret: s("secret"),
        role_arn: s("role_arn"),
    }
}

/// `rclone serve s3` on 127.0.0.1 with the local key pair (`SIGV4_RCLONE`, default
/// `.venv-servers/bin/rclone`).
pub fn rclone() -> Process {
    let program = tool("SIGV4_RCLONE", ".venv-servers/bin/rclone");
    let auth = format!("{AK},{SK}");
    start(
        &program,
        &[
            "serve",
            "s3",
            "--config",
            "/dev/null",
            "--auth-key",
            &auth,
            "--addr",
            "127.0.0.1:{port}",
            "{dir}",
        ],
    )
}
