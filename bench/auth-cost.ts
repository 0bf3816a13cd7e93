// What authentication costs per request: the same log-metric and log-batch loads against a server
// without authentication and one with `--auth basic`, signed with a bearer token (and, for
// log-metric, with a password: checked with scrypt once, then from memory). Servers alternate
// (off, on, off, on) so drift of a shared machine falls on both; server CPU per request is the
// figure compared, as it is steadier than throughput.
import path from 'node:path';
import { request } from 'undici';
import { logBatchBody, logMetricBody } from './data.js';
import { load, type LoadResult } from './load.js';
import { startTrackd, type ServerHandle } from './servers.js';

const ADMIN = 'bench-admin';
const PASSWORD = 'bench admin password';
const basic = (user: string) => `Basic ${Buffer.from(`${user}:${PASSWORD}`).toString('base64')}`;
/** The loads are signed as an ordinary user with the edit role, so its role is looked up too. */
const USER = 'bench-user';

export interface AuthCostSizes {
  logMetricRequests: number;
  logBatchRequests: number;
  maxSeconds: number;
}

type Signing = 'off' | 'token' | 'password';

async function json(
  base: string,
  path: string,
  body: unknown,
  auth?: string,
): Promise<Record<string, unknown>> {
  const res = await request(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${path} answered ${res.statusCode}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function runsOf(base: string, auth: string | undefined, count: number): Promise<string[]> {
  const exp = await json(base, '/api/2.0/mlflow/experiments/create', { name: 'auth-cost' }, auth);
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { run } = await json(
      base,
      '/api/2.0/mlflow/runs/create',
      { experiment_id: exp.experiment_id, start_time: Date.now() },
      auth,
    );
    ids.push((run as { info: { run_id: string } }).info.run_id);
  }
  return ids;
}

interface Measured {
  logMetric: Record<Signing, LoadResult[]>;
  logBatch: Record<Signing, LoadResult[]>;
}

async function measure(
  server: ServerHandle,
  signings: Signing[],
  auth: Record<Signing, string | undefined>,
  sizes: AuthCostSizes,
  into: Measured,
  round: number,
): Promise<void> {
  const runIds = await runsOf(server.url, auth[signings[0]], 32);
  for (const signing of signings) {
    const headers = auth[signing] ? { authorization: auth[signing]! } : undefined;
    const base = (round * 10 + signings.indexOf(signing)) * 1_000_000;
    const signed = (
      path: string,
      connections: number,
      amount: number,
      body: typeof logMetricBody,
    ) =>
      load({
        url: `${server.url}/api/2.0/mlflow/runs/${path}`,
        method: 'POST',
        connections,
        amount,
        maxSeconds: sizes.maxSeconds,
        body: (n) => body(base + n, runIds),
        serverCpuSeconds: () => server.cpuSeconds(),
        headers,
      });
    into.logMetric[signing].push(
      await signed('log-metric', 32, sizes.logMetricRequests, logMetricBody),
    );
    if (signing === 'password') continue;
    into.logBatch[signing].push(await signed('log-batch', 4, sizes.logBatchRequests, logBatchBody));
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Lines for the report (each load with authentication beside the same load without) and the CPU
 * seconds the servers used.
 */
export async function measureAuthCost(
  tmp: string,
  sizes: AuthCostSizes,
): Promise<{ lines: string[]; serverCpuSeconds: number }> {
  let serverCpuSeconds = 0;
  const into: Measured = {
    logMetric: { off: [], token: [], password: [] },
    logBatch: { off: [], token: [], password: [] },
  };
  for (let round = 0; round < 2; round++) {
    const off = await startTrackd(
      path.join(tmp, `auth-off-${round}`),
      path.join(tmp, 'auth-off.log'),
    );
    try {
      await measure(off, ['off'], { off: undefined, token: '', password: '' }, sizes, into, round);
    } finally {
      serverCpuSeconds += off.cpuSeconds();
      await off.stop();
    }
    const on = await startTrackd(
      path.join(tmp, `auth-on-${round}`),
      path.join(tmp, 'auth-on.log'),
      [],
      ['--auth', 'basic'],
      { TRACKD_ADMIN_USERNAME: ADMIN, TRACKD_ADMIN_PASSWORD: PASSWORD },
    );
    try {
      const admin = basic(ADMIN);
      await json(
        on.url,
        '/api/2.0/mlflow/users/create',
        { username: USER, password: PASSWORD },
        admin,
      );
      await json(on.url, '/api/trackd/v1/roles', { username: USER, role: 'edit' }, admin);
      const { token } = await json(on.url, '/api/trackd/v1/tokens', { name: 'bench' }, basic(USER));
      const auth = { off: undefined, token: `Bearer ${token as string}`, password: basic(USER) };
      await measure(on, ['token', 'password'], auth, sizes, into, round);
    } finally {
      serverCpuSeconds += on.cpuSeconds();
      await on.stop();
    }
  }
  const lines: string[] = [];
  const line = (what: string, results: Record<Signing, LoadResult[]>, signing: Signing) => {
    const cpu = (s: Signing) => mean(results[s].map((r) => r.serverCpuMs ?? NaN));
    const rps = (s: Signing) => mean(results[s].map((r) => r.rps));
    const failed = results[signing].reduce((n, r) => n + r.failed, 0);
    const cost = (cpu(signing) / cpu('off') - 1) * 100;
    lines.push(
      `${what}: server CPU ${cpu(signing).toFixed(3)} ms/req with authentication, ` +
        `${cpu('off').toFixed(3)} without (${cost >= 0 ? '+' : ''}${cost.toFixed(1)}%); ` +
        `${rps(signing).toFixed(0)} against ${rps('off').toFixed(0)} req/s` +
        (failed ? `; ${failed} requests failed` : ''),
    );
  };
  line('auth cost, log-metric (32 clients, bearer token)', into.logMetric, 'token');
  line('auth cost, log-metric (32 clients, password)', into.logMetric, 'password');
  line('auth cost, log-batch of 1000 (4 clients, bearer token)', into.logBatch, 'token');
  return { lines, serverCpuSeconds };
}
