//! `sigv4 request`: a signed request, curl-like: sent with ureq, bodies streamed (plain or
//! aws-chunked), progress on a terminal, a 403 explained against the server's texts.

use crate::common::{body_of, region_set, scope, signer, target, RequestFlags};
use crate::explain::{diff, explain, server_texts};
use crate::{progress, Result};
use clap::Args;
use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum, ChunkEncoder};
use sigv4::Signer;
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

#[derive(Args, Debug)]
pub(crate) struct RequestArgs {
    #[command(flatten)]
    pub(crate) request: RequestFlags,
    /// Upload FILE, streamed.
    #[arg(short = 'T', long = "upload-file", conflicts_with_all = ["data", "data_binary"])]
    pub(crate) upload_file: Option<String>,
    /// Write the response body to FILE.
    #[arg(short = 'o', long = "output")]
    pub(crate) output: Option<String>,
    /// Print the response status and headers.
    #[arg(short = 'i', long = "include")]
    pub(crate) include: bool,
    /// Exit non-zero (22) on HTTP >= 400.
    #[arg(short = 'f', long = "fail")]
    pub(crate) fail: bool,
    /// Print the request, the canonical request and string to sign (secrets redacted).
    #[arg(short = 'v', long = "verbose")]
    pub(crate) verbose: bool,
    /// Send the body aws-chunked (S3 streaming upload): every chunk signed.
    #[arg(long)]
    pub(crate) aws_chunked: bool,
    /// Send the body aws-chunked with this checksum in a trailer (signed, or unsigned with
    /// --unsigned-payload).
    #[arg(long, value_enum)]
    pub(crate) checksum: Option<ChecksumArg>,
    /// The aws-chunked chunk size in bytes (at least 8192; default 65536).
    #[arg(long)]
    pub(crate) chunk_size: Option<usize>,
    /// No progress bars (they show on a terminal for transfers over 4 MiB).
    #[arg(short = 's', long = "silent")]
    pub(crate) silent: bool,
    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long)]
    pub(crate) profile: Option<String>,
}

/// A checksum sent as an aws-chunked trailer.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub(crate) enum ChecksumArg {
    /// x-amz-checksum-crc32
    Crc32,
    /// x-amz-checksum-crc32c
    Crc32c,
    /// x-amz-checksum-sha256
    Sha256,
}

/// The aws-chunked options the flags ask for, if any.
fn chunked_options(args: &RequestArgs) -> Result<Option<AwsChunked>> {
    if !args.aws_chunked && args.checksum.is_none() {
        return Ok(None);
    }
    let checksum = args.checksum.map(|c| match c {
        ChecksumArg::Crc32 => Checksum::Crc32,
        ChecksumArg::Crc32c => Checksum::Crc32c,
        ChecksumArg::Sha256 => Checksum::Sha256,
    });
    let options = match (checksum, args.request.unsigned_payload) {
        (None, false) => AwsChunked::signed(),
        (None, true) => {
            return Err(
                "--aws-chunked with --unsigned-payload needs --checksum (the trailer is what \
                 an unsigned body is checked by)"
                    .into(),
            )
        }
        (Some(c), false) => AwsChunked::signed_with_checksum(c),
        (Some(c), true) => AwsChunked::unsigned_with_checksum(c),
    };
    match args.chunk_size {
        Some(n) => options
            .chunk_len(n)
            .map(Some)
            .map_err(|e| format!("--chunk-size {n}: {e}")),
        None => Ok(Some(options)),
    }
}

/// A request signed and ready to send.
struct Signed {
    signer: Signer,
    method: http::Method,
    uri: http::Uri,
    headers: http::HeaderMap,
    /// The body given with -d or --data-binary; shared with the reader that sends it, so a
    /// 403 can be explained from it.
    body: bytes::Bytes,
    /// The file given with -T, and its length.
    upload: Option<(std::fs::File, u64)>,
    /// The aws-chunked encoder, when the body is sent aws-chunked.
    encoder: Option<ChunkEncoder>,
    /// Whether the body was signed as a stream rather than hashed whole.
    streamed: bool,
}

