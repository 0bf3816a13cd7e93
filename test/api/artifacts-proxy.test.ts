// MLflow's artifact proxy (/api/2.0/mlflow-artifacts/artifacts): upload, download with Range and
// validators, list, delete, MLflow's workspaces/ path prefix, and projects kept apart.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  filesBelow,
  startLiveServer,
  type LiveServer,
} from '../support/live-server.js';

const A = '/api/2.0/mlflow-artifacts/artifacts';

let s: LiveServer;
beforeAll(async () => {
  s = await startLiveServer();
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
/** A folder no other test writes to. */
function fresh(): string {
  counter += 1;
  return `1/run${counter}/artifacts`;
}

function put(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return s.request('PUT', url, { body, headers: { 'Content-Type': 'text/plain', ...headers } });
}

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

function artifactsDir(project: string) {
  return path.join(s.dataDir, project, 'artifacts');
}

describe('upload and download', () => {
  it('stores a PUT body and serves it back with Content-Length, Content-Type and disposition', async () => {
    const dir = fresh();
    const up = await put(`${A}/${dir}/notes.txt`, 'hello world');
    expect(up.status, up.text).toBe(200);
    expect(up.json).toEqual({});
    expect(up.headers['content-type']).toMatch(/^application\/json/);

    const res = await s.request('GET', `${A}/${dir}/notes.txt`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello world');
    expect(res.headers['content-length']).toBe('11');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=notes.txt');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers['etag']).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect(res.headers['last-modified']).toBeDefined();
    expect(fs.readFileSync(path.join(artifactsDir('default'), dir, 'notes.txt'), 'utf8')).toBe(
      'hello world',
    );
  });

  it.each([
    ['metrics.json', 'text/plain; charset=utf-8'],
    ['MLmodel', 'text/plain; charset=utf-8'],
    ['conda.yaml', 'text/plain; charset=utf-8'],
    ['plot.png', 'image/png'],
    ['page.html', 'text/html; charset=utf-8'],
    ['weights.bin', 'application/octet-stream'],
    ['no-extension', 'application/octet-stream'],
  ])('serves %s as %s, as MLflow types artifacts', async (name, type) => {
    const dir = fresh();
    expect((await put(`${A}/${dir}/${name}`, 'x')).status).toBe(200);
    const res = await s.request('GET', `${A}/${dir}/${name}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it('names a non-ASCII file in Content-Disposition with an RFC 5987 filename*', async () => {
    const dir = fresh();
    expect((await put(`${A}/${dir}/%E6%97%A5%E6%9C%AC.txt`, 'x')).status).toBe(200);
    const res = await s.request('GET', `${A}/${dir}/%E6%97%A5%E6%9C%AC.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt");
  });

  it('round-trips binary bytes exactly', async () => {
    const dir = fresh();
    const data = randomBytes(300 * 1024 + 7);
    expect((await put(`${A}/${dir}/blob.bin`, data)).status).toBe(200);
    const res = await s.request('GET', `${A}/${dir}/blob.bin`);
    expect(res.headers['content-length']).toBe(String(data.length));
    expect(res.body.equals(data)).toBe(true);
  });

  it('stores an empty body as an empty file', async () => {
    const dir = fresh();
    expect((await put(`${A}/${dir}/empty.txt`, '')).status).toBe(200);
    const res = await s.request('GET', `${A}/${dir}/empty.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.body.length).toBe(0);
  });

  it('replaces a file uploaded again', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/v.txt`, 'first version');
    await put(`${A}/${dir}/v.txt`, 'second');
    expect((await s.request('GET', `${A}/${dir}/v.txt`)).text).toBe('second');
  });

  it('accepts a chunked body without Content-Length', async () => {
    const dir = fresh();
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: s.port, method: 'PUT', path: `${A}/${dir}/chunked.txt` },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('part one, ');
      req.end('part two');
    });
    expect(res).toBe(200);
    expect((await s.request('GET', `${A}/${dir}/chunked.txt`)).text).toBe('part one, part two');
  });

  it('decodes percent-encoded names as MLflow does', async () => {
    const dir = fresh();
    expect((await put(`${A}/${dir}/with%20space%2Bplus.txt`, 'x')).status).toBe(200);
    const listed = await s.json('GET', `${A}?path=${dir}`);
    expect(listed.json).toEqual({
      files: [{ path: 'with space+plus.txt', is_dir: false, file_size: 1 }],
    });
  });

  it('answers HEAD with the headers only', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/h.txt`, '12345');
    const res = await s.request('HEAD', `${A}/${dir}/h.txt`);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('5');
    expect(res.body.length).toBe(0);
  });

  it('answers 304 when the client already holds the current version', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/c.txt`, 'cached');
    const first = await s.request('GET', `${A}/${dir}/c.txt`);
    const again = await s.request('GET', `${A}/${dir}/c.txt`, {
      headers: { 'If-None-Match': String(first.headers.etag) },
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('never shows an upload before its body has fully arrived', async () => {
    const dir = fresh();
    const req = http.request({
      host: '127.0.0.1',
      port: s.port,
      method: 'PUT',
      path: `${A}/${dir}/slow.bin`,
      headers: { 'Content-Length': 2 * 65536 },
    });
    const answered = new Promise<number>((resolve, reject) => {
      req.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write(Buffer.alloc(65536, 1));
    const staging = path.join(s.dataDir, 'default', 'uploads');
    await eventually(async () => (await filesBelow(staging)).length > 0);
    expect((await s.json('GET', `${A}?path=${dir}`)).json).toEqual({});
    expectError(await s.request('GET', `${A}/${dir}/slow.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');

    req.end(Buffer.alloc(65536, 2));
    expect(await answered).toBe(200);
    const listed = await s.json('GET', `${A}?path=${dir}`);
    expect(listed.json).toEqual({
      files: [{ path: 'slow.bin', is_dir: false, file_size: 131072 }],
    });
    expect(await filesBelow(staging)).toEqual([]);
  });

  it('answers 404 RESOURCE_DOES_NOT_EXIST for a missing file', async () => {
    const dir = fresh();
    expectError(
      await s.request('GET', `${A}/${dir}/nope.txt`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No such artifact: '${dir}/nope.txt'`,
    );
  });

  it('refuses to download a folder', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/sub/f.txt`, 'x');
    expectError(
      await s.request('GET', `${A}/${dir}/sub`),
      400,
      'INVALID_PARAMETER_VALUE',
      `Artifact path refers to a directory, not a file: '${dir}/sub'`,
    );
  });

  it('refuses to replace a folder with a file or to put a file below a file', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/sub/f.txt`, 'x');
    expectError(await put(`${A}/${dir}/sub`, 'y'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await put(`${A}/${dir}/sub/f.txt/g.txt`, 'y'), 400, 'INVALID_PARAMETER_VALUE');
    expect((await s.request('GET', `${A}/${dir}/sub/f.txt`)).text).toBe('x');
    expect(await filesBelow(path.join(s.dataDir, 'default', 'uploads'))).toEqual([]);
  });

  it('requires a file name to upload to', async () => {
    expectError(await put(`${A}/.`, 'x'), 400, 'INVALID_PARAMETER_VALUE', 'file name');
  });
});

describe('Range requests', () => {
  const body = 'abcdefghijklmnopqrstuvwxyz';
  let url: string;
  beforeAll(async () => {
    url = `${A}/${fresh()}/alphabet.txt`;
    await put(url, body);
  });

  it.each([
    ['bytes=0-4', 'abcde', 'bytes 0-4/26'],
    ['bytes=20-', 'uvwxyz', 'bytes 20-25/26'],
    ['bytes=-3', 'xyz', 'bytes 23-25/26'],
    ['bytes=24-1000', 'yz', 'bytes 24-25/26'],
    ['bytes=-100', body, 'bytes 0-25/26'],
    ['bytes=5-5', 'f', 'bytes 5-5/26'],
  ])('serves %s as a 206 partial body', async (range, expected, contentRange) => {
    const res = await s.request('GET', url, { headers: { Range: range } });
    expect(res.status).toBe(206);
    expect(res.text).toBe(expected);
    expect(res.headers['content-range']).toBe(contentRange);
    expect(res.headers['content-length']).toBe(String(expected.length));
  });

  it.each(['bytes=26-', 'bytes=100-200', 'bytes=-0'])(
    'answers 416 with the size for the unsatisfiable %s',
    async (range) => {
      const res = await s.request('GET', url, { headers: { Range: range } });
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */26');
    },
  );

  it.each(['bytes=0-1,4-5', 'items=0-4', 'bytes=5-2', 'bytes=abc'])(
    'serves the whole file for %s (multiple, foreign or malformed ranges)',
    async (range) => {
      const res = await s.request('GET', url, { headers: { Range: range } });
      expect(res.status).toBe(200);
      expect(res.text).toBe(body);
      expect(res.headers['content-length']).toBe('26');
    },
  );

  it('honours If-Range only while the file is unchanged', async () => {
    const full = await s.request('GET', url);
    const same = await s.request('GET', url, {
      headers: { Range: 'bytes=0-1', 'If-Range': String(full.headers.etag) },
    });
    expect(same.status).toBe(206);
    const stale = await s.request('GET', url, {
      headers: { Range: 'bytes=0-1', 'If-Range': '"0-0"' },
    });
    expect(stale.status).toBe(200);
    expect(stale.text).toBe(body);
  });

  it('answers 416 for any range of an empty file', async () => {
    const empty = `${A}/${fresh()}/empty.bin`;
    await put(empty, '');
    const res = await s.request('GET', empty, { headers: { Range: 'bytes=0-' } });
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe('bytes */0');
  });
});

describe('listing', () => {
  it("lists a folder's direct entries, folders without sizes, sorted by name", async () => {
    const dir = fresh();
    await put(`${A}/${dir}/b.txt`, '22');
    await put(`${A}/${dir}/a.txt`, '1');
    await put(`${A}/${dir}/sub/deep/c.txt`, '333');
    const res = await s.json('GET', `${A}?path=${dir}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      files: [
        { path: 'a.txt', is_dir: false, file_size: 1 },
        { path: 'b.txt', is_dir: false, file_size: 2 },
        { path: 'sub', is_dir: true },
      ],
    });
    const sub = await s.json('GET', `${A}?path=${encodeURIComponent(`${dir}/sub/`)}`);
    expect(sub.json).toEqual({ files: [{ path: 'deep', is_dir: true }] });
  });

  it('lists the root without a path, also with a trailing slash', async () => {
    await put(`${A}/${fresh()}/r.txt`, 'x');
    for (const url of [A, `${A}/`]) {
      const res = await s.json('GET', url);
      expect(res.status).toBe(200);
      expect(res.json?.files).toContainEqual({ path: '1', is_dir: true });
    }
  });

  it('answers an empty listing for a file or a missing folder', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/f.txt`, 'x');
    expect((await s.json('GET', `${A}?path=${dir}/f.txt`)).json).toEqual({});
    expect((await s.json('GET', `${A}?path=${dir}/missing`)).json).toEqual({});
  });

  it('is served under /ajax-api too', async () => {
    const dir = fresh();
    await put(`/ajax-api/2.0/mlflow-artifacts/artifacts/${dir}/x.txt`, 'x');
    const res = await s.json('GET', `/ajax-api/2.0/mlflow-artifacts/artifacts?path=${dir}`);
    expect(res.json).toEqual({ files: [{ path: 'x.txt', is_dir: false, file_size: 1 }] });
  });
});

describe('delete', () => {
  it('deletes a file', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/gone.txt`, 'x');
    await put(`${A}/${dir}/kept.txt`, 'x');
    const res = await s.json('DELETE', `${A}/${dir}/gone.txt`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
    expect((await s.json('GET', `${A}?path=${dir}`)).json).toEqual({
      files: [{ path: 'kept.txt', is_dir: false, file_size: 1 }],
    });
  });

  it('deletes a folder tree', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/tree/a/b.txt`, 'x');
    await put(`${A}/${dir}/tree/c.txt`, 'x');
    expect((await s.json('DELETE', `${A}/${dir}/tree`)).status).toBe(200);
    expect((await s.json('GET', `${A}?path=${dir}`)).json).toEqual({});
    expect(fs.existsSync(path.join(artifactsDir('default'), dir, 'tree'))).toBe(false);
  });

  it('treats a missing path as already deleted', async () => {
    const res = await s.json('DELETE', `${A}/${fresh()}/never-there.txt`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
  });

  it('refuses to delete the whole artifact folder', async () => {
    expectError(await s.json('DELETE', `${A}/.`), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await s.json('DELETE', `${A}/./`), 400, 'INVALID_PARAMETER_VALUE');
    expect(fs.existsSync(artifactsDir('default'))).toBe(true);
  });
});

describe("MLflow's workspaces/<name>/ prefix", () => {
  it('is the same folder as no prefix when it names the request’s project', async () => {
    const P = '/projects/team-ws';
    await put(`${P}${A}/workspaces/team-ws/9/r/artifacts/w.txt`, 'via prefix');
    expect((await s.request('GET', `${P}${A}/9/r/artifacts/w.txt`)).text).toBe('via prefix');
    expect(fs.existsSync(path.join(artifactsDir('team-ws'), '9/r/artifacts/w.txt'))).toBe(true);
  });

  it('is refused when it names another project, or no project', async () => {
    const P = '/projects/team-ws';
    expectError(
      await put(`${P}${A}/workspaces/other/1/x.txt`, 'x'),
      400,
      'INVALID_PARAMETER_VALUE',
      "Artifact path targets workspace 'other' but the workspace specified in the request is " +
        "'team-ws'.",
    );
    expectError(
      await s.json('GET', `${P}${A}?path=workspaces/`),
      400,
      'INVALID_PARAMETER_VALUE',
      'must include a workspace name',
    );
  });
});

describe('projects', () => {
  it('keeps the same path apart in two projects and at the root (project default)', async () => {
    const dir = fresh();
    await put(`/projects/team-a${A}/${dir}/same.txt`, 'team a');
    await put(`/projects/team-b${A}/${dir}/same.txt`, 'team b');
    await put(`${A}/${dir}/same.txt`, 'root');
    expect((await s.request('GET', `/projects/team-a${A}/${dir}/same.txt`)).text).toBe('team a');
    expect((await s.request('GET', `/projects/team-b${A}/${dir}/same.txt`)).text).toBe('team b');
    expect((await s.request('GET', `/projects/default${A}/${dir}/same.txt`)).text).toBe('root');
    expect(fs.readFileSync(path.join(artifactsDir('team-a'), dir, 'same.txt'), 'utf8')).toBe(
      'team a',
    );
  });

  it('lets the X-MLFLOW-WORKSPACE header choose the project', async () => {
    const dir = fresh();
    await put(`${A}/${dir}/hdr.txt`, 'by header', { 'X-MLFLOW-WORKSPACE': 'team-h' });
    expect(fs.existsSync(path.join(artifactsDir('team-h'), dir, 'hdr.txt'))).toBe(true);
    expectError(await s.request('GET', `${A}/${dir}/hdr.txt`), 404, 'RESOURCE_DOES_NOT_EXIST');
    const res = await s.request('GET', `${A}/${dir}/hdr.txt`, {
      headers: { 'X-MLFLOW-WORKSPACE': 'team-h' },
    });
    expect(res.text).toBe('by header');
  });

  it('reads a never-written project as empty and creates nothing', async () => {
    const res = await s.json('GET', `/projects/never-written${A}?path=1`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({});
    expectError(
      await s.request('GET', `/projects/never-written${A}/1/x.txt`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(fs.existsSync(path.join(s.dataDir, 'never-written'))).toBe(false);
  });
});
