// Streams one artifact as an HTTP download, the way MLflow's server sends artifact files (always as
// an attachment, text types as text/plain, nosniff) plus Content-Length, validators and Range.
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import type { ArtifactPath } from '../artifacts/safe-path.js';
import { chooseRange } from './byte-range.js';
import type { HttpExchange } from './endpoint.js';

/** What a download can answer besides 200, for the OpenAPI document. */
export const DOWNLOAD_STATUSES = {
  206: 'One byte range of the file (Range request)',
  304: 'Not modified (If-None-Match / If-Modified-Since)',
  416: 'Range not satisfiable',
};

// MLflow's mime_type_utils.get_text_extensions(): served as text/plain so a browser never runs them.
const TEXT_EXTENSIONS = new Set([
  'txt',
  'log',
  'err',
  'cfg',
  'conf',
  'cnf',
  'cf',
  'ini',
  'properties',
  'prop',
  'hocon',
  'toml',
  'yaml',
  'yml',
  'xml',
  'json',
  'js',
  'py',
  'py3',
  'csv',
  'tsv',
  'md',
  'rst',
  'ipynb',
  'MLmodel',
  'MLproject',
]);

function isText(name: string): boolean {
  const ext = path.extname(name).slice(1);
  return TEXT_EXTENSIONS.has(ext === '' ? name : ext);
}

/** Sends the file at `artifactPath`; a missing file or a folder is an MLflow error, not a body. */
export async function sendArtifact(
  store: ArtifactStore,
  artifactPath: ArtifactPath,
  { req, res }: HttpExchange,
): Promise<void> {
  const reader = await store.open(artifactPath);
  let streaming = false;
  try {
    const name = path.posix.basename(artifactPath);
    const etag = `"${reader.size.toString(16)}-${reader.modified.getTime().toString(16)}"`;
    const lastModified = reader.modified.toUTCString();
    // res.attachment sets an RFC 6266 Content-Disposition and a Content-Type from the extension.
    res.attachment(name);
    if (isText(name)) res.type('text/plain');
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'Accept-Ranges': 'bytes',
      'Last-Modified': lastModified,
      ETag: etag,
    });
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const ifRange = req.get('if-range');
    const rangeHeader =
      ifRange === undefined || ifRange === etag || ifRange === lastModified
        ? req.get('range')
        : undefined;
    const choice = chooseRange(rangeHeader, reader.size);
    if (choice.kind === 'unsatisfiable') {
      res.status(416).set('Content-Range', `bytes */${reader.size}`).end();
      return;
    }
    const range = choice.kind === 'partial' ? { start: choice.start, end: choice.end } : undefined;
    if (range) {
      res.status(206).set('Content-Range', `bytes ${range.start}-${range.end}/${reader.size}`);
    }
    const length = range ? range.end - range.start + 1 : reader.size;
    res.set('Content-Length', String(length));
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    streaming = true;
    await pipeline(reader.stream(range), res);
  } finally {
    if (!streaming) await reader.close();
  }
}
