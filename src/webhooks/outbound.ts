// One delivery attempt over HTTP(S), guarded against server-side request forgery: the target's
// scheme and every address of its host pass the TargetPolicy before connecting; the connection is
// made to exactly the addresses that were checked (no second DNS answer to rebind to), the socket's
// peer is checked again once connected, and each redirect hop goes through the same checks.
// Redirects are followed as MLflow's client (requests) follows them.
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { MlflowError } from '../errors.js';
import { pyStr } from '../search/python-repr.js';
import { VERSION } from '../version.js';
import { parseIp } from './ip-address.js';
import { TargetPolicy, type ResolvedAddress } from './target-policy.js';

const MAX_REDIRECTS = 5;
/** How much of a receiver's answer is kept (the test endpoint hands it back). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Why an attempt got no HTTP answer, in the form MLflow's test result prints (`Type('…')`). */
export class AttemptError extends Error {
  constructor(
    /** The Python exception MLflow would report for the same failure. */
    readonly pythonType: 'MlflowException' | 'ConnectionError' | 'Timeout' | 'TooManyRedirects',
    message: string,
  ) {
    super(message);
  }

  /** SSRF refusals and malformed targets: retrying cannot help. */
  get retryable(): boolean {
    return this.pythonType === 'ConnectionError' || this.pythonType === 'Timeout';
  }

  pythonRepr(): string {
    return `${this.pythonType}(${pyStr(this.message)})`;
  }
}

export interface OutboundRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborts the attempt (server shutdown). */
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  body: string;
  /** Seconds the receiver asked to wait (Retry-After), if it did. */
  retryAfterSeconds?: number;
}

/** A lookup answering only with addresses the policy already accepted for this host. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) {
      (callback as (e: null, a: ResolvedAddress[]) => void)(null, addresses);
    } else {
      callback(null, addresses[0].address, addresses[0].family);
    }
  };
}

function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - Date.now()) / 1000);
}

interface Hop {
  url: URL;
  method: 'POST' | 'GET';
  body?: string;
  headers: Record<string, string>;
}

/** What requests sends after a redirect: 301/302 (of a POST) and 303 become a bodiless GET. */
function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url);
  if (status === 307 || status === 308) return { ...hop, url };
  const headers = { ...hop.headers };
  delete headers['Content-Type'];
  delete headers['Content-Length'];
  return { url, method: 'GET', headers };
}

function sendOnce(
  policy: TargetPolicy,
  hop: Hop,
  addresses: ResolvedAddress[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ status: number; location?: string; body: string; retryAfter?: number }> {
  const host = TargetPolicy.hostOf(hop.url);
  const secure = hop.url.protocol === 'https:';
  const headers: Record<string, string> = { 'User-Agent': `trackd/${VERSION}`, ...hop.headers };
  if (hop.url.username) {
    // requests sends a URL's user info as HTTP Basic credentials.
    const user = decodeURIComponent(hop.url.username);
    const password = decodeURIComponent(hop.url.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: hop.method,
      host,
      port: hop.url.port || (secure ? 443 : 80),
      path: `${hop.url.pathname}${hop.url.search}`,
      headers,
      agent: false,
      lookup: pinnedLookup(addresses),
      servername: parseIp(host) ? undefined : host,
      signal,
    };
    const req = (secure ? https : http).request(options, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      res.on('data', (chunk: Buffer) => {
        if (kept >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - kept));
        kept += chunk.length;
      });
      res.on('error', (err) => reject(new AttemptError('ConnectionError', err.message)));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          location: res.headers.location,
          body: Buffer.concat(chunks).toString('utf8'),
          retryAfter: retryAfter(res.headers['retry-after']),
        }),
      );
    });
    // One deadline for the whole attempt, so a slow receiver holds a worker for a bounded time.
    const deadline = setTimeout(
      () =>
        req.destroy(
          new AttemptError('Timeout', `No answer from ${host} within ${timeoutMs / 1000} seconds`),
        ),
      timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('socket', (socket) => {
      // The peer actually connected to, checked before a byte is sent (and before TLS).
      socket.once('connect', () => {
        const peer = parseIp(socket.remoteAddress ?? '');
        const refused = peer ? policy.refusal(host, peer) : 'unknown peer address';
        if (refused) req.destroy(new AttemptError('MlflowException', refused));
      });
    });
    req.on('error', (err) => {
      if (err instanceof AttemptError) return reject(err);
      if (err.name === 'AbortError') {
        return reject(new AttemptError('ConnectionError', 'The server is shutting down'));
      }
      const code = (err as NodeJS.ErrnoException).code;
      reject(
        new AttemptError(
          'ConnectionError',
          `Failed to establish a connection to ${host}:${String(options.port)}: ` +
            `${code ? `${code} ` : ''}${err.message}`,
        ),
      );
    });
    req.end(hop.body);
  });
}

/** A refused or malformed target (MLflow raises these as MlflowException) as an AttemptError. */
function asAttemptError(err: unknown): unknown {
  return err instanceof MlflowError ? new AttemptError('MlflowException', err.message) : err;
}

/** Sends the request, following redirects; throws AttemptError when no answer was had. */
export async function postJson(
  policy: TargetPolicy,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const first = await policy.validate(request.url).catch((err: unknown) => {
    throw asAttemptError(err);
  });
  let hop: Hop = {
    url: first.url,
    method: 'POST',
    body: request.body,
    headers: { ...request.headers, 'Content-Length': String(Buffer.byteLength(request.body)) },
  };
  let addresses = first.addresses;
  for (let redirects = 0; ; redirects++) {
    const answer = await sendOnce(policy, hop, addresses, request.timeoutMs, request.signal);
    const redirected = [301, 302, 303, 307, 308].includes(answer.status) && answer.location;
    if (!redirected) {
      return { status: answer.status, body: answer.body, retryAfterSeconds: answer.retryAfter };
    }
    if (redirects === MAX_REDIRECTS) {
      throw new AttemptError('TooManyRedirects', `Exceeded ${MAX_REDIRECTS} redirects.`);
    }
    hop = nextHop(hop, answer.status, answer.location!);
    // The next hop's scheme and every address of its host are checked as the webhook's own were.
    const next = await policy.validate(hop.url.href).catch((err: unknown) => {
      throw asAttemptError(err);
    });
    addresses = next.addresses;
  }
}
