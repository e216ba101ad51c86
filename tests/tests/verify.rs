//! Verification: every AWS suite case and every botocore case verifies as received; signing
//! then verifying random requests succeeds and any tampered byte fails; each rejection has
//! its own error.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use sigv4_core::{
    presign, sign, verify, verify_explained, Error, Header, Payload, Request, Scope, Settings,
    SigningKey, SigningParams, Timestamp, VerifiedPayload, VerifyPolicy,
};
use sigv4_tests::{flip_last_digit, suite_case_names, suite_file, OwnedRequest, SuiteContext};

fn lookup<'s>(
    ak: &'s str,
    secret: &'s str,
) -> impl FnOnce(&str, &Scope) -> Option<SigningKey> + 's {
    move |id, scope| {
        let time = Timestamp::parse_amz_date(&format!("{}T000000Z", scope.date())).unwrap();
        (id == ak)
            .then(|| SigningKey::derive(secret, time, scope.region(), scope.service()).unwrap())
    }
}

/// The suite's own signed request, as a server receives it (the request line of
/// `get-space-normalized` as upstream has it: see `sigv4_tests::suite_request`).
fn received(case: &str, file: &str) -> OwnedRequest {
    let mut req = OwnedRequest::parse_http(&suite_file(case, file));
    if case == "get-space-normalized" {
        req.path = "/example space/".into();
    }
    req
}

#[test]
fn every_suite_case_verifies_in_both_forms() {
    let names = suite_case_names();
    assert_eq!(names.len(), 38);
    for case in names {
        let ctx = SuiteContext::load(&case);
        for file in ["header-signed-request.txt", "query-signed-request.txt"] {
            let owned = received(&case, file);
            let headers = owned.header_views();
            let req = owned.view(&headers, Payload::Bytes(&owned.body));
            let mut policy = VerifyPolicy::new(&ctx.region, &ctx.service, ctx.time);
            policy.path_mode = ctx.settings().path_mode;
            policy.allow_unsigned_security_token = ctx.omit_session_token;
            let verified = verify(&req, &policy, lookup(&ctx.access_key_id, &ctx.secret))
                .unwrap_or_else(|e| panic!("{case} {file}: {e}"));
            assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
            assert_eq!(
                verified.scope().as_str(),
                "20150830/us-east-1/service/aws4_request"
            );
            assert_eq!(
                verified.payload(),
                VerifiedPayload::Checked,
                "{case} {file}"
            );
        }
    }
}

/// Every botocore case, rebuilt as the server receives it (botocore's headers added, or its
/// presigned URL), verifies.
#[test]
fn every_botocore_case_verifies() {
    let path = sigv4_tests::botocore_cases(env!("CARGO_TARGET_TMPDIR"), "verify");
    let text = std::fs::read_to_string(path).unwrap();
    let mut count = 0;
    for line in text.lines() {
        let case: serde_json::Value = serde_json::from_str(line).unwrap();
        let s = |k: &str| case[k].as_str().unwrap().to_string();
        let expected = &case["expected"];
        let query_auth = s("class").contains("Query");
        let mut headers: Vec<(String, String)> =
            serde_json::from_value(case["headers"].clone()).unwrap();
        let url = if query_auth {
            expected["url"].as_str().unwrap().to_string()
        } else {
            for (n, v) in expected["headers"].as_object().unwrap() {
                headers.push((n.clone(), v.as_str().unwrap().to_string()));
            }
            s("url")
        };
        let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let body = hex::decode(s("body_hex")).unwrap();
        let method = s("method");
        let req = Request::from_url(&method, &url, &views, Payload::Bytes(&body)).unwrap();
        let time = Timestamp::from_unix(case["seconds"].as_i64().unwrap()).unwrap();
        let (region, service) = (s("region"), s("service"));
        let mut policy = VerifyPolicy::new(&region, &service, time);
        policy.allow_unsigned_payload = true;
        let (ak, secret) = (s("access_key_id"), s("secret"));
        verify(&req, &policy, lookup(&ak, &secret))
            .unwrap_or_else(|e| panic!("case {}: {e}: {url}", case["id"]));
        count += 1;
    }
    assert!(count >= sigv4_tests::MIN_BOTOCORE_CASES);
}

