// Types of sigv4-wasm's aws4fetch-shaped API (js/aws-client.js).

/** Per-request options, as aws4fetch's `init.aws`. */
export interface AwsRequestOptions {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** The signing name (`s3`, `execute-api`, ...); guessed from the host when absent. */
  service?: string;
  /** The region; guessed from the host when absent, else `us-east-1`. */
  region?: string;
  /** Signer and key cache shared between requests. */
  cache?: Map<string, unknown>;
  /** The request time, `YYYYMMDDTHHMMSSZ`; now when absent. */
  datetime?: string;
  /** Presign: the signature in the URL's query instead of headers. */
  signQuery?: boolean;
  /** Add the session token after signing (as `iotdevicegateway` requires). */
  appendSessionToken?: boolean;
  /** Sign every header, including those aws4fetch leaves unsigned (`content-type`, `range`, ...). */
  allHeaders?: boolean;
  /** Sign the path as sent, encoded once (services other than S3 encode it twice). */
  singleEncode?: boolean;
}

export interface AwsClientOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  service?: string;
  region?: string;
  cache?: Map<string, unknown>;
  /** Retries of 5xx and 429 answers in `fetch` (default 10). */
  retries?: number;
  /** First backoff in milliseconds (default 50), doubled at each retry. */
  initRetryMs?: number;
}

export type AwsRequestInit = RequestInit & { aws?: AwsRequestOptions };

export class AwsClient {
  constructor(options: AwsClientOptions);
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  service?: string;
  region?: string;
  cache: Map<string, unknown>;
  retries: number;
  initRetryMs: number;
  /** The signed request, ready for `fetch`. */
  sign(input: RequestInfo | URL, init?: AwsRequestInit): Promise<Request>;
  /** Signs and fetches, retrying 5xx and 429 answers. */
  fetch(input: RequestInfo | URL, init?: AwsRequestInit): Promise<Response>;
}

export interface AwsV4SignerOptions extends AwsRequestOptions {
  method?: string;
  url: string;
  headers?: HeadersInit;
  body?: BodyInit | null;
  accessKeyId: string;
  secretAccessKey: string;
}

export class AwsV4Signer {
  constructor(options: AwsV4SignerOptions);
  method: string;
  url: URL;
  headers: Headers;
  body?: BodyInit | null;
  service: string;
  region: string;
  datetime: string;
  signQuery: boolean;
  sign(): Promise<{ method: string; url: URL; headers: Headers; body?: BodyInit | null }>;
  authHeader(): Promise<string>;
  signature(): Promise<string>;
}

/** Loads the WebAssembly module (done by the first signing when not called). */
export function initSigv4(moduleOrPath?: WebAssembly.Module | BufferSource | Response | URL | string): Promise<unknown>;

/** The signing name and region a host implies, as aws4fetch guesses them. */
export function guessServiceRegion(url: URL, headers: Headers): [string, string];
