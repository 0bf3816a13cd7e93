#!/usr/bin/env -S node --max-semi-space-size=32
// Command-line entry: `serve` (the default) runs the server, `db upgrade` migrates every project.
// The V8 flag above (also in package.json's `start`): a 32 MB young generation instead of 16 MB.
// A log-batch of 1000 metrics makes some 4000 short-lived objects (parsed JSON, validated copies,
// rows); with the default size V8 ran a minor GC every few requests, which took a fifth of the
// server's CPU (4.4 instead of 5.8 ms of CPU per request, BENCHMARKS.md). It cannot be set from
// inside the program: V8 sizes its heap when the process starts.
import { Command } from 'commander';
import { createApp } from './app.js';
import { loadConfig, type ConfigFlags } from './config.js';
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
  .action((flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const { app, close } = createApp(config);
    const server = app.listen(config.port, config.host, (err?: Error) => {
      // Express 5 reports listen failures (e.g. EADDRINUSE) to this callback.
      if (err) {
        console.error(`trackd: cannot listen on ${config.host}:${config.port}: ${err.message}`);
        process.exit(1);
      }
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      console.log(
        `trackd ${VERSION} listening on http://${config.host}:${port} (data: ${config.dataDir})`,
      );
    });
    // Node ends any request not fully received within 5 minutes; an artifact upload of several
    // gigabytes may stream for longer. A transfer that stalls is still cut, after 5 idle minutes
    // (its temporary file is removed then).
    server.requestTimeout = 0;
    server.timeout = 5 * 60 * 1000;
    const shutdown = () => {
      server.close(() => void close().then(() => process.exit(0)));
      setTimeout(() => process.exit(0), 5000).unref();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });

program
  .command('db')
  .description('database maintenance')
  .command('upgrade')
  .description("apply pending schema migrations to every project's database")
  .option('--data-dir <dir>', 'data root (env TRACKD_DATA_DIR)')
  .action(async (flags: ConfigFlags) => {
    const config = loadConfig(flags);
    const projects = new ProjectRegistry(config.dataDir);
    const applied = await projects.upgradeAll();
    for (const [name, migrations] of Object.entries(applied)) {
      console.log(`${name}: ${migrations.length ? migrations.join(', ') : 'up to date'}`);
    }
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error(`trackd: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