/// A small deterministic generator, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap()
    }
    fn text(&mut self, alphabet: &[u8], max: usize) -> String {
        let n = 1 + self.below(max);
        (0..n)
            .map(|_| char::from(alphabet[self.below(alphabet.len())]))
            .collect()
    }
}

const SAFE: &[u8] = b"abcdefghijXYZ0189-._~";

/// One random request, signed in headers or presigned, as received.
struct Case {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    s3: bool,
    time: Timestamp,
}

impl Case {
    fn random(rng: &mut Rng) -> Self {
        let s3 = rng.below(2) == 0;
        let segments: Vec<String> = (0..1 + rng.below(3)).map(|_| rng.text(SAFE, 6)).collect();
        let query: Vec<String> = (0..rng.below(4))
            .map(|_| format!("{}={}", rng.text(SAFE, 5), rng.text(SAFE, 5)))
            .collect();
        let mut headers: Vec<(String, String)> = Vec::new();
        for i in 0..rng.below(3) {
            headers.push((format!("x-amz-meta-{i}"), rng.text(SAFE, 8)));
        }
        if rng.below(2) == 0 {
            headers.push(("content-type".to_string(), rng.text(SAFE, 8)));
        }
        Self {
            method: ["GET", "PUT", "POST", "DELETE"][rng.below(4)].into(),
            path: format!("/{}", segments.join("/")),
            query: query.join("&"),
            headers,
            body: rng.text(SAFE, 40).into_bytes(),
            s3,
            time: Timestamp::from_unix(
                1_600_000_000 + i64::try_from(rng.below(100_000_000)).unwrap(),
            )
            .unwrap(),
        }
    }

    fn service(&self) -> &'static str {
        if self.s3 {
            "s3"
        } else {
            "execute-api"
        }
    }

    /// Signs (in headers, or presigned when `presigned`) and returns the request as
    /// received: the headers and query it goes out with.
    fn signed(&self, presigned: bool) -> (Vec<(String, String)>, String) {
        let key = SigningKey::derive(SECRET, self.time, "eu-west-1", self.service()).unwrap();
        let views: Vec<Header<'_>> = self
            .headers
            .iter()
            .map(|(n, v)| Header::new(n, v))
            .collect();
        let payload = if presigned && self.s3 {
            Payload::Unsigned
        } else {
            Payload::Bytes(&self.body)
        };
        let req = self.request(&views, &self.query, payload);
        let params = SigningParams {
            access_key_id: AK,
            session_token: None,
            key: &key,
            time: self.time,
            settings: if self.s3 {
                Settings::s3()
            } else {
                Settings::service()
            },
        };
        let mut headers = self.headers.clone();
        headers.push(("host".into(), "api.example.com".into()));
        if presigned {
            let q = presign(&req, &params, 3600).unwrap().to_string();
            let query = if self.query.is_empty() {
                q
            } else {
                format!("{}&{q}", self.query)
            };
            (headers, query)
        } else {
            for (n, v) in sign(&req, &params).unwrap().headers() {
                headers.push((n.to_string(), v.to_string()));
            }
            (headers, self.query.clone())
        }
    }

    fn request<'a>(
        &'a self,
        headers: &'a [Header<'a>],
        query: &'a str,
        payload: Payload<'a>,
    ) -> Request<'a> {
        Request {
            method: &self.method,
            scheme: sigv4_core::Scheme::Https,
            authority: "api.example.com",
            path: &self.path,
            query,
            headers,
            payload,
        }
    }

    fn verify(
        &self,
        method: &str,
        path: &str,
        query: &str,
        headers: &[(String, String)],
        body: &[u8],
    ) -> Result<(), Error> {
        let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
        let req = Request {
            method,
            path,
            ..self.request(&views, query, Payload::Bytes(body))
        };
        let policy = VerifyPolicy::new("eu-west-1", self.service(), self.time);
        verify(&req, &policy, lookup(AK, SECRET)).map(|_| ())
    }
}

