// Confinement catalogue: every artifact endpoint, at the root and below a project prefix, against
// the path-traversal tricks of MLflow's published advisories (CVE-2023-1177, CVE-2023-2780,
// CVE-2023-6015, CVE-2023-6909, CVE-2024-1483, CVE-2024-1560, CVE-2024-1594, CVE-2024-2928 and
// kin), symlinks planted in the artifact folder, and hostile experiment artifact locations.
// Nothing outside the project's artifact folder may be read, written, listed or deleted.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLiveServer, type LiveServer, type RawResponse } from '../support/live-server.js';
import { multipartForm } from '../support/multipart-form.js';

const A = '/api/2.0/mlflow-artifacts/artifacts';
const AJAX = '/ajax-api/2.0/mlflow-artifacts/artifacts';
const MPU = '/api/2.0/mlflow-artifacts/mpu';
const LIST = '/api/2.0/mlflow/artifacts/list';
const SECRET = 'CANARY-outside-the-artifact-folder';
const WRITTEN = 'CANARY-written-by-an-attack';
const PREFIXES = ['', '/projects/team-t'];

let s: LiveServer;
/** A run in each project of PREFIXES (same order). */
const runs: { runId: string; root: string }[] = [];

async function newRun(prefix: string, artifactLocation?: string) {
  const exp = await s.json('POST', `${prefix}/api/2.0/mlflow/experiments/create`, {
    name: `exp-${Math.random().toString(36).slice(2)}`,
    ...(artifactLocation ? { artifact_location: artifactLocation } : {}),
  });
  expect(exp.status, exp.text).toBe(200);
  const run = await s.json('POST', `${prefix}/api/2.0/mlflow/runs/create`, {
    experiment_id: exp.json?.experiment_id,
  });
  expect(run.status, run.text).toBe(200);
  const runId = (run.json?.run as { info: { run_id: string } }).info.run_id;
  return { runId, root: `${exp.json?.experiment_id as string}/${runId}/artifacts` };
}

/** Files outside the artifact folders that an escape would reach: must never change. */
function canaries(): string[] {
  return [
    path.join(s.dataDir, 'secret.txt'),
    path.join(s.dataDir, 'team-t', 'secret.txt'),
    path.join(s.dataDir, 'default', 'secret.txt'),
    path.join(s.dataDir, 'team-u', 'artifacts', 'secret.txt'),
  ];
}

function allFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

beforeAll(async () => {
  s = await startLiveServer();
  for (const prefix of PREFIXES) runs.push(await newRun(prefix));
  for (const file of canaries()) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, SECRET);
  }
});

afterAll(async () => {
  try {
    // After everything below: the canaries are intact and no attack wrote a byte anywhere.
    for (const file of canaries()) expect(fs.readFileSync(file, 'utf8')).toBe(SECRET);
    for (const file of allFiles(s.dataDir)) {
      expect(fs.readFileSync(file, 'utf8').includes(WRITTEN), file).toBe(false);
    }
  } finally {
    await s.close();
  }
});

function expectRefused(res: RawResponse, what: string, status = 400) {
  expect(res.status, `${what}: ${res.text}`).toBe(status);
  expect(res.json?.error_code, what).toBe(
    status === 400 ? 'INVALID_PARAMETER_VALUE' : 'RESOURCE_DOES_NOT_EXIST',
  );
  expect(res.text.includes(SECRET), what).toBe(false);
}

/**
 * Payloads as raw URL text, aimed at <dataDir>/secret.txt from wherever they are resolved: `abs`
 * is the data dir without its leading slash, `up` a long `../` chain from any depth to it.
 */
