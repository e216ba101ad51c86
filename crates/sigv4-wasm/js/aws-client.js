// sigv4-wasm: AWS Signature Version 4 for browsers and Workers, on sigv4-core compiled to
// WebAssembly. The API is aws4fetch's (`new AwsClient({...}).fetch(url, init)`, `.sign(...)`,
// the same per-request `aws` options), so switching is a change of import; the signing
// itself is done by the Rust core, synchronously, with the key derived once per day,
// region and service and kept.
//
// Licensed MIT OR Apache-2.0, like the rest of sigv4.

import init, { Signer, Sha256, sha256Hex, sha256HexOfString } from './sigv4_wasm.js';

let ready = null;

/**
 * Loads the WebAssembly module. Called by the first signing with no argument (the `.wasm`
 * next to this file, by URL); call it first with a `WebAssembly.Module`, a `Response` or
 * a URL where the module is elsewhere (a Worker's bundled module, say).
 */
export function initSigv4(moduleOrPath) {
  if (ready === null || moduleOrPath !== undefined) {
    ready = init(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
  }
  return ready;
}

// Headers aws4fetch leaves unsigned unless `allHeaders` is set.
const UNSIGNABLE_HEADERS = new Set([
  'authorization', 'content-type', 'content-length', 'user-agent', 'presigned-expires',
  'expect', 'x-amzn-trace-id', 'range', 'connection',
]);
// Set by the signer itself; a caller's values are replaced.
const SIGNER_HEADERS = new Set(['x-amz-date', 'x-amz-security-token', 'authorization']);
const AUTH_PARAMS = [
  'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Expires', 'X-Amz-Algorithm',
  'X-Amz-Credential', 'X-Amz-SignedHeaders', 'X-Amz-Signature',
];
// Services whose signing name differs from the endpoint prefix.
const SIGNING_NAMES = {
  appstream2: 'appstream', cloudhsmv2: 'cloudhsm', email: 'ses',
  marketplace: 'aws-marketplace', mobile: 'AWSMobileHubService', pinpoint: 'mobiletargeting',
  queue: 'sqs', 'git-codecommit': 'codecommit', 'mturk-requester-sandbox': 'mturk-requester',
  'personalize-runtime': 'personalize',
};
// The flags of the WebAssembly signer (src/lib.rs).
const FLAG_SINGLE_ENCODE = 1;
const FLAG_CONTENT_SHA256 = 2;
const FLAG_APPEND_SESSION_TOKEN = 4;

/** A client that signs and sends: aws4fetch's `AwsClient`. */
export class AwsClient {
  constructor({ accessKeyId, secretAccessKey, sessionToken, service, region, cache, retries, initRetryMs } = {}) {
    if (accessKeyId == null) throw new TypeError('accessKeyId is a required option');
    if (secretAccessKey == null) throw new TypeError('secretAccessKey is a required option');
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    this.service = service;
    this.region = region;
    this.cache = cache || new Map();
    this.retries = retries != null ? retries : 10;
    this.initRetryMs = initRetryMs || 50;
  }

  /** Signs `input` (a URL or a `Request`) with `init` and returns the signed `Request`. */
  async sign(input, init) {
    if (input instanceof Request) {
      const { method, url, headers } = input;
      init = Object.assign({ method, url, headers }, init);
      if (init.body == null && input.body != null) {
        init.body = await input.clone().arrayBuffer();
      }
      input = url;
    }
    const signer = new AwsV4Signer(Object.assign({ url: input.toString() }, init, this, init && init.aws));
    const signed = Object.assign({}, init, await signer.sign());
    delete signed.aws;
    try {
      return new Request(signed.url.toString(), signed);
    } catch (e) {
      if (e instanceof TypeError) {
        // A stream body needs `duplex` where the platform supports it.
        return new Request(signed.url.toString(), Object.assign({ duplex: 'half' }, signed));
      }
      throw e;
    }
  }

  /** Signs and fetches, retrying 5xx and 429 answers with jittered backoff. */
  async fetch(input, init) {
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      const fetched = fetch(await this.sign(input, init));
      if (attempt === this.retries) return fetched;
      const res = await fetched;
      if (res.status < 500 && res.status !== 429) return res;
      await new Promise((r) => setTimeout(r, Math.random() * this.initRetryMs * 2 ** attempt));
    }
    throw new Error('An unknown error occurred, ensure retries is not negative');
  }
}