const AK: &str = "AKIDPROPERTY";
const SECRET: &str = "property/secret+KEY";

/// Flips one byte of `s` at a random position to another safe byte.
fn tamper(rng: &mut Rng, s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = rng.below(b.len());
    let mut c = SAFE[rng.below(SAFE.len())];
    if c == b[i] {
        c = if c == b'a' { b'b' } else { b'a' };
    }
    b[i] = c;
    String::from_utf8(b).unwrap()
}

#[test]
fn sign_then_verify_succeeds_and_any_tampered_byte_fails() {
    let mut rng = Rng(0x5eed_cafe_f00d);
    for round in 0..400 {
        let case = Case::random(&mut rng);
        let presigned = round % 2 == 1;
        let (headers, query) = case.signed(presigned);
        let body = case.body.clone();
        let ok = case.verify(&case.method, &case.path, &query, &headers, &body);
        assert_eq!(ok, Ok(()), "round {round}");

        let what = rng.below(8);
        let result = match what {
            0 => case.verify(
                &tamper(&mut rng, &case.method),
                &case.path,
                &query,
                &headers,
                &body,
            ),
            1 => case.verify(
                &case.method,
                &tamper(&mut rng, &case.path),
                &query,
                &headers,
                &body,
            ),
            2 if !query.is_empty() => case.verify(
                &case.method,
                &case.path,
                &tamper(&mut rng, &query),
                &headers,
                &body,
            ),
            3 | 4 => {
                // A signed header's name or value (all of ours are signed).
                // Not `host` by name: its value is also the request's authority, which
                // stands in for it when absent.
                let mut h = headers.clone();
                let i = rng.below(h.len());
                if what == 3 && h[i].0 != "host" {
                    let name = h[i].0.clone();
                    while h[i].0.eq_ignore_ascii_case(&name) {
                        h[i].0 = tamper(&mut rng, &name);
                    }
                } else {
                    h[i].1 = tamper(&mut rng, &h[i].1);
                }
                case.verify(&case.method, &case.path, &query, &h, &body)
            }
            5 if !(presigned && case.s3) => {
                // The body, when it is signed.
                let b = tamper(&mut rng, std::str::from_utf8(&body).unwrap());
                case.verify(&case.method, &case.path, &query, &headers, b.as_bytes())
            }
            _ => {
                // The date, the scope or the signature, wherever they travel.
                let target = ["X-Amz-Date", "X-Amz-Credential", "X-Amz-Signature"][rng.below(3)];
                let tampered_query;
                let mut h = headers.clone();
                if presigned {
                    let start = query.find(target).unwrap() + target.len() + 1;
                    let end = query[start..].find('&').map_or(query.len(), |e| start + e);
                    tampered_query = format!(
                        "{}{}{}",
                        &query[..start],
                        tamper(&mut rng, &query[start..end]),
                        &query[end..]
                    );
                } else {
                    tampered_query = query.clone();
                    let name = if target == "X-Amz-Date" {
                        "x-amz-date"
                    } else {
                        "authorization"
                    };
                    let entry = h.iter_mut().find(|(n, _)| n == name).unwrap();
                    entry.1 = if name == "authorization" {
                        let cut = if target == "X-Amz-Signature" {
                            entry.1.len() - 5
                        } else {
                            30
                        };
                        format!(
                            "{}{}{}",
                            &entry.1[..cut],
                            if &entry.1[cut..=cut] == "0" { "1" } else { "0" },
                            &entry.1[cut + 1..]
                        )
                    } else {
                        tamper(&mut rng, &entry.1)
                    };
                }
                case.verify(&case.method, &case.path, &tampered_query, &h, &body)
            }
        };
        let untouched = (what == 2 && query.is_empty()) || (what == 5 && presigned && case.s3);
        let tampered_something = !untouched;
        if tampered_something {
            assert!(
                result.is_err(),
                "round {round}: tampering {what} still verified"
            );
        }
    }
}

