// A run's or a logged model's artifacts: folders to open, files to preview (text, JSON, CSV/TSV as
// a table, images, HTML in a sandboxed frame that runs no script) and to download. Listing and
// files come through MLflow's own endpoints (runs: artifacts/list and get-artifact; logged models:
// logged-models/<id>/artifacts/directories and the web UI's …/artifacts/files).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, projectBase } from './api.js';
import { DataTable } from './data-table.js';

interface FileInfo {
  path: string;
  is_dir: boolean;
  file_size?: number;
}

const PREVIEW_BYTES = 256 * 1024;
const TABLE_ROWS = 200;
const TEXT = /\.(txt|log|md|py|yaml|yml|cfg|ini|toml|sh|err|out)$/i;
const IMAGE = /\.(png|jpe?g|gif|webp|svg)$/i;

/** Where a browser lists and fetches one owner's artifacts. */
export interface ArtifactSource {
  /** Names the owner: the browser starts afresh when it changes. */
  key: string;
  list(folder: string): Promise<FileInfo[]>;
  url(path: string): string;
}

export const artifactUrl = (runId: string, path: string) =>
  `${projectBase}/get-artifact?${new URLSearchParams({ run_id: runId, path })}`;

export const runArtifacts = (runId: string): ArtifactSource => ({
  key: `run:${runId}`,
  list: (folder) =>
    get<{ files?: FileInfo[] }>('artifacts/list', {
      run_id: runId,
      ...(folder ? { path: folder } : {}),
    }).then((res) => res.files ?? []),
  url: (path) => artifactUrl(runId, path),
});

export function loggedModelArtifacts(modelId: string): ArtifactSource {
  const base = `logged-models/${encodeURIComponent(modelId)}/artifacts`;
  return {
    key: `model:${modelId}`,
    list: (folder) =>
      get<{ files?: FileInfo[] }>(base + '/directories', {
        ...(folder ? { artifact_directory_path: folder } : {}),
      }).then((res) => res.files ?? []),
    // MLflow serves model files to its web UI below /ajax-api only.
    url: (path) =>
      `${projectBase}/ajax-api/2.0/mlflow/${base}/files?${new URLSearchParams({ artifact_file_path: path })}`,
  };
}

function size(bytes?: number): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** CSV/TSV rows; quoted fields (with separators, quotes or newlines inside) as RFC 4180 has them. */
function parseDelimited(text: string, separator: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length && rows.length < TABLE_ROWS; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === separator) endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else field += c;
  }
  if (field || row.length) endRow();
  return rows;
}

/** Text unless its first KiB holds control characters other than tabs and line ends. */
function looksLikeText(text: string): boolean {
  for (let i = 0; i < Math.min(text.length, 1024); i++) {
    const code = text.charCodeAt(i);
    if (code < 9 || (code > 13 && code < 32)) return false;
  }
  return true;
}

function Preview({ url, file }: { url: string; file: FileInfo }) {
  const [text, setText] = useState<string>();
  const textual = !IMAGE.test(file.path);
  useEffect(() => {
    setText(undefined);
    if (!textual || (file.file_size ?? 0) > PREVIEW_BYTES) return;
    fetch(url)
      .then((res) => (res.ok ? res.text() : Promise.reject(new Error(res.statusText))))
      .then(setText, () => setText(''));
  }, [url]);
  const download = (
    <a class="download" href={url} download>
      Download {file.path.split('/').pop()} ({size(file.file_size)})
    </a>
  );
  if (IMAGE.test(file.path)) {
    return (
      <div class="preview">
        {download}
        <img src={url} alt={file.path} />
      </div>
    );
  }
  if ((file.file_size ?? 0) > PREVIEW_BYTES) {
    return <div class="preview">{download} — too large to preview.</div>;
  }
  if (text === undefined) return <div class="preview">Loading…</div>;
  let body;
  if (/\.html?$/i.test(file.path)) {
    // Shown from text in a sandbox without scripts, forms or same-origin rights: the page cannot
    // act as the viewer (downloads themselves are attachments, never rendered by the server).
    body = <iframe sandbox="" srcdoc={text} title={file.path} />;
  } else if (/\.json$/i.test(file.path)) {
    try {
      body = <pre class="json">{JSON.stringify(JSON.parse(text), null, 2)}</pre>;
    } catch {
      body = <pre>{text}</pre>;
    }
  } else if (/\.(csv|tsv)$/i.test(file.path)) {
    const [head = [], ...rows] = parseDelimited(text, /\.tsv$/i.test(file.path) ? '\t' : ',');
    body = <DataTable class="grid csv" head={head} rows={rows} />;
  } else if (TEXT.test(file.path) || looksLikeText(text)) {
    body = <pre>{text}</pre>;
  } else {
    body = <p class="notice">Binary file.</p>;
  }
  return (
    <div class="preview">
      {download}
      {body}
    </div>
  );
}

export function Artifacts({ source }: { source: ArtifactSource }) {
  const [folder, setFolder] = useState('');
  const [files, setFiles] = useState<FileInfo[]>();
  const [selected, setSelected] = useState<FileInfo>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    setFiles(undefined);
    source.list(folder).then(setFiles, (err: ApiError) => setError(err.message));
  }, [source.key, folder]);
  const up = folder.includes('/') ? folder.slice(0, folder.lastIndexOf('/')) : '';
  return (
    <section>
      <h2>Artifacts {folder && <span class="count">/{folder}</span>}</h2>
      {error ? (
        <p class="error">{error}</p>
      ) : !files ? (
        <p class="notice">Loading…</p>
      ) : (
        <div class="artifacts">
          <ul class="files">
            {folder && (
              <li>
                <button type="button" onClick={() => setFolder(up)}>
                  ..
                </button>
              </li>
            )}
            {files.length === 0 && !folder && <li class="notice">None.</li>}
            {files.map((f) => (
              <li key={f.path}>
                <button
                  type="button"
                  class={selected?.path === f.path ? 'selected' : ''}
                  onClick={() => (f.is_dir ? setFolder(f.path) : setSelected(f))}
                >
                  {f.is_dir ? <span class="folder" aria-hidden="true" /> : ''}
                  {f.path.split('/').pop()}
                </button>{' '}
                <span class="count">{f.is_dir ? '' : size(f.file_size)}</span>
              </li>
            ))}
          </ul>
          {selected && (
            <Preview key={selected.path} url={source.url(selected.path)} file={selected} />
          )}
        </div>
      )}
    </section>
  );
}
