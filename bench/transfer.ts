// Large artifact transfers through undici, and the raw disk write they are compared with: a body
// of generated MiB chunks, each stamped with its index and made as it is read. Nothing is hashed
// on the way (that would cost the 2-core machine more CPU than the server spends); sizes are
// checked, and bench/upload-memory.ts checks content.
import type { Hash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { request } from 'undici';

export const MIB = 1024 * 1024;

export function generatedBody(bytes: number, hash?: Hash): Readable {
  const pattern = Buffer.alloc(MIB);
  for (let i = 0; i < MIB; i++) pattern[i] = (i * 31 + 7) & 0xff;
  let sent = 0;
  let index = 0;
  return new Readable({
    highWaterMark: 4 * MIB,
    read() {
      if (sent >= bytes) return void this.push(null);
      const chunk = Buffer.from(pattern.subarray(0, Math.min(MIB, bytes - sent)));
      if (chunk.length >= 4) chunk.writeUInt32BE(index++, 0);
      sent += chunk.length;
      hash?.update(chunk);
      this.push(chunk);
    },
  });
}

/** Seconds to write `bytes` to a new file and fsync it, as the server writes an upload. */
export async function writeRaw(file: string, bytes: number): Promise<number> {
  const started = process.hrtime.bigint();
  await pipeline(
    generatedBody(bytes),
    fs.createWriteStream(file, { flags: 'wx', flush: true, highWaterMark: MIB }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export interface Sampler {
  stop(): number;
}

/** Samples `read()` every 100 ms; `stop()` answers the highest value seen. */
export function sampleMax(read: () => number): Sampler {
  let peak = read();
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, read());
    },
  };
}

/** PUTs a generated body of `bytes`; answers the seconds until the server's answer. */
export async function upload(url: string, bytes: number): Promise<number> {
  const started = process.hrtime.bigint();
  const res = await request(url, {
    method: 'PUT',
    body: generatedBody(bytes),
    headers: { 'content-length': String(bytes), 'content-type': 'application/octet-stream' },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`upload answered ${res.statusCode}: ${text}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** GETs `url` and reads the body to its end; answers seconds and size. */
export async function download(url: string): Promise<{ seconds: number; bytes: number }> {
  const started = process.hrtime.bigint();
  const res = await request(url, { headersTimeout: 0, bodyTimeout: 0 });
  let bytes = 0;
  for await (const chunk of res.body) {
    bytes += (chunk as Buffer).length;
  }
  if (res.statusCode !== 200) throw new Error(`download answered ${res.statusCode}`);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes };
}
