//! `sigv4`: signed AWS requests from the shell.

mod infer;
mod progress;
mod serve;

use clap::{Args, Parser, Subcommand};
use sigv4::chunked::{AwsChunked, AwsChunkedReader, Checksum};
use sigv4::{ChainProvider, EnvironmentProvider, ProfileProvider, ProvideCredentials, Signer};
use sigv4_core::{Header, Payload, Timestamp};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;
use std::time::Duration;

/// Signed AWS requests, presigned URLs, deterministic signing, and a local verifying
/// endpoint. Credentials come from the environment, then ~/.aws/credentials and
/// ~/.aws/config (`--profile`, `AWS_PROFILE`).
#[derive(Parser, Debug)]
#[command(
    name = "sigv4",
    version,
    after_help = "Examples:\n  sigv4 request https://sts.amazonaws.com/ -X POST -d 'Action=GetCallerIdentity&Version=2011-06-15'\n  sigv4 presign https://my-bucket.s3.amazonaws.com/report.pdf --expires 600\n  sigv4 sign --date 20150830T123600Z --json https://example.amazonaws.com/ --service service --region us-east-1\n  sigv4 serve --port 8080 --access-key AKIDEXAMPLE --secret-key SECRET\n  sigv4 demo"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Send a signed request, curl-like.
    #[command(
        after_help = "Examples:\n  sigv4 request https://my-bucket.s3.eu-west-1.amazonaws.com/?list-type=2\n  sigv4 request -X PUT -T big.iso https://my-bucket.s3.amazonaws.com/big.iso\n  sigv4 request -X PUT -T big.iso --checksum crc32c https://my-bucket.s3.amazonaws.com/big.iso\n  sigv4 request -v -f https://abc.execute-api.eu-west-1.amazonaws.com/prod/items"
    )]
    Request(RequestArgs),
    /// Print a presigned URL.
    #[command(
        after_help = "Example:\n  sigv4 presign https://my-bucket.s3.amazonaws.com/report.pdf --expires 600"
    )]
    Presign(PresignArgs),
    /// Sign without sending, deterministically (credentials from AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
    #[command(
        after_help = "Example:\n  AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \\\n    sigv4 sign --date 20150830T123600Z --json --service service --region us-east-1 https://example.amazonaws.com/"
    )]
    Sign(SignArgs),
    /// Run a local SigV4-verifying endpoint on 127.0.0.1.
    #[command(
        after_help = "Example:\n  sigv4 serve --port 8080 --access-key AKIDEXAMPLE --secret-key SECRET --service execute-api"
    )]
    Serve(serve::ServeArgs),
    /// Start a verifying endpoint on 127.0.0.1 and sign requests to it through reqwest,
    /// hyper and ureq, then tamper one: no AWS account needed.
    #[command(after_help = "Example:\n  sigv4 demo")]
    Demo,
}

/// What a request is made of.
#[derive(Args, Debug, Clone)]
struct RequestFlags {
    /// The URL.
    url: String,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    method: String,
    /// A header, `Name: value` (repeatable; repeated names are kept).
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// A body, as text.
    #[arg(short = 'd', long = "data", conflicts_with = "data_binary")]
    data: Option<String>,
    /// A body, as bytes; `@FILE` reads a file.
    #[arg(long = "data-binary")]
    data_binary: Option<String>,
    /// The service (inferred from the host when absent).
    #[arg(long)]
    service: Option<String>,
    /// The region (inferred from the host when absent).
    #[arg(long)]
    region: Option<String>,
    /// Sign the body as UNSIGNED-PAYLOAD.
    #[arg(long)]
    unsigned_payload: bool,
    /// Sign with SigV4A (AWS4-ECDSA-P256-SHA256), as S3 Multi-Region Access Points need.
    #[arg(long)]
    sigv4a: bool,
    /// The SigV4A region set: `us-east-1,eu-west-1`, `us-*`, `*` (implies --sigv4a;
    /// default `*`).
    #[arg(long, value_name = "SET")]
    region_set: Option<String>,
}

