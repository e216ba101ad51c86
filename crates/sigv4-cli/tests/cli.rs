//! The `sigv4` binary: `sign --json` agrees with botocore byte for byte, `request` works
//! against s3s-fs (a 64 MiB streamed upload, a download to a file, a presigned GET) and
//! explains a 403 from a verifying server, and every help shows an example.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use serde_json::Value;
use sigv4_tests::servers::{s3s_fs, AK, SK};
use std::process::{Command, Output};
use std::time::Duration;

fn sigv4(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sigv4"));
    cmd.args(args)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("HOME", "/nonexistent-sigv4-home");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn sign_json_agrees_with_botocore() {
    let path = sigv4_tests::botocore_cases(env!("CARGO_TARGET_TMPDIR"), "cli");
    let text = std::fs::read_to_string(path).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for line in text.lines().take(400) {
        let case: Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| case[k].as_str().unwrap().to_string();
        let class = s("class");
        let expected = &case["expected"];
        let s3 = class.starts_with("S3");
        // botocore adds x-amz-content-sha256 to other services' unsigned requests; the CLI
        // signs exactly host, -H headers and the SigV4 ones, as the issue asks.
        if !s3 && case["unsigned"].as_bool().unwrap() {
            continue;
        }
        let time = sigv4_core::Timestamp::from_unix(case["seconds"].as_i64().unwrap()).unwrap();
        let date = time.amz_date().to_string();
        let body_file = dir.path().join("body");
        std::fs::write(&body_file, hex::decode(s("body_hex")).unwrap()).unwrap();
        let body_arg = format!("@{}", body_file.display());
        let (method, url, service, region) = (s("method"), s("url"), s("service"), s("region"));
        let headers: Vec<String> = case["headers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| format!("{}: {}", h[0].as_str().unwrap(), h[1].as_str().unwrap()))
            .collect();
        let mut args = vec![
            "sign",
            "--json",
            "--date",
            &date,
            "-X",
            &method,
            "--service",
            &service,
            "--region",
            &region,
            "--data-binary",
            &body_arg,
        ];
        for h in &headers {
            args.extend(["-H", h]);
        }
        let expires = case["expires"].to_string();
        if class.contains("Query") {
            args.extend(["--presign", "--expires", &expires]);
        }
        if case["unsigned"].as_bool().unwrap() {
            args.push("--unsigned-payload");
        }
        args.push(&url);
        let (ak, secret) = (s("access_key_id"), s("secret"));
        let token = case["token"].as_str().unwrap_or("");
        let mut env = vec![
            ("AWS_ACCESS_KEY_ID", ak.as_str()),
            ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
        ];
        if !token.is_empty() {
            env.push(("AWS_SESSION_TOKEN", token));
        }
        let out = sigv4(&args, &env);
        assert!(
            out.status.success(),
            "case {}: {}",
            case["id"],
            stderr(&out)
        );
        let ours: Value = serde_json::from_str(&stdout(&out)).unwrap();
        for field in ["canonical_request", "string_to_sign", "signature"] {
            assert_eq!(ours[field], expected[field], "case {} {field}", case["id"]);
        }
        if class.contains("Query") {
            assert_eq!(ours["url"], expected["url"], "case {} url", case["id"]);
        } else {
            assert_eq!(
                ours["headers"], expected["headers"],
                "case {} headers",
                case["id"]
            );
        }
        checked += 1;
    }
    assert!(checked >= 300, "only {checked} cases");
}

#[test]
fn request_against_s3s_fs() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}", server.port);
    let env = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let scope = ["--service", "s3", "--region", "us-east-1"];
    let run = |extra: &[&str]| {
        let mut args = vec!["request", "-f"];
        args.extend(scope);
        args.extend(extra);
        sigv4(&args, &env)
    };
    let out = run(&["-X", "PUT", &format!("{base}/cli-bucket")]);
    assert!(out.status.success(), "{}", stderr(&out));

    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(64 << 20).unwrap();
    let out = run(&[
        "-T",
        big.to_str().unwrap(),
        "-X",
        "PUT",
        &format!("{base}/cli-bucket/big%20file.bin"),
    ]);
    assert!(out.status.success(), "upload: {}", stderr(&out));

    let got = dir.path().join("got.bin");
    let out = run(&[
        "-o",
        got.to_str().unwrap(),
        &format!("{base}/cli-bucket/big%20file.bin"),
    ]);
    assert!(out.status.success(), "download: {}", stderr(&out));
    assert_eq!(std::fs::metadata(&got).unwrap().len(), 64 << 20);

    let out = sigv4(
        &[
            "presign",
            "--service",
            "s3",
            "--region",
            "us-east-1",
            "--expires",
            "120",
            &format!("{base}/cli-bucket/big%20file.bin"),
        ],
        &env,
    );
    let url = stdout(&out).trim().to_string();
    assert!(url.contains("X-Amz-Signature="), "{url}");
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let r = agent.get(&url).call().unwrap();
    assert_eq!(r.status().as_u16(), 200, "presigned URL by plain HTTP");

    // -f: a refused request exits 22.
    let out = sigv4(
        &[
            "request",
            "-f",
            "--service",
            "s3",
            "--region",
            "us-east-1",
            &format!("{base}/cli-bucket/x"),
        ],
        &[
            ("AWS_ACCESS_KEY_ID", AK),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ],
    );
    assert_eq!(out.status.code(), Some(22), "{}", stderr(&out));
}

