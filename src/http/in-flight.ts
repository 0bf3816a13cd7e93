// The pipeline's second step: running requests are counted so a graceful shutdown (server.ts) can
// wait for them, and once it has begun each answer asks its connection to close.
import type { RequestHandler } from 'express';

/** Counts running requests and, once shutdown begins, closes each connection after its answer. */
export class InFlightRequests {
  private running = 0;
  private idle?: () => void;
  draining = false;
  /** When a request last started or ended (start-up before the first): quiet-collection.ts. */
  lastActive = Date.now();

  middleware(): RequestHandler {
    return (_req, res, next) => {
      this.running++;
      this.lastActive = Date.now();
      if (this.draining) res.setHeader('Connection', 'close');
      res.once('close', () => {
        this.running--;
        this.lastActive = Date.now();
        if (this.running === 0) this.idle?.();
      });
      next();
    };
  }

  get count(): number {
    return this.running;
  }

  /** Settles when no request is running, or after `ms`. */
  settled(ms: number): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
