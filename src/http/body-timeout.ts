// Cuts request bodies that arrive too slowly. Node's own requestTimeout bounds a whole request,
// which would also cut a multi-gigabyte upload that is moving fine; here a body only has to keep
// moving: at least `bodyMinRate` bytes in every window of `bodyTimeoutSeconds`. A body the server
// itself is not reading (its buffer is full while a disk or the database catches up) is not
// counted against the client. One timer watches every body in flight.
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import { errorBody } from '../errors.js';

interface Watched {
  req: Request;
  res: Response;
  windowStart: number;
  bytesAtStart: number;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** True while the server, not the client, is why no bytes arrive. */
function heldBackByServer(req: Request): boolean {
  return req.readableLength >= req.readableHighWaterMark || req.socket.isPaused();
}

export class BodyTimeouts {
  private readonly watched = new Set<Watched>();
  private timer?: NodeJS.Timeout;
  private readonly windowMs: number;
  private readonly minBytes: number;

  constructor(config: Pick<Config, 'bodyTimeoutSeconds' | 'bodyMinRate'>) {
    this.windowMs = config.bodyTimeoutSeconds * 1000;
    this.minBytes = Math.max(1, Math.floor(config.bodyMinRate * config.bodyTimeoutSeconds));
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (!hasBody(req) || req.complete) return next();
      const entry = { req, res, windowStart: Date.now(), bytesAtStart: req.socket.bytesRead };
      this.watched.add(entry);
      res.once('close', () => this.watched.delete(entry));
      this.timer ??= setInterval(() => this.check(), Math.min(1000, this.windowMs / 4)).unref();
      next();
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const now = Date.now();
    for (const entry of this.watched) {
      const { req } = entry;
      if (req.complete || req.destroyed) {
        this.watched.delete(entry);
        continue;
      }
      const bytes = req.socket.bytesRead;
      if (heldBackByServer(req)) {
        entry.windowStart = now;
        entry.bytesAtStart = bytes;
      } else if (now - entry.windowStart >= this.windowMs) {
        if (bytes - entry.bytesAtStart < this.minBytes) {
          this.watched.delete(entry);
          this.cut(entry);
        } else {
          entry.windowStart = now;
          entry.bytesAtStart = bytes;
        }
      }
    }
  }

  /** Answers 408 when nothing was answered yet, then drops the connection and with it the body. */
  private cut({ req, res }: Watched): void {
    const seconds = this.windowMs / 1000;
    req.log.warn({ minBytes: this.minBytes, seconds }, 'request body too slow; connection cut');
    const drop = () => {
      req.destroy(new Error('request body too slow'));
    };
    if (res.headersSent) return drop();
    const body = JSON.stringify(
      errorBody(
        'BAD_REQUEST',
        `The request body arrived too slowly: fewer than ${this.minBytes} bytes in ${seconds} s.`,
      ),
    );
    res.writeHead(408, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    });
    res.end(body, drop);
  }
}
