// The server's logger (pino): JSON lines for machines, a readable line per event on a terminal.
// Request bodies and credentials are never logged (see http/request-log.ts).
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

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
  // Asynchronous writes: a request never waits on a slow stdout reader; flushed at shutdown.
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/** A logger that writes nothing, for applications built inside tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