#[derive(Args, Debug)]
struct RequestArgs {
    #[command(flatten)]
    request: RequestFlags,
    /// Upload FILE, streamed.
    #[arg(short = 'T', long = "upload-file", conflicts_with_all = ["data", "data_binary"])]
    upload_file: Option<String>,
    /// Write the response body to FILE.
    #[arg(short = 'o', long = "output")]
    output: Option<String>,
    /// Print the response status and headers.
    #[arg(short = 'i', long = "include")]
    include: bool,
    /// Exit non-zero (22) on HTTP >= 400.
    #[arg(short = 'f', long = "fail")]
    fail: bool,
    /// Print the request, the canonical request and string to sign (secrets redacted).
    #[arg(short = 'v', long = "verbose")]
    verbose: bool,
    /// Send the body aws-chunked (S3 streaming upload): every chunk signed.
    #[arg(long)]
    aws_chunked: bool,
    /// Send the body aws-chunked with this checksum in a trailer (signed, or unsigned with
    /// --unsigned-payload).
    #[arg(long, value_enum)]
    checksum: Option<ChecksumArg>,
    /// The aws-chunked chunk size in bytes (at least 8192; default 65536).
    #[arg(long)]
    chunk_size: Option<usize>,
    /// No progress bars (they show on a terminal for transfers over 4 MiB).
    #[arg(short = 's', long = "silent")]
    silent: bool,
    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long)]
    profile: Option<String>,
}

/// A checksum sent as an aws-chunked trailer.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
enum ChecksumArg {
    /// x-amz-checksum-crc32
    Crc32,
    /// x-amz-checksum-crc32c
    Crc32c,
    /// x-amz-checksum-sha256
    Sha256,
}

#[derive(Args, Debug)]
struct PresignArgs {
    /// The URL.
    url: String,
    /// Seconds the URL is valid (1..=604800).
    #[arg(long, default_value_t = 3600)]
    expires: u64,
    /// The method.
    #[arg(short = 'X', long = "request", default_value = "GET")]
    method: String,
    /// A header the URL must be sent with, `Name: value`.
    #[arg(short = 'H', long = "header")]
    headers: Vec<String>,
    /// The service (inferred from the host when absent).
    #[arg(long)]
    service: Option<String>,
    /// The region (inferred from the host when absent).
    #[arg(long)]
    region: Option<String>,
    /// Sign with SigV4A (AWS4-ECDSA-P256-SHA256), as S3 Multi-Region Access Points need.
    #[arg(long)]
    sigv4a: bool,
    /// The SigV4A region set: `us-east-1,eu-west-1`, `us-*`, `*` (implies --sigv4a;
    /// default `*`).
    #[arg(long, value_name = "SET")]
    region_set: Option<String>,
    /// A profile of ~/.aws/credentials and ~/.aws/config.
    #[arg(long)]
    profile: Option<String>,
}

#[derive(Args, Debug)]
struct SignArgs {
    #[command(flatten)]
    request: RequestFlags,
    /// The signing time, YYYYMMDDTHHMMSSZ (default: now).
    #[arg(long)]
    date: Option<String>,
    /// Sign in the query (a presigned URL) instead of headers.
    #[arg(long)]
    presign: bool,
    /// Seconds a presigned URL is valid.
    #[arg(long, default_value_t = 3600)]
    expires: u32,
    /// Print JSON: canonical_request, string_to_sign, signature, headers, url.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Request(args) => request(&args),
        Command::Presign(args) => presign(&args).map(|()| ExitCode::SUCCESS),
        Command::Sign(args) => sign(&args).map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => serve::serve(&args).map(|()| ExitCode::SUCCESS),
        Command::Demo => serve::demo(),
    };
    result.unwrap_or_else(|e| {
        eprintln!("sigv4: {e}");
        ExitCode::from(2)
    })
}

type Result<T> = std::result::Result<T, String>;

/// `Name: value` headers.
fn parse_headers(raw: &[String]) -> Result<Vec<(String, String)>> {
    raw.iter()
        .map(|h| {
            let (n, v) = h
                .split_once(':')
                .ok_or_else(|| format!("header {h:?} is not `Name: value`"))?;
            let name = n.trim();
            if name.is_empty() || name.bytes().any(|b| b.is_ascii_whitespace()) {
                return Err(format!("header {h:?} has no valid name"));
            }
            Ok((name.to_string(), v.trim().to_string()))
        })
        .collect()
}

/// The URL, method and `-H` headers as `http` values, each error naming its input.
fn target(
    url: &str,
    method: &str,
    raw: &[String],
) -> Result<(http::Uri, http::Method, http::HeaderMap)> {
    let uri: http::Uri = url.parse().map_err(|e| format!("URL {url:?}: {e}"))?;
    let method: http::Method = method
        .parse()
        .map_err(|_| format!("method {method:?} is not valid"))?;
    let mut headers = http::HeaderMap::new();
    for (n, v) in parse_headers(raw)? {
        let name =
            http::HeaderName::try_from(n.as_str()).map_err(|e| format!("header {n:?}: {e}"))?;
        let value =
            http::HeaderValue::try_from(v.as_str()).map_err(|e| format!("header {n:?}: {e}"))?;
        headers.append(name, value);
    }
    Ok((uri, method, headers))
}

