// Prometheus metrics at `GET /metrics` (prom-client, text format): requests and their latency per
// endpoint family, method and status; open projects; database connections; Node's process metrics.
// Labels come from closed sets only (endpoint-families.ts), so their number stays bounded whatever
// clients send. Served at the root only, not below a project prefix: the figures are server-wide.
// Who may read them: anyone when the server runs `--auth none` or with `--metrics-public`, else a
// server admin (a read-only admin token is enough, e.g. for Prometheus' `authorization` setting).
import type { RequestHandler } from 'express';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import type { Authenticator } from '../auth/authenticator.js';
import type { Config } from '../config.js';
import { MlflowError } from '../errors.js';
import type { ProjectRegistry } from '../store/projects.js';
import { authentication } from './authentication.js';
import type { AnyEndpoint } from './endpoint.js';
import { EndpointFamilies } from './endpoint-families.js';
import { requestFacts } from './request-log.js';

/** What a database backend tells about its connections when scraped. */
export interface DatabasePoolStats {
  /** Connections open now (SQLite: one per open project database). */
  open: number;
  /** Of those, connections doing nothing (pools only). */
  idle?: number;
  /** Queries waiting for a connection of a full pool (pools only). */
  waiting?: number;
}

/**
 * The hook for pooled backends: a `ProjectDatabases` (store/project-databases.ts) that has
 * `poolStats()` reports its pools' figures, summed over every open project (for `pg.Pool`:
 * `totalCount`, `idleCount`, `waitingCount`). Without it, SQLite's open project databases are
 * counted, and a pooled backend reports nothing.
 */
export interface PoolStatsSource {
  poolStats(): DatabasePoolStats;
}

function hasPoolStats(value: object): value is PoolStatsSource {
  return typeof (value as Partial<PoolStatsSource>).poolStats === 'function';
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Seconds; up to two minutes for large artifact transfers. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

// Node's process metrics describe the process, not an app: registered once per process (tests
// build many apps in one), and merged into each app's answer.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

type RequestLabels = 'family' | 'method' | 'status';

export interface MetricsOptions {
  endpoints: readonly AnyEndpoint[];
  projects: ProjectRegistry;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly families: EndpointFamilies;
  private readonly requests: Counter<RequestLabels>;
  private readonly latency: Histogram<RequestLabels>;
  /** The series of each label combination, looked up once (the combinations are bounded). */
  private readonly series = new Map<string, { count: () => void; observe: (s: number) => void }>();

  constructor({ endpoints, projects }: MetricsOptions) {
    this.families = new EndpointFamilies(endpoints);
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'trackd_http_requests_total',
      help: 'HTTP requests answered, by endpoint family, method and status code',
      labelNames: ['family', 'method', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'trackd_http_request_duration_seconds',
      help: 'Time from receiving a request to the end of its answer, by endpoint family, method and status code',
      labelNames: ['family', 'method', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'trackd_open_projects',
      help: 'Projects whose database is open now (kept open up to TRACKD_MAX_OPEN_PROJECTS)',
      registers,
      collect() {
        this.set(projects.openCount);
      },
    });
    const databases = projects.databases;
    new Gauge({
      name: 'trackd_db_connections',
      help: 'Database connections of the project stores: open, idle and waiting (pools only)',
      labelNames: ['backend', 'state'],
      registers,
      collect() {
        this.reset();
        // SQLite holds one connection per open project; a pooled backend must say (the hook).
        const stats: DatabasePoolStats | undefined = hasPoolStats(databases)
          ? databases.poolStats()
          : databases.kind === 'sqlite'
            ? { open: projects.openCount }
            : undefined;
        if (!stats) return;
        this.set({ backend: databases.kind, state: 'open' }, stats.open);
        if (stats.idle !== undefined) {
          this.set({ backend: databases.kind, state: 'idle' }, stats.idle);
        }
        if (stats.waiting !== undefined) {
          this.set({ backend: databases.kind, state: 'waiting' }, stats.waiting);
        }
      },
    });
  }

  /** Counts each request once its answer is done (or its connection lost). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = performance.now();
      res.once('close', () => {
        const family = this.families.of(requestFacts(res).route, req.originalUrl);
        const method = METHODS.has(req.method) ? req.method : 'other';
        const series = this.seriesOf(family, method, res.statusCode);
        series.count();
        series.observe((performance.now() - started) / 1000);
      });
      next();
    };
  }

  private seriesOf(family: string, method: string, status: number) {
    const key = `${family} ${method} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      const labels = { family, method, status: String(status) };
      const counter = this.requests.labels(labels);
      const histogram = this.latency.labels(labels);
      series = { count: () => counter.inc(), observe: (s) => histogram.observe(s) };
      this.series.set(key, series);
    }
    return series;
  }

  /** The text exposition of this app's metrics and the process'. */
  async scrape(): Promise<{ contentType: RegistryContentType; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }

  /** `GET /metrics`, with the access rule described at the top. */
  route(authenticator: Authenticator, config: Config): RequestHandler[] {
    const serve: RequestHandler = (_req, res, next) => {
      this.scrape().then(({ contentType, body }) => {
        res.setHeader('Cache-Control', 'no-store');
        res.type(contentType).send(body);
      }, next);
    };
    if (!authenticator.enabled || config.metricsPublic) return [serve];
    const adminOnly: RequestHandler = (req, _res, next) => {
      const principal = req.principal;
      // A token bound to one project speaks for that project only, not for the server.
      if (principal.isAdmin && !principal.token?.project) return next();
      next(
        new MlflowError(
          'PERMISSION_DENIED',
          `Permission denied: only a server admin may read /metrics (caller '${principal.username}').`,
        ),
      );
    };
    return [authentication(authenticator, config.trustedHeader), adminOnly, serve];
  }
}
