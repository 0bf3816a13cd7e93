// Failed sign-ins counted per user name and per client address over a sliding minute; past the
// limit, attempts are refused before any password is checked (so guessing costs the guesser time,
// not the server scrypt work).
import { MlflowError } from '../errors.js';

const WINDOW_MS = 60_000;
const PER_USER = 10;
const PER_ADDRESS = 30;
/** Keys kept at most; the oldest go first (a flood of made-up names cannot grow memory). */
const MAX_KEYS = 10_000;

export class FailureThrottle {
  private readonly failures = new Map<string, number[]>();

  /** Throws REQUEST_LIMIT_EXCEEDED while `user` or `address` is over its limit. */
  check(user: string | undefined, address: string, now = Date.now()): void {
    const wait = Math.max(
      user === undefined ? 0 : this.waitFor(`u:${user}`, PER_USER, now),
      this.waitFor(`a:${address}`, PER_ADDRESS, now),
    );
    if (wait > 0) {
      throw new MlflowError(
        'REQUEST_LIMIT_EXCEEDED',
        `Too many failed sign-in attempts; retry in ${Math.ceil(wait / 1000)} s.`,
      );
    }
  }

  record(user: string | undefined, address: string, now = Date.now()): void {
    if (user !== undefined) this.add(`u:${user}`, now);
    this.add(`a:${address}`, now);
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => now - t < WINDOW_MS);
    if (times.length) this.failures.set(key, times);
    else this.failures.delete(key);
    return times;
  }

  private waitFor(key: string, limit: number, now: number): number {
    const times = this.recent(key, now);
    return times.length < limit ? 0 : times[times.length - limit] + WINDOW_MS - now;
  }

  private add(key: string, now: number): void {
    const times = this.recent(key, now);
    this.failures.delete(key);
    this.failures.set(key, [...times, now]);
    if (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }
}
