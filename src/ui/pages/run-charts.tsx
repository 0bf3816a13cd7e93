// A run's metric charts with their settings (x axis, smoothing, log scale) read from and written
// to the URL query, so the view is a link. Switching the x axis re-plots the fetched points; only
// a new run, new keys or a live tick fetch again.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useSearch } from 'wouter-preact';
import { get, type Metric } from '../api.js';
import type { Series } from '../chart.js';
import { ChartControls, ChartGrid } from '../chart-controls.js';
import { chartSettingsOf, xOf } from '../chart-settings.js';

/** Points per chart the server samples a history down to (it keeps the first and last). */
const POINTS_PER_CHART = 1000;
const MAX_CHARTS = 24;

export function RunCharts({ runId, keys, tick }: { runId: string; keys: string[]; tick: number }) {
  const settings = chartSettingsOf(new URLSearchParams(useSearch()));
  const [histories, setHistories] = useState<{ key: string; metrics: Metric[] }[]>();
  useEffect(() => {
    if (tick === 0) setHistories(undefined);
    Promise.all(
      keys.slice(0, MAX_CHARTS).map(async (key) => {
        const res = await get<{ metrics?: Metric[] }>('metrics/get-history-bulk-interval', {
          run_ids: runId,
          metric_key: key,
          max_results: String(POINTS_PER_CHART),
        });
        return { key, metrics: res.metrics ?? [] };
      }),
    ).then(setHistories, () => setHistories([]));
  }, [runId, keys.join('\0'), tick]);
  // Series stay the same objects until the points or the x axis change: the charts redraw then.
  const charts = useMemo(() => {
    if (!histories) return undefined;
    // "Relative" counts from the run's first logged point, of any metric.
    const first = Math.min(...histories.flatMap((h) => h.metrics.map((m) => m.timestamp)));
    return histories.map((h) => {
      const points = h.metrics
        .map((m): [number, number] => [xOf(m, settings.x, first), m.value])
        .sort((a, b) => a[0] - b[0]);
      return { key: h.key, series: [{ label: h.key, points }] as Series[] };
    });
  }, [histories, settings.x]);
  if (keys.length === 0) return null;
  return (
    <section>
      <h2>
        Charts <ChartControls settings={settings} />
      </h2>
      {!charts ? <p class="notice">Loading…</p> : <ChartGrid charts={charts} settings={settings} />}
    </section>
  );
}