/** One request's signing: aws4fetch's `AwsV4Signer`. */
export class AwsV4Signer {
  constructor({
    method, url, headers, body, accessKeyId, secretAccessKey, sessionToken, service, region,
    cache, datetime, signQuery, appendSessionToken, allHeaders, singleEncode,
  }) {
    if (url == null) throw new TypeError('url is a required option');
    if (accessKeyId == null) throw new TypeError('accessKeyId is a required option');
    if (secretAccessKey == null) throw new TypeError('secretAccessKey is a required option');
    this.method = method || (body ? 'POST' : 'GET');
    this.url = new URL(url);
    this.headers = new Headers(headers || {});
    this.body = body;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.sessionToken = sessionToken;
    const [guessedService, guessedRegion] = service && region ? ['', ''] : guessServiceRegion(this.url, this.headers);
    this.service = service || guessedService || '';
    this.region = region || guessedRegion || 'us-east-1';
    this.cache = cache || new Map();
    this.datetime = datetime || amzDate(new Date());
    this.signQuery = !!signQuery;
    this.appendSessionToken = appendSessionToken || this.service === 'iotdevicegateway';
    this.allHeaders = !!allHeaders;
    this.singleEncode = !!singleEncode;
    this.headers.delete('Host');
  }

  /** Signs (once; later calls give the same result): `{ method, url, headers, body }`. */
  sign() {
    if (!this.signed) this.signed = this.signNow();
    return this.signed;
  }