/// A GET of `https://api.example.com/x` with `views`, its body empty.
fn api_get<'a>(views: &'a [Header<'a>]) -> Request<'a> {
    Request::from_url(
        "GET",
        "https://api.example.com/x",
        views,
        Payload::Bytes(b""),
    )
    .unwrap()
}

/// Service rules, `AK` and no session token, with `key` at `t`.
fn params_at(key: &SigningKey, t: Timestamp) -> SigningParams<'_> {
    SigningParams {
        access_key_id: AK,
        session_token: None,
        key,
        time: t,
        settings: Settings::service(),
    }
}

fn vanilla_signed(time: &str, extra: &[(&str, &str)]) -> (Vec<(String, String)>, Timestamp) {
    try_vanilla_signed(time, extra).unwrap()
}

/// A GET of `https://api.example.com/x` with `extra` headers, signed at `time`: the headers
/// it is sent with.
fn try_vanilla_signed(
    time: &str,
    extra: &[(&str, &str)],
) -> Result<(Vec<(String, String)>, Timestamp), Error> {
    let t = Timestamp::parse_amz_date(time).unwrap();
    let key = SigningKey::derive(SECRET, t, "us-east-1", "execute-api").unwrap();
    let views: Vec<Header<'_>> = extra.iter().map(|(n, v)| Header::new(n, v)).collect();
    let req = api_get(&views);
    let params = params_at(&key, t);
    let mut headers: Vec<(String, String)> = extra
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.extend(
        sign(&req, &params)?
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string())),
    );
    Ok((headers, t))
}

fn check(
    headers: &[(String, String)],
    query: &str,
    now: Timestamp,
) -> Result<sigv4_core::Verified, Error> {
    let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let req = api_get(&views);
    let req = Request { query, ..req };
    verify(
        &req,
        &VerifyPolicy::new("us-east-1", "execute-api", now),
        lookup(AK, SECRET),
    )
}

fn later(t: Timestamp, secs: i64) -> Timestamp {
    Timestamp::from_unix(t.unix() + secs).unwrap()
}

/// `headers` with the `authorization` value changed by `change`.
fn with_authorization(
    headers: &[(String, String)],
    change: impl Fn(&mut String),
) -> Vec<(String, String)> {
    let mut out = headers.to_vec();
    for (n, v) in &mut out {
        if n == "authorization" {
            change(v);
        }
    }
    out
}

