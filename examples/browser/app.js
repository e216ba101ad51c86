// Signs a fetch to `sigv4 serve --cors` (default http://127.0.0.1:8080, the demo
// credentials below), shows whether the server verified it, then sends a tampered copy
// (the signed request with its query changed), which the server must refuse.
//
//   sigv4 serve --cors --access-key AKIDDEMO --secret-key 'demo/secret/key+ONLY-LOCAL'
//
// Query parameters: endpoint, accessKeyId, secretAccessKey. The verdict is also POSTed to
// /result when the page's own server records it (scripts/browser does).
import { AwsClient } from '../pkg/aws-client.js';

const q = new URLSearchParams(location.search);
const endpoint = q.get('endpoint') || 'http://127.0.0.1:8080';
const client = new AwsClient({
  accessKeyId: q.get('accessKeyId') || 'AKIDDEMO',
  secretAccessKey: q.get('secretAccessKey') || 'demo/secret/key+ONLY-LOCAL',
  service: 'execute-api',
  region: 'us-east-1',
  retries: 0,
});
const $ = (id) => document.getElementById(id);
$('endpoint').textContent = endpoint;

function show(id, ok, text) {
  $(id).className = `verdict ${ok ? 'ok' : 'bad'}`;
  $(id).textContent = `${ok ? '✔' : '✘'} ${text}`;
}

async function main() {
  const verdict = {};
  try {
    const url = `${endpoint}/hello/from%20the%20browser?greeting=hi&n=1`;
    const signed = await client.sign(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-amz-meta-page': 'examples/browser' },
      body: 'a body the signature covers',
    });
    const res = await fetch(signed);
    const answer = await res.json().catch(() => ({}));
    verdict.signedStatus = res.status;
    verdict.verified = res.status === 200 && answer.verified === true;
    show('signed', verdict.verified, verdict.verified
      ? `verified: ${res.status}, scope ${answer.scope}, signed headers ${answer.signed_headers}`
      : `not verified: ${res.status}`);
    $('details').textContent = `Authorization: ${signed.headers.get('authorization')}\n\n`
      + `The server's canonical request:\n${answer.canonical_request || JSON.stringify(answer)}`;

    // The same signature on another query: the server must refuse it.
    const again = await client.sign(url, { method: 'GET' });
    const tampered = new Request(again.url.replace('n=1', 'n=2'), { headers: again.headers });
    const refused = await fetch(tampered);
    verdict.tamperedStatus = refused.status;
    show('tampered', refused.status === 403, refused.status === 403
      ? 'a tampered copy (n=1 changed to n=2 after signing) was refused: 403'
      : `a tampered copy was answered ${refused.status}`);
  } catch (e) {
    verdict.error = String(e);
    show('signed', false, `error: ${e}`);
  }
  await fetch('/result', { method: 'POST', body: JSON.stringify(verdict) }).catch(() => {});
}

main();