/// The service and region: as given, else inferred from the URL's host.
fn scope(url: &str, service: Option<&str>, region: Option<&str>) -> Result<(String, String)> {
    if let (Some(s), Some(r)) = (service, region) {
        return Ok((s.to_string(), r.to_string()));
    }
    let uri: http::Uri = url.parse().map_err(|e| format!("URL {url:?}: {e}"))?;
    let host = uri
        .host()
        .ok_or_else(|| format!("URL {url:?} has no host"))?;
    let (s, r) = infer::infer(host)?;
    Ok((
        service.map_or(s, str::to_string),
        region.map_or(r, str::to_string),
    ))
}

fn body_of(flags: &RequestFlags) -> Result<Vec<u8>> {
    match (&flags.data, &flags.data_binary) {
        (Some(d), _) => Ok(d.clone().into_bytes()),
        (None, Some(b)) => match b.strip_prefix('@') {
            Some(path) => std::fs::read(path).map_err(|e| format!("--data-binary {path}: {e}")),
            None => Ok(b.clone().into_bytes()),
        },
        (None, None) => Ok(Vec::new()),
    }
}

fn signer(service: &str, region: &str, profile: Option<&str>, region_set: Option<&str>) -> Signer {
    let builder = Signer::builder(service, region);
    let builder = match region_set {
        Some(set) => builder.sigv4a(set),
        None => builder,
    };
    match profile {
        Some(p) => builder
            .credentials(ProfileProvider::new().profile(p))
            .build(),
        None => builder.credentials(ChainProvider::default_chain()).build(),
    }
}