#[test]
fn each_rejection_has_its_own_error() {
    let (headers, t) = vanilla_signed("20240301T120000Z", &[]);
    assert!(check(&headers, "", t).is_ok());
    assert!(check(&headers, "", later(t, 900)).is_ok());
    assert_eq!(
        check(&headers, "", later(t, 901)).err(),
        Some(Error::RequestTimeTooSkewed)
    );
    assert_eq!(
        check(&headers, "", later(t, -901)).err(),
        Some(Error::RequestTimeTooSkewed)
    );
    assert_eq!(check(&[], "", t).err(), Some(Error::MissingAuthentication));

    let unknown = with_authorization(&headers, |v| *v = v.replace(AK, "AKIDUNKNOWN"));
    assert_eq!(check(&unknown, "", t).err(), Some(Error::UnknownAccessKey));

    let wrong_region =
        with_authorization(&headers, |v| *v = v.replace("/us-east-1/", "/eu-west-1/"));
    assert_eq!(
        check(&wrong_region, "", t).err(),
        Some(Error::ScopeMismatch)
    );

    let mut extra = headers.clone();
    extra.push(("x-amz-meta-sneaky".into(), "added later".into()));
    assert_eq!(check(&extra, "", t).err(), Some(Error::UnsignedHeader));

    let no_host = with_authorization(&headers, |v| {
        *v = v.replace("SignedHeaders=host;x-amz-date", "SignedHeaders=x-amz-date");
    });
    assert_eq!(check(&no_host, "", t).err(), Some(Error::UnsignedHeader));

    let malformed = with_authorization(&headers, |v| *v = v.replace(", Signature=", ", Sig="));
    assert_eq!(
        check(&malformed, "", t).err(),
        Some(Error::MalformedAuthorization)
    );

    let bad_sig = with_authorization(&headers, flip_last_digit);
    assert_eq!(check(&bad_sig, "", t).err(), Some(Error::SignatureMismatch));

    // A signed payload hash that is not the body's.
    let (hashed, t) = vanilla_signed(
        "20240301T120000Z",
        &[("x-amz-content-sha256", &"ab".repeat(32))],
    );
    assert_eq!(
        check(&hashed, "", t).err(),
        Some(Error::PayloadHashMismatch)
    );
}

/// `headers` with `name`'s value set by `set` (or the header dropped when it returns `None`).
fn with_header(
    headers: &[(String, String)],
    name: &str,
    set: impl Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    headers
        .iter()
        .filter_map(|(n, v)| {
            if n == name {
                set(v).map(|v| (n.clone(), v))
            } else {
                Some((n.clone(), v.clone()))
            }
        })
        .collect()
}

#[test]
fn header_faults_come_in_a_fixed_order_and_names_match_in_any_case() {
    let (headers, t) = vanilla_signed("20240301T120000Z", &[("x-custom", "v")]);
    assert!(check(&headers, "", t).is_ok());
    // Names in any case still match the signed list, values as sent.
    let shouted: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_ascii_uppercase(), v.clone()))
        .collect();
    assert!(check(&shouted, "", t).is_ok());

    let missing = with_header(&headers, "x-custom", |_| None);
    assert_eq!(
        check(&missing, "", t).err(),
        Some(Error::MissingSignedHeader)
    );
    // Before the key is looked up.
    let unknown = with_authorization(&missing, |v| *v = v.replace(AK, "AKIDUNKNOWN"));
    assert_eq!(
        check(&unknown, "", t).err(),
        Some(Error::MissingSignedHeader)
    );
    // A malformed signed value, likewise.
    let control = with_header(&headers, "x-custom", |_| Some("a\u{1}b".into()));
    let control = with_authorization(&control, |v| *v = v.replace(AK, "AKIDUNKNOWN"));
    assert_eq!(check(&control, "", t).err(), Some(Error::HeaderValue));
    // An unsigned x-amz-* header first, wherever it sorts.
    let mut both = missing.clone();
    both.push(("x-amz-zzz".into(), "added later".into()));
    assert_eq!(check(&both, "", t).err(), Some(Error::UnsignedHeader));
    let mut both = missing;
    both.push(("X-Amz-Aaa".into(), "added later".into()));
    assert_eq!(check(&both, "", t).err(), Some(Error::UnsignedHeader));
}

/// A GET of `https://api.example.com/x` presigned for 60 s at 2024-03-01 12:00:00: the
/// query and the time.
fn presigned_get_60s() -> (String, Timestamp) {
    let t = Timestamp::parse_amz_date("20240301T120000Z").unwrap();
    let key = SigningKey::derive(SECRET, t, "us-east-1", "execute-api").unwrap();
    let req = api_get(&[]);
    let params = params_at(&key, t);
    let query = presign(&req, &params, 60).unwrap().to_string();
    (query, t)
}

