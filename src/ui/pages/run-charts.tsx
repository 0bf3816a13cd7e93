// A run's metric charts with their settings (x axis, smoothing, log scale) read from and written
// to the URL query, so the view is a link. Switching the x axis re-plots the fetched points; only
// a new run, new keys or a live tick fetch again.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useLocation, useSearch } from 'wouter-preact';
import { get, type Metric } from '../api.js';
import { MetricChart, type Series } from '../chart.js';
import {
  chartSettingsOf,
  MAX_SMOOTHING,
  withChartSettings,
  xOf,
  type ChartSettings,
  type XAxis,
} from '../chart-settings.js';

/** Points per chart the server samples a history down to (it keeps the first and last). */
const POINTS_PER_CHART = 1000;
const MAX_CHARTS = 24;

/** The x axis, smoothing and log scale controls, writing to the URL query. */
export function ChartControls({ settings }: { settings: ChartSettings }) {
  const [location, navigate] = useLocation();
  const search = new URLSearchParams(useSearch());
  // Replace, not push: dragging the slider must not fill the history with steps.
  const set = (changes: Partial<ChartSettings>) =>
    navigate(`${location}?${withChartSettings(search, { ...settings, ...changes })}`, {
      replace: true,
    });
  return (
    <span class="chart-controls">
      <label class="option">
        x axis{' '}
        <select
          name="x"
          value={settings.x}
          onChange={(e) => set({ x: (e.target as HTMLSelectElement).value as XAxis })}
        >
          <option value="step">step</option>
          <option value="wall">wall time</option>
          <option value="relative">relative time</option>
        </select>
      </label>
      <label class="option">
        smoothing{' '}
        <input
          type="range"
          name="smooth"
          min="0"
          max={MAX_SMOOTHING}
          step="0.01"
          value={settings.smooth}
          onInput={(e) => set({ smooth: Number((e.target as HTMLInputElement).value) })}
        />{' '}
        <output>{settings.smooth.toFixed(2)}</output>
      </label>
      <label class="option">
        <input
          type="checkbox"
          name="log"
          checked={settings.log}
          onChange={(e) => set({ log: (e.target as HTMLInputElement).checked })}
        />{' '}
        log scale
      </label>
    </span>
  );
}

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
      {!charts ? (
        <p class="notice">Loading…</p>
      ) : (
        <div class="charts">
          {charts.map((c) => (
            <MetricChart
              key={c.key}
              title={c.key}
              series={c.series}
              logScale={settings.log}
              xAxis={settings.x}
              smoothing={settings.smooth}
            />
          ))}
        </div>
      )}
    </section>
  );
}