/// The SigV4A region set the flags ask for: `--region-set`, or `*` with `--sigv4a`.
fn region_set(sigv4a: bool, set: Option<&str>) -> Option<&str> {
    set.or(sigv4a.then_some("*"))
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

fn request(args: &RequestArgs) -> Result<ExitCode> {
    let flags = &args.request;
    let (service, region) = scope(
        &flags.url,
        flags.service.as_deref(),
        flags.region.as_deref(),
    )?;
    let set = region_set(flags.sigv4a, flags.region_set.as_deref());
    let signer = signer(&service, &region, args.profile.as_deref(), set);
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
    // Shared, not copied, with the reader that sends it: a 403 is explained from it.
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
    // Our texts, rendered only when shown: with -v, or to explain a 403.
    let ours = || explain(&signer, &method, &uri, &headers, streamed, &body);
    if args.verbose {
        eprintln!("> {method} {uri}");
        for (n, v) in &headers {
            let shown = if n == "x-amz-security-token" {
                "<redacted>"
            } else {
                v.to_str().unwrap_or("<binary>")
            };
            eprintln!("> {n}: {shown}");
        }
        if let Ok((creq, sts)) = ours() {
            eprintln!("* canonical request:\n{creq}\n* string to sign:\n{sts}");
        }
    }
    let mut req = http::Request::builder()
        .method(method.clone())
        .uri(uri.clone());
    for (n, v) in &headers {
        req = req.header(n, v);
    }
    let carries_body = matches!(flags.method.as_str(), "PUT" | "POST" | "PATCH");
    let bars = progress::wanted(args.silent);
    let send_body = match (upload, encoder) {
        (Some((file, len)), encoder) => {
            let file = progress::Progress::new("upload", Some(len), bars).reader(file);
            match encoder {
                Some(e) => ureq::SendBody::from_owned_reader(AwsChunkedReader::new(file, e)),
                None => ureq::SendBody::from_owned_reader(file),
            }
        }
        // The encoded length is in the headers already.
        (None, Some(e)) => ureq::SendBody::from_owned_reader(AwsChunkedReader::new(
            std::io::Cursor::new(body.clone()),
            e,
        )),
        (None, None) if body.is_empty() && !carries_body => ureq::SendBody::none(),
        (None, None) => {
            // In memory: the length is known, send it (S3 refuses chunked bodies).
            req = req.header(http::header::CONTENT_LENGTH, body.len());
            ureq::SendBody::from_owned_reader(std::io::Cursor::new(body.clone()))
        }
    };
    let req = req.body(send_body).map_err(|e| e.to_string())?;
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let mut resp = agent.run(req).map_err(|e| format!("{}: {e}", flags.url))?;
    let status = resp.status();
    if args.include || args.verbose {
        let mut out: Box<dyn Write> = if args.verbose {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
        let _ = writeln!(out, "{:?} {status}", resp.version());
        for (n, v) in resp.headers() {
            let _ = writeln!(out, "{n}: {}", v.to_str().unwrap_or("<binary>"));
        }
        let _ = writeln!(out);
    }
    let length = resp
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let mut reader = resp.body_mut().as_reader();
    if status == 403 {
        // Small, and needed whole: the server's texts to explain the refusal.
        let mut text = Vec::new();
        reader
            .read_to_end(&mut text)
            .map_err(|e| format!("{}: {e}", flags.url))?;
        match &args.output {
            Some(path) => std::fs::write(path, &text).map_err(|e| format!("-o {path}: {e}"))?,
            None => std::io::stdout()
                .write_all(&text)
                .map_err(|e| e.to_string())?,
        }
        if let Some(theirs) = server_texts(&String::from_utf8_lossy(&text)) {
            if let Ok(ours) = ours() {
                eprint!("{}", diff(&ours, &theirs));
            }
        }
    } else {
        match &args.output {
            Some(path) => {
                let mut file =
                    std::fs::File::create(path).map_err(|e| format!("-o {path}: {e}"))?;
                let bar = progress::Progress::new("download", length, bars);
                progress::copy(&mut reader, &mut file, bar)
                    .map_err(|e| format!("-o {path}: {e}"))?;
            }
            None => {
                let stdout = std::io::stdout();
                // A bar beside a body printed on the same terminal would garble both.
                let bar =
                    progress::Progress::new("download", length, bars && !stdout.is_terminal());
                progress::copy(&mut reader, &mut stdout.lock(), bar)
                    .map_err(|e| format!("{}: {e}", flags.url))?;
            }
        }
    }
    Ok(if args.fail && status.as_u16() >= 400 {
        ExitCode::from(22)
    } else {
        ExitCode::SUCCESS
    })
}

/// Our canonical request and string to sign, as signed (the headers carry x-amz-date).
fn explain(
    signer: &Signer,
    method: &http::Method,
    uri: &http::Uri,
    headers: &http::HeaderMap,
    streamed: bool,
    body: &[u8],
) -> std::result::Result<(String, String), sigv4::Error> {
    let views = sigv4::http::views(headers);
    let kind = if streamed {
        sigv4::http::Body::Stream
    } else {
        sigv4::http::Body::Bytes(body)
    };
    let payload = signer.payload_for(headers, kind)?;
    let view = sigv4::http::view(method, uri, &views, payload)?;
    signer.explain(&view, None)
}

/// The `CanonicalRequest` and `StringToSign` of an S3-style `SignatureDoesNotMatch` body.
fn server_texts(body: &str) -> Option<(String, String)> {
    if !body.contains("<Code>SignatureDoesNotMatch</Code>") {
        return None;
    }
    let element = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = start + body[start..].find(&format!("</{name}>"))?;
        Some(unescape(&body[start..end]))
    };
    Some((element("CanonicalRequest")?, element("StringToSign")?))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A line-by-line comparison of our texts with the server's.
fn diff(ours: &(String, String), theirs: &(String, String)) -> String {
    if ours == theirs {
        return String::from(
            "\n* SignatureDoesNotMatch, yet the server's canonical request and string to sign are \
             ours: the signing key differs (the secret, or the region, service or date)\n",
        );
    }
    let mut out = String::from("\n* SignatureDoesNotMatch: ours (-) against the server's (+)\n");
    for (what, a, b) in [
        ("canonical request", &ours.0, &theirs.0),
        ("string to sign", &ours.1, &theirs.1),
    ] {
        out.push_str(&format!("* {what}:\n"));
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        for (mark, line) in line_diff(&la, &lb) {
            out.push_str(&format!("{mark} {line}\n"));
        }
    }
    out
}

/// The lines of `a` and `b` marked ' ' (both), '-' (only `a`) or '+' (only `b`), in order,
/// by a longest common subsequence: a missing or extra line shifts nothing else.
fn line_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<(char, &'a str)> {
    // common[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if j == b.len() || (i < a.len() && common[i + 1][j] >= common[i][j + 1]) {
            out.push(('-', a[i]));
            i += 1;
        } else {
            out.push(('+', b[j]));
            j += 1;
        }
    }
    out
}