#[test]
fn presigned_expiry_and_range() {
    let (query, t) = presigned_get_60s();
    assert!(check(&[], &query, later(t, 60)).is_ok());
    assert_eq!(
        check(&[], &query, later(t, 61)).err(),
        Some(Error::RequestExpired)
    );
    assert_eq!(
        check(&[], &query, later(t, -901)).err(),
        Some(Error::RequestExpired)
    );
    for bad in ["0", "604801", "-1", "x"] {
        let q = query.replace("X-Amz-Expires=60", &format!("X-Amz-Expires={bad}"));
        let want = if bad == "0" || bad == "604801" {
            Error::Expires
        } else {
            Error::MalformedAuthorization
        };
        assert_eq!(check(&[], &q, t).err(), Some(want), "{bad}");
    }
}

#[test]
fn a_mismatch_explains_what_the_server_computed() {
    let (headers, t) = vanilla_signed("20240301T120000Z", &[]);
    let headers = with_authorization(&headers, flip_last_digit);
    let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let req = api_get(&views);
    let (mut creq, mut sts) = (String::new(), String::new());
    let policy = VerifyPolicy::new("us-east-1", "execute-api", t);
    let e = verify_explained(&req, &policy, lookup(AK, SECRET), &mut creq, &mut sts).unwrap_err();
    assert_eq!(e, Error::SignatureMismatch);
    assert_eq!(creq, "GET\n/x\n\nhost:api.example.com\nx-amz-date:20240301T120000Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert!(sts.starts_with(
        "AWS4-HMAC-SHA256\n20240301T120000Z\n20240301/us-east-1/execute-api/aws4_request\n"
    ));
    assert!(!creq.contains(SECRET) && !sts.contains(SECRET));
}

/// Requests a signer never sends but an attacker might: each is refused before any
/// signature is computed, with its own error, even when the signature itself is valid.
#[test]
fn ambiguous_requests_are_refused() {
    let (headers, t) = vanilla_signed("20240301T120000Z", &[]);
    assert!(check(&headers, "", t).is_ok());
    let auth = headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .unwrap()
        .1
        .clone();

    // Two Authorization headers, the valid one first or second.
    let forged = auth.replace(AK, "AKIDOTHER");
    let mut two = headers.clone();
    two.push(("Authorization".into(), forged.clone()));
    assert_eq!(
        check(&two, "", t).err(),
        Some(Error::DuplicateAuthorization)
    );
    let mut two = vec![("authorization".to_string(), forged)];
    two.extend(headers.iter().cloned());
    assert_eq!(
        check(&two, "", t).err(),
        Some(Error::DuplicateAuthorization)
    );

    // Header authentication with any presigned parameter in the query (any case).
    for param in [
        "X-Amz-Signature",
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-SignedHeaders",
        "X-Amz-Expires",
        "x-amz-signature",
        "X-Amz-%53ignature",
    ] {
        let q = format!("{param}=0000");
        assert_eq!(
            check(&headers, &q, t).err(),
            Some(Error::MixedAuthentication),
            "{param}"
        );
    }

    // A signed header list with a name twice, out of order, or not lower case.
    for list in [
        "host;host;x-amz-date",
        "x-amz-date;host",
        "Host;x-amz-date",
        "host;;x-amz-date",
    ] {
        let h = with_authorization(&headers, |v| *v = v.replace("host;x-amz-date", list));
        assert_eq!(
            check(&h, "", t).err(),
            Some(Error::SignedHeadersList),
            "{list}"
        );
    }

    // The right signature in upper case, or cut short.
    let upper = with_authorization(&headers, |v| {
        let at = v.find("Signature=").unwrap() + 10;
        *v = format!("{}{}", &v[..at], v[at..].to_ascii_uppercase());
    });
    assert_eq!(check(&upper, "", t).err(), Some(Error::SignatureFormat));
    let short = with_authorization(&headers, |v| {
        v.pop();
    });
    assert_eq!(check(&short, "", t).err(), Some(Error::SignatureFormat));

    // Host (or another header the verifier reads as one value) twice.
    for (name, value) in [
        ("Host", "evil.example.com"),
        ("x-amz-date", "20240301T120001Z"),
    ] {
        // The request as signed names `host` by its authority; on the wire, both copies.
        let mut h = headers.clone();
        h.push(("host".into(), "api.example.com".into()));
        assert!(check(&h, "", t).is_ok());
        h.push((name.into(), value.into()));
        let lower: &str = &name.to_ascii_lowercase();
        assert!(
            matches!(check(&h, "", t).err(), Some(Error::DuplicateHeader { name }) if name == lower),
            "{name}"
        );
    }
}

