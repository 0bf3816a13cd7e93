// Run-relative artifact access: GET /api/2.0/mlflow/artifacts/list, the web UI's /get-artifact and
// /model-versions/get-artifact, and our HTML-form upload (POST /api/trackd/v1/runs/<id>/artifacts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesBelow, startLiveServer, type LiveServer } from '../support/live-server.js';
import { multipartForm, type FormPart } from '../support/multipart-form.js';

const A = '/api/2.0/mlflow-artifacts/artifacts';
const LIST = '/api/2.0/mlflow/artifacts/list';

let s: LiveServer;
beforeAll(async () => {
  s = await startLiveServer();
});
afterAll(async () => {
  await s.close();
});

function expectError(
  res: { status: number; json: Record<string, unknown> | undefined; text: string },
  status: number,
  code: string,
  message?: string,
) {
  expect(res.status, res.text).toBe(status);
  expect(res.json?.error_code, res.text).toBe(code);
  if (message) expect(res.json?.message).toContain(message);
}

let names = 0;
interface Run {
  runId: string;
  experimentId: string;
  /** The run's artifact folder as an mlflow-artifacts path. */
  root: string;
  prefix: string;
}

async function newRun(prefix = '', artifactLocation?: string): Promise<Run> {
  names += 1;
  const exp = await s.json('POST', `${prefix}/api/2.0/mlflow/experiments/create`, {
    name: `exp-${names}`,
    ...(artifactLocation ? { artifact_location: artifactLocation } : {}),
  });
  expect(exp.status, exp.text).toBe(200);
  const experimentId = exp.json?.experiment_id as string;
  const run = await s.json('POST', `${prefix}/api/2.0/mlflow/runs/create`, {
    experiment_id: experimentId,
    start_time: 1,
  });
  expect(run.status, run.text).toBe(200);
  const runId = (run.json?.run as { info: { run_id: string } }).info.run_id;
  return { runId, experimentId, root: `${experimentId}/${runId}/artifacts`, prefix };
}

async function upload(run: Run, rel: string, content: string) {
  const res = await s.request('PUT', `${run.prefix}${A}/${run.root}/${rel}`, { body: content });
  expect(res.status, res.text).toBe(200);
}

function formUpload(run: Run, parts: FormPart[], query = '', runId = run.runId) {
  const form = multipartForm(parts);
  return s.request('POST', `${run.prefix}/api/trackd/v1/runs/${runId}/artifacts${query}`, {
    headers: { 'Content-Type': form.contentType },
    body: form.body,
  });
}

function staging(project: string) {
  return path.join(s.dataDir, project, 'uploads');
}