fn presign(args: &PresignArgs) -> Result<()> {
    let (service, region) = scope(&args.url, args.service.as_deref(), args.region.as_deref())?;
    let set = region_set(args.sigv4a, args.region_set.as_deref());
    let signer = signer(&service, &region, args.profile.as_deref(), set);
    let (uri, method, headers) = target(&args.url, &args.method, &args.headers)?;
    let url = signer
        .presign_http(&method, &uri, &headers, Duration::from_secs(args.expires))
        .map_err(|e| e.to_string())?;
    println!("{url}");
    Ok(())
}

fn sign(args: &SignArgs) -> Result<()> {
    let flags = &args.request;
    let (service, region) = scope(
        &flags.url,
        flags.service.as_deref(),
        flags.region.as_deref(),
    )?;
    let raw = parse_headers(&flags.headers)?;
    let creds = EnvironmentProvider::new().provide().map_err(|e| {
        format!("{e} (sigv4 sign reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)")
    })?;
    let time = match &args.date {
        Some(d) => Timestamp::parse_amz_date(d).map_err(|e| format!("--date {d:?}: {e}"))?,
        None => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_err(|e| e.to_string())?;
            Timestamp::from_unix(i64::try_from(now.as_secs()).map_err(|e| e.to_string())?)
                .map_err(|e| e.to_string())?
        }
    };
    let clock = sigv4::ManualClock::new(
        std::time::UNIX_EPOCH + Duration::from_secs(time.unix().unsigned_abs()),
    );
    let builder = Signer::builder(&service, &region)
        .credentials(creds)
        .clock(std::sync::Arc::new(clock));
    let signer = match region_set(flags.sigv4a, flags.region_set.as_deref()) {
        Some(set) => builder.sigv4a(set),
        None => builder,
    }
    .build();
    let headers: Vec<Header<'_>> = raw.iter().map(|(n, v)| Header::new(n, v)).collect();
    let body = body_of(flags)?;
    let payload = if flags.unsigned_payload || (args.presign && service == "s3") {
        Payload::Unsigned
    } else {
        Payload::Bytes(&body)
    };
    let req = sigv4_core::Request::from_url(&flags.method, &flags.url, &headers, payload)
        .map_err(|e| format!("{}: {e}", flags.url))?;
    let expires = args
        .presign
        .then(|| Duration::from_secs(u64::from(args.expires)));
    let (creq, sts) = signer
        .explain_unredacted(&req, expires)
        .map_err(|e| e.to_string())?;
    let mut out = serde_json::Map::new();
    let (signature, added, url) = match expires {
        Some(expires) => {
            let p = signer.presign(&req, expires).map_err(|e| e.to_string())?;
            (
                p.signature().to_string(),
                serde_json::Map::new(),
                Some(p.url().to_string()),
            )
        }
        None => {
            let s = signer.sign(&req).map_err(|e| e.to_string())?;
            let added = s
                .iter()
                .map(|(n, v)| (n.to_string(), serde_json::Value::from(v)))
                .collect();
            (s.signature().to_string(), added, None)
        }
    };
    if args.json {
        out.insert("canonical_request".into(), creq.into());
        out.insert("string_to_sign".into(), sts.into());
        out.insert("signature".into(), signature.into());
        out.insert("headers".into(), added.into());
        if let Some(u) = url {
            out.insert("url".into(), u.into());
        }
        println!("{}", serde_json::Value::Object(out));
    } else {
        println!("# canonical request\n{creq}\n\n# string to sign\n{sts}\n");
        match url {
            Some(u) => println!("# presigned URL\n{u}"),
            None => {
                println!("# headers");
                for (n, v) in added {
                    println!("{n}: {}", v.as_str().unwrap_or_default());
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::line_diff;

    fn render(a: &str, b: &str) -> String {
        let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        line_diff(&la, &lb)
            .into_iter()
            .map(|(m, l)| format!("{m}{l}\n"))
            .collect()
    }

    #[test]
    fn a_missing_or_changed_line_shifts_nothing_else() {
        assert_eq!(render("a\nb\nc", "a\nb\nc"), " a\n b\n c\n");
        assert_eq!(render("a\nb\nc\nd", "a\nc\nd"), " a\n-b\n c\n d\n");
        assert_eq!(render("a\nc", "a\nb\nc"), " a\n+b\n c\n");
        assert_eq!(render("a\nb\nc", "a\nB\nc"), " a\n-b\n+B\n c\n");
        assert_eq!(render("", "x"), "+x\n");
        assert_eq!(render("x", ""), "-x\n");
    }
}
