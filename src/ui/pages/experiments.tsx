// The project's experiments, newest activity first; each opens its runs table, its logged
// models or its traces.
import { useEffect, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ApiError, post, type Experiment } from '../api.js';
import { dateTime } from '../format.js';

export function ExperimentsPage() {
  const [experiments, setExperiments] = useState<Experiment[] | undefined>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    post<{ experiments?: Experiment[] }>('experiments/search', {
      max_results: 1000,
      order_by: ['last_update_time DESC'],
    }).then(
      (res) => setExperiments(res.experiments ?? []),
      (err: ApiError) => setError(err.message),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!experiments) return <p class="notice">Loading…</p>;
  return (
    <section>
      <h1>Experiments</h1>
      {experiments.length === 0 ? (
        <p class="notice">No experiments in this project yet.</p>
      ) : (
        <table class="grid">
          <thead>
            <tr>
              <th>Name</th>
              <th>ID</th>
              <th>Last update</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {experiments.map((e) => (
              <tr key={e.experiment_id}>
                <td>
                  <Link href={`/experiments/${e.experiment_id}`}>{e.name}</Link>
                </td>
                <td>{e.experiment_id}</td>
                <td>{dateTime(e.last_update_time)}</td>
                <td>
                  <Link class="models-link" href={`/experiments/${e.experiment_id}/models`}>
                    Logged models
                  </Link>{' '}
                  ·{' '}
                  <Link class="traces-link" href={`/experiments/${e.experiment_id}/traces?`}>
                    Traces
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
