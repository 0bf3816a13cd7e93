// The traces of one run on the run's page: those made inside it or linked to it, found as MLflow's
// UI finds them (`attributes.run_id = '<run_id>'`), newest first, each opening in the
// experiment's trace view. Nothing is shown for a run without traces.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api.js';
import { searchTraces } from './trace-api.js';
import type { TraceInfo } from './trace-shapes.js';
import { TraceTable } from './trace-table.js';
import './traces.css';

const PAGE_SIZE = 50;

export function RunTraces({ experimentId, runId }: { experimentId: string; runId: string }) {
  const [traces, setTraces] = useState<TraceInfo[]>();
  const [next, setNext] = useState<string>();
  const [error, setError] = useState<string>();

  const load = (pageToken?: string) =>
    searchTraces({
      experimentId,
      // Run ids are hex (the page shows a run the server found), so quoting them is safe.
      filter: `attributes.run_id = '${runId}'`,
      orderBy: 'timestamp_ms DESC',
      maxResults: PAGE_SIZE,
      pageToken,
    }).then(
      (res) => {
        setTraces((shown) => [...(pageToken ? (shown ?? []) : []), ...(res.traces ?? [])]);
        setNext(res.next_page_token);
      },
      (err: unknown) => setError(err instanceof ApiError ? err.message : String(err)),
    );
  useEffect(() => {
    setTraces(undefined);
    setError(undefined);
    void load();
  }, [experimentId, runId]);

  if (error) {
    return (
      <section class="run-traces">
        <h2>Traces</h2>
        <p class="error">{error}</p>
      </section>
    );
  }
  if (!traces?.length) return null;
  return (
    <section class="run-traces">
      <h2>
        Traces <span class="count">{traces.length}</span>
      </h2>
      <TraceTable
        experimentId={experimentId}
        traces={traces}
        hrefOf={(info) =>
          `/experiments/${experimentId}/traces?${new URLSearchParams({ selectedEvaluationId: info.trace_id })}`
        }
        withoutRun
      />
      {next && (
        <button type="button" class="more" onClick={() => void load(next)}>
          More
        </button>
      )}
    </section>
  );
}
