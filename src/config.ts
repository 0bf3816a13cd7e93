// Server configuration: the one place environment variables are read. Flags override env.
import path from 'node:path';
import { z } from 'zod';

/** A comma-separated list (flag or env), trimmed, empty items dropped. */
const commaList = z.preprocess(
  (v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : v,
  z.array(z.string()).optional(),
);

const seconds = z.coerce.number().positive();
/** A switch from a flag (boolean) or env (`1`/`true`/`yes`, anything else off). */
const flag = z.preprocess(
  (v) => (typeof v === 'string' ? /^(1|true|yes)$/i.test(v.trim()) : v),
  z.boolean(),
);

export const AUTH_MODES = ['none', 'basic', 'trusted-header'] as const;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(5000),
  dataDir: z.string().min(1).default('./projects'),
  /** How many project databases stay open at once; older ones are closed (LRU). */
  maxOpenProjects: z.coerce.number().int().min(1).default(64),
  /** Where clients reach the server (e.g. behind a proxy); links are built from it. */
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Host header values accepted (MLflow's patterns: `*` wildcards); undefined: the defaults. */
  allowedHosts: commaList,
  /** Origins (besides loopback ones) allowed to make cross-origin state-changing requests. */
  corsAllowedOrigins: commaList,
  logLevel: z.enum(LOG_LEVELS).default('info'),
  /** Undefined: pretty on a terminal, JSON lines otherwise. */
  logFormat: z.enum(['json', 'pretty']).optional(),
  /** How long in-flight requests may run on after SIGTERM before they are cut. */
  shutdownGraceSeconds: seconds.default(25),
  /**
   * How long an idle keep-alive connection stays open. Above the 60 s idle timeout of common load
   * balancers (nginx upstreams, AWS ALB), so they close a connection before the server does and
   * never send a request on one the server is closing; far above MLflow's 5 s, so clients that
   * pause between calls (the official client's thread pools) seldom meet a closing connection.
   */
  keepAliveSeconds: seconds.default(75),
  /** A request body that brings fewer than bodyMinRate bytes/s over this window is cut (408). */
  bodyTimeoutSeconds: seconds.default(30),
  bodyMinRate: z.coerce.number().int().min(0).default(1024),
  /** Server-wide cap on the bytes of JSON request bodies being received or handled at once. */
  maxJsonInFlightMiB: z.coerce.number().positive().default(256),
  /** GraphQL documents may select at most this many root fields, and this many aliases per level. */
  graphqlMaxRootFields: z.coerce.number().int().min(1).default(10),
  graphqlMaxAliases: z.coerce.number().int().min(0).default(10),
  /** Multipart uploads neither completed nor aborted within this time are removed. */
  multipartMaxAgeHours: z.coerce.number().positive().default(24),
  /** How often abandoned upload files are swept while the server runs. */
  sweepIntervalSeconds: seconds.default(600),
  /**
   * `none`: anyone who reaches the port is admin (loopback only, unless allowed below); `basic`:
   * users and tokens of the server store; `trusted-header`: an identity proxy names the user.
   */
  auth: z.enum(AUTH_MODES).default('none'),
  /** Lets `--auth none` bind an address other than loopback. */
  allowUnauthenticatedNetwork: flag.default(false),
  /** Serves `GET /metrics` to anyone even when authentication is on (else: admins only). */
  metricsPublic: flag.default(false),
  /** `trusted-header` mode: the header carrying the user name, and who may send it. */
  trustedHeader: z.string().min(1).default('X-Forwarded-User'),
  trustedProxies: commaList,
  /** Created on first start when the server store has no admin; never printed or logged. */
  adminUsername: z.string().min(1).optional(),
  adminPassword: z.string().optional(),
  /**
   * Webhook targets that may be private, loopback or link-local (host names, IP addresses, CIDR
   * networks); every other target must resolve to public addresses only.
   */
  webhookAllowHosts: commaList,
  /** URL schemes webhooks may use (MLflow's default: https only). */
  webhookAllowedSchemes: commaList.transform((v) => (v?.length ? v : ['https'])),
  /** One delivery attempt's deadline. */
  webhookTimeoutSeconds: seconds.default(30),
  /** Attempts after the first for a delivery that failed with a retryable answer or error. */
  webhookMaxRetries: z.coerce.number().int().min(0).max(20).default(3),
  /** Deliveries sent at once, server-wide. */
  webhookWorkers: z.coerce.number().int().min(1).max(64).default(4),
  /** Notifications waiting for a worker; beyond this, new ones are dropped (and logged). */
  webhookQueueSize: z.coerce.number().int().min(1).default(10_000),
  /** The first retry's delay; each further retry doubles it, up to the cap. */
  webhookBackoffSeconds: seconds.default(1),
  webhookBackoffMaxSeconds: seconds.default(60),
  /** Fernet key encrypting webhook secrets; unset: a key file made in the data dir. */
  webhookSecretKey: z.string().min(1).optional(),
  /** Passphrase the AI gateway's key encryption key is derived from; unset: a file in the data dir. */
  gatewayKekPassphrase: z.string().min(1).optional(),
  /**
   * Where project metadata lives: `postgresql://user:pass@host:port/db` (one schema per project);
   * unset: one SQLite file per project in the data dir.
   */
  backendStoreUri: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URI (SQLite needs no setting)')
    .optional(),
  /** Connections each open project keeps to PostgreSQL. */
  dbPoolSize: z.coerce.number().int().min(1).max(100).default(5),
  /** MLflow's deployments server the UI's gateway proxy forwards to; unset: no endpoints. */
  deploymentsTarget: z.url({ protocol: /^https?$/ }).optional(),
  /** `s3://bucket/prefix` holding a folder per project; unset: each project's `artifacts/`. */
  artifactsDestination: z
    .string()
    .regex(/^s3:\/\/[^/]+/, 'must be an s3://bucket[/prefix] URI (unset: the project folders)')
    .optional(),
  /** An S3-compatible server (MinIO…); unset: AWS. */
  s3EndpointUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** Path-style addressing (`host/bucket/key`); unset: on when an endpoint URL is set. */
  s3ForcePathStyle: flag.optional(),
  /** Unset: the AWS SDK's region chain (shared config…), else us-east-1. */
  s3Region: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;

export interface ConfigFlags {
  host?: string;
  port?: string | number;
  dataDir?: string;
  publicUrl?: string;
  allowedHosts?: string;
  corsAllowedOrigins?: string;
  logLevel?: string;
  logFormat?: string;
  shutdownGrace?: string | number;
  keepAliveTimeout?: string | number;
  bodyTimeout?: string | number;
  bodyMinRate?: string | number;
  maxJsonInFlight?: string | number;
  multipartMaxAge?: string | number;
  auth?: string;
  allowUnauthenticatedNetwork?: boolean;
  metricsPublic?: boolean;
  trustedHeader?: string;
  trustedProxies?: string;
  webhookAllowHosts?: string;
  webhookAllowedSchemes?: string;
  webhookTimeout?: string | number;
  webhookMaxRetries?: string | number;
  backendStoreUri?: string;
  artifactsDestination?: string;
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse({
    host: flags.host ?? env.TRACKD_HOST,
    port: flags.port ?? env.TRACKD_PORT,
    dataDir: flags.dataDir ?? env.TRACKD_DATA_DIR,
    maxOpenProjects: env.TRACKD_MAX_OPEN_PROJECTS,
    publicUrl: flags.publicUrl ?? env.TRACKD_PUBLIC_URL,
    // MLflow's own variables are honoured too, so a server started with them stays as safe.
    allowedHosts: flags.allowedHosts ?? env.TRACKD_ALLOWED_HOSTS ?? env.MLFLOW_SERVER_ALLOWED_HOSTS,
    corsAllowedOrigins:
      flags.corsAllowedOrigins ??
      env.TRACKD_CORS_ALLOWED_ORIGINS ??
      env.MLFLOW_SERVER_CORS_ALLOWED_ORIGINS,
    logLevel: flags.logLevel ?? env.TRACKD_LOG_LEVEL,
    logFormat: flags.logFormat ?? env.TRACKD_LOG_FORMAT,
    shutdownGraceSeconds: flags.shutdownGrace ?? env.TRACKD_SHUTDOWN_GRACE,
    keepAliveSeconds: flags.keepAliveTimeout ?? env.TRACKD_KEEP_ALIVE_TIMEOUT,
    bodyTimeoutSeconds: flags.bodyTimeout ?? env.TRACKD_BODY_TIMEOUT,
    bodyMinRate: flags.bodyMinRate ?? env.TRACKD_BODY_MIN_RATE,
    maxJsonInFlightMiB: flags.maxJsonInFlight ?? env.TRACKD_MAX_JSON_IN_FLIGHT,
    graphqlMaxRootFields:
      env.TRACKD_GRAPHQL_MAX_ROOT_FIELDS ?? env.MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS,
    graphqlMaxAliases: env.TRACKD_GRAPHQL_MAX_ALIASES ?? env.MLFLOW_SERVER_GRAPHQL_MAX_ALIASES,
    multipartMaxAgeHours: flags.multipartMaxAge ?? env.TRACKD_MULTIPART_MAX_AGE,
    sweepIntervalSeconds: env.TRACKD_SWEEP_INTERVAL,
    auth: flags.auth ?? env.TRACKD_AUTH,
    allowUnauthenticatedNetwork:
      flags.allowUnauthenticatedNetwork ?? env.TRACKD_ALLOW_UNAUTHENTICATED_NETWORK,
    metricsPublic: flags.metricsPublic ?? env.TRACKD_METRICS_PUBLIC,
    trustedHeader: flags.trustedHeader ?? env.TRACKD_TRUSTED_HEADER,
    trustedProxies: flags.trustedProxies ?? env.TRACKD_TRUSTED_PROXIES,
    adminUsername: env.TRACKD_ADMIN_USERNAME,
    adminPassword: env.TRACKD_ADMIN_PASSWORD,
    webhookAllowHosts: flags.webhookAllowHosts ?? env.TRACKD_WEBHOOK_ALLOW_HOSTS,
    webhookAllowedSchemes:
      flags.webhookAllowedSchemes ??
      env.TRACKD_WEBHOOK_ALLOWED_SCHEMES ??
      env.MLFLOW_WEBHOOK_ALLOWED_SCHEMES,
    webhookTimeoutSeconds:
      flags.webhookTimeout ?? env.TRACKD_WEBHOOK_TIMEOUT ?? env.MLFLOW_WEBHOOK_REQUEST_TIMEOUT,
    webhookMaxRetries:
      flags.webhookMaxRetries ??
      env.TRACKD_WEBHOOK_MAX_RETRIES ??
      env.MLFLOW_WEBHOOK_REQUEST_MAX_RETRIES,
    webhookWorkers: env.TRACKD_WEBHOOK_WORKERS,
    webhookQueueSize: env.TRACKD_WEBHOOK_QUEUE_SIZE,
    webhookBackoffSeconds: env.TRACKD_WEBHOOK_BACKOFF,
    webhookBackoffMaxSeconds: env.TRACKD_WEBHOOK_BACKOFF_MAX,
    webhookSecretKey: env.TRACKD_WEBHOOK_SECRET_KEY ?? env.MLFLOW_WEBHOOK_SECRET_ENCRYPTION_KEY,
    backendStoreUri: flags.backendStoreUri ?? (env.TRACKD_BACKEND_STORE_URI || undefined),
    dbPoolSize: env.TRACKD_DB_POOL_SIZE,
    gatewayKekPassphrase:
      env.TRACKD_GATEWAY_KEK_PASSPHRASE || env.MLFLOW_CRYPTO_KEK_PASSPHRASE || undefined,
    deploymentsTarget: env.TRACKD_DEPLOYMENTS_TARGET || env.MLFLOW_DEPLOYMENTS_TARGET || undefined,
    artifactsDestination:
      flags.artifactsDestination ?? (env.TRACKD_ARTIFACTS_DESTINATION || undefined),
    // MLflow's and the AWS SDK's own variables too, so an existing MinIO setup carries over.
    s3EndpointUrl:
      env.TRACKD_S3_ENDPOINT_URL ||
      env.MLFLOW_S3_ENDPOINT_URL ||
      env.AWS_ENDPOINT_URL_S3 ||
      env.AWS_ENDPOINT_URL ||
      undefined,
    s3ForcePathStyle: env.TRACKD_S3_FORCE_PATH_STYLE || undefined,
    // boto3 (MLflow) reads AWS_DEFAULT_REGION; the JavaScript SDK only AWS_REGION.
    s3Region: env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid configuration for '${issue.path.join('.')}': ${issue.message}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.dataDir) };
}
