// Keeps web pages from driving the server through a visitor's browser, as MLflow 3's security
// middleware does. DNS rebinding (a page on evil.example whose name now resolves to 127.0.0.1)
// shows in the Host header, which must be one the operator allows. Requests a browser sends
// cross-site without asking first (form posts, simple content types) carry an Origin, which
// must be loopback, the server's own or one allowed by configuration. Allowed origins also get
// CORS answers, so their pages can use the whole API.
import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.js';
import { errorBody } from '../errors.js';

const INVALID_HOST = 'Invalid Host header - possible DNS rebinding attack detected';
const CROSS_ORIGIN_BLOCKED = 'Cross-origin request blocked';
const STATE_CHANGING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);
/** Answered whatever the Host, like MLflow: load balancers probe them by address. */
const HEALTH_PATH = /^(\/projects\/[^/]+)?\/(health|version)$/;

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '0.0.0.0'];
// MLflow's defaults besides loopback: literal private addresses. A rebinding page is reached by
// a name, never by a literal address, so these let LAN clients in without opening that door.
const PRIVATE_ADDRESSES = [
  '192.168.*',
  '10.*',
  ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`),
  'fc00:*',
  'fd00:*',
];
const LOOPBACK_ORIGIN_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** MLflow's host patterns: exact text, or `*` standing for any run of characters. */
function globMatcher(patterns: string[]): (value: string) => boolean {
  if (patterns.includes('*')) return () => true;
  const exact = new Set(patterns.filter((p) => !p.includes('*')).map((p) => p.toLowerCase()));
  const wild = patterns
    .filter((p) => p.includes('*'))
    .map(
      (p) =>
        new RegExp(
          `^${p
            .toLowerCase()
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*')}$`,
        ),
    );
  return (value) => {
    const v = value.toLowerCase();
    return exact.has(v) || wild.some((re) => re.test(v));
  };
}

/** The Host values the server answers: configured ones, or loopback and private addresses. */
export function allowedHostPatterns(config: Config): string[] {
  const patterns = config.allowedHosts?.length
    ? [...config.allowedHosts]
    : [...LOOPBACK_NAMES, ...LOOPBACK_NAMES.map((h) => `${h}:*`), ...PRIVATE_ADDRESSES];
  if (config.publicUrl) patterns.push(new URL(config.publicUrl).host);
  // A server bound to one named address is reached by that name.
  if (!['0.0.0.0', '::', '127.0.0.1', 'localhost'].includes(config.host)) {
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    patterns.push(host, `${host}:*`);
  }
  return patterns;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

export function hostAndOriginChecks(config: Config): RequestHandler[] {
  const hostAllowed = globMatcher(allowedHostPatterns(config));
  const configuredOrigins = config.corsAllowedOrigins ?? [];
  const anyOrigin = configuredOrigins.includes('*');
  const originConfigured = globMatcher(configuredOrigins);
  const originAllowed = (origin: string, req: Request) => {
    const host = originHost(origin);
    if (host === undefined) return false; // `null` (sandboxed frames, files) or garbage
    const name = host.replace(/:\d+$/, '');
    return LOOPBACK_ORIGIN_HOSTS.has(name) || originConfigured(origin) || host === req.get('host');
  };

  const checkHost: RequestHandler = (req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'SAMEORIGIN');
    if (HEALTH_PATH.test(req.path)) return next();
    const host = req.get('host');
    if (host === undefined || !hostAllowed(host)) {
      req.log.warn({ host }, 'refused a request for a Host that is not allowed');
      res.status(403).json(errorBody('PERMISSION_DENIED', INVALID_HOST));
      return;
    }
    next();
  };

  const checkOrigin: RequestHandler = (req, res, next) => {
    const origin = req.get('origin');
    if (anyOrigin || origin === undefined || !STATE_CHANGING.has(req.method)) return next();
    if (!originAllowed(origin, req)) {
      req.log.warn({ origin }, 'refused a cross-origin request');
      res.status(403).json(errorBody('PERMISSION_DENIED', CROSS_ORIGIN_BLOCKED));
      return;
    }
    next();
  };

  const corsAnswers = cors((req, done) => {
    const origin = (req as Request).get('origin');
    if (anyOrigin) return done(null, { origin: '*', credentials: false });
    const allowed = origin !== undefined && originAllowed(origin, req as Request);
    done(null, {
      origin: allowed,
      credentials: true,
      methods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'],
    });
  });

  // Most clients (the official one, curl) send no Origin and skip the CORS work entirely.
  const corsIfOrigin: RequestHandler = (req, res, next) =>
    req.headers.origin === undefined ? next() : corsAnswers(req, res, next);

  return [checkHost, corsIfOrigin, checkOrigin];
}