type Payload = (abs: string, up: string) => string;
const PAYLOADS: [string, Payload][] = [
  ['dot-dot segments (CVE-2023-6015, CVE-2024-1560)', (_a, up) => up],
  ['dot-dot after a valid prefix', (_a, up) => `a/b/${up}`],
  ['a bare ..', () => '..'],
  ['dot-dot at the end', () => 'a/..'],
  ['another project (cross-project)', () => '../../team-u/artifacts/secret.txt'],
  ['percent-encoded dots', (_a, up) => up.replaceAll('..', '%2e%2e')],
  [
    'percent-encoded dots and slashes (CVE-2023-6909)',
    (_a, up) => up.replaceAll('.', '%2E').replaceAll('/', '%2F'),
  ],
  ['half-encoded dots', (_a, up) => up.replaceAll('..', '.%2e')],
  ['encoded slashes only', (_a, up) => up.replaceAll('/', '%2f')],
  [
    'double-encoded (CVE-2023-2780)',
    (_a, up) => up.replaceAll('..', '%252e%252e').replaceAll('/', '%252f'),
  ],
  ['triple-encoded', (_a, up) => up.replaceAll('..', '%25252e%25252e')],
  ['overlong UTF-8 dots', () => '%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt'],
  ['absolute path (CVE-2023-1177)', (abs) => `/${abs}/secret.txt`],
  ['encoded absolute path', (abs) => `%2F${abs}/secret.txt`],
  ['backslashes', (_a, up) => up.replaceAll('/', '\\')],
  ['encoded backslashes', (_a, up) => up.replaceAll('/', '%5C')],
  ['Windows drive letter', () => 'C:/Windows/win.ini'],
  ['Windows drive with backslashes', () => 'C:%5CWindows%5Cwin.ini'],
  ['drive-relative Windows path', () => 'c:secret.txt'],
  ['UNC path', () => '%5C%5Cserver%5Cshare%5Csecret.txt'],
  ['NUL byte', () => 'secret.txt%00.png'],
  ['double-encoded NUL byte', () => 'secret.txt%2500.png'],
  ['control characters', () => 'a%0A..%0Ab'],
  ['encoded fragment (CVE-2024-1594, CVE-2024-2928)', (_a, up) => `x%23/${up}`],
  ['raw fragment', (_a, up) => `x#/${up}`],
  ['encoded query mark', (_a, up) => `x%3F/${up}`],
  ['file URI', (abs) => `file:///${abs}/secret.txt`],
  ['encoded file URI', (abs) => `file%3A%2F%2F%2F${abs}/secret.txt`],
  ['MLflow workspaces/ prefix naming another project', () => 'workspaces/team-u/secret.txt'],
];

/** Payloads that are only an attack where paths are project-relative (not run-relative). */
const PROJECT_RELATIVE_ONLY = new Set(['MLflow workspaces/ prefix naming another project']);

function expand(payload: Payload): string {
  const abs = s.dataDir.slice(1);
  return payload(abs, `${'../'.repeat(12)}${abs}/secret.txt`);
}

type Send = (prefix: string, run: { runId: string }, payload: string) => Promise<RawResponse>;

function form(prefix: string, runId: string, query: string, filename: string) {
  const f = multipartForm([{ field: 'file', filename, content: WRITTEN }]);
  return s.request('POST', `${prefix}/api/trackd/v1/runs/${runId}/artifacts${query}`, {
    headers: { 'Content-Type': f.contentType },
    body: f.body,
  });
}

const q = (p: string) => encodeURIComponent(p);
const UNKNOWN_UPLOAD = '0123456789abcdef0123456789abcdef';

