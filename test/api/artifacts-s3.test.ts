// The artifact API with its artifacts in S3 (`--artifacts-destination s3://bucket/prefix`), against
// a real MinIO started by scripts/services/minio.sh: uploads, Range downloads, folder listings,
// deletes, multipart uploads, staged form uploads, confinement to the project's prefix, and
// bodies that end early never being published.
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Artifacts } from '../../src/artifacts/artifact-backend.js';
import { parseArtifactPath } from '../../src/artifacts/safe-path.js';
import { eventually, type LiveServer } from '../support/live-server.js';
import {
  MINIO_START_TIMEOUT_MS,
  minioSkipReason,
  startMinio,
  startS3Server,
  type Minio,
} from '../support/minio.js';
import { multipartForm } from '../support/multipart-form.js';

const A = '/api/2.0/mlflow-artifacts/artifacts';
const MPU = '/api/2.0/mlflow-artifacts/mpu';
const MIB = 1024 * 1024;
const PREFIX = 'team/artifacts';

const skip = minioSkipReason();
if (skip) console.warn(`skipping the S3 artifact tests: ${skip}`);

let minio: Minio;
let s: LiveServer;

beforeAll(async () => {
  if (skip) return;
  minio = await startMinio();
  s = await startS3Server(minio, `s3://${minio.bucket}/${PREFIX}`);
}, MINIO_START_TIMEOUT_MS);

afterAll(async () => {
  await s?.close();
  await minio?.stop();
});

async function keysBelow(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await minio.client.send(
      new ListObjectsV2Command({ Bucket: minio.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    keys.push(...(page.Contents ?? []).map((o) => o.Key as string));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

async function uploadsOf(key: string): Promise<number> {
  // MinIO lists the multipart uploads of one exact key (not of a prefix).
  const out = await minio.client.send(
    new ListMultipartUploadsCommand({ Bucket: minio.bucket, Prefix: key }),
  );
  return out.Uploads?.length ?? 0;
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

function sha(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

let counter = 0;
function fresh(): string {
  counter += 1;
  return `1/run${counter}/artifacts`;
}

async function put(rel: string, body: string | Buffer, project = '') {
  const res = await s.request('PUT', `${project}${A}/${rel}`, { body });
  expect(res.status, res.text).toBe(200);
}

/** Sends the headers and `sent` bytes of an upload announcing `announced` bytes, then hangs up. */
function cutUpload(rawPath: string, announced: number, sent: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(s.port, '127.0.0.1', () => {
      socket.write(
        `PUT ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${announced}\r\n\r\n`,
      );
      let left = sent;
      const chunk = randomBytes(MIB);
      const more = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!socket.write(chunk.subarray(0, n))) {
            socket.once('drain', more);
            return;
          }
        }
        // Give the server a moment to stream what arrived before the connection goes.
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 200);
      };
      more();
    });
    socket.on('error', reject);
  });
}

