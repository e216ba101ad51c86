//! A 64 MiB upload streamed through each adapter to s3s-fs keeps memory flat: the peak RSS
//! grows by less than 16 MiB (measured from `/proc/self/status`, the peak reset before each
//! upload). One test in its own binary, so nothing else allocates meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use bytes::Bytes;
use http_body_util::BodyExt;
use sigv4::{Credentials, Signer};
use sigv4_tests::servers::{s3s_fs, AK, SK};
use std::io::Read;
use tower::{Layer, ServiceExt};

const SIZE: usize = 64 << 20;
const CHUNK: usize = 64 << 10;
const MAX_GROWTH_KIB: u64 = 16 << 10;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resets the peak and returns the current RSS.
fn reset_peak() -> u64 {
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    status_kib("VmRSS:")
}

fn growth_since(base: u64) -> u64 {
    status_kib("VmHWM:").saturating_sub(base)
}

fn signer() -> Signer {
    Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .build()
}

fn chunks() -> impl Iterator<Item = Bytes> {
    let chunk = Bytes::from(vec![b'z'; CHUNK]);
    (0..SIZE / CHUNK).map(move |_| chunk.clone())
}

/// A reader of `SIZE` bytes made on the fly.
struct Generated(usize);

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.0);
        buf[..n].fill(b'z');
        self.0 -= n;
        Ok(n)
    }
}

/// A streamed body of unknown size for hyper.
struct Stream(Box<dyn Iterator<Item = Bytes> + Send>);

impl http_body::Body for Stream {
    type Data = Bytes;
    type Error = std::convert::Infallible;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        std::task::Poll::Ready(self.0.next().map(|c| Ok(http_body::Frame::data(c))))
    }
}

#[test]
fn sixty_four_mib_uploads_stream_in_flat_memory() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut report = Vec::new();

    let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(sigv4_reqwest::SigV4Middleware::new(signer()))
        .build();
    rt.block_on(async {
        assert!(client
            .put(format!("{base}/big"))
            .send()
            .await
            .unwrap()
            .status()
            .is_success());
    });
    let before = reset_peak();
    rt.block_on(async {
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks().map(Ok::<_, std::io::Error>),
        ));
        let r = client
            .put(format!("{base}/big/reqwest"))
            .header("content-length", SIZE)
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "reqwest: {}", r.status());
    });
    report.push(("reqwest", growth_since(before)));

    let before = reset_peak();
    rt.block_on(async {
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        let svc = sigv4_hyper::SignLayer::new(signer()).layer(http);
        let req = http::Request::put(format!("{base}/big/hyper"))
            .header("content-length", SIZE)
            .body(Stream(Box::new(chunks())))
            .unwrap();
        let r = svc.oneshot(req).await.unwrap();
        assert!(r.status().is_success(), "hyper: {}", r.status());
        let _ = r.into_body().collect().await;
    });
    report.push(("hyper", growth_since(before)));

    let before = reset_peak();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .middleware(sigv4_ureq::SigV4Middleware::new(signer()))
            .build(),
    );
    let r = agent
        .put(&format!("{base}/big/ureq"))
        .header("content-length", SIZE.to_string())
        .send(ureq::SendBody::from_owned_reader(Generated(SIZE)))
        .unwrap();
    assert!(r.status().is_success());
    report.push(("ureq", growth_since(before)));

    // The objects are all there, whole.
    rt.block_on(async {
        for name in ["reqwest", "hyper", "ureq"] {
            let r = client
                .head(format!("{base}/big/{name}"))
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.headers()["content-length"],
                SIZE.to_string().as_str(),
                "{name}"
            );
        }
    });
    eprintln!("peak RSS growth (KiB): {report:?}");
    for (adapter, kib) in report {
        assert!(
            kib < MAX_GROWTH_KIB,
            "{adapter}: peak RSS grew {kib} KiB for a 64 MiB upload"
        );
    }
}