#[test]
fn presigned_requests_carry_one_mechanism_and_each_parameter_once() {
    let (query, t) = presigned_get_60s();
    assert!(check(&[], &query, t).is_ok());

    // An Authorization header beside the presigned query.
    let (headers, _) = vanilla_signed("20240301T120000Z", &[]);
    assert_eq!(
        check(&headers, &query, t).err(),
        Some(Error::MixedAuthentication)
    );

    // Any authentication parameter twice, even with the same value.
    for param in [
        "X-Amz-Signature",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Algorithm",
    ] {
        let start = query.find(&format!("{param}=")).unwrap();
        let end = query[start..].find('&').map_or(query.len(), |e| start + e);
        let q = format!("{query}&{}", &query[start..end]);
        assert_eq!(
            check(&[], &q, t).err(),
            Some(Error::DuplicateAuthParameter),
            "{param}"
        );
    }
    let q = format!("{query}&X-Amz-Security-Token=a&X-Amz-Security-Token=b");
    assert_eq!(check(&[], &q, t).err(), Some(Error::DuplicateAuthParameter));

    // The signature in upper case.
    let at = query.find("X-Amz-Signature=").unwrap() + 16;
    let q = format!("{}{}", &query[..at], query[at..].to_ascii_uppercase());
    assert_eq!(check(&[], &q, t).err(), Some(Error::SignatureFormat));
}

/// Found by the `roundtrip` fuzz target: the signer wrote an `Authorization` whose
/// SignedHeaders list was longer than the limit its own verifier holds lists to.
#[test]
fn the_signed_header_list_limit_is_the_same_signing_and_verifying() {
    let names: Vec<String> = (0..20)
        .map(|i| format!("x-long-{i:02}-{}", "n".repeat(50)))
        .collect();
    let signed = |count: usize| {
        let extra: Vec<(&str, &str)> = names[..count].iter().map(|n| (n.as_str(), "v")).collect();
        try_vanilla_signed("20240301T120000Z", &extra)
    };
    // 15 names of 61 bytes: under 1024, signs and verifies.
    let (headers, t) = signed(15).unwrap();
    assert!(check(&headers, "", t).is_ok());
    // 20: over 1024 (the whole Authorization would still fit its 1536 bytes).
    assert_eq!(
        signed(20).err(),
        Some(Error::SignedHeadersTooLong {
            limit: sigv4_core::MAX_SIGNED_HEADERS_LEN
        })
    );
}

/// Found by the `roundtrip` fuzz target: with tokens appended after signing, the verifier
/// left `X-Amz-Security-Token` out of the canonical query of header-signed requests too,
/// whose query the signer signs whole.
#[test]
fn appended_tokens_leave_the_query_of_header_signed_requests_whole() {
    let t = Timestamp::parse_amz_date("20240301T120000Z").unwrap();
    let key = SigningKey::derive(SECRET, t, "us-east-1", "execute-api").unwrap();
    let url = "https://api.example.com/x?X-Amz-Security-Token=in-the-query";
    let req = Request::from_url("GET", url, &[], Payload::Bytes(b"")).unwrap();
    let params = SigningParams {
        access_key_id: AK,
        session_token: None,
        key: &key,
        time: t,
        settings: Settings {
            session_token: sigv4_core::SessionTokenMode::AppendedAfterSigning,
            ..Settings::service()
        },
    };
    let headers: Vec<(String, String)> = sign(&req, &params)
        .unwrap()
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let received = Request {
        headers: &views,
        ..req
    };
    let mut policy = VerifyPolicy::new("us-east-1", "execute-api", t);
    policy.allow_unsigned_security_token = true;
    assert!(verify(&received, &policy, lookup(AK, SECRET)).is_ok());
}

