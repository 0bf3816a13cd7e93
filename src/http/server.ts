// The listening HTTP server around the Express app: parser limits, timeouts, answers to requests
// the parser refuses, and graceful shutdown. On shutdown it stops accepting, closes idle
// keep-alive connections and asks busy ones to close after their answer, lets requests already
// running finish within the grace period, then cuts what is left (an upload cut so removes its
// temporary file), closes the databases and returns.
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Express } from 'express';
import type { InFlightRequests } from './in-flight.js';
import type { Config } from '../config.js';
import type { Logger } from '../logging.js';
import { answerClientError } from './client-errors.js';
import { keepIdleConnections } from './keep-alive.js';

/** Headers (the request line included) larger than this are refused by Node's parser (431/414). */
export const MAX_HEADER_BYTES = 64 * 1024;
/** How long cut requests get to clean up (remove temporary files) after the grace period. */
const CLEANUP_MS = 2000;
/** How long the server must see no request before it closes the connections left open. */
const QUIET_MS = 200;

export interface RunningServer {
  server: http.Server;
  port: number;
  /** Stops as described above; the promise settles when every request has ended. */
  shutdown(options?: { now?: boolean }): Promise<void>;
}

export async function listen(
  app: Express,
  config: Config,
  logger: Logger,
  inFlight: InFlightRequests,
  onCut: () => Promise<void>,
): Promise<RunningServer> {
  const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app);
  // Node's requestTimeout bounds a whole request, uploads included; bodies are watched for
  // progress instead (body-timeout.ts). Headers must arrive within a minute, a request that moves
  // nothing either way for 5 minutes is cut, and idle keep-alive connections close after
  // config.keepAliveSeconds (keep-alive.ts).
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.timeout = 5 * 60 * 1000;
  keepIdleConnections(server, config.keepAliveSeconds);
  server.on('clientError', answerClientError(logger));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  let cutNow: (() => void) | undefined;
  const shutdown = ({ now = false } = {}): Promise<void> => {
    if (stopping) {
      if (now) cutNow?.();
      return stopping;
    }
    let cutRequested = false;
    const cut = new Promise<void>(
      (resolve) =>
        (cutNow = () => {
          cutRequested = true;
          resolve();
        }),
    );
    stopping = (async () => {
      inFlight.draining = true;
      // Stops accepting without http.Server's own closing of idle keep-alive connections: a
      // request a client already sent on one may sit unread in the socket, and closing it would
      // reset that request. Every answer from now on closes its connection instead.
      net.Server.prototype.close.call(server);
      const deadline = Date.now() + (now ? 0 : config.shutdownGraceSeconds * 1000);
      logger.info(
        { running: inFlight.count, graceSeconds: (deadline - Date.now()) / 1000 },
        'shutting down: no new connections; running requests may finish',
      );
      // Idle: no request running, and none arriving on an open connection for a moment.
      while (Date.now() < deadline && !cutRequested) {
        await Promise.race([inFlight.settled(deadline - Date.now()), cut]);
        if (inFlight.count > 0 || cutRequested) break;
        await Promise.race([sleep(QUIET_MS), cut]);
        if (inFlight.count === 0) break;
      }
      if (inFlight.count > 0) {
        logger.warn({ running: inFlight.count }, 'grace period over: cutting running requests');
        server.closeAllConnections();
        await inFlight.settled(CLEANUP_MS);
        await onCut();
      }
      server.closeAllConnections();
    })();
    return stopping;
  };
  return { server, port, shutdown };
}
