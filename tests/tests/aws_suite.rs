//! The AWS SigV4 signing test suite (aws-c-auth, as packaged in aws-sigv4 1.6.4; see
//! `vectors/aws-signing-test-suite/NOTICE`): for every case, in headers and in the query,
//! the canonical request, the string to sign and the signature must equal the suite's byte
//! for byte, and the signed request must carry the suite's authentication values.
#![allow(clippy::unwrap_used, reason = "tests")]

use sigv4_core::{
    canonical_request, presign, sign, string_to_sign, Location, PathMode, Payload, Request,
    SigningParams,
};
use sigv4_tests::{suite_file, suite_request, OwnedRequest, SuiteContext};
use std::collections::BTreeMap;

/// Loads a case, checks its canonical request and string to sign for `prefix`
/// (`header` or `query`), and hands the request and parameters to `f` for the rest.
fn with_case(
    case: &str,
    prefix: &str,
    f: impl FnOnce(&Request<'_>, &SigningParams<'_>, &SuiteContext),
) {
    let ctx = SuiteContext::load(case);
    let key = ctx.key();
    let params = ctx.params(&key);
    let owned = suite_request(case);
    let headers = owned.header_views();
    let req = owned.view(&headers, Payload::Bytes(&owned.body));
    let location = match prefix {
        "header" => Location::Headers,
        _ => Location::Query {
            expires_in: ctx.expires,
        },
    };
    let mut creq = String::new();
    canonical_request(&req, &params, location, &mut creq).unwrap();
    let expected = suite_file(case, &format!("{prefix}-canonical-request.txt"));
    assert_eq!(creq, expected, "canonical request");
    let mut sts = String::new();
    string_to_sign(&req, &params, location, &mut sts).unwrap();
    let expected = suite_file(case, &format!("{prefix}-string-to-sign.txt"));
    assert_eq!(sts, expected, "string to sign");
    f(&req, &params, &ctx);
}

fn check_header_case(case: &str) {
    with_case(case, "header", |req, params, _| {
        let signed = sign(req, params).unwrap();
        let expected = suite_file(case, "header-signature.txt");
        assert_eq!(signed.signature(), expected, "signature");

        // The suite's signed request carries exactly the values we add.
        let expected = OwnedRequest::parse_http(&suite_file(case, "header-signed-request.txt"));
        let find = |name: &str| {
            expected
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| String::from_utf8(v.clone()).unwrap())
        };
        for (name, value) in signed.headers() {
            assert_eq!(find(name).as_deref(), Some(value), "header {name}");
        }
    });
}

fn query_map(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|p| p.starts_with("X-Amz-"))
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn check_query_case(case: &str) {
    with_case(case, "query", |req, params, ctx| {
        let query = presign(req, params, ctx.expires).unwrap();
        let expected = suite_file(case, "query-signature.txt");
        assert_eq!(query.signature(), expected, "signature");

        // The suite's presigned request carries exactly the parameters we add.
        let expected = OwnedRequest::parse_http(&suite_file(case, "query-signed-request.txt"));
        assert_eq!(
            query_map(&query.to_string()),
            query_map(&expected.query),
            "query"
        );
        let mut buf = vec![0u8; query.encoded_len()];
        assert_eq!(query.write_to(&mut buf), Ok(buf.len()));
        assert_eq!(String::from_utf8(buf).unwrap(), query.to_string());
    });
}

macro_rules! suite {
    ($($name:ident => $case:literal,)*) => {
        $(
            mod $name {
                #[test]
                fn header() {
                    super::check_header_case($case);
                }
                #[test]
                fn query() {
                    super::check_query_case($case);
                }
            }
        )*

        #[test]
        fn every_case_with_a_context_is_listed() {
            assert_eq!(sigv4_tests::suite_case_names(), [$($case),*]);
        }
    };
}

suite! {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
}

/// `get-space-normalized` as this copy ships it (`/example%20space/`, see
/// `sigv4_tests::suite_request`): the path as sent, encoded once, is S3's rule, and under it
/// the rewritten input gives the suite's expected output.
#[test]
fn get_space_normalized_as_shipped_signs_under_s3_rules() {
    let case = "get-space-normalized";
    let ctx = SuiteContext::load(case);
    let key = ctx.key();
    let mut params = ctx.params(&key);
    params.settings.path_mode = PathMode::S3;
    let owned = OwnedRequest::parse_http(&suite_file(case, "request.txt"));
    assert_eq!(owned.path, "/example%20space/");
    let headers = owned.header_views();
    let req = owned.view(&headers, Payload::Bytes(&owned.body));
    let signed = sign(&req, &params).unwrap();
    assert_eq!(signed.signature(), suite_file(case, "header-signature.txt"));
}

/// The two older aws-sigv4 cases: paths with reserved characters, encoded twice. They carry
/// no context: the scope and time are the ones their expected output shows.
fn legacy_canonical(
    case: &str,
    drop_date_header: bool,
    ak: &str,
    scope: (&str, &str),
) -> (String, String, String) {
    let owned = OwnedRequest::parse_http(&suite_file(case, "request.txt"));
    let headers: Vec<_> = owned
        .header_views()
        .into_iter()
        .filter(|h| !(drop_date_header && h.name.eq_ignore_ascii_case("x-amz-date")))
        .collect();
    let req = owned.view(&headers, Payload::Bytes(b""));
    let time = sigv4_core::Timestamp::parse_amz_date("20210511T154045Z").unwrap();
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    let key = sigv4_core::SigningKey::derive(secret, time, scope.0, scope.1).unwrap();
    let params = sigv4_core::SigningParams {
        access_key_id: ak,
        session_token: None,
        key: &key,
        time,
        settings: sigv4_core::Settings::service(),
    };
    let mut creq = String::new();
    canonical_request(&req, &params, Location::Headers, &mut creq).unwrap();
    let mut sts = String::new();
    string_to_sign(&req, &params, Location::Headers, &mut sts).unwrap();
    let signature = sign(&req, &params).unwrap().signature().to_string();
    (creq, sts, signature)
}

#[test]
fn double_url_encode() {
    let case = "double-url-encode";
    let (creq, sts, signature) =
        legacy_canonical(case, false, "AKIDEXAMPLE", ("us-east-2", "lambda"));
    assert_eq!(creq, suite_file(case, "header-canonical-request.txt"));
    assert_eq!(sts, suite_file(case, "header-string-to-sign.txt"));
    let signed_request = suite_file(case, "header-signed-request.txt");
    let expected = signed_request
        .rsplit("Signature=")
        .next()
        .unwrap()
        .lines()
        .next()
        .unwrap();
    assert_eq!(signature, expected);
}

#[test]
fn double_encode_path() {
    // Only the canonical request is published (the secret is not); its date is not the
    // request file's, so the file's x-amz-date header is left out.
    let case = "double-encode-path";
    let (creq, _, _) = legacy_canonical(case, true, "ANOTREAL", ("us-east-1", "service"));
    assert_eq!(creq, suite_file(case, "header-canonical-request.txt"));
}
