// The controls of metric charts (x axis, smoothing, log scale); they write the URL query, which
// is where every chart reads its settings from (chart-settings.ts).
import { useLocation, useSearch } from 'wouter-preact';
import { MetricChart, type Series } from './chart.js';
import {
  MAX_SMOOTHING,
  withChartSettings,
  type ChartSettings,
  type XAxis,
} from './chart-settings.js';

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

/** One chart a metric, each drawn with the same settings. */
export function ChartGrid({
  charts,
  settings,
}: {
  charts: { key: string; series: Series[] }[];
  settings: ChartSettings;
}) {
  return (
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
  );
}
