// trackd's multipart API on S3's: `create` starts an S3 multipart upload at the file's final key,
// so `complete` publishes it in one step. A part with a known length of at least 5 MiB streams
// straight into S3 (UploadPart); smaller ones (S3 refuses them anywhere but last, while the local
// store and MLflow's client allow any chunk size) and bodies of unknown length are kept as staged
// objects and streamed into parts of a legal size on completion. (Not UploadPartCopy: into an
// upload with a checksum algorithm, MinIO stores copied parts without the checksum and then refuses
// to complete.)
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
  type CompletedPart as S3CompletedPart,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { MlflowError } from '../errors.js';
import type { CompletedPart, MultipartPartTarget, PutOptions } from './artifact-store.js';
import { checkNumParts, checkPartNumber, unquoteEtag } from './local-multipart.js';
import { ByteCounter, detachable } from './request-body.js';
import { MAX_PART_SIZE, MIN_PART_SIZE, s3ErrorCode, s3Status, type S3Bucket } from './s3-bucket.js';
import type { ProjectKeys } from './s3-keys.js';
import { sendStreamed } from './s3-streamed-upload.js';
import { parseArtifactPath, type ArtifactPath } from './safe-path.js';

/** Our upload id: S3's upload id and the target path, each base64url, joined by a dot. */
const TOKEN = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

interface OpenUpload {
  id: string;
  path: ArtifactPath;
  key: string;
  s3UploadId: string;
  /** Staged parts (`part-00001`…) live here. */
  folder: string;
}

interface Candidate {
  partNumber: number;
  etag: string;
  size: number;
  /** Set for a staged part: the object holding it. */
  stagedKey?: string;
  checksumCRC32?: string;
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function unb64(text: string): string {
  return Buffer.from(text, 'base64url').toString('utf8');
}

function isNoSuchUpload(err: unknown): boolean {
  return s3ErrorCode(err) === 'NoSuchUpload' || s3Status(err) === 404;
}

function stagedPartKey(folder: string, partNumber: number): string {
  return `${folder}part-${String(partNumber).padStart(5, '0')}`;
}

function tooSmall(id: string, partNumber: number): MlflowError {
  return MlflowError.invalidParameter(
    `Part ${partNumber} of multipart upload '${id}' cannot be stored: S3 needs every part but ` +
      'the last to be at least 5 MiB (and at most 5 GiB), and the parts around it cannot be ' +
      'joined to reach that. Send parts of 5 MiB or more.',
  );
}

export class S3MultipartUploads {
  constructor(
    private readonly bucket: S3Bucket,
    private readonly keys: ProjectKeys,
    private readonly checkWritable: (p: ArtifactPath) => Promise<void>,
  ) {}

  private missing(id: string): MlflowError {
    return MlflowError.notFound(`Multipart upload '${id}' does not exist.`);
  }

  /** The upload an id names; RESOURCE_DOES_NOT_EXIST for malformed ids. */
  private decode(id: string): OpenUpload {
    const match = TOKEN.exec(id);
    if (!match) throw this.missing(id);
    const s3UploadId = unb64(match[1]);
    const raw = unb64(match[2]);
    let path: ArtifactPath;
    try {
      path = parseArtifactPath(raw);
    } catch {
      throw this.missing(id);
    }
    // Only ids this store made: a normalized path, re-encoded to the same text.
    if (path !== raw || path === '' || b64(s3UploadId) !== match[1]) throw this.missing(id);
    const hash = createHash('sha256').update(s3UploadId).digest('hex').slice(0, 32);
    return {
      id,
      path,
      key: this.keys.file(path),
      s3UploadId,
      folder: `${this.keys.staging}mpu-${hash}/`,
    };
  }

  private decodeFor(id: string, p: ArtifactPath): OpenUpload {
    const upload = this.decode(id);
    if (upload.path !== p) {
      throw MlflowError.invalidParameter(
        `Multipart upload '${id}' uploads to '${upload.path}', not to '${p}'.`,
      );
    }
    return upload;
  }