/** Every artifact endpoint, with where the payload goes. Run-relative ones resolve it in a run. */
const TARGETS: [string, 'project' | 'run', Send][] = [
  ['PUT upload', 'project', (P, _r, p) => s.request('PUT', `${P}${A}/${p}`, { body: WRITTEN })],
  [
    'PUT upload (ajax-api)',
    'project',
    (P, _r, p) => s.request('PUT', `${P}${AJAX}/${p}`, { body: WRITTEN }),
  ],
  ['GET download', 'project', (P, _r, p) => s.request('GET', `${P}${A}/${p}`)],
  ['GET download (ajax-api)', 'project', (P, _r, p) => s.request('GET', `${P}${AJAX}/${p}`)],
  ['GET list ?path= (raw)', 'project', (P, _r, p) => s.request('GET', `${P}${A}?path=${p}`)],
  ['GET list ?path= (encoded)', 'project', (P, _r, p) => s.request('GET', `${P}${A}?path=${q(p)}`)],
  ['DELETE', 'project', (P, _r, p) => s.request('DELETE', `${P}${A}/${p}`)],
  [
    'POST mpu/create',
    'project',
    (P, _r, p) => s.json('POST', `${P}${MPU}/create/${p}`, { path: 'x.bin', num_parts: 1 }),
  ],
  [
    'POST mpu/complete',
    'project',
    (P, _r, p) =>
      s.json('POST', `${P}${MPU}/complete/${p}`, {
        path: 'x.bin',
        upload_id: UNKNOWN_UPLOAD,
        parts: [{ part_number: 1 }],
      }),
  ],
  [
    'POST mpu/abort',
    'project',
    (P, _r, p) =>
      s.json('POST', `${P}${MPU}/abort/${p}`, { path: 'x.bin', upload_id: UNKNOWN_UPLOAD }),
  ],
  [
    'GET artifacts/list (raw)',
    'run',
    (P, r, p) => s.request('GET', `${P}${LIST}?run_id=${r.runId}&path=${p}`),
  ],
  [
    'GET artifacts/list (encoded)',
    'run',
    (P, r, p) => s.request('GET', `${P}${LIST}?run_id=${r.runId}&path=${q(p)}`),
  ],
  [
    'GET /get-artifact (raw)',
    'run',
    (P, r, p) => s.request('GET', `${P}/get-artifact?run_uuid=${r.runId}&path=${p}`),
  ],
  [
    'GET /get-artifact (encoded)',
    'run',
    (P, r, p) => s.request('GET', `${P}/get-artifact?run_uuid=${r.runId}&path=${q(p)}`),
  ],
  [
    'GET /model-versions/get-artifact',
    'run',
    (P, _r, p) =>
      s.request('GET', `${P}/model-versions/get-artifact?name=m&version=1&path=${q(p)}`),
  ],
  ['POST form upload ?path=', 'run', (P, r, p) => form(P, r.runId, `?path=${q(p)}`, 'x.txt')],
  // A double quote cannot be sent inside a form's file name; none of the payloads has one.
  ['POST form upload file name', 'run', (P, r, p) => form(P, r.runId, '', p)],
];

