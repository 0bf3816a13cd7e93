// Runs grouped by params or tags, with a metric's statistics per group: mean ± std along the steps
// and the spread of each run's final (or best) value. Computed by the server
// (POST /api/trackd/v1/runs/group-stats), the view is a link like every other.
import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ApiError, post, type Run } from '../api.js';
import { BandChart, type Band } from '../chart.js';
import { number } from '../format.js';
import { ExperimentName } from '../experiment-name.js';

interface Spread {
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}
interface Group {
  group: Record<string, string | null>;
  runs: number;
  final: Spread & { median: number };
  steps: (Spread & { step: number })[];
}

export function GroupsPage({ experimentId }: { experimentId: string }) {
  const search = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const by = search.get('by') ?? '';
  const metric = search.get('metric') ?? '';
  const value = search.get('value') ?? 'last';
  const filter = search.get('filter') ?? '';
  const [keys, setKeys] = useState<{ params: string[]; metrics: string[] }>();
  const [groups, setGroups] = useState<Group[]>();
  const [error, setError] = useState<string>();

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ by, metric, value, filter, ...changes });
    for (const [k, v] of [...next]) if (!v) next.delete(k);
    navigate(`/experiments/${experimentId}/groups?${next}`);
  };

  // The params and metrics to choose from, as a first page of the runs shows them.
  useEffect(() => {
    post<{ runs?: Run[] }>('runs/search', {
      experiment_ids: [experimentId],
      max_results: 1000,
    }).then(
      (res) => {
        const runs = res.runs ?? [];
        const params = [
          ...new Set(runs.flatMap((r) => (r.data.params ?? []).map((p) => p.key))),
        ].sort();
        const metrics = [
          ...new Set(runs.flatMap((r) => (r.data.metrics ?? []).map((m) => m.key))),
        ].sort();
        setKeys({ params, metrics });
      },
      (err: ApiError) => setError(err.message),
    );
  }, [experimentId]);

  useEffect(() => {
    setGroups(undefined);
    setError(undefined);
    if (!by || !metric) return;
    post<{ groups?: Group[] }>('/api/trackd/v1/runs/group-stats', {
      experiment_ids: [experimentId],
      group_by: by.split(','),
      metric_key: metric,
      value,
      ...(filter ? { filter } : {}),
    }).then(
      (res) => setGroups(res.groups ?? []),
      (err: ApiError) => setError(err.message),
    );
  }, [experimentId, by, metric, value, filter]);

  const label = (g: Group) =>
    Object.entries(g.group)
      .map(([k, v]) => `${k.replace(/^(params|tags)\./, '')}=${v ?? '∅'}`)
      .join(', ');
  const bands: Band[] = (groups ?? []).map((g) => ({
    label: label(g),
    points: g.steps.map((s): [number, number, number] => [s.step, s.mean, s.std]),
  }));

  return (
    <section>
      <nav class="crumbs">
        <Link href="/">Experiments</Link> ›{' '}
        <Link href={`/experiments/${experimentId}`}>
          <ExperimentName id={experimentId} />
        </Link>{' '}
        › Groups
      </nav>
      <form class="group-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Group by{' '}
          <select
            name="by"
            value={by}
            onChange={(e) => go({ by: (e.target as HTMLSelectElement).value })}
          >
            <option value="">choose a param</option>
            {keys?.params.map((k) => (
              <option key={k} value={`params.${k}`}>
                {k}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Metric{' '}
          <select
            name="metric"
            value={metric}
            onChange={(e) => go({ metric: (e.target as HTMLSelectElement).value })}
          >
            <option value="">choose a metric</option>
            {keys?.metrics.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Value of a run{' '}
          <select
            name="value"
            value={value}
            onChange={(e) => go({ value: (e.target as HTMLSelectElement).value })}
          >
            <option value="last">last</option>
            <option value="min">min (best if lower is better)</option>
            <option value="max">max (best if higher is better)</option>
          </select>
        </label>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {groups && (
        <>
          <div class="scroll">
            <table class="grid group-stats">
              <thead>
                <tr>
                  <th>Group</th>
                  <th>Runs</th>
                  <th>Count</th>
                  <th>Mean</th>
                  <th>Std</th>
                  <th>Min</th>
                  <th>Median</th>
                  <th>Max</th>
                </tr>
              </thead>
              <tbody>
                {groups.map((g) => (
                  <tr key={label(g)} data-group={label(g)}>
                    <td>{label(g)}</td>
                    <td class="num">{g.runs}</td>
                    <td class="num">{g.final.count}</td>
                    <td class="num" data-stat="mean">
                      {number(g.final.mean)}
                    </td>
                    <td class="num" data-stat="std">
                      {number(g.final.std)}
                    </td>
                    <td class="num">{number(g.final.min)}</td>
                    <td class="num">{number(g.final.median)}</td>
                    <td class="num">{number(g.final.max)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <BandChart title={metric} bands={bands} />
        </>
      )}
    </section>
  );
}
