//! The `sigv4` command: argument parsing and dispatch; each subcommand lives in its own
//! module.

mod common;
mod demo;
mod explain;
mod infer;
mod presign;
mod presign_post;
mod progress;
mod request;
mod serve;
mod sign;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
    Request(request::RequestArgs),
    /// Print a presigned URL.
    #[command(
        after_help = "Example:\n  sigv4 presign https://my-bucket.s3.amazonaws.com/report.pdf --expires 600"
    )]
    Presign(presign::PresignArgs),
    /// Print the fields of an HTML form that uploads straight to a bucket (an S3 POST
    /// policy), as JSON or, with --html, a ready page.
    #[command(
        name = "presign-post",
        after_help = "Examples:\n  sigv4 presign-post https://my-bucket.s3.amazonaws.com/ --key-prefix uploads/ --max-size 10485760\n  sigv4 presign-post https://my-bucket.s3.amazonaws.com/ --key-prefix avatars/ --max-size 1048576 --content-type image/png --html > upload.html"
    )]
    PresignPost(presign_post::PresignPostArgs),
    /// Sign without sending, deterministically (credentials from AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
    #[command(
        after_help = "Example:\n  AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY \\\n    sigv4 sign --date 20150830T123600Z --json --service service --region us-east-1 https://example.amazonaws.com/"
    )]
    Sign(sign::SignArgs),
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Request(args) => request::request(&args),
        Command::Presign(args) => presign::presign(&args).map(|()| ExitCode::SUCCESS),
        Command::PresignPost(args) => presign_post::presign_post(&args).map(|()| ExitCode::SUCCESS),
        Command::Sign(args) => sign::sign(&args).map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => serve::serve(&args).map(|()| ExitCode::SUCCESS),
        Command::Demo => demo::demo(),
    };
    result.unwrap_or_else(|e| {
        eprintln!("sigv4: {e}");
        ExitCode::from(2)
    })
}

/// A subcommand's failure, as the message printed.
type Result<T> = std::result::Result<T, String>;
