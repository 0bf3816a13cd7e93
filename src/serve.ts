// The `serve` command: sweeps what earlier runs left behind, serves until a signal, then stops
// gracefully (http/server.ts) and exits.
import { createApp } from './app.js';
import { removeLiveUploadFilesSync, sweepLeftovers } from './artifacts/leftovers.js';
import { ensureAdmin } from './auth/bootstrap.js';
import type { Config } from './config.js';
import { setHeapGrowth } from './heap-growth.js';
import { collectWhenQuiet } from './http/quiet-collection.js';
import { listen } from './http/server.js';
import type { Logger } from './logging.js';
import { DELETED_PREFIX } from './store/projects.js';
import { VERSION } from './version.js';

const MIB = 1024 * 1024;

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export async function serve(config: Config, logger: Logger): Promise<void> {
  setHeapGrowth();
  if (config.auth === 'none' && !isLoopback(config.host) && !config.allowUnauthenticatedNetwork) {
    throw new Error(
      `refusing to serve ${config.host} without authentication: anyone who reaches the port ` +
        'could read, change and delete every project. Turn it on (--auth basic) or accept the ' +
        'risk with --allow-unauthenticated-network.',
    );
  }
  const multipartMaxAgeMs = config.multipartMaxAgeHours * 3600 * 1000;
  // Nothing is being uploaded before the server listens: every upload file found is a leftover.
  const swept = await sweepLeftovers(config.dataDir, {
    multipartMaxAgeMs,
    minAgeMs: 0,
    deletedFolders: { prefix: DELETED_PREFIX },
  });
  if (swept.files > 0) {
    logger.info(
      { files: swept.files, mib: +(swept.bytes / MIB).toFixed(1) },
      'removed files left by interrupted uploads and deletions',
    );
  }

  const { app, inFlight, close, serverStore, projects } = await createApp(config, logger);
  // Artifacts kept outside the data dir (S3): the same sweep there; it fails the start when the
  // bucket cannot be reached, rather than the first upload.
  const sweptRemote = await projects.artifacts.sweep({ multipartMaxAgeMs, minAgeMs: 0 });
  if (sweptRemote.files > 0) {
    logger.info(
      { files: sweptRemote.files, mib: +(sweptRemote.bytes / MIB).toFixed(1) },
      `removed uploads left in ${projects.artifacts.description} by interrupted transfers`,
    );
  }
  const admin = await ensureAdmin(serverStore, config);
  if (config.auth === 'none') {
    logger.warn(
      isLoopback(config.host)
        ? 'authentication is off (--auth none): every local client is admin'
        : `authentication is off on ${config.host} (--allow-unauthenticated-network): ` +
            'anyone who reaches the port is admin',
    );
  } else if (admin === 'none') {
    logger.warn(
      'no admin user yet: set TRACKD_ADMIN_USERNAME and TRACKD_ADMIN_PASSWORD, or run ' +
        '`trackd users add <name> --admin`',
    );
  } else if (admin === 'created') {
    logger.info({ user: config.adminUsername }, 'admin user created');
  }
  if (projects.databases.kind === 'postgres') {
    const missing = [
      config.webhookSecretKey === undefined && 'TRACKD_WEBHOOK_SECRET_KEY',
      config.gatewayKekPassphrase === undefined && 'TRACKD_GATEWAY_KEK_PASSPHRASE',
    ].filter(Boolean);
    // Each server would make its own key file: a secret stored through one replica could then
    // not be read by another (webhooks unsigned, gateway secrets unreadable).
    if (missing.length > 0) {
      logger.warn(
        `${missing.join(' and ')} not set: this server keeps its own key in ${config.dataDir}; ` +
          'give every replica on this database the same value',
      );
    }
  }
  const running = await listen(app, config, logger, inFlight, async () => {
    const removed = removeLiveUploadFilesSync();
    if (removed) logger.info({ files: removed }, 'removed files of uploads cut by the shutdown');
  });
  logger.info(
    {
      version: VERSION,
      url: `http://${config.host}:${running.port}`,
      dataDir: config.dataDir,
      artifacts: projects.artifacts.description,
      auth: config.auth,
    },
    `trackd ${VERSION} listening on http://${config.host}:${running.port}`,
  );

  const stopCollections = collectWhenQuiet(inFlight);

  // While serving, only files no request holds and old enough to belong to a finished transfer.
  const sweeps = setInterval(() => {
    const options = { multipartMaxAgeMs, minAgeMs: 2 * config.bodyTimeoutSeconds * 1000 };
    Promise.all([sweepLeftovers(config.dataDir, options), projects.artifacts.sweep(options)])
      .then(([local, remote]) => ({
        files: local.files + remote.files,
        bytes: local.bytes + remote.bytes,
      }))
      .then(
        (result) => {
          if (result.files) logger.info({ ...result }, 'removed abandoned upload files');
        },
        (err: unknown) => logger.warn({ err }, 'sweep of upload files failed'),
      );
  }, config.sweepIntervalSeconds * 1000).unref();

  const stop = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' || signal === 'SIGTERM') {
      const again = running.server.listening === false;
      logger.info({ signal }, again ? 'second signal: cutting running requests now' : 'stopping');
      void running.shutdown({ now: again }).then(async () => {
        clearInterval(sweeps);
        stopCollections();
        await close();
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      });
    }
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
