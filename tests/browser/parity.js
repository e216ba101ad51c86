// sigv4-wasm's AwsClient against aws4fetch's, in the same browser (scripts/browser):
// 1. parity: random requests (hosts of many services, paths and queries with spaces,
//    Unicode, reserved characters, repeated and empty keys; headers; string and binary
//    bodies; header signing and presigning; session tokens) signed by both with the same
//    time must carry the same signature;
// 2. throughput: signed Requests per second for W1 (S3 GET), W3 (S3 presigned GET) and
//    W4 (DynamoDB POST, 2 KiB JSON, session token), each client in turn, twice.
// The verdict is POSTed to /result as JSON.
import { AwsClient as Ours, AwsV4Signer as OursSigner, initSigv4 } from '/pkg/aws-client.js';
import { AwsClient as Theirs, AwsV4Signer as TheirsSigner } from '/aws4fetch/aws4fetch.esm.mjs';

const q = new URLSearchParams(location.search);
const CASES = Number(q.get('cases') || 400);
const BENCH_MS = Number(q.get('benchMs') || 1000);
const out = document.getElementById('out');

// A small seeded generator (mulberry32), so a failing case can be replayed by its seed.
function generator(seed) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (xs) => xs[Math.floor(next() * xs.length)];
  const some = (xs, max) => Array.from({ length: Math.floor(next() * (max + 1)) }, () => pick(xs));
  return { next, pick, some, chance: (p) => next() < p };
}

const HOSTS = [
  ['examplebucket.s3.amazonaws.com', true],
  ['s3.us-west-2.amazonaws.com', true],
  ['bucket.s3-eu-west-1.amazonaws.com', false], // signs for service 'bucket' (aws4fetch's guess)
  ['bucket.s3.dualstack.eu-west-3.amazonaws.com', true],
  ['acct.r2.cloudflarestorage.com', true],
  ['abc123.execute-api.eu-central-1.amazonaws.com', false],
  ['dynamodb.us-east-1.amazonaws.com', false],
  ['sqs.ap-south-1.amazonaws.com', false],
  ['queue.amazonaws.com', false],
  ['email.us-east-1.amazonaws.com', false],
  ['fn.lambda-url.us-east-2.on.aws', false],
  ['xyz.iot.us-east-1.amazonaws.com', false],
  ['kms-fips.us-east-1.amazonaws.com', false],
];
const SEGMENTS = ['photos', '2024', 'a b', 'a%20b', 'ünï', '~tilde', 'x+y', "it's", '(1)', 'star*',
  'semi;colon', 'at@', '$dollar', 'comma,', 'eq=', 'UPPER', 'a%2Fb', '', 'dots..', '-_.'];
const SIMPLE_SEGMENTS = ['photos', '2024', 'a b', 'ünï', '~tilde', "it's", '(1)', 'star*', 'UPPER'];
const KEYS = ['prefix', 'list-type', 'a b', 'ü', 'x', 'flag', 'marker', 'max-keys', 'k~', 'K', '*'];
const VALUES = ['', '1', 'a b', 'a+b', 'ü', 'x/y', '*', "it's", '%41', 'Z', '2'];
const HEADERS = [
  ['X-Amz-Meta-Author', 'someone'], ['Content-Type', 'application/json'], ['Range', 'bytes=0-9'],
  ['X-Amz-Target', 'DynamoDB_20120810.GetItem'], ['x-amz-meta-spaces', '  a   b  '],
  ['Cache-Control', 'no-cache'], ['If-None-Match', '"abc"'], ['x-amz-acl', 'private'],
  ['X-Custom', 'v1'], ['x-custom', 'v2'],
];
const DATES = ['20150830T123600Z', '20240101T000000Z', '20261201T235959Z'];

function makeCase(seed) {
  const g = generator(seed);
  const [host, hostS3] = g.pick(HOSTS);
  // Sometimes a scope given explicitly, which overrides the host's.
  const scope = g.chance(0.2) ? { service: 'execute-api', region: 'ca-central-1' } : {};
  const s3 = hostS3 && !scope.service;
  const singleEncode = !s3 && g.chance(0.2);
  const segs = g.some(singleEncode ? SIMPLE_SEGMENTS : SEGMENTS, 4);
  let path = '/' + segs.join('/');
  if (host.startsWith('xyz.iot.') && g.chance(0.5)) path = '/mqtt';
  if (!s3 && !singleEncode && g.chance(0.2)) path = path.replace('/', '//');
  const signQuery = g.chance(0.4);
  const pairs = g.some(KEYS, 4).map((k) => {
    const v = g.pick(VALUES);
    const enc = g.chance(0.5) ? encodeURIComponent : (x) => x.replace(/[ ]/g, '%20');
    return g.chance(0.1) ? enc(k) : `${enc(k)}=${enc(v)}`;
  });
  // aws4fetch leaves X-Amz-Expires out when presigning for other services; give it.
  if (signQuery && !s3) pairs.push('X-Amz-Expires=300');
  const url = `https://${host}${path}${pairs.length ? '?' + pairs.join('&') : ''}`;
  const method = g.pick(['GET', 'GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
  const headers = {};
  const allHeaders = g.chance(0.2);
  for (const [n, v] of g.some(HEADERS, 4)) headers[n] = v;
  let body;
  if (method === 'PUT' || method === 'POST') {
    body = g.pick([
      () => undefined,
      () => '{"ü":"snow ☃","n":1}',
      () => new TextEncoder().encode('bytes ' + seed),
      () => new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * seed) & 255)).buffer,
    ])();
  }
  const aws = { datetime: g.pick(DATES), signQuery, allHeaders, singleEncode, ...scope };
  const creds = {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: g.chance(0.4) ? 'token/with+odd=chars' + seed : undefined,
  };
  return { seed, url, init: { method, headers, body, aws }, creds };
}

