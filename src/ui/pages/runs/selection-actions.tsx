// What can be done with the selected runs: compare them (anyone), rename one or edit its tags
// (who may write), delete or restore them (who may manage, as the server's roles have it).
import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, post, type Run } from '../../api.js';
import type { ProjectAccess } from '../../access.js';
import type { RunViewType } from './run-pages.js';
import { RenameDialog, TagsDialog } from './run-edits.js';

interface Props {
  experimentId: string;
  selected: string[];
  /** The loaded rows, to find the one selected run for renaming. */
  rows: Run[];
  access: ProjectAccess;
  viewType: RunViewType;
  /** After a change: clear the selection (when runs left the view) and reload. */
  onChanged(clearSelection: boolean): void;
}

export function SelectionActions({
  experimentId,
  selected,
  rows,
  access,
  viewType,
  onChanged,
}: Props) {
  const [dialog, setDialog] = useState<'rename' | 'tags'>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const one = selected.length === 1 ? rows.find((r) => r.info.run_id === selected[0]) : undefined;

  // Deleting is MLflow's soft delete (restorable from the deleted view), so it asks no question.
  const each = async (path: 'runs/delete' | 'runs/restore') => {
    setError(undefined);
    setBusy(true);
    let done = 0;
    try {
      for (const id of selected) {
        await post(path, { run_id: id });
        done++;
      }
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
      if (done > 0) onChanged(done === selected.length);
    }
  };

  const closed = (changed: boolean) => {
    setDialog(undefined);
    if (changed) onChanged(false);
  };

  return (
    <div class="selection-actions" role="toolbar" aria-label="Selected runs">
      <span>{selected.length} selected</span>
      <Link
        // MLflow's form of the link: the runs and their experiment.
        href={`/compare-runs?${new URLSearchParams({
          runs: JSON.stringify(selected),
          experiments: JSON.stringify([experimentId]),
        })}`}
        class="compare-link"
      >
        Compare
      </Link>
      {access.can_write && (
        <>
          <button type="button" class="rename" disabled={!one} onClick={() => setDialog('rename')}>
            Rename…
          </button>
          <button
            type="button"
            class="edit-tags"
            disabled={selected.length !== 1}
            onClick={() => setDialog('tags')}
          >
            Tags…
          </button>
        </>
      )}
      {access.can_manage && viewType !== 'DELETED_ONLY' && (
        <button
          type="button"
          class="delete"
          disabled={busy}
          onClick={() => void each('runs/delete')}
        >
          Delete
        </button>
      )}
      {access.can_manage && viewType !== 'ACTIVE_ONLY' && (
        <button
          type="button"
          class="restore"
          disabled={busy}
          onClick={() => void each('runs/restore')}
        >
          Restore
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
      {dialog === 'rename' && one && <RenameDialog run={one} onDone={closed} />}
      {dialog === 'tags' && <TagsDialog runId={selected[0]} onDone={closed} />}
    </div>
  );
}