impl Signed {
    /// Our canonical request and string to sign, rendered only when shown.
    fn texts(&self) -> std::result::Result<(String, String), sigv4::Error> {
        explain(
            &self.signer,
            &self.method,
            &self.uri,
            &self.headers,
            self.streamed,
            &self.body,
        )
    }
}

pub(crate) fn request(args: &RequestArgs) -> Result<ExitCode> {
    let flags = &args.request;
    let (service, region) = scope(
        &flags.url,
        flags.service.as_deref(),
        flags.region.as_deref(),
    )?;
    let set = region_set(flags.sigv4a, flags.region_set.as_deref());
    let signer = signer(&service, &region, args.profile.as_deref(), set);
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let url = &flags.url;
    let mut retried = false;
    let (mut resp, signed, refusal) = loop {
        let mut signed = sign(args, &signer)?;
        if args.verbose {
            show_request(&signed);
        }
        let req = build(args, &mut signed)?;
        let mut resp = agent.run(req).map_err(|e| format!("{url}: {e}"))?;
        let status = resp.status().as_u16();
        let date = resp.headers().get(http::header::DATE).cloned();
        let date = date.as_ref().and_then(|d| d.to_str().ok());
        // A refusal is read whole: to explain a 403, or to see whether it was for the time.
        let suspected = !retried && signer.clock_skew_suspected(status, date);
        if status != 403 && !suspected {
            break (resp, signed, None);
        }
        let mut text = Vec::new();
        resp.body_mut()
            .as_reader()
            .read_to_end(&mut text)
            .map_err(|e| format!("{url}: {e}"))?;
        if suspected && signer.learn_clock_skew(status, date, &text) {
            if args.verbose {
                eprintln!(
                    "* refused for its time: the server's clock is {} s from ours; signing again \
                     on its time and retrying once",
                    signer.clock_offset()
                );
            }
            retried = true;
            continue;
        }
        break (resp, signed, Some(text));
    };
    let status = resp.status();
    if args.include || args.verbose {
        show_response_head(&resp, args.verbose);
    }
    match refusal {
        Some(text) => write_refusal(args, &text, status == 403, &signed)?,
        None => write_body(args, &mut resp)?,
    }
    Ok(if args.fail && status.as_u16() >= 400 {
        ExitCode::from(22)
    } else {
        ExitCode::SUCCESS
    })
}

