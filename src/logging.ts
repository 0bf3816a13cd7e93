// The server's logger (pino): JSON lines for machines, a readable line per event on a terminal.
// Request bodies and credentials are never logged (see http/request-log.ts).
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

const FLUSH_MS = 200;

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  const format = config.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const options = {
    level: config.logLevel,
    base: { service: 'trackd' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    return pino(options, pinoPretty({ sync: true, ignore: 'service,pid,hostname' }));
  }
  // Asynchronous and batched: a request never waits on a slow stdout reader, and lines go out in
  // one write per 8 KB or per 200 ms, whichever comes first (a write per line cost a tenth of a
  // log-metric request). Flushed at shutdown.
  const destination = pino.destination({ dest: 1, sync: false, minLength: 8 * 1024 });
  setInterval(() => destination.flush(), FLUSH_MS).unref();
  return pino(options, destination);
}

/** A logger that writes nothing, for applications built inside tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
