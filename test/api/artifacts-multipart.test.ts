// Multipart uploads (/api/2.0/mlflow-artifacts/mpu/create|complete|abort) over local part files,
// with parts sent to the URLs create hands out, as the official client sends them.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesBelow, startLiveServer, type LiveServer } from '../support/live-server.js';

const A = '/api/2.0/mlflow-artifacts/artifacts';
const MPU = '/api/2.0/mlflow-artifacts/mpu';

let s: LiveServer;
beforeAll(async () => {
  s = await startLiveServer();
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
function fresh(): string {
  counter += 1;
  return `1/mpu${counter}/artifacts`;
}

interface Credential {
  url: string;
  part_number: number;
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

async function create(dir: string, numParts: number, prefix = '', localFile = '/tmp/model.bin') {
  const res = await s.json('POST', `${prefix}${MPU}/create/${dir}`, {
    path: localFile,
    num_parts: numParts,
  });
  expect(res.status, res.text).toBe(200);
  return res.json as { upload_id: string; credentials: Credential[] };
}

/** PUTs a part to the URL create answered (only its path: the host is this test server). */
function putPart(credential: Credential, body: Buffer) {
  return s.request('PUT', new URL(credential.url).pathname, { body });
}

function md5(data: Buffer) {
  return `"${createHash('md5').update(data).digest('hex')}"`;
}

function staging(project = 'default') {
  return path.join(s.dataDir, project, 'uploads');
}

describe('a complete multipart upload', () => {
  it('joins the parts in order and publishes the file only on complete', async () => {
    const dir = fresh();
    const created = await create(dir, 3);
    expect(created.upload_id).toMatch(/^[0-9a-f]{32}$/);
    expect(created.credentials).toEqual(
      [1, 2, 3].map((n) => ({
        url: `http://127.0.0.1:${s.port}/api/trackd/v1/mpu/${created.upload_id}/parts/${n}`,
        part_number: n,
      })),
    );

    const parts = [randomBytes(70000), randomBytes(70000), randomBytes(1234)];
    // Sent out of order and concurrently, as the client's thread pool does.
    const answers = await Promise.all(
      [2, 0, 1].map(async (i) => [i, await putPart(created.credentials[i], parts[i])] as const),
    );
    for (const [i, res] of answers) {
      expect(res.status, res.text).toBe(200);
      expect(res.headers.etag).toBe(md5(parts[i]));
    }
    expect((await s.json('GET', `${A}?path=${dir}`)).json).toEqual({});

    const done = await s.json('POST', `${MPU}/complete/${dir}`, {
      path: '/tmp/model.bin',
      upload_id: created.upload_id,
      parts: parts.map((p, i) => ({ part_number: i + 1, etag: md5(p), url: 'ignored' })),
    });
    expect(done.status, done.text).toBe(200);
    expect(done.json).toEqual({});

    const file = await s.request('GET', `${A}/${dir}/model.bin`);
    expect(file.body.equals(Buffer.concat(parts))).toBe(true);
    expect(await filesBelow(staging())).toEqual([]);
  });

  it('hands out part URLs below the project prefix, also when a header chose the project', async () => {
    const viaPrefix = await create(fresh(), 1, '/projects/team-m');
    expect(viaPrefix.credentials[0].url).toContain(
      `/projects/team-m/api/trackd/v1/mpu/${viaPrefix.upload_id}/parts/1`,
    );
    const res = await s.request('POST', `${MPU}/create/${fresh()}`, {
      headers: { 'Content-Type': 'application/json', 'X-MLFLOW-WORKSPACE': 'team-m' },
      body: JSON.stringify({ path: 'a.bin', num_parts: 1 }),
    });
    const viaHeader = res.json as { upload_id: string; credentials: Credential[] };
    expect(viaHeader.credentials[0].url).toContain(
      `/projects/team-m/api/trackd/v1/mpu/${viaHeader.upload_id}/parts/1`,
    );
    const part = await putPart(viaHeader.credentials[0], Buffer.from('x'));
    expect(part.status).toBe(200);
  });

  it('takes the last upload of a part that is sent twice', async () => {
    const dir = fresh();
    const created = await create(dir, 1);
    await putPart(created.credentials[0], Buffer.from('first try'));
    const second = await putPart(created.credentials[0], Buffer.from('second'));
    const done = await s.json('POST', `${MPU}/complete/${dir}`, {
      path: 'model.bin',
      upload_id: created.upload_id,
      parts: [{ part_number: 1, etag: second.headers.etag }],
    });
    expect(done.status, done.text).toBe(200);
    expect((await s.request('GET', `${A}/${dir}/model.bin`)).text).toBe('second');
  });

  it('names the file after the base name of a Windows client path', async () => {
    const dir = fresh();
    const created = await create(dir, 1, '', 'C:\\Users\\me\\weights.bin');
    await putPart(created.credentials[0], Buffer.from('w'));
    const done = await s.json('POST', `${MPU}/complete/${dir}`, {
      path: 'C:\\Users\\me\\weights.bin',
      upload_id: created.upload_id,
      parts: [{ part_number: 1 }],
    });
    expect(done.status, done.text).toBe(200);
    expect((await s.request('GET', `${A}/${dir}/weights.bin`)).text).toBe('w');
  });
});

describe('abort', () => {
  it('drops the parts; the upload is gone afterwards', async () => {
    const dir = fresh();
    const created = await create(dir, 2);
    await putPart(created.credentials[0], Buffer.from('part'));
    const res = await s.json('POST', `${MPU}/abort/${dir}`, {
      path: 'model.bin',
      upload_id: created.upload_id,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json).toEqual({});
    expect(await filesBelow(staging())).toEqual([]);
    expectError(
      await putPart(created.credentials[1], Buffer.from('late')),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(
      await s.json('POST', `${MPU}/complete/${dir}`, {
        path: 'model.bin',
        upload_id: created.upload_id,
        parts: [{ part_number: 1 }],
      }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expectError(await s.request('GET', `${A}/${dir}/model.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});

describe('refusals', () => {
  it('requires path and at least one part, as MLflow does', async () => {
    expectError(
      await s.json('POST', `${MPU}/create/${fresh()}`, { num_parts: 1 }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'path'",
    );
    expectError(
      await s.json('POST', `${MPU}/complete/${fresh()}`, {
        path: 'a.bin',
        upload_id: 'x',
        parts: [],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      "Missing value for required parameter 'parts'",
    );
  });

  it.each([0, -1, 10001])('refuses num_parts %s', async (numParts) => {
    expectError(
      await s.json('POST', `${MPU}/create/${fresh()}`, { path: 'a.bin', num_parts: numParts }),
      400,
      'INVALID_PARAMETER_VALUE',
      'num_parts',
    );
  });

  it.each(['0', '10001', 'x'])('refuses part number %s', async (partNumber) => {
    const created = await create(fresh(), 1);
    const url = `/api/trackd/v1/mpu/${created.upload_id}/parts/${partNumber}`;
    expectError(await s.request('PUT', url, { body: 'x' }), 400, 'INVALID_PARAMETER_VALUE');
  });

  it('checks every listed part against what was uploaded', async () => {
    const dir = fresh();
    const created = await create(dir, 3);
    const data = Buffer.from('one');
    await putPart(created.credentials[0], data);
    await putPart(created.credentials[1], Buffer.from('two'));
    const complete = (parts: { part_number: number; etag?: string }[]) =>
      s.json('POST', `${MPU}/complete/${dir}`, {
        path: 'model.bin',
        upload_id: created.upload_id,
        parts,
      });
    expectError(
      await complete([{ part_number: 1, etag: '"0000"' }]),
      400,
      'INVALID_PARAMETER_VALUE',
      'Part 1',
    );
    expectError(
      await complete([{ part_number: 1 }, { part_number: 3 }]),
      400,
      'INVALID_PARAMETER_VALUE',
      'Part 3',
    );
    expectError(
      await complete([{ part_number: 2 }, { part_number: 1 }]),
      400,
      'INVALID_PARAMETER_VALUE',
      'ascending',
    );
    // Nothing was published by the refused attempts; the upload is still usable.
    expectError(await s.request('GET', `${A}/${dir}/model.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');
    const ok = await complete([{ part_number: 1, etag: md5(data) }]);
    expect(ok.status, ok.text).toBe(200);
    expect((await s.request('GET', `${A}/${dir}/model.bin`)).text).toBe('one');
  });

  it('refuses to complete or abort an upload under another path', async () => {
    const dir = fresh();
    const created = await create(dir, 1);
    await putPart(created.credentials[0], Buffer.from('x'));
    expectError(
      await s.json('POST', `${MPU}/complete/${fresh()}`, {
        path: 'model.bin',
        upload_id: created.upload_id,
        parts: [{ part_number: 1 }],
      }),
      400,
      'INVALID_PARAMETER_VALUE',
      `uploads to '${dir}/model.bin'`,
    );
    expectError(
      await s.json('POST', `${MPU}/abort/${dir}`, {
        path: 'other.bin',
        upload_id: created.upload_id,
      }),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });

  it.each(['0123456789abcdef0123456789abcdef', 'not-an-id', '..%2F..%2Fetc', '%2e%2e'])(
    'answers 404 for the unknown upload id %s',
    async (uploadId) => {
      expectError(
        await s.request('PUT', `/api/trackd/v1/mpu/${uploadId}/parts/1`, { body: 'x' }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      for (const action of ['complete', 'abort']) {
        expectError(
          await s.json('POST', `${MPU}/${action}/${fresh()}`, {
            path: 'a.bin',
            upload_id: uploadId,
            parts: [{ part_number: 1 }],
          }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
      }
    },
  );

  it("keeps one project's uploads out of reach of another", async () => {
    const dir = fresh();
    const created = await create(dir, 1, '/projects/team-x');
    const path1 = new URL(created.credentials[0].url).pathname;
    const elsewhere = path1.replace('/projects/team-x/', '/projects/team-y/');
    expectError(await s.request('PUT', elsewhere, { body: 'x' }), 404, 'RESOURCE_DOES_NOT_EXIST');
    expectError(
      await s.request('PUT', path1.replace('/projects/team-x', ''), { body: 'x' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    );
    expect(fs.existsSync(path.join(s.dataDir, 'team-y', 'uploads'))).toBe(false);
  });
});