/// Signs the request the flags describe: in headers, for a body in memory or a file
/// streamed, or aws-chunked.
fn sign(args: &RequestArgs, signer: &Signer) -> Result<Signed> {
    let flags = &args.request;
    let signer = signer.clone();
    let (uri, method, mut headers) = target(&flags.url, &flags.method, &flags.headers)?;
    if flags.unsigned_payload {
        headers.insert(
            "x-amz-content-sha256",
            http::HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
    }
    let chunked = chunked_options(args)?;
    let upload = match &args.upload_file {
        Some(path) => {
            let file = std::fs::File::open(path).map_err(|e| format!("-T {path}: {e}"))?;
            let len = file
                .metadata()
                .map_err(|e| format!("-T {path}: {e}"))?
                .len();
            headers.insert(http::header::CONTENT_LENGTH, len.into());
            Some((file, len))
        }
        None => None,
    };
    let body = bytes::Bytes::from(body_of(flags)?);
    let encoder = match &chunked {
        Some(options) => {
            let len = upload.as_ref().map_or(body.len() as u64, |(_, len)| *len);
            let encoder = signer
                .sign_http_chunked(&method, &uri, &mut headers, len, options)
                .map_err(|e| e.to_string())?;
            Some(encoder)
        }
        None => {
            let kind = if upload.is_some() {
                sigv4::http::Body::Stream
            } else {
                sigv4::http::Body::Bytes(&body)
            };
            signer
                .sign_http(&method, &uri, &mut headers, kind)
                .map_err(|e| e.to_string())?;
            None
        }
    };
    let streamed = upload.is_some() || encoder.is_some();
    Ok(Signed {
        signer,
        method,
        uri,
        headers,
        body,
        upload,
        encoder,
        streamed,
    })
}

/// -v: the request line, its headers (the session token redacted), and what was signed.
fn show_request(signed: &Signed) {
    eprintln!("> {} {}", signed.method, signed.uri);
    for (n, v) in &signed.headers {
        let shown = if n == "x-amz-security-token" {
            "<redacted>"
        } else {
            v.to_str().unwrap_or("<binary>")
        };
        eprintln!("> {n}: {shown}");
    }
    if let Ok((creq, sts)) = signed.texts() {
        eprintln!("* canonical request:\n{creq}\n* string to sign:\n{sts}");
    }
}

/// The `http` request ureq sends, with its body: the file (through a progress bar, and
/// aws-chunked when asked), or the bytes in memory with their length. Takes the file and
/// the encoder out of `signed`; the rest stays to explain a refusal.
fn build(
    args: &RequestArgs,
    signed: &mut Signed,
) -> Result<http::Request<ureq::SendBody<'static>>> {
    let mut req = http::Request::builder()
        .method(signed.method.clone())
        .uri(signed.uri.clone());
    for (n, v) in &signed.headers {
        req = req.header(n, v);
    }
    let carries_body = matches!(args.request.method.as_str(), "PUT" | "POST" | "PATCH");
    let bars = progress::wanted(args.silent);
    let body = signed.body.clone();
    let send_body = match (signed.upload.take(), signed.encoder.take()) {
        (Some((file, len)), encoder) => {
            let file = progress::Progress::new("upload", Some(len), bars).reader(file);
            match encoder {
                Some(e) => ureq::SendBody::from_owned_reader(AwsChunkedReader::new(file, e)),
                None => ureq::SendBody::from_owned_reader(file),
            }
        }
        // The encoded length is in the headers already.
        (None, Some(e)) => {
            ureq::SendBody::from_owned_reader(AwsChunkedReader::new(std::io::Cursor::new(body), e))
        }
        (None, None) if body.is_empty() && !carries_body => ureq::SendBody::none(),
        (None, None) => {
            // In memory: the length is known, send it (S3 refuses chunked bodies).
            req = req.header(http::header::CONTENT_LENGTH, body.len());
            ureq::SendBody::from_owned_reader(std::io::Cursor::new(body))
        }
    };
    req.body(send_body).map_err(|e| e.to_string())
}

/// -i and -v: the status line and headers (on stderr with -v, else stdout).
fn show_response_head(resp: &http::Response<ureq::Body>, to_stderr: bool) {
    let mut out: Box<dyn Write> = if to_stderr {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let _ = writeln!(out, "{:?} {}", resp.version(), resp.status());
    for (n, v) in resp.headers() {
        let _ = writeln!(out, "{n}: {}", v.to_str().unwrap_or("<binary>"));
    }
    let _ = writeln!(out);
}

/// A refusal read whole: written out as any other body, then, for a
/// `SignatureDoesNotMatch` that carries the server's texts, ours beside them.
fn write_refusal(args: &RequestArgs, text: &[u8], explain: bool, signed: &Signed) -> Result<()> {
    match &args.output {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("-o {path}: {e}"))?,
        None => std::io::stdout()
            .write_all(text)
            .map_err(|e| e.to_string())?,
    }
    if !explain {
        return Ok(());
    }
    if let Some(theirs) = server_texts(&String::from_utf8_lossy(text)) {
        if let Ok(ours) = signed.texts() {
            eprint!("{}", diff(&ours, &theirs));
        }
    }
    Ok(())
}

/// The response body to -o FILE or stdout, streamed, with a progress bar where one fits.
fn write_body(args: &RequestArgs, resp: &mut http::Response<ureq::Body>) -> Result<()> {
    let length = resp
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let bars = progress::wanted(args.silent);
    let mut reader = resp.body_mut().as_reader();
    match &args.output {
        Some(path) => {
            let mut file = std::fs::File::create(path).map_err(|e| format!("-o {path}: {e}"))?;
            let bar = progress::Progress::new("download", length, bars);
            progress::copy(&mut reader, &mut file, bar).map_err(|e| format!("-o {path}: {e}"))?;
        }
        None => {
            let stdout = std::io::stdout();
            // A bar beside a body printed on the same terminal would garble both.
            let bar = progress::Progress::new("download", length, bars && !stdout.is_terminal());
            progress::copy(&mut reader, &mut stdout.lock(), bar)
                .map_err(|e| format!("{}: {e}", args.request.url))?;
        }
    }
    Ok(())
}