  async signNow() {
    await initSigv4();
    const s3 = this.service === 's3';
    let expires = null;
    if (this.signQuery) {
      // Authentication parameters already in the URL are replaced, as aws4fetch does;
      // an `X-Amz-Expires` given is kept as the expiry.
      const given = this.url.searchParams.get('X-Amz-Expires');
      // aws4fetch leaves X-Amz-Expires out for services other than S3; the core always
      // signs one, a day unless the URL gives it.
      expires = given != null ? Number(given) : 86400;
      if (AUTH_PARAMS.some((p) => this.url.searchParams.has(p))) {
        AUTH_PARAMS.forEach((p) => this.url.searchParams.delete(p));
      }
    }
    let payload = this.headers.get('X-Amz-Content-Sha256');
    if (payload == null) {
      payload = s3 ? 'UNSIGNED-PAYLOAD' : await hashBody(this.body);
    }
    let flags = 0;
    if (s3 || this.singleEncode) flags |= FLAG_SINGLE_ENCODE;
    if (this.appendSessionToken) flags |= FLAG_APPEND_SESSION_TOKEN;
    if (s3 && !this.signQuery) {
      flags |= FLAG_CONTENT_SHA256;
      this.headers.delete('X-Amz-Content-Sha256');
    }
    const signed = [];
    for (const [name, value] of this.headers) {
      if (SIGNER_HEADERS.has(name)) continue;
      if (!this.allHeaders && UNSIGNABLE_HEADERS.has(name)) continue;
      signed.push(name, value);
    }
    const path = canonicalPath(this.url, s3, this.singleEncode);
    const query = canonicalQuery(this.url, s3);
    // One string into the module, one back, NUL-separated (see Signer::sign_packed).
    const packed = [this.method, this.url.href, path, query, payload, this.service, this.region,
      this.datetime, ...signed].join('\0');
    const added = this.signer().signPacked(packed, this.signQuery ? expires : 0, flags);
    if (this.signQuery) {
      const base = this.url.href.replace(/#.*$/, '');
      this.url = new URL(base + (this.url.search ? '&' : '?') + added);
    } else {
      const pairs = added.split('\0');
      for (let i = 0; i < pairs.length; i += 2) this.headers.set(pairs[i], pairs[i + 1]);
      if (this.appendSessionToken) this.headers.delete('x-amz-security-token');
    }
    return { method: this.method, url: this.url, headers: this.headers, body: this.body };
  }

  /** The `Authorization` value (header signing). */
  async authHeader() {
    const { headers } = await this.sign();
    return headers.get('authorization');
  }

  /** The signature, in hex. */
  async signature() {
    const { url, headers } = await this.sign();
    if (this.signQuery) return url.searchParams.get('X-Amz-Signature');
    return headers.get('authorization').split('Signature=')[1];
  }

  /** The WebAssembly signer of these credentials, kept in the cache with its key. */
  signer() {
    const id = `${this.accessKeyId}\n${this.secretAccessKey}\n${this.sessionToken || ''}`;
    let signer = this.cache.get(id);
    if (!(signer instanceof Signer)) {
      signer = new Signer(this.accessKeyId, this.secretAccessKey, this.sessionToken || undefined);
      this.cache.set(id, signer);
    }
    return signer;
  }
}

/** `YYYYMMDDTHHMMSSZ`. */
function amzDate(date) {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/**
 * The body's SHA-256 in hex: strings, buffers and views, `Blob`s read as a stream. Small
 * bodies are hashed in the module (no round trip to the platform); from 64 KiB up the
 * platform's own SHA-256 (WebCrypto) is faster, when there is one.
 */
async function hashBody(body) {
  if (body == null) return sha256HexOfString('');
  if (body instanceof URLSearchParams) body = body.toString();
  if (typeof body === 'string') {
    return body.length < NATIVE_FROM ? sha256HexOfString(body) : hashBytes(new TextEncoder().encode(body));
  }
  if (body instanceof ArrayBuffer) return hashBytes(new Uint8Array(body));
  if (ArrayBuffer.isView(body)) {
    return hashBytes(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    const hash = new Sha256();
    const reader = body.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        hash.update(value);
      }
      return hash.finishHex();
    } finally {
      hash.free();
    }
  }
  throw new Error('body must be a string, ArrayBuffer, ArrayBufferView, URLSearchParams or Blob, unless you include the X-Amz-Content-Sha256 header');
}

const NATIVE_FROM = 64 * 1024;

async function hashBytes(bytes) {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (bytes.byteLength < NATIVE_FROM || !subtle) return sha256Hex(bytes);
  const digest = new Uint8Array(await subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** `!'()*`, which encodeURIComponent leaves bare, encoded as RFC 3986 wants. */
function rfc3986(s) {
  return s.replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * The path to sign. S3: decoded (a `+` read as a space, as S3 reads it) and encoded once,
 * `/` bare. Other services: repeated slashes collapsed, then (unless `singleEncode`)
 * encoded a second time by the core.
 */
function canonicalPath(url, s3, singleEncode) {
  let path = url.pathname;
  if (s3) {
    try {
      path = decodeURIComponent(path.replace(/\+/g, ' '));
    } catch {
      // Not valid percent-encoding: signed as it is.
    }
    return singleEncode ? rfc3986(path) : rfc3986(encodeURIComponent(path).replace(/%2F/g, '/'));
  }
  path = path.replace(/\/+/g, '/');
  return singleEncode ? rfc3986(path) : path;
}

/** The query to sign: parameters as the URL parses them, empty keys dropped, S3 keeping only the first of a repeated key. */
function canonicalQuery(url, s3) {
  const seen = new Set();
  const pairs = [];
  for (const [k, v] of url.searchParams) {
    if (!k) continue;
    if (s3) {
      if (seen.has(k)) continue;
      seen.add(k);
    }
    pairs.push(rfc3986(encodeURIComponent(k)) + '=' + rfc3986(encodeURIComponent(v)));
  }
  return pairs.join('&');
}

/**
 * The signing name and region an endpoint's host name implies, by the rules aws4fetch
 * guesses with (so the same URLs sign for the same scope): Lambda function URLs,
 * Cloudflare R2, Backblaze B2, and `<service>[.<region>].amazonaws.com[.cn]` with its
 * exceptions (S3's legacy and accelerate hosts, GovCloud, IoT's several planes,
 * Application Auto Scaling, FIPS endpoints, and hosts that put the region first).
 */
export function guessServiceRegion(url, headers) {
  const host = url.hostname;
  // IoT and Auto Scaling hosts also depend on the path or X-Amz-Target; others are kept.
  const kept = GUESSES.get(host);
  if (kept) return kept;
  const guess = guessUncached(url, headers);
  if (!/(^|\.)(iot|autoscaling)\./.test(host)) {
    if (GUESSES.size >= 256) GUESSES.clear();
    GUESSES.set(host, guess);
  }
  return guess;
}

const GUESSES = new Map();

function guessUncached(url, headers) {
  const host = url.hostname;
  const first = (re) => re.exec(host)?.[1] ?? '';
  if (host.endsWith('.on.aws')) {
    return /^[^.]{1,63}\.lambda-url\.[^.]{1,63}\.on\.aws$/.test(host)
      ? ['lambda', first(/\.lambda-url\.([^.]+)\.on\.aws$/)] : ['', ''];
  }
  if (host.endsWith('.r2.cloudflarestorage.com')) return ['s3', 'auto'];
  if (host.endsWith('.backblazeb2.com')) {
    return /^(?:[^.]{1,63}\.)?s3\.[^.]{1,63}\.backblazeb2\.com$/.test(host)
      ? ['s3', first(/s3\.([^.]+)\.backblazeb2\.com$/)] : ['', ''];
  }
  const labels = /([^.]{1,63})\.(?:([^.]{0,63})\.)?amazonaws\.com(?:\.cn)?$/.exec(host.replace('dualstack.', ''));
  const [service, region] = amazonawsScope(labels ? labels[1] : '', labels ? labels[2] : undefined, host, url.pathname, headers);
  return [SIGNING_NAMES[service] || service, region || ''];
}

/** The exceptions to `<service>.<region>.amazonaws.com`. */
function amazonawsScope(service, region, host, path, headers) {
  if (region === 'us-gov') return [service, 'us-gov-west-1'];
  if (region === 's3' || region === 's3-accelerate') return ['s3', 'us-east-1'];
  switch (service) {
    case 'iot':
      if (host.startsWith('iot.')) return ['execute-api', region];
      if (host.startsWith('data.jobs.iot.')) return ['iot-jobs-data', region];
      return [path === '/mqtt' ? 'iotdevicegateway' : 'iotdata', region];
    case 'autoscaling': {
      const target = (headers.get('X-Amz-Target') || '').split('.')[0];
      const named = {
        AnyScaleFrontendService: 'application-autoscaling',
        AnyScaleScalingPlannerFrontendService: 'autoscaling-plans',
      }[target];
      return [named || service, region];
    }
    default:
      break;
  }
  // `s3-<region>` and `s3-fips-<region>` hosts (no separate region label).
  if (region == null && service.startsWith('s3-')) {
    return ['s3', service.slice(3).replace(/^fips-|^external-1/, '')];
  }
  if (service.endsWith('-fips')) return [service.slice(0, -5), region];
  // `<region>.<service>` hosts, told apart by the region's trailing `-<digit>`.
  const regionLike = (s) => /-\d$/.test(s);
  if (region && regionLike(service) && !regionLike(region)) return [region, service];
  return [service, region];
}
