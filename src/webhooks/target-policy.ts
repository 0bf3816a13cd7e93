// Where webhooks may send: MLflow's `_validate_webhook_url` (allowed schemes, a host name, every
// address it resolves to public) with its messages, plus the operator's allowlist of hosts,
// addresses and networks that may be private (`--webhook-allow-hosts`). The same check runs when
// a webhook is saved, before every attempt, on every redirect, and on the connected socket itself.
import dns from 'node:dns';
import { MlflowError } from '../errors.js';
import { pyStr } from '../search/python-repr.js';
import {
  formatIp,
  isPublicIp,
  networkContains,
  parseIp,
  parseNetwork,
  type IpBytes,
} from './ip-address.js';

const FIELD = 'Webhook URL';
/** MLflow gives a resolution this long before it refuses the URL. */
const RESOLVE_TIMEOUT_MS = 5000;

export interface TargetPolicyOptions {
  /** URL schemes accepted (MLflow's default: https only). */
  allowedSchemes: readonly string[];
  /** Host names, IP addresses and CIDR networks that may be private, loopback or link-local. */
  allowHosts: readonly string[];
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Python's urlsplit scheme: letters, digits, `+-.` before the first `:`, lower-cased. */
function schemeOf(url: string): string {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return match ? match[1].toLowerCase() : '';
}

/** The host part of `//user@host:port` as Python's urlsplit reads it ('' when there is none). */
function authorityHost(url: string): string {
  const rest = url.slice(url.indexOf(':') + 1);
  if (!rest.startsWith('//')) return '';
  const authority = rest.slice(2).split(/[/?#]/, 1)[0];
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  if (hostPort.startsWith('[')) return hostPort.slice(1, hostPort.indexOf(']'));
  return hostPort.split(':', 1)[0];
}

/** getaddrinfo's failures in the words Python's socket.gaierror prints them. */
function gaiText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOTFOUND':
      return '[Errno -2] Name or service not known';
    case 'EAI_AGAIN':
      return '[Errno -3] Temporary failure in name resolution';
    case 'EAI_FAIL':
      return '[Errno -4] Non-recoverable failure in name resolution';
    case 'ENODATA':
      return '[Errno -5] No address associated with hostname';
    default:
      return err.code ?? err.message;
  }
}

export class TargetPolicy {
  readonly allowedSchemes: readonly string[];
  private readonly hostNames = new Set<string>();
  private readonly networks: NonNullable<ReturnType<typeof parseNetwork>>[] = [];

  constructor(options: TargetPolicyOptions) {
    this.allowedSchemes = options.allowedSchemes.map((s) => s.toLowerCase());
    for (const entry of options.allowHosts) {
      const network = parseNetwork(entry.replace(/^\[(.*)\]$/, '$1'));
      if (network) this.networks.push(network);
      else this.hostNames.add(entry.toLowerCase().replace(/\.$/, ''));
    }
  }

  /**
   * A URL's parsed form once its scheme and host pass MLflow's checks; `host` is the name or
   * literal that is resolved and connected to (WHATWG's reading, as the delivery client's).
   */
  parseUrl(url: string): URL {
    if (!url.trim()) {
      throw MlflowError.invalidParameter(
        `Webhook URL cannot be empty or just whitespace: ${pyStr(url)}`,
      );
    }
    const trimmed = url.trim();
    const scheme = schemeOf(trimmed);
    if (!this.allowedSchemes.includes(scheme)) {
      throw MlflowError.invalidParameter(
        `Invalid webhook URL scheme: ${pyStr(scheme)}. ` +
          `Allowed schemes are: ${this.allowedSchemes.join(', ')}.`,
      );
    }
    if (!authorityHost(trimmed)) {
      throw MlflowError.invalidParameter(`Webhook URL must include a hostname: ${pyStr(url)}`);
    }
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw MlflowError.invalidParameter(`Invalid webhook URL ${pyStr(url)}: not a valid URL`);
    }
    if (!parsed.hostname) {
      throw MlflowError.invalidParameter(`Webhook URL must include a hostname: ${pyStr(url)}`);
    }
    return parsed;
  }

  /** The host as resolved and named in messages: brackets off, no trailing dot. */
  static hostOf(url: URL): string {
    return url.hostname.replace(/^\[(.*)\]$/, '$1');
  }

  /**
   * Why connecting to `address` for `host` is refused, or undefined when it is allowed. `label` is
   * the host as messages name it (MLflow names it as the URL wrote it, e.g. `::ffff:127.0.0.1`).
   */
  refusal(host: string, address: IpBytes, label = host): string | undefined {
    if (this.hostNames.has(host.toLowerCase().replace(/\.$/, ''))) return undefined;
    if (isPublicIp(address)) return undefined;
    if (this.networks.some((n) => networkContains(n, address))) return undefined;
    return (
      `${FIELD} must not resolve to a non-public IP address. ` +
      `${pyStr(label)} resolves to ${formatIp(address)}.`
    );
  }

  /**
   * Every address `host` resolves to, each checked; the first refused one fails the whole URL
   * (MLflow's rule: one private address is enough to refuse).
   */
  async resolve(host: string, label = host): Promise<ResolvedAddress[]> {
    const literal = parseIp(host);
    const addresses: ResolvedAddress[] = literal
      ? [{ address: host, family: literal.length === 4 ? 4 : 6 }]
      : await lookupAll(host, label);
    for (const { address } of addresses) {
      const bytes = parseIp(address);
      if (!bytes) {
        throw MlflowError.invalidParameter(
          `${FIELD} hostname ${pyStr(label)} resolved to an invalid IP address: ${address}`,
        );
      }
      const refused = this.refusal(host, bytes, label);
      if (refused) throw MlflowError.invalidParameter(refused);
    }
    return addresses;
  }

  /**
   * MLflow's `_validate_webhook_url`: scheme, host name, and every address the host has. Answers
   * the parsed URL with the addresses checked, which are the ones to connect to.
   */
  async validate(url: string): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
    const parsed = this.parseUrl(url);
    const host = TargetPolicy.hostOf(parsed);
    const written = authorityHost(url.trim()).toLowerCase();
    return { url: parsed, addresses: await this.resolve(host, written || host) };
  }
}

async function lookupAll(host: string, label: string): Promise<ResolvedAddress[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          MlflowError.invalidParameter(
            `Timed out resolving ${FIELD} hostname ${pyStr(label)} after ` +
              `${RESOLVE_TIMEOUT_MS / 1000} seconds`,
          ),
        ),
      RESOLVE_TIMEOUT_MS,
    );
  });
  try {
    const found = await Promise.race([
      dns.promises.lookup(host, { all: true, verbatim: true }),
      timeout,
    ]);
    return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
  } catch (err) {
    if (err instanceof MlflowError) throw err;
    throw MlflowError.invalidParameter(
      `Cannot resolve ${FIELD} hostname ${pyStr(label)}: ${gaiText(err as NodeJS.ErrnoException)}`,
    );
  } finally {
    clearTimeout(timer);
  }
}
