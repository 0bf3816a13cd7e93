// The collection that lets V8 give the young generation back once the server is quiet: one after
// start-up, one after each busy spell, never while a request runs or before the quiet time.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collectWhenQuiet, QUIET_MS } from '../../src/http/quiet-collection.js';

describe('collection when quiet', () => {
  let requests: { count: number; lastActive: number };
  let collections: number;
  let stop: () => void;

  beforeEach(() => {
    vi.useFakeTimers();
    requests = { count: 0, lastActive: Date.now() };
    collections = 0;
    stop = collectWhenQuiet(requests, () => collections++);
  });

  afterEach(() => {
    stop();
    vi.useRealTimers();
  });

  it('collects once after start-up, once the quiet time has passed', () => {
    vi.advanceTimersByTime(QUIET_MS - 2_000);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(4_000);
    expect(collections).toBe(1);
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(collections).toBe(1);
  });

  it('waits while a request runs, then collects once per busy spell', () => {
    requests.count = 1; // a long upload
    vi.advanceTimersByTime(3 * QUIET_MS);
    expect(collections).toBe(0);
    requests.count = 0;
    requests.lastActive = Date.now();
    vi.advanceTimersByTime(QUIET_MS / 2);
    expect(collections).toBe(0);
    vi.advanceTimersByTime(QUIET_MS);
    expect(collections).toBe(1);
    // Another spell of requests, then quiet again: one more.
    requests.lastActive = Date.now();
    vi.advanceTimersByTime(2 * QUIET_MS);
    expect(collections).toBe(2);
  });

  it('stops when told', () => {
    stop();
    vi.advanceTimersByTime(3 * QUIET_MS);
    expect(collections).toBe(0);
  });
});
