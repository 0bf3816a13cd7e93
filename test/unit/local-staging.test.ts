// Receiving a body into a staging file: a body that is already gone when receiving starts (its
// client hung up while the request waited) fails at once and leaves no file, instead of waiting
// for a 'close' that was emitted before anyone listened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { receiveInto } from '../../src/artifacts/local-staging.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trackd-staging-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('receiveInto', () => {
  it('fails at once and leaves no file for a body that was closed before it began', async () => {
    const body = new PassThrough();
    body.write('ten bytes!');
    body.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const file = path.join(dir, 'upload-gone');
    await expect(receiveInto(file, body)).rejects.toThrow('request body ended early');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('still receives a whole body', async () => {
    const body = new PassThrough();
    const file = path.join(dir, 'upload-whole');
    const received = receiveInto(file, body);
    body.end('all of it');
    await expect(received).resolves.toBe(9);
    expect(fs.readFileSync(file, 'utf8')).toBe('all of it');
  });
});