describe.skipIf(skip)('artifacts in S3', () => {
  describe('upload and download', () => {
    it('stores the file at <prefix>/<project>/<path> and serves it whole', async () => {
      const dir = fresh();
      const data = randomBytes(100_000);
      await put(`${dir}/model/weights.bin`, data);
      expect(await keysBelow(`${PREFIX}/default/${dir}/`)).toEqual([
        `${PREFIX}/default/${dir}/model/weights.bin`,
      ]);
      const res = await s.request('GET', `${A}/${dir}/model/weights.bin`);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('100000');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['etag']).toBeTruthy();
      expect(sha(res.body)).toBe(sha(data));
    });

    it('answers one byte range with 206 and a suffix range from the end', async () => {
      const dir = fresh();
      const data = randomBytes(50_000);
      await put(`${dir}/data.bin`, data);
      const res = await s.request('GET', `${A}/${dir}/data.bin`, {
        headers: { Range: 'bytes=1000-1999' },
      });
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe('bytes 1000-1999/50000');
      expect(res.body.equals(data.subarray(1000, 2000))).toBe(true);
      const tail = await s.request('GET', `${A}/${dir}/data.bin`, {
        headers: { Range: 'bytes=-10' },
      });
      expect(tail.status).toBe(206);
      expect(tail.body.equals(data.subarray(-10))).toBe(true);
      const beyond = await s.request('GET', `${A}/${dir}/data.bin`, {
        headers: { Range: 'bytes=60000-' },
      });
      expect(beyond.status).toBe(416);
    });

    it('streams a body larger than one S3 part through a multipart upload', async () => {
      // Parts of 16 MiB: a short last part, and two whole parts with nothing left over.
      for (const size of [20 * MIB + 17, 32 * MIB]) {
        const dir = fresh();
        const data = randomBytes(size);
        await put(`${dir}/big.bin`, data);
        const res = await s.request('GET', `${A}/${dir}/big.bin`);
        expect(res.status).toBe(200);
        expect(sha(res.body)).toBe(sha(data));
        const range = await s.request('GET', `${A}/${dir}/big.bin`, {
          headers: { Range: `bytes=${16 * MIB - 50}-${16 * MIB + 49}` },
        });
        expect(range.body.equals(data.subarray(16 * MIB - 50, 16 * MIB + 50))).toBe(true);
        expect(await uploadsOf(`${PREFIX}/default/${dir}/big.bin`)).toBe(0);
      }
    }, 60_000);

    it('stores an empty file', async () => {
      const dir = fresh();
      await put(`${dir}/empty.txt`, '');
      const res = await s.request('GET', `${A}/${dir}/empty.txt`);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('0');
      const list = await s.json('GET', `${A}?path=${dir}`);
      expect(list.json).toEqual({ files: [{ path: 'empty.txt', is_dir: false, file_size: 0 }] });
    });

    it('replaces a file uploaded again', async () => {
      const dir = fresh();
      await put(`${dir}/a.txt`, 'first');
      await put(`${dir}/a.txt`, 'second');
      expect((await s.request('GET', `${A}/${dir}/a.txt`)).text).toBe('second');
    });

    it('answers 404 for a missing file and 400 for a folder', async () => {
      const dir = fresh();
      await put(`${dir}/sub/file.txt`, 'x');
      expectError(await s.request('GET', `${A}/${dir}/nope.txt`), 404, 'RESOURCE_DOES_NOT_EXIST');
      expectError(
        await s.request('GET', `${A}/${dir}/sub`),
        400,
        'INVALID_PARAMETER_VALUE',
        'refers to a directory',
      );
    });

    it('keeps the local rules: no file over a folder, none below a file', async () => {
      const dir = fresh();
      await put(`${dir}/sub/file.txt`, 'x');
      expectError(
        await s.request('PUT', `${A}/${dir}/sub`, { body: 'y' }),
        400,
        'INVALID_PARAMETER_VALUE',
        'is a folder',
      );
      expectError(
        await s.request('PUT', `${A}/${dir}/sub/file.txt/inner`, { body: 'y' }),
        400,
        'INVALID_PARAMETER_VALUE',
        'is a file',
      );
    });
  });

  describe('listing', () => {
    it("lists a folder's direct entries sorted by name, folders without a size", async () => {
      const dir = fresh();
      await put(`${dir}/b.txt`, 'bb');
      await put(`${dir}/a.txt`, 'a');
      await put(`${dir}/model/MLmodel`, 'm');
      await put(`${dir}/model/data/x.bin`, 'xyz');
      const res = await s.json('GET', `${A}?path=${dir}`);
      expect(res.json).toEqual({
        files: [
          { path: 'a.txt', is_dir: false, file_size: 1 },
          { path: 'b.txt', is_dir: false, file_size: 2 },
          { path: 'model', is_dir: true },
        ],
      });
      const sub = await s.json('GET', `${A}?path=${dir}/model`);
      expect(sub.json).toEqual({
        files: [
          { path: 'data', is_dir: true },
          { path: 'MLmodel', is_dir: false, file_size: 1 },
        ].sort((x, y) => (x.path < y.path ? -1 : 1)),
      });
    });

    it('answers an empty listing for a missing path and for a file', async () => {
      const dir = fresh();
      await put(`${dir}/file.txt`, 'x');
      expect((await s.json('GET', `${A}?path=${dir}/missing`)).json).toEqual({});
      expect((await s.json('GET', `${A}?path=${dir}/file.txt`)).json).toEqual({});
    });

    it('lists more entries than one S3 page holds', async () => {
      const dir = fresh();
      await Promise.all(
        Array.from({ length: 1005 }, (_, i) =>
          minio.client.send(
            new PutObjectCommand({
              Bucket: minio.bucket,
              Key: `${PREFIX}/default/${dir}/f${String(i).padStart(4, '0')}`,
              Body: 'x',
            }),
          ),
        ),
      );
      const res = await s.json('GET', `${A}?path=${dir}`);
      const files = res.json?.files as { path: string }[];
      expect(files).toHaveLength(1005);
      expect(files[1004].path).toBe('f1004');

      // …and deletes them all (DeleteObjects takes 1000 keys at a time).
      const del = await s.request('DELETE', `${A}/${dir}`);
      expect(del.status, del.text).toBe(200);
      expect(await keysBelow(`${PREFIX}/default/${dir}/`)).toEqual([]);
    }, 60_000);
  });

  describe('delete', () => {
    it('removes a file, or a folder with everything below it; a missing path is fine', async () => {
      const dir = fresh();
      await put(`${dir}/keep.txt`, 'k');
      await put(`${dir}/gone.txt`, 'g');
      await put(`${dir}/tree/a/b.txt`, 'b');
      await put(`${dir}/tree/c.txt`, 'c');
      await put(`${dir}/treehouse.txt`, 'not below tree/');
      expect((await s.request('DELETE', `${A}/${dir}/gone.txt`)).status).toBe(200);
      expect((await s.request('DELETE', `${A}/${dir}/tree`)).status).toBe(200);
      expect((await s.request('DELETE', `${A}/${dir}/never`)).status).toBe(200);
      expect(await keysBelow(`${PREFIX}/default/${dir}/`)).toEqual([
        `${PREFIX}/default/${dir}/keep.txt`,
        `${PREFIX}/default/${dir}/treehouse.txt`,
      ]);
    });
  });

  describe('a body that ends early', () => {
    it('is not published, in one PUT or in a multipart upload, and leaves nothing behind', async () => {
      const dir = fresh();
      const small = `${PREFIX}/default/${dir}/small.bin`;
      const big = `${PREFIX}/default/${dir}/big.bin`;
      await cutUpload(`${A}/${dir}/small.bin`, 4 * MIB, 2 * MIB);
      await cutUpload(`${A}/${dir}/big.bin`, 40 * MIB, 25 * MIB);
      await eventually(async () => (await uploadsOf(big)) === 0, 15_000);
      expect(await keysBelow(`${PREFIX}/default/${dir}/`)).toEqual([]);
      expect(await uploadsOf(small)).toBe(0);
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
      expectError(await s.request('GET', `${A}/${dir}/big.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');
    }, 60_000);

    it('is refused by the store when a stream ends short of its announced length', async () => {
      const store = s.projects.artifacts.storeFor('default', '');
      const dir = fresh();
      // One PutObject, and a multipart upload of 16 MiB parts cut from one 40 MiB chunk.
      for (const size of [1000, 12 * MIB, 40 * MIB]) {
        const p = parseArtifactPath(`${dir}/short-${size}.bin`);
        await expect(
          store.put(p, Readable.from([randomBytes(size)]), { expectedSize: size + 1 }),
        ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        await expect(
          store.put(p, Readable.from([randomBytes(size + 2)]), { expectedSize: size + 1 }),
        ).rejects.toMatchObject({ code: 'INVALID_PARAMETER_VALUE' });
        expect(await uploadsOf(`${PREFIX}/default/${p}`)).toBe(0);
      }
      expect(await keysBelow(`${PREFIX}/default/${dir}/`)).toEqual([]);
    }, 60_000);
  });

  describe('multipart uploads', () => {
    interface Credential {
      url: string;
      part_number: number;
    }

    async function create(dir: string, numParts: number, project = '') {
      const res = await s.json('POST', `${project}${MPU}/create/${dir}`, {
        path: '/tmp/model.bin',
        num_parts: numParts,
      });
      expect(res.status, res.text).toBe(200);
      return res.json as { upload_id: string; credentials: Credential[] };
    }

    function putPart(credential: Credential, body: Buffer) {
      return s.request('PUT', new URL(credential.url).pathname, { body });
    }

    /** Completes the upload with `listed`; the published file must be `parts` joined. */
    async function completeAndCheck(
      dir: string,
      uploadId: string,
      listed: { part_number: number; etag?: string }[],
      parts: Buffer[],
    ) {
      const done = await s.json('POST', `${MPU}/complete/${dir}`, {
        path: '/tmp/model.bin',
        upload_id: uploadId,
        parts: listed,
      });
      expect(done.status, done.text).toBe(200);
      const res = await s.request('GET', `${A}/${dir}/model.bin`);
      expect(sha(res.body)).toBe(sha(Buffer.concat(parts)));
    }

    async function sendAll(created: { credentials: Credential[] }, parts: Buffer[]) {
      const answers = await Promise.all(
        parts.map((part, i) => putPart(created.credentials[i], part)),
      );
      for (const answer of answers) expect(answer.status, answer.text).toBe(200);
      return answers.map((a, i) => ({ part_number: i + 1, etag: a.headers.etag as string }));
    }

    it('publishes parts of 5 MiB and more (sent straight to S3) only on complete', async () => {
      const dir = fresh();
      const created = await create(dir, 3);
      const parts = [randomBytes(6 * MIB), randomBytes(5 * MIB), randomBytes(1234)];
      const listed = await sendAll(created, parts);
      expect(listed[0].etag).toBe(`"${createHash('md5').update(parts[0]).digest('hex')}"`);
      expectError(await s.request('GET', `${A}/${dir}/model.bin`), 404, 'RESOURCE_DOES_NOT_EXIST');
      await completeAndCheck(dir, created.upload_id, listed, parts);
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
    }, 60_000);

    it('joins parts smaller than S3 allows (the client may choose 1 MiB chunks)', async () => {
      const dir = fresh();
      const parts = [
        randomBytes(MIB),
        randomBytes(MIB),
        randomBytes(MIB),
        randomBytes(4 * MIB),
        randomBytes(123),
      ];
      const created = await create(dir, parts.length);
      const listed = await sendAll(created, parts);
      // Listed without ETags: the latest of each part counts.
      await completeAndCheck(
        dir,
        created.upload_id,
        listed.map(({ part_number }) => ({ part_number })),
        parts,
      );
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
    }, 60_000);

    it('mixes direct and joined parts, and a part sent again replaces the first', async () => {
      const dir = fresh();
      const parts = [
        randomBytes(6 * MIB),
        randomBytes(MIB),
        randomBytes(4 * MIB),
        randomBytes(5 * MIB),
        randomBytes(9),
      ];
      const created = await create(dir, parts.length);
      // Part 3 first goes straight to S3, then comes again small (staged); part 4 the other way.
      await sendAll(created, [
        randomBytes(5 * MIB),
        randomBytes(7),
        randomBytes(6 * MIB),
        randomBytes(MIB),
        randomBytes(9),
      ]);
      const listed = await sendAll(created, parts);
      await completeAndCheck(
        dir,
        created.upload_id,
        listed.map(({ part_number }) => ({ part_number })),
        parts,
      );
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
    }, 60_000);

    it("refuses small parts between large ones, which S3's part sizes cannot hold", async () => {
      const dir = fresh();
      const created = await create(dir, 3);
      const listed = await sendAll(created, [
        randomBytes(6 * MIB),
        randomBytes(MIB),
        randomBytes(5 * MIB),
      ]);
      expectError(
        await s.json('POST', `${MPU}/complete/${dir}`, {
          path: '/tmp/model.bin',
          upload_id: created.upload_id,
          parts: listed,
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        'Send parts of 5 MiB or more',
      );
      const aborted = await s.json('POST', `${MPU}/abort/${dir}`, {
        path: '/tmp/model.bin',
        upload_id: created.upload_id,
      });
      expect(aborted.status, aborted.text).toBe(200);
    }, 60_000);

    it('refuses a wrong ETag, another path, and unknown or forged upload ids', async () => {
      const dir = fresh();
      const created = await create(dir, 1);
      await sendAll(created, [randomBytes(100)]);
      expectError(
        await s.json('POST', `${MPU}/complete/${dir}`, {
          path: '/tmp/model.bin',
          upload_id: created.upload_id,
          parts: [{ part_number: 1, etag: '"0123"' }],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        'was not uploaded with ETag',
      );
      expectError(
        await s.json('POST', `${MPU}/complete/${dir}/other`, {
          path: '/tmp/model.bin',
          upload_id: created.upload_id,
          parts: [{ part_number: 1 }],
        }),
        400,
        'INVALID_PARAMETER_VALUE',
        'uploads to',
      );
      const [s3Id] = created.upload_id.split('.');
      for (const forged of [
        'nope',
        `${s3Id}.${Buffer.from('../secret/model.bin').toString('base64url')}`,
        `${s3Id}.${Buffer.from('/etc/passwd').toString('base64url')}`,
        `${Buffer.from('made-up').toString('base64url')}.${Buffer.from(`${dir}/model.bin`).toString('base64url')}`,
      ]) {
        expectError(
          await s.request('PUT', `/api/trackd/v1/mpu/${forged}/parts/1`, { body: 'x' }),
          404,
          'RESOURCE_DOES_NOT_EXIST',
        );
      }
      const aborted = await s.json('POST', `${MPU}/abort/${dir}`, {
        path: '/tmp/model.bin',
        upload_id: created.upload_id,
      });
      expect(aborted.status, aborted.text).toBe(200);
    });

    it('survives a part cut off by its client; the part sent again is what is stored', async () => {
      const dir = fresh();
      const created = await create(dir, 2);
      const url = new URL(created.credentials[0].url);
      // A part of 8 MiB goes straight to S3: its client hangs up after 3 MiB.
      await cutUpload(url.pathname + url.search, 8 * MIB, 3 * MIB);
      const parts = [randomBytes(8 * MIB), randomBytes(100)];
      const listed = await sendAll(created, parts);
      await completeAndCheck(dir, created.upload_id, listed, parts);
    }, 60_000);

    it('drops the parts on abort; the upload is gone afterwards', async () => {
      const dir = fresh();
      const created = await create(dir, 2);
      const listed = await sendAll(created, [randomBytes(5 * MIB), randomBytes(100)]);
      const aborted = await s.json('POST', `${MPU}/abort/${dir}`, {
        path: '/tmp/model.bin',
        upload_id: created.upload_id,
      });
      expect(aborted.status, aborted.text).toBe(200);
      expect(await uploadsOf(`${PREFIX}/default/${dir}/model.bin`)).toBe(0);
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
      expectError(
        await s.json('POST', `${MPU}/complete/${dir}`, {
          path: '/tmp/model.bin',
          upload_id: created.upload_id,
          parts: listed,
        }),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
      expectError(
        await putPart(created.credentials[1], randomBytes(10)),
        404,
        'RESOURCE_DOES_NOT_EXIST',
      );
    }, 60_000);
  });

  describe('staged uploads (HTML form)', () => {
    it('publishes every file of a form together and leaves no staged object', async () => {
      const exp = await s.json('POST', '/api/2.0/mlflow/experiments/create', { name: 'forms' });
      const run = await s.json('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: exp.json?.experiment_id,
      });
      const { run_id: runId, artifact_uri: uri } = (
        run.json?.run as { info: { run_id: string; artifact_uri: string } }
      ).info;
      const form = multipartForm([
        { field: 'file', filename: 'result.json', content: '{"ok":true}' },
        { field: 'file', filename: 'log.txt', content: 'line\n' },
      ]);
      const res = await s.request('POST', `/api/trackd/v1/runs/${runId}/artifacts?path=reports`, {
        headers: { 'Content-Type': form.contentType },
        body: form.body,
      });
      expect(res.status, res.text).toBe(200);
      const root = uri.replace(/^mlflow-artifacts:\//, '');
      expect(await keysBelow(`${PREFIX}/default/${root}/`)).toEqual([
        `${PREFIX}/default/${root}/reports/log.txt`,
        `${PREFIX}/default/${root}/reports/result.json`,
      ]);
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
    });

    it('publishes a staged body above the single-copy limit range by range', async () => {
      const backend = new S3Artifacts(
        `s3://${minio.bucket}/copies`,
        { endpointUrl: minio.endpoint, forcePathStyle: true },
        { maxSingleCopy: 5 * MIB, copyPartSize: 5 * MIB },
      );
      const store = backend.storeFor('p');
      const data = randomBytes(12 * MIB + 5);
      const staged = await store.stage(Readable.from([data]), { expectedSize: data.length });
      await staged.commit(parseArtifactPath('big/copy.bin'));
      await staged.discard();
      const reader = await store.open(parseArtifactPath('big/copy.bin'));
      expect(reader.size).toBe(data.length);
      const chunks: Buffer[] = [];
      for await (const chunk of reader.stream()) chunks.push(chunk as Buffer);
      expect(sha(Buffer.concat(chunks))).toBe(sha(data));
      expect(await keysBelow('copies/')).toEqual(['copies/p/big/copy.bin']);
    }, 60_000);
  });

  describe('confinement to the project prefix', () => {
    const evil = [
      '..%2Fother%2Fsecret.txt',
      '%2e%2e/other/secret.txt',
      '%252e%252e%252fother%252fsecret.txt',
      'a/../../other/secret.txt',
      '%2Fetc%2Fpasswd',
      '..%5Cother%5Csecret.txt',
      'workspaces/other/secret.txt',
    ];

    it('never lets a path reach another project, the staging area or the bucket root', async () => {
      await put('x/secret.txt', 'secret of other', '/projects/other');
      const before = await keysBelow('');
      for (const raw of evil) {
        for (const [method, url] of [
          ['PUT', `/projects/team-a${A}/${raw}`],
          ['GET', `/projects/team-a${A}/${raw}`],
          ['DELETE', `/projects/team-a${A}/${raw}`],
          ['GET', `/projects/team-a${A}?path=${raw}`],
        ] as const) {
          const res = await s.request(method, url, method === 'PUT' ? { body: 'pwned' } : {});
          expect(res.status, `${method} ${url}: ${res.text}`).toBeGreaterThanOrEqual(400);
          expect(res.text).not.toContain('secret of other');
        }
      }
      // Also the absolute form a request line can carry.
      const absolute = await s.request('PUT', `/projects/team-a${A}//etc/passwd`, { body: 'x' });
      expect(absolute.status).toBeLessThan(500);
      const after = await keysBelow('');
      const added = after.filter((k) => !before.includes(k));
      for (const key of added) expect(key.startsWith(`${PREFIX}/team-a/`), key).toBe(true);
      expect(await keysBelow(`${PREFIX}/other/`)).toEqual([`${PREFIX}/other/x/secret.txt`]);
      const secret = await s.request('GET', `/projects/other${A}/x/secret.txt`);
      expect(secret.text).toBe('secret of other');
    });

    it('keys every store path below the project folder', () => {
      const store = s.projects.artifacts.storeFor('team-a', '') as unknown as {
        keys: { file(p: string): string; folder(p: string): string; staging: string };
      };
      for (const raw of ['a/b', 'a//b/./c', '%2e/x', 'deep/' + 'x/'.repeat(50) + 'f']) {
        const p = parseArtifactPath(raw);
        expect(store.keys.file(p).startsWith(`${PREFIX}/team-a/`)).toBe(true);
        expect(store.keys.folder(p).startsWith(`${PREFIX}/team-a/`)).toBe(true);
      }
      for (const raw of ['../other/x', '/etc/passwd', '%2e%2e/x', '..\\x', 'C:/x', 'file:///x']) {
        expect(() => parseArtifactPath(raw)).toThrow('Invalid path');
      }
      expect(store.keys.staging).toBe(`${PREFIX}/.trackd-staging/team-a/`);
    });
  });

  describe('projects and leftovers', () => {
    it("deleting a project removes its keys and no other project's", async () => {
      await put('x/one.txt', '1', '/projects/doomed');
      await put('x/two.txt', '2', '/projects/survivor');
      const res = await s.request('DELETE', '/api/3.0/mlflow/workspaces/doomed?mode=CASCADE');
      expect(res.status, res.text).toBe(204);
      expect(await keysBelow(`${PREFIX}/doomed/`)).toEqual([]);
      expect(await keysBelow(`${PREFIX}/survivor/`)).toEqual([`${PREFIX}/survivor/x/two.txt`]);
    });

    it('sweeps staged bodies idle for the multipart age, and keeps those still held', async () => {
      const orphan = `${PREFIX}/.trackd-staging/default/upload-orphan`;
      await minio.client.send(
        new PutObjectCommand({ Bucket: minio.bucket, Key: orphan, Body: 'left by a crash' }),
      );
      const store = s.projects.artifacts.storeFor('default', '');
      const held = await store.stage(Readable.from([Buffer.from('held')]));
      // Young leftovers stay: another server sharing the bucket may still hold them.
      expect(
        (await s.projects.artifacts.sweep({ minAgeMs: 0, multipartMaxAgeMs: 3600e3 })).files,
      ).toBe(0);
      const result = await s.projects.artifacts.sweep({ minAgeMs: 0, multipartMaxAgeMs: 0 });
      expect(result.files).toBe(1);
      const left = await keysBelow(`${PREFIX}/.trackd-staging/`);
      expect(left).toHaveLength(1);
      expect(left[0]).toMatch(/upload-[0-9a-f-]{36}$/);
      await held.discard();
      expect(await keysBelow(`${PREFIX}/.trackd-staging/`)).toEqual([]);
    });
  });
});