  async create(
    p: ArtifactPath,
    numParts: number,
  ): Promise<{ uploadId: string; parts: MultipartPartTarget[] }> {
    checkNumParts(numParts);
    await this.checkWritable(p);
    const created = await this.bucket.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket.bucket,
        Key: this.keys.file(p),
        ChecksumAlgorithm: await this.bucket.checksumAlgorithm(),
      }),
    );
    const uploadId = `${b64(created.UploadId as string)}.${b64(p)}`;
    const parts = Array.from({ length: numParts }, (_, i) => ({ partNumber: i + 1 }));
    return { uploadId, parts };
  }

  async uploadPart(
    id: string,
    partNumber: number,
    body: Readable,
    options: PutOptions = {},
  ): Promise<{ etag: string }> {
    checkPartNumber(partNumber);
    const upload = this.decode(id);
    const size = options.expectedSize;
    if (size !== undefined && size > MAX_PART_SIZE) {
      throw MlflowError.invalidParameter(
        `Part ${partNumber} is ${size} bytes; S3 takes parts of at most 5 GiB.`,
      );
    }
    const staged = stagedPartKey(upload.folder, partNumber);
    if (size !== undefined && size >= MIN_PART_SIZE) {
      const counter = new ByteCounter(size);
      const source = detachable(body);
      source.once('error', (err) => counter.destroy(err));
      source.pipe(counter);
      let etag: string;
      try {
        const out = await sendStreamed(counter, (Body, options) =>
          this.bucket.client.send(
            new UploadPartCommand({
              Bucket: this.bucket.bucket,
              Key: upload.key,
              UploadId: upload.s3UploadId,
              PartNumber: partNumber,
              Body,
              ContentLength: size,
            }),
            options,
          ),
        );
        etag = out.ETag ?? '';
      } catch (err) {
        body.unpipe();
        source.destroy();
        counter.destroy();
        if (isNoSuchUpload(err)) throw this.missing(id);
        throw err;
      }
      // A smaller earlier attempt at this part no longer counts.
      await this.bucket.deleteKeys([staged]);
      return { etag };
    }
    await this.listParts(upload, 1);
    // A part sent again replaces the earlier one, as in S3.
    const { etag } = await this.bucket.upload(staged, body, {
      expectedSize: size,
      maxSize: MAX_PART_SIZE,
    });
    return { etag };
  }

  async complete(p: ArtifactPath, id: string, parts: CompletedPart[]): Promise<void> {
    const upload = this.decodeFor(id, p);
    if (parts.length === 0) {
      throw MlflowError.invalidParameter('A multipart upload needs at least one part to complete.');
    }
    let previous = 0;
    for (const part of parts) {
      checkPartNumber(part.partNumber);
      if (part.partNumber <= previous) {
        throw MlflowError.invalidParameter('Parts must be listed in ascending part-number order.');
      }
      previous = part.partNumber;
    }
    const direct = await this.listParts(upload);
    const staged = await this.listStaged(upload);
    const chosen = parts.map((part) => {
      const want = part.etag ? unquoteEtag(part.etag) : undefined;
      const matching = [direct.get(part.partNumber), staged.get(part.partNumber)].filter(
        (c): c is Candidate => c !== undefined && (!want || unquoteEtag(c.etag) === want),
      );
      if (matching.length === 0) {
        throw MlflowError.invalidParameter(
          `Part ${part.partNumber} of multipart upload '${id}' was not uploaded` +
            (want ? ` with ETag "${want}".` : '.'),
        );
      }
      // Sent both ways: the staged one is the later (a direct part deletes an earlier staged one).
      return matching.find((c) => c.stagedKey !== undefined) ?? matching[0];
    });
    await this.checkWritable(p);
    const completed = await this.assemble(upload, chosen);
    try {
      await this.bucket.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket.bucket,
          Key: upload.key,
          UploadId: upload.s3UploadId,
          MultipartUpload: { Parts: completed },
        }),
      );
    } catch (err) {
      if (isNoSuchUpload(err)) throw this.missing(id);
      const code = s3ErrorCode(err);
      if (code === 'InvalidPart' || code === 'EntityTooSmall' || code === 'InvalidPartOrder') {
        throw MlflowError.invalidParameter(`Multipart upload '${id}' cannot complete: ${code}.`);
      }
      throw err;
    }
    await this.bucket.deletePrefix(upload.folder);
  }

  async abort(p: ArtifactPath, id: string): Promise<void> {
    const upload = this.decodeFor(id, p);
    await this.bucket.deletePrefix(upload.folder);
    try {
      await this.bucket.client.send(
        new AbortMultipartUploadCommand({
          Bucket: this.bucket.bucket,
          Key: upload.key,
          UploadId: upload.s3UploadId,
        }),
      );
    } catch (err) {
      if (isNoSuchUpload(err)) throw this.missing(id);
      throw err;
    }
  }

  /** The parts S3 holds for the upload (at most `limit`); RESOURCE_DOES_NOT_EXIST when gone. */
  private async listParts(upload: OpenUpload, limit?: number): Promise<Map<number, Candidate>> {
    const found = new Map<number, Candidate>();
    let marker: string | undefined;
    try {
      do {
        const page = await this.bucket.client.send(
          new ListPartsCommand({
            Bucket: this.bucket.bucket,
            Key: upload.key,
            UploadId: upload.s3UploadId,
            PartNumberMarker: marker,
            MaxParts: limit,
          }),
        );
        for (const part of page.Parts ?? []) {
          if (part.PartNumber === undefined) continue;
          found.set(part.PartNumber, {
            partNumber: part.PartNumber,
            etag: part.ETag ?? '',
            size: part.Size ?? 0,
            checksumCRC32: part.ChecksumCRC32,
          });
        }
        marker = page.IsTruncated && !limit ? page.NextPartNumberMarker : undefined;
      } while (marker);
    } catch (err) {
      if (isNoSuchUpload(err)) throw this.missing(upload.id);
      throw err;
    }
    return found;
  }

  private async listStaged(upload: OpenUpload): Promise<Map<number, Candidate>> {
    const found = new Map<number, Candidate>();
    for await (const object of this.bucket.objects(upload.folder)) {
      const match = /^part-(\d{5})$/.exec(object.Key?.slice(upload.folder.length) ?? '');
      if (!match) continue;
      const partNumber = Number(match[1]);
      found.set(partNumber, {
        partNumber,
        etag: object.ETag ?? '',
        size: object.Size ?? 0,
        stagedKey: object.Key,
      });
    }
    return found;
  }

  /**
   * The S3 parts to complete with: direct parts as they are, each run of staged parts joined
   * into parts of at least 5 MiB (only the very last may be smaller), numbered after the first
   * part they hold so the numbers stay ascending.
   */
  private async assemble(upload: OpenUpload, chosen: Candidate[]): Promise<S3CompletedPart[]> {
    const groups: Candidate[][] = [];
    let run: Candidate[] = [];
    const endRun = (isTail: boolean) => {
      if (run.length > 0) groups.push(...this.split(upload.id, run, isTail));
      run = [];
    };
    for (const part of chosen) {
      if (part.stagedKey === undefined) {
        endRun(false);
        groups.push([part]);
      } else {
        run.push(part);
      }
    }
    endRun(true);
    const completed: S3CompletedPart[] = [];
    for (const group of groups) completed.push(await this.storeGroup(upload, group));
    return completed;
  }

  private split(id: string, run: Candidate[], isTail: boolean): Candidate[][] {
    const groups: Candidate[][] = [];
    let current: Candidate[] = [];
    let size = 0;
    for (const part of run) {
      if (current.length > 0 && size + part.size > MAX_PART_SIZE) {
        if (size < MIN_PART_SIZE) throw tooSmall(id, current[0].partNumber);
        groups.push(current);
        current = [];
        size = 0;
      }
      current.push(part);
      size += part.size;
      if (size >= MIN_PART_SIZE) {
        groups.push(current);
        current = [];
        size = 0;
      }
    }
    if (current.length > 0) {
      const last = groups.at(-1);
      if (isTail) {
        groups.push(current);
      } else if (last && last.reduce((n, c) => n + c.size, size) <= MAX_PART_SIZE) {
        last.push(...current);
      } else {
        throw tooSmall(id, current[0].partNumber);
      }
    }
    return groups;
  }

  private async storeGroup(upload: OpenUpload, group: Candidate[]): Promise<S3CompletedPart> {
    const [first] = group;
    if (first.stagedKey === undefined) {
      return { PartNumber: first.partNumber, ETag: first.etag, ChecksumCRC32: first.checksumCRC32 };
    }
    const target = {
      Bucket: this.bucket.bucket,
      Key: upload.key,
      UploadId: upload.s3UploadId,
      PartNumber: first.partNumber,
    };
    try {
      const bucket = this.bucket;
      const joined = Readable.from(
        (async function* () {
          for (const part of group) {
            yield* await bucket.get(part.stagedKey as string, undefined, part.etag);
          }
        })(),
        { objectMode: false },
      );
      const out = await sendStreamed(joined, (Body, options) =>
        this.bucket.client.send(
          new UploadPartCommand({
            ...target,
            Body,
            ContentLength: group.reduce((n, c) => n + c.size, 0),
          }),
          options,
        ),
      );
      return { PartNumber: first.partNumber, ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32 };
    } catch (err) {
      if (isNoSuchUpload(err)) throw this.missing(upload.id);
      throw err;
    }
  }
}