describe('GET /api/2.0/mlflow/artifacts/list', () => {
  let run: Run;
  beforeAll(async () => {
    run = await newRun('/projects/team-r');
    await upload(run, 'model/MLmodel', 'flavors: {}');
    await upload(run, 'model/data/weights.bin', '0123456789');
    await upload(run, 'metrics.json', '{"a": 1}');
  });

  it("lists the run's root with paths relative to it", async () => {
    const res = await s.json('GET', `/projects/team-r${LIST}?run_id=${run.runId}`);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      root_uri: `mlflow-artifacts:/${run.root}`,
      files: [
        { path: 'metrics.json', is_dir: false, file_size: 8 },
        { path: 'model', is_dir: true },
      ],
    });
  });

  it('lists a subfolder with run-relative paths', async () => {
    const res = await s.json('GET', `/projects/team-r${LIST}?run_id=${run.runId}&path=model/`);
    expect(res.json).toEqual({
      root_uri: `mlflow-artifacts:/${run.root}`,
      files: [
        { path: 'model/MLmodel', is_dir: false, file_size: 11 },
        { path: 'model/data', is_dir: true },
      ],
    });
  });

  it('answers only the root URI for an empty run, a file or a missing folder', async () => {
    const empty = await newRun('/projects/team-r');
    for (const url of [
      `${LIST}?run_id=${empty.runId}`,
      `${LIST}?run_id=${run.runId}&path=metrics.json`,
      `${LIST}?run_id=${run.runId}&path=nothing/here`,
    ]) {
      const res = await s.json('GET', `/projects/team-r${url}`);
      expect(res.status, res.text).toBe(200);
      expect(Object.keys(res.json ?? {})).toEqual(['root_uri']);
    }
  });

  it('ignores page_token, as MLflow lists a folder in one page', async () => {
    const res = await s.json(
      'GET',
      `/projects/team-r/ajax-api/2.0/mlflow/artifacts/list?run_id=${run.runId}&page_token=abc`,
    );
    expect(res.status).toBe(200);
    expect(res.json?.files).toHaveLength(2);
    expect(res.json?.next_page_token).toBeUndefined();
  });

  it('requires run_id and knows only runs of its own project', async () => {
    expectError(
      await s.json('GET', `/projects/team-r${LIST}`),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'run_id'",
    );
    expectError(
      await s.json('GET', `/projects/team-r${LIST}?run_id=0123456789abcdef0123456789abcdef`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'Run with id=0123456789abcdef0123456789abcdef not found',
    );
    expectError(
      await s.json('GET', `/projects/team-other${LIST}?run_id=${run.runId}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(await s.json('GET', `${LIST}?run_id=${run.runId}`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });

  it("reads MLflow's workspace-scoped locations (mlflow-artifacts:/workspaces/<name>/…)", async () => {
    const scoped = await newRun('/projects/team-r', 'mlflow-artifacts:/workspaces/team-r/moved');
    // The client uploads through the proxy with the prefix spelled out, as it would to MLflow.
    const put = await s.request(
      'PUT',
      `/projects/team-r${A}/workspaces/team-r/moved/${scoped.runId}/artifacts/w.txt`,
      { body: 'scoped' },
    );
    expect(put.status, put.text).toBe(200);
    const res = await s.json('GET', `/projects/team-r${LIST}?run_id=${scoped.runId}`);
    expect(res.json?.files).toEqual([{ path: 'w.txt', is_dir: false, file_size: 6 }]);
    const file = await s.request(
      'GET',
      `/projects/team-r/get-artifact?path=w.txt&run_uuid=${scoped.runId}`,
    );
    expect(file.text).toBe('scoped');
    const other = await newRun('/projects/team-r', 'mlflow-artifacts:/workspaces/team-x/moved');
    expectError(
      await s.json('GET', `/projects/team-r${LIST}?run_id=${other.runId}`),
      400,
      'INVALID_PARAMETER_VALUE',
      "targets workspace 'team-x'",
    );
  });

  it('refuses runs whose artifacts live somewhere this server does not serve', async () => {
    const elsewhere = await newRun('/projects/team-r', '/srv/elsewhere');
    expectError(
      await s.json('GET', `/projects/team-r${LIST}?run_id=${elsewhere.runId}`),
      400,
      'INVALID_PARAMETER_VALUE',
      'not served by this server',
    );
  });
});

describe('GET /get-artifact', () => {
  let run: Run;
  beforeAll(async () => {
    run = await newRun('/projects/team-g');
    await upload(run, 'plots/loss.csv', 'step,loss\n1,0.5\n');
  });

  it('downloads a run artifact by run_uuid (as the UI asks) or run_id', async () => {
    for (const key of ['run_uuid', 'run_id']) {
      const res = await s.request(
        'GET',
        `/projects/team-g/get-artifact?path=plots/loss.csv&${key}=${run.runId}`,
      );
      expect(res.status, res.text).toBe(200);
      expect(res.text).toBe('step,loss\n1,0.5\n');
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename=loss.csv');
      expect(res.headers['content-length']).toBe('16');
    }
  });

  it('serves Range requests', async () => {
    const res = await s.request(
      'GET',
      `/projects/team-g/get-artifact?path=plots/loss.csv&run_uuid=${run.runId}`,
      { headers: { Range: 'bytes=0-3' } },
    );
    expect(res.status).toBe(206);
    expect(res.text).toBe('step');
  });

  it('works at the root for project default', async () => {
    const rootRun = await newRun();
    await upload(rootRun, 'r.txt', 'root run');
    const res = await s.request('GET', `/get-artifact?path=r.txt&run_uuid=${rootRun.runId}`);
    expect(res.text).toBe('root run');
  });

  it('answers MLflow errors for missing parameters, runs, files and folders', async () => {
    const P = '/projects/team-g/get-artifact';
    expectError(
      await s.request('GET', `${P}?run_uuid=${run.runId}`),
      400,
      'INVALID_PARAMETER_VALUE',
      "'path'",
    );
    expectError(await s.request('GET', `${P}?path=x`), 400, 'INVALID_PARAMETER_VALUE', 'run_id');
    expectError(
      await s.request('GET', `${P}?path=x&run_uuid=0123456789abcdef0123456789abcdef`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await s.request('GET', `${P}?path=nope.txt&run_uuid=${run.runId}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      'No such artifact',
    );
    expectError(
      await s.request('GET', `${P}?path=plots&run_uuid=${run.runId}`),
      400,
      'INVALID_PARAMETER_VALUE',
      'directory',
    );
    expectError(
      await s.request('GET', `/get-artifact?path=plots/loss.csv&run_uuid=${run.runId}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});

describe('GET /model-versions/get-artifact', () => {
  it('answers RESOURCE_DOES_NOT_EXIST while no model version exists', async () => {
    for (const prefix of ['', '/projects/team-g']) {
      expectError(
        await s.request(
          'GET',
          `${prefix}/model-versions/get-artifact?path=MLmodel&name=m&version=1`,
        ),
        404,
        'RESOURCE_DOES_NOT_EXIST',
        'Model Version (name=m, version=1) not found',
      );
    }
  });

  it('validates its parameters first', async () => {
    expectError(
      await s.request('GET', '/model-versions/get-artifact?name=m&version=1'),
      400,
      'INVALID_PARAMETER_VALUE',
      "'path'",
    );
    expectError(
      await s.request('GET', '/model-versions/get-artifact?path=MLmodel&version=1'),
      400,
      'INVALID_PARAMETER_VALUE',
      "'name'",
    );
  });
});

describe('POST /api/trackd/v1/runs/<run_id>/artifacts (HTML form upload)', () => {
  let run: Run;
  beforeAll(async () => {
    run = await newRun('/projects/team-f');
  });

  it("stores a form's file in the run's artifact folder", async () => {
    const res = await formUpload(run, [
      {
        field: 'file',
        filename: 'result.json',
        content: '{"score": 0.93}',
        type: 'application/json',
      },
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({ files: [{ path: 'result.json', is_dir: false, file_size: 15 }] });
    const listed = await s.json('GET', `/projects/team-f${LIST}?run_id=${run.runId}`);
    expect(listed.json?.files).toContainEqual({
      path: 'result.json',
      is_dir: false,
      file_size: 15,
    });
    const back = await s.request('GET', `/projects/team-f${A}/${run.root}/result.json`);
    expect(back.text).toBe('{"score": 0.93}');
    expect(await filesBelow(staging('team-f'))).toEqual([]);
  });

  it('stores several files below ?path=, ignoring plain text fields', async () => {
    const res = await formUpload(
      run,
      [
        { field: 'note', content: 'not a file' },
        { field: 'file', filename: 'a.txt', content: 'A' },
        { field: 'file', filename: 'b.bin', content: Buffer.from([0, 1, 2, 255]) },
      ],
      '?path=reports/2024',
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({
      files: [
        { path: 'reports/2024/a.txt', is_dir: false, file_size: 1 },
        { path: 'reports/2024/b.bin', is_dir: false, file_size: 4 },
      ],
    });
    const stored = path.join(s.dataDir, 'team-f', 'artifacts', run.root, 'reports/2024/b.bin');
    expect([...fs.readFileSync(stored)]).toEqual([0, 1, 2, 255]);
  });

  it('works at the root for project default', async () => {
    const rootRun = await newRun();
    const res = await formUpload(rootRun, [{ field: 'file', filename: 'r.txt', content: 'r' }]);
    expect(res.status, res.text).toBe(200);
    expect(fs.existsSync(path.join(s.dataDir, 'default', 'artifacts', rootRun.root, 'r.txt'))).toBe(
      true,
    );
  });

  it('refuses forms without a file field, other file fields, and non-form bodies', async () => {
    expectError(
      await formUpload(run, [{ field: 'note', content: 'x' }]),
      400,
      'INVALID_PARAMETER_VALUE',
      "No file received in a field named 'file'",
    );
    expectError(
      await formUpload(run, [{ field: 'upload', filename: 'x.txt', content: 'x' }]),
      400,
      'INVALID_PARAMETER_VALUE',
      "Unexpected file field 'upload'",
    );
    expectError(
      await s.request('POST', `/projects/team-f/api/trackd/v1/runs/${run.runId}/artifacts`, {
        headers: { 'Content-Type': 'application/octet-stream' },
        body: 'raw',
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      'multipart/form-data',
    );
    expect(await filesBelow(staging('team-f'))).toEqual([]);
  });

  it('stores nothing when one file of the form is refused', async () => {
    const before = await filesBelow(path.join(s.dataDir, 'team-f', 'artifacts'));
    expectError(
      await formUpload(run, [
        { field: 'file', filename: 'fine.txt', content: 'ok' },
        { field: 'file', filename: 'fine.txt', content: 'again' },
      ]),
      400,
      'INVALID_PARAMETER_VALUE',
      'same name',
    );
    expectError(
      await formUpload(run, [
        { field: 'file', filename: 'fine.txt', content: 'ok' },
        { field: 'file', filename: '../escape.txt', content: 'bad' },
      ]),
      400,
      'INVALID_PARAMETER_VALUE',
    );
    expect(await filesBelow(path.join(s.dataDir, 'team-f', 'artifacts'))).toEqual(before);
    expect(await filesBelow(staging('team-f'))).toEqual([]);
  });

  it('answers 400 BAD_REQUEST for a truncated form body', async () => {
    const form = multipartForm([{ field: 'file', filename: 'cut.txt', content: 'x'.repeat(100) }]);
    const res = await s.request(
      'POST',
      `/projects/team-f/api/trackd/v1/runs/${run.runId}/artifacts`,
      {
        headers: { 'Content-Type': form.contentType },
        body: form.body.subarray(0, form.body.length - 30),
      },
    );
    expectError(res, 400, 'BAD_REQUEST');
    expect(await filesBelow(staging('team-f'))).toEqual([]);
  });

  it('knows only active runs of its own project', async () => {
    const part = [{ field: 'file', filename: 'x.txt', content: 'x' }];
    expectError(
      await formUpload({ ...run, prefix: '/projects/team-other' }, part),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await formUpload(run, part, '', '0123456789abcdef0123456789abcdef'),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const deleted = await newRun('/projects/team-f');
    await s.json('POST', '/projects/team-f/api/2.0/mlflow/runs/delete', { run_id: deleted.runId });
    expectError(await formUpload(deleted, part), 400, 'INVALID_PARAMETER_VALUE', 'active');
  });

  it('refuses runs whose artifacts live somewhere this server does not serve', async () => {
    const elsewhere = await newRun('/projects/team-f', 's3://bucket/prefix');
    expectError(
      await formUpload(elsewhere, [{ field: 'file', filename: 'x.txt', content: 'x' }]),
      400,
      'INVALID_PARAMETER_VALUE',
      'not served by this server',
    );
  });
});

describe('POST /api/2.0/mlflow/logged-models/search (consulted by runs:/ listings)', () => {
  it('answers an empty result while no logged model can exist', async () => {
    const res = await s.json('POST', '/projects/team-r/api/2.0/mlflow/logged-models/search', {
      experiment_ids: ['1'],
      filter: "name = 'model'",
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({});
  });

  it('requires experiment_ids', async () => {
    expectError(
      await s.json('POST', '/api/2.0/mlflow/logged-models/search', {}),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'experiment_ids'",
    );
  });
});

describe('POST /ajax-api/2.0/mlflow/upload-artifact (the web UI upload)', () => {
  const UP = '/ajax-api/2.0/mlflow/upload-artifact';
  const send = (prefix: string, query: string, body?: string | Buffer) =>
    s.request('POST', `${prefix}${UP}?${query}`, {
      headers: { 'Content-Type': 'application/octet-stream' },
      ...(body === undefined ? {} : { body }),
    });

  it("stores the body as the file at path in the run's artifacts, answering an empty 200", async () => {
    const run = await newRun('/projects/team-u');
    const res = await send(run.prefix, `run_uuid=${run.runId}&path=notes/hello.txt`, 'hi there');
    expect(res.status, res.text).toBe(200);
    expect(res.text).toBe('');
    const got = await s.request(
      'GET',
      `${run.prefix}/get-artifact?run_uuid=${run.runId}&path=notes/hello.txt`,
    );
    expect(got.status).toBe(200);
    expect(got.text).toBe('hi there');
    const listed = await s.json('GET', `${run.prefix}${LIST}?run_id=${run.runId}&path=notes`);
    expect(listed.json?.files).toEqual([{ path: 'notes/hello.txt', is_dir: false, file_size: 8 }]);
  });

  it('refuses what MLflow refuses, with its messages, and writes nothing', async () => {
    const run = await newRun('/projects/team-u');
    const q = `run_uuid=${run.runId}`;
    expectError(
      await send('', 'path=a.txt', 'x'),
      400,
      'INVALID_PARAMETER_VALUE',
      'Request must specify run_uuid.',
    );
    expectError(
      await send('', q, 'x'),
      400,
      'INVALID_PARAMETER_VALUE',
      'Request must specify path.',
    );
    for (const bad of ['../escape.txt', '%2e%2e/escape.txt', '/etc/passwd', 'a/../../b']) {
      const res = await send(run.prefix, `${q}&path=${bad}`, 'x');
      expectError(res, 400, 'INVALID_PARAMETER_VALUE');
      expect(res.json?.message).toBe('Invalid path');
    }
    expectError(
      await send(run.prefix, `${q}&path=empty.txt`),
      400,
      'INVALID_PARAMETER_VALUE',
      'Request must specify data.',
    );
    expectError(
      await send(run.prefix, `${q}&path=big.bin`, Buffer.alloc(10 * 1024 * 1024 + 1)),
      400,
      'INVALID_PARAMETER_VALUE',
      'Artifact size is too large. Max size is 10MB.',
    );
    expectError(
      await send(run.prefix, `run_uuid=${'0'.repeat(32)}&path=a.txt`, 'x'),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    const listed = await s.json('GET', `${run.prefix}${LIST}?run_id=${run.runId}`);
    expect(listed.json?.files).toBeUndefined();
  });

  it("cannot reach another project's run", async () => {
    const run = await newRun('/projects/team-u');
    expectError(
      await send('/projects/team-v', `run_uuid=${run.runId}&path=a.txt`, 'x'),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
  });
});