/// Found by the `verify` and `verify_wire` fuzz targets: a header name with a multi-byte
/// character across its sixth byte made the unsigned `x-amz-*` check slice a `str` inside a
/// character, a panic. Now an ordinary unsigned header.
#[test]
fn a_header_name_cut_mid_character_is_no_panic() {
    let (mut headers, t) = vanilla_signed("20240301T120000Z", &[]);
    headers.push(("x-amzӬ".into(), "v".into()));
    headers.push(("abcdeӥf".into(), "v".into()));
    assert!(
        check(&headers, "", t).is_ok(),
        "unsigned, not x-amz-*: accepted"
    );
}

/// A presigned query's signed list at the limit, 1024 bytes, is carried whole and verifies.
#[test]
fn a_presigned_list_of_the_limits_length_is_carried_whole() {
    let t = Timestamp::parse_amz_date("20240301T120000Z").unwrap();
    let key = SigningKey::derive(SECRET, t, "us-east-1", "execute-api").unwrap();
    // `host` and 17 names of 59 bytes: 4 + 17 * 60 = 1024.
    let names: Vec<String> = (0..17)
        .map(|i| format!("x-{i:02}-{}", "n".repeat(54)))
        .collect();
    let headers: Vec<(String, String)> = names.iter().map(|n| (n.clone(), "v".into())).collect();
    let views: Vec<Header<'_>> = headers.iter().map(|(n, v)| Header::new(n, v)).collect();
    let req = api_get(&views);
    let params = params_at(&key, t);
    let presigned = presign(&req, &params, 60).unwrap();
    let list = presigned.signed_headers();
    assert_eq!(list.len(), sigv4_core::MAX_SIGNED_HEADERS_LEN);
    assert!(list.starts_with("host;x-00-") && list.ends_with(&names[16]));
    let query = presigned.to_string();
    assert!(check(&headers, &query, t).is_ok());
}

/// Presigning a URL that already carries presigned parameters is refused; a request's own
/// parameters that sort before, among and after the added ones sign and verify.
#[test]
fn presigning_sorts_the_requests_parameters_in_among_its_own() {
    let t = Timestamp::parse_amz_date("20240301T120000Z").unwrap();
    let key = SigningKey::derive(SECRET, t, "us-east-1", "execute-api").unwrap();
    let params = params_at(&key, t);
    let presign_query = |query: &str| {
        let url = format!("https://api.example.com/x?{query}");
        let req = Request::from_url("GET", &url, &[], Payload::Bytes(b"")).unwrap();
        presign(&req, &params, 60).map(|q| q.to_string())
    };
    for taken in [
        "X-Amz-Signature=00",
        "a=1&x-amz-credential=AK",
        "X-Amz-Date=1&b=2",
    ] {
        assert_eq!(
            presign_query(taken).err(),
            Some(Error::AlreadySigned),
            "{taken}"
        );
    }
    // Before (`A`, `0`), among (`X-Amz-B`, a token of the caller's when none is signed:
    // not refused), and after (`a`, `~`) the X-Amz-* parameters.
    let own = "~=5&a=4&X-Amz-Security-Token=tok&X-Amz-B=3&0=2&A=1";
    let added = presign_query(own).unwrap();
    let query = format!("{own}&{added}");
    assert!(check(&[], &query, t).is_ok(), "{query}");
    // One of the request's changed: refused.
    let tampered = query.replacen("X-Amz-B=3", "X-Amz-B=4", 1);
    assert_eq!(
        check(&[], &tampered, t).err(),
        Some(Error::SignatureMismatch)
    );
}
