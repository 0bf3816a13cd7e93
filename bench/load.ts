// HTTP load through autocannon: a fixed number of requests over N keep-alive connections, cut off
// after a time limit, with every response time kept so percentiles are exact (autocannon's own
// histogram rounds to whole milliseconds).
import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Requests to send (the run ends earlier when `maxSeconds` passes). */
  amount: number;
  maxSeconds: number;
  /** The body of the n-th request (n counts from 0), for POSTs. */
  body?: (n: number) => string;
  /** The server's CPU seconds so far; read before and after to report CPU per request. */
  serverCpuSeconds?: () => number;
  /** Sent with every request besides the JSON content type (e.g. Authorization). */
  headers?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  ok: number;
  failed: number;
  seconds: number;
  /** Successful requests per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** True when the time limit, not the request count, ended the run. */
  timedOut: boolean;
  /**
   * Server CPU milliseconds per successful request: steadier than throughput on a shared machine,
   * where other processes take cores away from both the server and the load generator.
   */
  serverCpuMs?: number;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function load(opts: LoadOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let sequence = 0;
    const times: number[] = [];
    let failed = 0;
    let timedOut = false;
    const cpuBefore = opts.serverCpuSeconds?.();
    const started = process.hrtime.bigint();
    // autocannon calls back on its next one-second sample tick after the last answer, which would
    // round every run's duration up to whole seconds; the run ends at its last answer.
    let ended = started;
    const instance = autocannon(
      {
        url: opts.url,
        method: opts.method,
        connections: opts.connections,
        amount: opts.amount,
        // A single request may take as long as the whole run is allowed to.
        timeout: Math.ceil(opts.maxSeconds),
        headers: { 'content-type': 'application/json', ...opts.headers },
        ...(opts.body
          ? {
              requests: [
                { setupRequest: (request) => ({ ...request, body: opts.body!(sequence++) }) },
              ],
            }
          : {}),
      },
      (err) => {
        clearTimeout(timer);
        if (err) return reject(err instanceof Error ? err : new Error(String(err)));
        const seconds = Number(ended - started) / 1e9;
        times.sort((a, b) => a - b);
        resolve({
          requests: times.length + failed,
          ok: times.length,
          failed,
          seconds,
          rps: times.length / seconds,
          p50Ms: percentile(times, 50),
          p99Ms: percentile(times, 99),
          timedOut,
          serverCpuMs:
            cpuBefore === undefined || !times.length
              ? undefined
              : ((opts.serverCpuSeconds!() - cpuBefore) * 1000) / times.length,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      ended = process.hrtime.bigint();
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
      else failed++;
    });
    instance.on('reqError', () => {
      ended = process.hrtime.bigint();
      failed++;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      instance.stop();
    }, opts.maxSeconds * 1000);
  });
}