function signatureOf(req) {
  const auth = req.headers.get('authorization');
  if (auth) return { auth, date: req.headers.get('x-amz-date'), token: req.headers.get('x-amz-security-token'), sha: req.headers.get('x-amz-content-sha256') };
  const u = new URL(req.url);
  return { signature: u.searchParams.get('X-Amz-Signature'), credential: u.searchParams.get('X-Amz-Credential'), token: u.searchParams.get('X-Amz-Security-Token') };
}

async function parity() {
  const mismatches = [];
  const errors = [];
  for (let seed = 1; seed <= CASES; seed++) {
    const c = makeCase(seed);
    let a;
    let b;
    try {
      b = signatureOf(await new Theirs(c.creds).sign(c.url, structuredClone(c.init)));
    } catch (e) {
      continue; // a request aws4fetch cannot sign is not compared
    }
    try {
      a = signatureOf(await new Ours(c.creds).sign(c.url, structuredClone(c.init)));
    } catch (e) {
      errors.push({ seed, url: c.url, error: String(e) });
      continue;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      mismatches.push({ seed, url: c.url, init: { ...c.init, body: typeof c.init.body }, ours: a, aws4fetch: b });
    }
  }
  return { cases: CASES, mismatches: mismatches.slice(0, 40), mismatchCount: mismatches.length, errors: errors.slice(0, 10), errorCount: errors.length };
}

const W = {
  W1: ['https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x',
    { headers: { Range: 'bytes=0-1023' }, aws: { datetime: '20240101T120000Z' } }],
  W3: ['https://examplebucket.s3.amazonaws.com/photos/2024/a%20b.jpg?list-type=2&prefix=x',
    { aws: { datetime: '20240101T120000Z', signQuery: true } }],
  W4: ['https://dynamodb.us-east-1.amazonaws.com/',
    { method: 'POST', headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'DynamoDB_20120810.PutItem' },
      body: JSON.stringify({ TableName: 'bench', Items: Array.from({ length: 70 }, () => ({ k: '0123456789abcdef' })) }),
      aws: { datetime: '20240101T120000Z' } }],
};

async function rate(client, url, init) {
  let n = 0;
  const t0 = performance.now();
  let elapsed;
  do {
    for (let i = 0; i < 20; i++) await client.sign(url, init);
    n += 20;
    elapsed = performance.now() - t0;
  } while (elapsed < BENCH_MS);
  return n / (elapsed / 1000);
}

async function bench() {
  const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
  const ours = new Ours(creds);
  const theirs = new Theirs(creds);
  const token = new Ours({ ...creds, sessionToken: 'FwoGZXIvYXdzEBYaDNd1Xv2uH3KMGBYIRy' });
  const theirsToken = new Theirs({ ...creds, sessionToken: 'FwoGZXIvYXdzEBYaDNd1Xv2uH3KMGBYIRy' });
  const rows = {};
  for (const [name, [url, init]] of Object.entries(W)) {
    const [o, t] = name === 'W4' ? [token, theirsToken] : [ours, theirs];
    await rate(o, url, init); // warm-up: key derived, code compiled
    await rate(t, url, init);
    const runs = [];
    for (let round = 0; round < 2; round++) {
      runs.push({ ours: await rate(o, url, init), aws4fetch: await rate(t, url, init) });
    }
    const best = (k) => Math.max(...runs.map((r) => r[k]));
    rows[name] = { oursPerSec: Math.round(best('ours')), aws4fetchPerSec: Math.round(best('aws4fetch')), ratio: +(best('ours') / best('aws4fetch')).toFixed(2) };
    // The same signing without the Request object both clients build at the end
    // (AwsV4Signer.sign, the signed method, URL and headers), and that object's own cost.
    const opts = { url, ...(name === 'W4' ? { ...creds, sessionToken: 'FwoGZXIvYXdzEBYaDNd1Xv2uH3KMGBYIRy' } : creds), ...init, ...init.aws };
    const [co, ct] = [new Map(), new Map()];
    const signer = (S, cache) => ({ sign: () => new S({ ...opts, cache }).sign() });
    await rate(signer(OursSigner, co));
    await rate(signer(TheirsSigner, ct));
    const parts = [];
    for (let round = 0; round < 2; round++) {
      parts.push({ ours: await rate(signer(OursSigner, co)), aws4fetch: await rate(signer(TheirsSigner, ct)) });
    }
    const bestPart = (k) => Math.max(...parts.map((r) => r[k]));
    rows[name + ' AwsV4Signer'] = { oursPerSec: Math.round(bestPart('ours')), aws4fetchPerSec: Math.round(bestPart('aws4fetch')), ratio: +(bestPart('ours') / bestPart('aws4fetch')).toFixed(2) };
    const requestOnly = await rate({ sign: async () => new Request(url, { method: init.method, headers: init.headers, body: init.body }) });
    rows[name].requestObjectsPerSec = Math.round(requestOnly);
  }
  return rows;
}

async function main() {
  const result = { userAgent: navigator.userAgent };
  try {
    await initSigv4();
    result.parity = await parity();
    result.bench = q.get('bench') === '0' ? null : await bench();
  } catch (e) {
    result.error = String(e && e.stack || e);
  }
  out.textContent = JSON.stringify(result, null, 2);
  await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
}

main();
