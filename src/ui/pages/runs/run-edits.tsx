// Changing one run: its name (runs/update) and its tags (runs/set-tag, runs/delete-tag). A refused
// or failed write shows MLflow's own message where it happened.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post, type KeyValue, type Run } from '../../api.js';
import { isUserTag } from './columns.js';
import { Modal } from './dialog.js';

const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export function RenameDialog(props: { run: Run; onDone(changed: boolean): void }) {
  const [name, setName] = useState(props.run.info.run_name ?? '');
  const [error, setError] = useState<string>();
  return (
    <Modal title="Rename run" onClose={() => props.onDone(false)}>
      <form
        class="rename"
        onSubmit={(e) => {
          e.preventDefault();
          post('runs/update', { run_id: props.run.info.run_id, run_name: name.trim() }).then(
            () => props.onDone(true),
            (err) => setError(message(err)),
          );
        }}
      >
        <input
          name="run_name"
          value={name}
          aria-label="Run name"
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Save</button>
        <button type="button" onClick={() => props.onDone(false)}>
          Cancel
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </Modal>
  );
}

export function TagsDialog(props: { runId: string; onDone(changed: boolean): void }) {
  const [tags, setTags] = useState<KeyValue[]>();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const [changed, setChanged] = useState(false);
  const [version, setVersion] = useState(0);

  // The run as the server has it now, not as the table loaded it.
  useEffect(() => {
    get<{ run: Run }>('runs/get', { run_id: props.runId }).then(
      (res) => setTags((res.run.data.tags ?? []).filter((t) => isUserTag(t.key))),
      (err) => setError(message(err)),
    );
  }, [props.runId, version]);

  const write = (path: string, body: Record<string, string>) => {
    setError(undefined);
    post(path, { run_id: props.runId, ...body }).then(
      () => {
        setChanged(true);
        setVersion((v) => v + 1);
      },
      (err) => setError(message(err)),
    );
  };

  return (
    <Modal title="Tags" onClose={() => props.onDone(changed)}>
      <table class="pairs tags-edit">
        <tbody>
          {tags?.map((t) => (
            <tr key={t.key} data-tag={t.key}>
              <th>{t.key}</th>
              <td>{t.value}</td>
              <td>
                <button type="button" onClick={() => write('runs/delete-tag', { key: t.key })}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tags?.length === 0 && <p class="notice">No tags yet.</p>}
      <form
        class="tag-form"
        onSubmit={(e) => {
          e.preventDefault();
          write('runs/set-tag', { key: key.trim(), value });
          setKey('');
          setValue('');
        }}
      >
        <input
          name="key"
          value={key}
          placeholder="key"
          aria-label="Tag key"
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        <input
          name="value"
          value={value}
          placeholder="value"
          aria-label="Tag value"
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Set tag</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" class="close" onClick={() => props.onDone(changed)}>
        Done
      </button>
    </Modal>
  );
}