describe.each(PREFIXES.map((prefix, i) => [prefix || '(root)', prefix, i] as const))(
  'traversal catalogue at %s',
  (_label, prefix, index) => {
    describe.each(TARGETS)('%s', (_name, scope, send) => {
      const cases = PAYLOADS.filter(
        ([name]) => scope === 'project' || !PROJECT_RELATIVE_ONLY.has(name),
      );
      it.each(cases)('refuses %s with 400 INVALID_PARAMETER_VALUE', async (name, payload) => {
        const raw = expand(payload);
        expectRefused(await send(prefix, runs[index], raw), `${name} (${raw})`);
      });
    });

    it.each(PAYLOADS.filter(([, p]) => !/[/\\#]/.test(p('tmp/x', '../x'))))(
      'answers 404 for the upload id %s on the part-upload endpoint',
      async (name, payload) => {
        const res = await s.request(
          'PUT',
          `${prefix}/api/trackd/v1/mpu/${expand(payload)}/parts/1`,
          {
            body: WRITTEN,
          },
        );
        expectRefused(res, `part upload with ${name}`, 404);
      },
    );

    it('answers 404 for an encoded traversal as upload id', async () => {
      const res = await s.request('PUT', `${prefix}/api/trackd/v1/mpu/..%2F..%2Fx/parts/1`, {
        body: WRITTEN,
      });
      expectRefused(res, 'part upload with an encoded traversal id', 404);
    });
  },
);

describe("multipart upload's client file name", () => {
  it('keeps only the base name, as MLflow does, so the file lands in the requested folder', async () => {
    const res = await s.json('POST', `${MPU}/create/${runs[0].root}`, {
      path: `../../../${s.dataDir.slice(1)}/secret.txt`,
      num_parts: 1,
    });
    expect(res.status, res.text).toBe(200);
    const credential = (res.json?.credentials as { url: string }[])[0];
    await s.request('PUT', new URL(credential.url).pathname, { body: 'harmless' });
    const done = await s.json('POST', `${MPU}/complete/${runs[0].root}`, {
      path: '../secret.txt',
      upload_id: res.json?.upload_id,
      parts: [{ part_number: 1 }],
    });
    expect(done.status, done.text).toBe(200);
    const inside = path.join(s.dataDir, 'default', 'artifacts', runs[0].root, 'secret.txt');
    expect(fs.readFileSync(inside, 'utf8')).toBe('harmless');
  });

  it.each(['..', 'a/..', '%2e%2e', 'dir\\..', 'x%00'])('refuses the base name %s', async (name) => {
    expectRefused(
      await s.json('POST', `${MPU}/create/${runs[0].root}`, { path: name, num_parts: 1 }),
      name,
    );
  });
});

describe('symlinks planted in the artifact folder', () => {
  const P = '/projects/team-t';
  let links: string;
  let linkedRun: { runId: string; root: string };
  beforeAll(async () => {
    const artifacts = path.join(s.dataDir, 'team-t', 'artifacts');
    links = path.join(artifacts, 'links');
    fs.mkdirSync(path.join(links, 'real'), { recursive: true });
    fs.writeFileSync(path.join(links, 'real', 'f.txt'), 'inside');
    fs.symlinkSync(s.dataDir, path.join(links, 'out-dir'));
    fs.symlinkSync(path.join(s.dataDir, 'secret.txt'), path.join(links, 'out-file'));
    fs.symlinkSync(path.join(links, 'real'), path.join(links, 'in-dir'));
    fs.symlinkSync(path.join(links, 'loop'), path.join(links, 'loop'));
    fs.symlinkSync(path.join(s.dataDir, 'nowhere'), path.join(links, 'dangling'));
    // A run whose whole artifact folder is a link to the outside.
    linkedRun = await newRun(P);
    const runRoot = path.join(artifacts, linkedRun.root);
    fs.mkdirSync(path.dirname(runRoot), { recursive: true });
    fs.symlinkSync(s.dataDir, runRoot);
  });

  it('follows no link out of the folder for downloads', async () => {
    for (const p of ['links/out-file', 'links/out-dir/secret.txt', 'links/loop']) {
      expectRefused(await s.request('GET', `${P}${A}/${p}`), `download ${p}`);
    }
    expectRefused(
      await s.request('GET', `${P}/get-artifact?run_uuid=${linkedRun.runId}&path=secret.txt`),
      'get-artifact through a linked run folder',
    );
  });

  it('follows links that stay inside', async () => {
    const res = await s.request('GET', `${P}${A}/links/in-dir/f.txt`);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('inside');
  });

  it('lists no link that leads out, and refuses to list through one', async () => {
    const res = await s.json('GET', `${P}${A}?path=links`);
    expect(res.json).toEqual({
      files: [
        { path: 'in-dir', is_dir: true },
        { path: 'real', is_dir: true },
      ],
    });
    expectRefused(await s.json('GET', `${P}${A}?path=links/out-dir`), 'list out-dir');
    expectRefused(
      await s.json('GET', `${P}${LIST}?run_id=${linkedRun.runId}`),
      'artifacts/list of a linked run folder',
    );
  });

  it('writes nothing through a link', async () => {
    for (const p of [
      'links/out-dir/new.txt',
      'links/out-dir/sub/new.txt',
      'links/dangling/x.txt',
    ]) {
      expectRefused(await s.request('PUT', `${P}${A}/${p}`, { body: WRITTEN }), `upload ${p}`);
    }
    expectRefused(
      await s.json('POST', `${P}${MPU}/create/links/out-dir`, { path: 'x.bin', num_parts: 1 }),
      'mpu/create through out-dir',
    );
    const form = multipartForm([{ field: 'file', filename: 'new.txt', content: WRITTEN }]);
    expectRefused(
      await s.request('POST', `${P}/api/trackd/v1/runs/${linkedRun.runId}/artifacts`, {
        headers: { 'Content-Type': form.contentType },
        body: form.body,
      }),
      'form upload into a linked run folder',
    );
    expect(fs.existsSync(path.join(s.dataDir, 'new.txt'))).toBe(false);
    expect(fs.existsSync(path.join(s.dataDir, 'sub'))).toBe(false);
    expect(fs.existsSync(path.join(s.dataDir, 'nowhere'))).toBe(false);
  });

  it('replaces a link itself, never its target, when uploading onto it', async () => {
    const res = await s.request('PUT', `${P}${A}/links/out-file`, { body: 'replaced the link' });
    expect(res.status, res.text).toBe(200);
    expect(fs.lstatSync(path.join(links, 'out-file')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(s.dataDir, 'secret.txt'), 'utf8')).toBe(SECRET);
  });

  it('deletes a link itself, never through it', async () => {
    expectRefused(
      await s.json('DELETE', `${P}${A}/links/out-dir/secret.txt`),
      'delete through out-dir',
    );
    const res = await s.json('DELETE', `${P}${A}/links/out-dir`);
    expect(res.status, res.text).toBe(200);
    expect(fs.existsSync(path.join(links, 'out-dir'))).toBe(false);
    expect(fs.readFileSync(path.join(s.dataDir, 'secret.txt'), 'utf8')).toBe(SECRET);
  });
});

describe('hostile experiment artifact locations (CVE-2023-1177, CVE-2024-1483, CVE-2024-1594)', () => {
  const P = '/projects/team-t';
  it.each([
    'mlflow-artifacts:/../../..',
    'mlflow-artifacts:/x/%2e%2e/%2e%2e/%2e%2e',
    'mlflow-artifacts:/x#/../../..',
    'mlflow-artifacts://host/../../..',
    'mlflow-artifacts:/C:/Windows',
    `file://${'/tmp'}`,
    '/tmp',
    // ('../relative' is refused when the experiment is created: see experiments.test.ts.)
    'http://127.0.0.1/api/2.0/mlflow-artifacts/artifacts/../../..',
    's3://bucket/prefix',
  ])('serves nothing of a run below %s', async (location) => {
    const run = await newRun(P, location);
    expectRefused(await s.json('GET', `${P}${LIST}?run_id=${run.runId}`), 'artifacts/list');
    expectRefused(
      await s.request('GET', `${P}/get-artifact?run_uuid=${run.runId}&path=secret.txt`),
      'get-artifact',
    );
    const form = multipartForm([{ field: 'file', filename: 'x.txt', content: WRITTEN }]);
    expectRefused(
      await s.request('POST', `${P}/api/trackd/v1/runs/${run.runId}/artifacts`, {
        headers: { 'Content-Type': form.contentType },
        body: form.body,
      }),
      'form upload',
    );
  });
});

describe("another project's run", () => {
  it('is not found under this project, on every run-relative endpoint', async () => {
    const other = runs[0]; // a run of project default
    const P = '/projects/team-t';
    const form = multipartForm([{ field: 'file', filename: 'x.txt', content: WRITTEN }]);
    for (const res of [
      await s.json('GET', `${P}${LIST}?run_id=${other.runId}`),
      await s.request('GET', `${P}/get-artifact?run_uuid=${other.runId}&path=x.txt`),
      await s.request('POST', `${P}/api/trackd/v1/runs/${other.runId}/artifacts`, {
        headers: { 'Content-Type': form.contentType },
        body: form.body,
      }),
    ]) {
      expectRefused(res, 'cross-project run', 404);
    }
  });
});
