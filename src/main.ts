#!/usr/bin/env -S node --max-semi-space-size=32
// Command-line entry: `serve` (the default) runs the server, `db upgrade` migrates every project,
// `users`, `tokens` and `grant` manage who may do what (admin-cli.ts).
// The V8 flag above (also in package.json's `start`): a 32 MB young generation instead of 16 MB.
// A log-batch of 1000 metrics makes some 4000 short-lived objects (parsed JSON, validated copies,
// rows); with the default size V8 ran a minor GC every few requests, which took a fifth of the
// server's CPU (4.4 instead of 5.8 ms of CPU per request, BENCHMARKS.md). It cannot be set from
// inside the program: V8 sizes its heap when the process starts.
import { Command } from 'commander';
import { addAdminCommands } from './admin-cli.js';
import { AUTH_MODES, LOG_LEVELS, loadConfig, type ConfigFlags } from './config.js';
import { createLogger } from './logging.js';
import { serve } from './serve.js';
import { ProjectRegistry } from './store/projects.js';
import { VERSION } from './version.js';

const program = new Command()
  .name('trackd')
  .description('An MLflow-compatible tracking server')
  .version(VERSION);

program
  .command('serve', { isDefault: true })
  .description('serve the MLflow REST API')
  .option('--host <host>', 'address to bind (env TRACKD_HOST)')
  .option('--port <port>', 'port to listen on (env TRACKD_PORT)')
  .option('--data-dir <dir>', 'data root holding one folder per project (env TRACKD_DATA_DIR)')
  .option(
    '--public-url <url>',
    'URL clients reach the server at, for links (env TRACKD_PUBLIC_URL)',
  )
  .option(
    '--allowed-hosts <list>',
    'Host header values accepted, comma-separated, * wildcards (env TRACKD_ALLOWED_HOSTS)',
  )
  .option(
    '--cors-allowed-origins <list>',
    'origins allowed to call the API from a browser (env TRACKD_CORS_ALLOWED_ORIGINS)',
  )
  .option('--log-level <level>', `${LOG_LEVELS.join('|')} (env TRACKD_LOG_LEVEL)`)
  .option('--log-format <format>', 'json|pretty (env TRACKD_LOG_FORMAT)')
  .option('--shutdown-grace <seconds>', 'time running requests get after SIGTERM')
  .option(
    '--keep-alive-timeout <seconds>',
    'how long idle connections stay open, default 75 (env TRACKD_KEEP_ALIVE_TIMEOUT)',
  )
  .option('--body-timeout <seconds>', 'window in which a request body must move')
  .option('--body-min-rate <bytes>', 'bytes per second a request body must average per window')
  .option('--max-json-in-flight <MiB>', 'JSON request bodies held at once, server-wide')
  .option('--multipart-max-age <hours>', 'age at which unfinished multipart uploads are removed')
  .option('--auth <mode>', `${AUTH_MODES.join('|')} (env TRACKD_AUTH; default none)`)
  .option(
    '--allow-unauthenticated-network',
    'with --auth none, serve an address other than loopback anyway',
  )
  .option(
    '--metrics-public',
    'serve /metrics without credentials even with --auth on (env TRACKD_METRICS_PUBLIC)',
  )
  .option(
    '--trusted-header <name>',
    'trusted-header mode: header naming the user (env TRACKD_TRUSTED_HEADER)',
  )
  .option(
    '--trusted-proxies <list>',
    'trusted-header mode: proxy addresses the header is accepted from (env TRACKD_TRUSTED_PROXIES)',
  )
  .option(
    '--webhook-allow-hosts <list>',
    'webhook targets that may be private or loopback: hosts, IPs, CIDRs (env TRACKD_WEBHOOK_ALLOW_HOSTS)',
  )
  .option(
    '--webhook-allowed-schemes <list>',
    'URL schemes webhooks may use, default https (env TRACKD_WEBHOOK_ALLOWED_SCHEMES)',
  )
  .option('--webhook-timeout <seconds>', 'deadline of one webhook delivery attempt (default 30)')
  .option('--webhook-max-retries <n>', 'retries of a failed webhook delivery (default 3)')
  .option(
    '--backend-store-uri <uri>',
    'postgresql://… to keep metadata in PostgreSQL, one schema per project; default: SQLite files in the data dir (env TRACKD_BACKEND_STORE_URI)',
  )
  .option(
    '--artifacts-destination <uri>',
    "s3://bucket/prefix to keep artifacts in S3 (<prefix>/<project>/…); default: each project's artifacts/ folder (env TRACKD_ARTIFACTS_DESTINATION)",
  )
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const logger = createLogger(config);
    try {
      await serve(config, logger);
    } catch (err) {
      logger.fatal({ err }, `cannot serve on ${config.host}:${config.port}`);
      logger.flush();
      process.exit(1);
    }
  });

program
  .command('db')
  .description('database maintenance')
  .command('upgrade')
  .description("apply pending schema migrations to every project's database")
  .option('--data-dir <dir>', 'data root (env TRACKD_DATA_DIR)')
  .option('--backend-store-uri <uri>', 'postgresql://… (env TRACKD_BACKEND_STORE_URI)')
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const projects = new ProjectRegistry(config.dataDir, config.maxOpenProjects, config);
    try {
      const applied = await projects.upgradeAll();
      for (const [name, migrations] of Object.entries(applied)) {
        console.log(`${name}: ${migrations.length ? migrations.join(', ') : 'up to date'}`);
      }
    } finally {
      await projects.closeAll();
    }
  });

addAdminCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`trackd: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