#[test]
fn aws_chunked_uploads_against_s3s_fs() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}/chunked-bucket", server.port);
    let env = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let run = |extra: &[&str]| {
        let mut args = vec!["request", "-f", "--service", "s3", "--region", "us-east-1"];
        args.extend(extra);
        sigv4(&args, &env)
    };
    assert!(run(&["-X", "PUT", &base]).status.success());
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.bin");
    let body: Vec<u8> = (0..300_001u32).map(|i| (i % 253) as u8).collect();
    std::fs::write(&file, &body).unwrap();
    let file = file.to_str().unwrap();
    let got = dir.path().join("got.bin");
    let got = got.to_str().unwrap();
    for (i, flags) in [
        vec!["--aws-chunked"],
        vec!["--aws-chunked", "--chunk-size", "8192"],
        vec!["--checksum", "crc32"],
        vec!["--checksum", "sha256", "--unsigned-payload"],
    ]
    .into_iter()
    .enumerate()
    {
        let url = format!("{base}/object-{i}");
        let mut args = vec!["-X", "PUT", "-T", file];
        args.extend(&flags);
        args.push(&url);
        let out = run(&args);
        assert!(out.status.success(), "{flags:?}: {}", stderr(&out));
        let out = run(&["-i", "-H", "x-amz-checksum-mode: ENABLED", "-o", got, &url]);
        assert!(out.status.success(), "{flags:?}: {}", stderr(&out));
        assert!(
            std::fs::read(got).unwrap() == body,
            "{flags:?}: read back differs"
        );
        if flags[0] == "--checksum" {
            // The server computed the checksum of what it decoded and kept ours only
            // because they agree; it shows it back.
            let shown = stdout(&out).to_lowercase();
            assert!(
                shown.contains(&format!("x-amz-checksum-{}:", flags[1])),
                "{shown}"
            );
        }
    }
    // Bad combinations are named.
    let out = run(&[
        "-X",
        "PUT",
        "-T",
        file,
        "--aws-chunked",
        "--unsigned-payload",
        &base,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("needs --checksum"),
        "{}",
        stderr(&out)
    );
    let out = run(&[
        "-X",
        "PUT",
        "-T",
        file,
        "--chunk-size",
        "100",
        "--aws-chunked",
        &base,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--chunk-size 100"),
        "{}",
        stderr(&out)
    );
}

/// `sigv4 serve` on 127.0.0.1, stopped when dropped.
struct Serve {
    child: std::process::Child,
    port: u16,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(service: &str) -> Serve {
    serve_with(service, &[])
}

fn serve_with(service: &str, extra: &[&str]) -> Serve {
    // Port 0: `sigv4 serve` binds a free port itself and names it on its first line, so
    // no other test can take the port between choosing it and listening on it.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sigv4"))
        .args([
            "serve",
            "--port",
            "0",
            "--access-key",
            AK,
            "--secret-key",
            SK,
            "--service",
            service,
        ])
        .args(extra)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let port = line
        .trim_end()
        .rsplit_once("http://127.0.0.1:")
        .and_then(|(_, rest)| rest.split(',').next()?.parse().ok())
        .unwrap_or_else(|| panic!("sigv4 serve did not start: {line:?}"));
    // Keep draining stderr so that the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Serve { child, port }
}

#[test]
fn a_403_is_explained_against_the_servers_texts() {
    // `sigv4 serve` answers SignatureDoesNotMatch with its canonical request, as S3 does.
    let server = serve("execute-api");
    let url = format!("http://127.0.0.1:{}/items?b=2&a=1", server.port);
    let scope = ["--service", "execute-api", "--region", "us-east-1"];
    let mut args = vec!["request"];
    args.extend(scope);
    args.push(&url);
    let ok = sigv4(
        &args,
        &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)],
    );
    let verified: Value = serde_json::from_str(&stdout(&ok))
        .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&ok), stderr(&ok)));
    assert_eq!(verified["access_key_id"], AK);
    assert!(verified["canonical_request"]
        .as_str()
        .unwrap()
        .starts_with("GET\n/items\na=1&b=2\n"));

    let bad = sigv4(
        &args,
        &[
            ("AWS_ACCESS_KEY_ID", AK),
            ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ],
    );
    let err = stderr(&bad);
    assert!(stdout(&bad).contains("<Code>SignatureDoesNotMatch</Code>"));
    assert!(err.contains("the signing key differs"), "{err}");
    assert!(!err.contains("\n- "), "no line differs: {err}");
}

