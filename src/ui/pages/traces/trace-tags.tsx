// A trace's tags, and for callers who may write (GET /api/trackd/v1/access) a form to set one and
// buttons to remove the user's own: `mlflow.*` tags are the client's and the server's bookkeeping
// (trace name, spans location), shown but not offered for removal. A refused write shows MLflow's
// message.
import { useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { deleteTraceTag, setTraceTag } from './trace-api.js';

const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export function TraceTags(props: {
  traceId: string;
  tags: Record<string, string>;
  canWrite: boolean;
  onChanged(): void;
}) {
  const { traceId, tags, canWrite, onChanged } = props;
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string>();
  const rows = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));

  const write = (change: Promise<unknown>) => {
    setError(undefined);
    change.then(onChanged, (err) => setError(message(err)));
  };

  return (
    <section class="trace-tags">
      <h2>
        Tags <span class="count">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="notice">None.</p>
      ) : (
        <table class="pairs">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k} data-tag={k}>
                <th>{k}</th>
                <td>{v}</td>
                {canWrite && (
                  <td>
                    {!k.startsWith('mlflow.') && (
                      <button
                        type="button"
                        class="remove-tag"
                        aria-label={`Remove tag ${k}`}
                        onClick={() => write(deleteTraceTag(traceId, k))}
                      >
                        Remove
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <form
          class="tag-form"
          onSubmit={(e) => {
            e.preventDefault();
            write(
              setTraceTag(traceId, key.trim(), value).then(() => {
                setKey('');
                setValue('');
              }),
            );
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
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
