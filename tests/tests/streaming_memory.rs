//! A 64 MiB upload streamed through each adapter to s3s-fs keeps memory flat: the peak RSS
//! grows by less than 16 MiB (measured from `/proc/self/status`, the peak reset before each
//! upload). One test in its own binary, so nothing else allocates meanwhile.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use http::Method;
use sigv4::{Credentials, Signer};
use sigv4_tests::adapters::{send, Body, ALL};
use sigv4_tests::servers::{s3s_fs, AK, SK};

const CHUNK: usize = 64 << 10;
const COUNT: usize = 1024; // 64 MiB
const MAX_GROWTH_KIB: u64 = 16 << 10;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_mib_uploads_stream_in_flat_memory() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    let signer = Signer::builder("s3", "us-east-1")
        .credentials(Credentials::new(AK, SK))
        .build();
    assert!(
        send(
            ALL[0],
            &signer,
            Method::PUT,
            &format!("{base}/big"),
            &[],
            Body::empty()
        )
        .await
        .status
            < 300
    );
    let mut report = Vec::new();
    for adapter in ALL {
        // Reset the peak, then measure how far the upload raises it.
        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let before = status_kib("VmRSS:");
        let url = format!("{base}/big/{adapter:?}");
        let r = send(
            adapter,
            &signer,
            Method::PUT,
            &url,
            &[],
            Body::Stream {
                chunk: CHUNK,
                count: COUNT,
            },
        )
        .await;
        assert!(r.status < 300, "{adapter:?}: {}", r.text());
        report.push((adapter, status_kib("VmHWM:").saturating_sub(before)));
        let r = send(adapter, &signer, Method::HEAD, &url, &[], Body::empty()).await;
        assert_eq!(
            r.headers["content-length"],
            (CHUNK * COUNT).to_string().as_str(),
            "{adapter:?}"
        );
    }
    eprintln!("peak RSS growth (KiB) for 64 MiB: {report:?}");
    for (adapter, kib) in report {
        assert!(
            kib < MAX_GROWTH_KIB,
            "{adapter:?}: peak RSS grew {kib} KiB for a 64 MiB upload"
        );
    }
}