/// A proxy on 127.0.0.1 for one request without a body: it rewrites `from` to `to` in
/// the request head, asks the server to close, and relays the answer.
fn rewriting_proxy(upstream: u16, from: &'static str, to: &'static str) -> u16 {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((mut client, _)) = listener.accept() else {
            return;
        };
        let timeout = Some(Duration::from_secs(20));
        client.set_read_timeout(timeout).unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 << 10 {
            if client.read(&mut byte).unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let text = String::from_utf8_lossy(&head[..head.len() - 2]).replace(from, to);
        let mut server = std::net::TcpStream::connect(("127.0.0.1", upstream)).unwrap();
        server.set_read_timeout(timeout).unwrap();
        server
            .write_all(format!("{text}connection: close\r\n\r\n").as_bytes())
            .unwrap();
        let mut answer = Vec::new();
        let _ = server.read_to_end(&mut answer);
        let _ = client.write_all(&answer);
    });
    port
}

#[test]
fn a_403_from_an_altered_header_shows_the_line_that_differs() {
    let server = serve("execute-api");
    let port = rewriting_proxy(server.port, "x-note: from-client", "x-note: from-proxy");
    let url = format!("http://127.0.0.1:{port}/items");
    let out = sigv4(
        &[
            "request",
            "--service",
            "execute-api",
            "--region",
            "us-east-1",
            "-H",
            "X-Note: from-client",
            &url,
        ],
        &[("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)],
    );
    let err = stderr(&out);
    assert!(
        stdout(&out).contains("<Code>SignatureDoesNotMatch</Code>"),
        "{}",
        stdout(&out)
    );
    assert!(
        err.contains("\n- x-note:from-client\n+ x-note:from-proxy\n"),
        "{err}"
    );
    // The other lines are shown unchanged, and the string to sign differs in the hash.
    assert!(err.contains("\n  GET\n  /items\n"), "{err}");
    assert!(err.contains("\n  AWS4-HMAC-SHA256\n"), "{err}");
    assert!(!err.contains("signing key differs"), "{err}");
    // Exactly two lines differ: the header, and the canonical request's hash.
    let changed = |mark: &str| err.lines().filter(|l| l.starts_with(mark)).count();
    assert_eq!((changed("- "), changed("+ ")), (2, 2), "{err}");
}

/// Runs the binary on a pseudo-terminal (util-linux `script`), so stderr is a terminal;
/// returns all it wrote there.
fn on_a_terminal(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut line = String::from(env!("CARGO_BIN_EXE_sigv4"));
    for a in args {
        assert!(!a.contains('\''), "{a}");
        line.push_str(&format!(" '{a}'"));
    }
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .env("TERM", "xterm")
        .env("HOME", "/nonexistent-sigv4-home");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .expect("util-linux `script` runs the CLI on a pseudo-terminal");
    assert!(out.status.success(), "{args:?}: {}", stdout(&out));
    stdout(&out)
}

#[test]
fn progress_bars_on_a_terminal_for_big_transfers_only() {
    let server = s3s_fs();
    let base = format!("http://127.0.0.1:{}/progress-bucket", server.port);
    let env = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let dir = tempfile::tempdir().unwrap();
    let (big, small, got) = (
        dir.path().join("big.bin"),
        dir.path().join("small.bin"),
        dir.path().join("got.bin"),
    );
    std::fs::File::create(&big)
        .unwrap()
        .set_len(24 << 20)
        .unwrap();
    std::fs::write(&small, vec![7u8; 1 << 20]).unwrap();
    let (big, small, got) = (
        big.to_str().unwrap(),
        small.to_str().unwrap(),
        got.to_str().unwrap(),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["request", "-f", "--service", "s3", "--region", "us-east-1"];
        args.extend(extra);
        on_a_terminal(&args, &env)
    };
    run(&["-X", "PUT", &base]);

    let shown = run(&["-T", big, "-X", "PUT", &format!("{base}/big")]);
    assert!(shown.contains("upload ["), "{shown:?}");
    assert!(shown.contains("24.00 MiB/24.00 MiB"), "{shown:?}");
    let shown = run(&["-o", got, &format!("{base}/big")]);
    assert!(shown.contains("download ["), "{shown:?}");
    assert!(shown.contains("24.00 MiB/24.00 MiB"), "{shown:?}");
    assert_eq!(std::fs::metadata(got).unwrap().len(), 24 << 20);

    // Silenced, or small: no bar.
    let shown = run(&["-s", "-T", big, "-X", "PUT", &format!("{base}/big2")]);
    assert!(!shown.contains("MiB"), "{shown:?}");
    let shown = run(&["-T", small, "-X", "PUT", &format!("{base}/small")]);
    assert!(!shown.contains("MiB"), "{shown:?}");
    let shown = run(&["-o", got, &format!("{base}/small")]);
    assert!(!shown.contains("MiB"), "{shown:?}");

    // Not a terminal: no bar either.
    let out = sigv4(
        &[
            "request",
            "-f",
            "--service",
            "s3",
            "--region",
            "us-east-1",
            "-o",
            got,
            &format!("{base}/big"),
        ],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn every_help_shows_an_example() {
    for sub in [
        None,
        Some("request"),
        Some("presign"),
        Some("presign-post"),
        Some("sign"),
        Some("serve"),
        Some("demo"),
    ] {
        let mut args: Vec<&str> = sub.into_iter().collect();
        args.push("--help");
        let out = sigv4(&args, &[]);
        assert!(out.status.success());
        assert!(stdout(&out).contains("Example"), "{sub:?}");
    }
}

#[test]
fn bad_input_is_named_and_exits_non_zero() {
    for (args, says) in [
        (
            vec!["request", "http://localhost:1/"],
            "pass --service and --region",
        ),
        (
            vec![
                "request",
                "--service",
                "s3",
                "--region",
                "r",
                "-H",
                "no colon",
                "http://localhost:1/",
            ],
            "is not `Name: value`",
        ),
        (
            vec![
                "request",
                "--service",
                "s3",
                "--region",
                "r",
                "--data-binary",
                "@/nonexistent/file",
                "http://localhost:1/",
            ],
            "/nonexistent/file",
        ),
        (
            vec!["sign", "--service", "s", "--region", "r", "http://h/"],
            "AWS_ACCESS_KEY_ID",
        ),
        (
            vec![
                "sign",
                "--service",
                "s",
                "--region",
                "r",
                "--date",
                "yesterday",
                "http://h/",
            ],
            "--date",
        ),
    ] {
        let env = if args[0] == "sign" && !args.contains(&"--date") {
            vec![]
        } else {
            vec![("AWS_ACCESS_KEY_ID", "AK"), ("AWS_SECRET_ACCESS_KEY", "SK")]
        };
        let out = sigv4(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"));
    }
}

#[test]
fn sigv4a_request_presign_and_sign_against_sigv4_serve() {
    let server = serve("execute-api");
    let creds = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let url = format!("http://127.0.0.1:{}/items?b=2&a=1", server.port);
    let scope = ["--service", "execute-api", "--region", "us-east-1"];
    for extra in [&["--sigv4a"][..], &["--region-set", "us-*,eu-west-1"][..]] {
        let mut args = vec!["request"];
        args.extend(scope);
        args.extend(extra);
        args.push(&url);
        let ok = sigv4(&args, &creds);
        let verified: Value = serde_json::from_str(&stdout(&ok))
            .unwrap_or_else(|e| panic!("{e}: {} {}", stdout(&ok), stderr(&ok)));
        assert_eq!(verified["access_key_id"], AK);
        assert!(verified["scope"]
            .as_str()
            .unwrap()
            .ends_with("/execute-api/aws4_request"));
    }
    // A set without the server's region is refused.
    let mut args = vec!["request", "--region-set", "eu-west-1"];
    args.extend(scope);
    args.push(&url);
    let refused = sigv4(&args, &creds);
    assert!(
        stdout(&refused).contains("AuthorizationHeaderMalformed"),
        "{}",
        stdout(&refused)
    );

    // A presigned SigV4A URL, fetched without credentials.
    let mut args = vec!["presign", "--sigv4a", "--expires", "60"];
    args.extend(scope);
    args.push(&url);
    let presigned = stdout(&sigv4(&args, &creds)).trim().to_string();
    assert!(
        presigned.contains("X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256"),
        "{presigned}"
    );
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut r = agent.get(&presigned).call().unwrap();
    let text = r.body_mut().read_to_string().unwrap();
    assert_eq!(r.status().as_u16(), 200, "{text}");
    assert!(text.contains("\"verified\": true"), "{text}");
    let r = agent
        .get(presigned.replace("items", "itemz"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "a changed path");

    // `sign --json` shows the SigV4A canonical request and string to sign.
    let mut args = vec!["sign", "--json", "--date", "20150830T123600Z", "--sigv4a"];
    args.extend(scope);
    args.push("https://example.amazonaws.com/");
    let out: Value = serde_json::from_str(&stdout(&sigv4(&args, &creds))).unwrap();
    let sts = out["string_to_sign"].as_str().unwrap();
    assert!(
        sts.starts_with(
            "AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/execute-api/aws4_request\n"
        ),
        "{sts}"
    );
    assert!(out["canonical_request"]
        .as_str()
        .unwrap()
        .contains("x-amz-region-set:*\n"));
    assert_eq!(out["headers"]["x-amz-region-set"], "*");
}

/// Sends `head` (a request without body) to 127.0.0.1:`port` and returns the answer's head,
/// lower-cased.
fn raw_exchange(port: u16, head: &str) -> String {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    conn.write_all(head.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let _ = conn.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).to_ascii_lowercase();
    text.split("\r\n\r\n")
        .next()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn serve_cors_answers_preflights_and_lets_pages_read_refusals() {
    let preflight = |port: u16| {
        raw_exchange(
            port,
            &format!(
                "OPTIONS /items HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:9\r\n\
                 Access-Control-Request-Method: PUT\r\n\
                 Access-Control-Request-Headers: authorization, x-amz-date\r\nConnection: close\r\n\r\n"
            ),
        )
    };
    let unsigned = |port: u16| {
        raw_exchange(
            port,
            &format!("GET /items HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:9\r\nConnection: close\r\n\r\n"),
        )
    };
    let open = serve_with("execute-api", &["--cors"]);
    let head = preflight(open.port);
    assert!(head.starts_with("http/1.1 204"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    assert!(head.contains("access-control-allow-methods: put"), "{head}");
    assert!(
        head.contains("access-control-allow-headers: authorization, x-amz-date"),
        "{head}"
    );
    // A refusal is still a refusal, and the page may read it.
    let head = unsigned(open.port);
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");

    // Without --cors a preflight is an unsigned request like any other.
    let closed = serve("execute-api");
    let head = preflight(closed.port);
    assert!(head.starts_with("http/1.1 403"), "{head}");
    assert!(!head.contains("access-control-allow-origin"), "{head}");
}

/// A `multipart/form-data` body: the fields, then `file` named `name`.
fn multipart(fields: &[(String, String)], name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "sigv4-test-boundary-7d1e";
    let mut body = Vec::new();
    for (n, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{n}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[test]
fn presign_post_gives_a_form_s3s_fs_accepts_within_its_limits() {
    let server = s3s_fs();
    let url = format!("http://127.0.0.1:{}/cli-post-bucket", server.port);
    let env = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let scope = ["--service", "s3", "--region", "us-east-1"];
    let made = sigv4(
        &[&["request", "-X", "PUT", "-f", &url][..], &scope].concat(),
        &env,
    );
    assert!(made.status.success(), "{}", stderr(&made));

    let out = sigv4(
        &[
            "presign-post",
            &url,
            "--key-prefix",
            "uploads/",
            "--max-size",
            "100",
            "--success-status",
            "201",
            "--region",
            "us-east-1",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["url"], url.as_str());
    let mut fields: Vec<(String, String)> = json["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_string()))
        .collect();
    assert_eq!(json["fields"]["key"], "uploads/${filename}");
    // s3s-fs does not substitute ${filename}: the page names the key within the prefix.
    for (n, v) in &mut fields {
        if n == "key" {
            *v = "uploads/cli.txt".into();
        }
    }
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let post = |file: &[u8]| {
        let (ctype, body) = multipart(&fields, "cli.txt", file);
        let mut r = agent
            .post(&url)
            .header("content-type", &ctype)
            .send(&body[..])
            .unwrap();
        (r.status().as_u16(), r.body_mut().read_to_string().unwrap())
    };
    let (status, body) = post(b"posted by a form the CLI signed");
    assert_eq!(status, 201, "{body}");
    let got = sigv4(
        &[
            &["request", "-f", &format!("{url}/uploads/cli.txt")][..],
            &scope,
        ]
        .concat(),
        &env,
    );
    assert_eq!(
        stdout(&got),
        "posted by a form the CLI signed",
        "{}",
        stderr(&got)
    );
    let (status, body) = post(&[b'x'; 101]);
    assert!(
        (400..500).contains(&status),
        "a file over --max-size: {status} {body}"
    );

    let page = sigv4(
        &[
            "presign-post",
            &url,
            "--key-prefix",
            "a/",
            "--max-size",
            "5",
            "--region",
            "us-east-1",
            "--html",
        ],
        &env,
    );
    let html = stdout(&page);
    assert!(
        html.contains(&format!(
            "<form action=\"{url}\" method=\"post\" enctype=\"multipart/form-data\">"
        )),
        "{html}"
    );
    assert!(html.contains("name=\"x-amz-signature\""), "{html}");
    assert!(
        html.contains("<input type=\"file\" name=\"file\">"),
        "{html}"
    );
}

#[test]
fn request_corrects_for_a_server_an_hour_ahead_and_says_so() {
    let ahead = serve_with("execute-api", &["--clock-offset", "3600"]);
    let env = [("AWS_ACCESS_KEY_ID", AK), ("AWS_SECRET_ACCESS_KEY", SK)];
    let url = format!("http://127.0.0.1:{}/items?n=1", ahead.port);
    let scope = ["--service", "execute-api", "--region", "us-east-1"];
    let out = sigv4(&[&["request", "-v", "-f", &url][..], &scope].concat(), &env);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("refused for its time") && err.contains("retrying once"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("\"verified\": true"),
        "{}",
        stdout(&out)
    );
    // Two requests went out: the refused one, and the retry (its x-amz-date an hour on).
    assert_eq!(err.matches("> GET ").count(), 2, "{err}");

    // A refusal for another reason (another secret) from a server on our time is not
    // retried.
    let on_time = serve("execute-api");
    let url = format!("http://127.0.0.1:{}/items?n=1", on_time.port);
    let other = [
        ("AWS_ACCESS_KEY_ID", AK),
        ("AWS_SECRET_ACCESS_KEY", "not the secret"),
    ];
    let out = sigv4(
        &[&["request", "-v", "-f", &url][..], &scope].concat(),
        &other,
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(22), "{err}");
    assert!(!err.contains("retrying once"), "{err}");
    assert_eq!(err.matches("> GET ").count(), 1, "{err}");
}

#[test]
fn the_demo_the_readme_runs_signs_through_every_adapter_and_refuses_the_tampered_url() {
    let out = sigv4(&["demo"], &[]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    for client in ["reqwest", "hyper", "ureq", "presigned URL"] {
        let row = text
            .lines()
            .find(|l| l.contains(client))
            .unwrap_or_default();
        assert!(
            row.contains(" 200 ") && row.contains("verified"),
            "{client}: {row}"
        );
    }
    let tampered = text
        .lines()
        .find(|l| l.contains("tampered URL"))
        .unwrap_or_default();
    assert!(
        tampered.contains("403") && tampered.contains("SignatureDoesNotMatch"),
        "{tampered}"
    );
    assert!(text.contains("every signed request was accepted and the tampered one refused"));
}
