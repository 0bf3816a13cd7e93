// A metric's line chart (uPlot: canvas, fast with many points): one series a run, x = step,
// wall time or relative time, optionally smoothed. The points come downsampled by the server
// (metrics/get-history-bulk-interval), never the whole history.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { smoothed, X_LABELS, type XAxis } from './chart-settings.js';
import { dateTime, number } from './format.js';

export interface Series {
  label: string;
  /** [x, value] pairs in x order. */
  points: [number, number][];
}

const COLORS = ['#1f6feb', '#d9480f', '#2f9e44', '#ae3ec9', '#e8590c', '#0c8599', '#c2255c'];

/** uPlot wants one shared x array: the union of steps, with gaps (null) where a run has none. */
function aligned(series: Series[]): uPlot.AlignedData {
  const steps = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort(
    (a, b) => a - b,
  );
  const index = new Map(steps.map((step, i) => [step, i]));
  const columns = series.map((s) => {
    const column: (number | null)[] = new Array(steps.length).fill(null);
    for (const [step, value] of s.points) column[index.get(step)!] = value;
    return column;
  });
  return [steps, ...columns];
}

/**
 * A theme colour as the page shows it now. The variables hold `light-dark(…)` pairs, which only a
 * property that uses them resolves, so an element's `color` is set to the variable and read back.
 */
function themeColor(variable: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  document.body.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/**
 * Axes in the page's colours: uPlot paints them on a canvas, where CSS variables do not reach,
 * so the theme's values are read when a chart is drawn.
 */
function axes(xLabel: string): uPlot.Axis[] {
  const fg = themeColor('--muted');
  const line = themeColor('--line');
  const axis = { stroke: fg, grid: { stroke: line }, ticks: { stroke: line } };
  return [{ ...axis, label: xLabel }, axis];
}

/**
 * One x value alone: uPlot widens a time axis around it by 86400 of its units (years, with times
 * in seconds); show a second either side instead.
 */
const padSingle = (u: uPlot, min: number, max: number): uPlot.Range.MinMax => {
  const xs = u.data[0];
  return xs.length === 1 ? [xs[0] - 1, xs[0] + 1] : [min, max];
};

/** The uPlot series of one line: the raw one goes faint when a smoothed one is drawn over it. */
function lines(series: Series[], smoothing: number) {
  return series.flatMap((s, i) => {
    const color = COLORS[i % COLORS.length];
    // Dots only on measured points, never on the averaged line.
    const points = { show: s.points.length < 60 };
    if (!smoothing) return [{ label: s.label, stroke: color, width: 1.5, spanGaps: true, points }];
    return [
      { label: s.label, stroke: `${color}40`, width: 1, spanGaps: true, points },
      {
        label: `${s.label} (smoothed)`,
        stroke: color,
        width: 1.5,
        spanGaps: true,
        points: { show: false },
      },
    ];
  });
}

export function MetricChart({
  title,
  series,
  logScale = false,
  xAxis = 'step',
  smoothing = 0,
}: {
  title: string;
  /** Points as [x, value], x as `xAxis` has it (wall time in seconds). */
  series: Series[];
  logScale?: boolean;
  xAxis?: XAxis;
  smoothing?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const drawn = smoothing
      ? series.flatMap((s) => {
          const ys = smoothed(
            s.points.map((p) => p[1]),
            smoothing,
          );
          return [
            s,
            { label: s.label, points: s.points.map((p, i): [number, number] => [p[0], ys[i]]) },
          ];
        })
      : series;
    const wall = xAxis === 'wall';
    const plot = new uPlot(
      {
        title,
        width: Math.min(560, el.clientWidth || 560),
        height: 240,
        scales: { x: { time: wall, range: padSingle }, y: logScale ? { distr: 3 } : {} },
        axes: axes(X_LABELS[xAxis]),
        series: [
          {
            label: X_LABELS[xAxis],
            value: (_u: uPlot, v: number | null) =>
              v === null ? '' : wall ? dateTime(v * 1000) : number(v),
          },
          ...lines(series, smoothing),
        ],
      },
      aligned(drawn),
      el,
    );
    return () => plot.destroy();
  }, [title, series, logScale, xAxis, smoothing]);
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <div
      class="chart"
      ref={box}
      data-metric={title}
      data-series={series.length}
      data-points={points}
      data-x={xAxis}
      data-smoothing={smoothing}
    />
  );
}

export interface Band {
  label: string;
  /** [step, mean, std] in step order. */
  points: [number, number, number][];
}

/** Each group's mean along the steps with its ± std band shaded. */
export function BandChart({ title, bands }: { title: string; bands: Band[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const lines: Series[] = bands.flatMap((b) => [
      { label: b.label, points: b.points.map(([s, m]): [number, number] => [s, m]) },
      {
        label: `${b.label} −std`,
        points: b.points.map(([s, m, sd]): [number, number] => [s, m - sd]),
      },
      {
        label: `${b.label} +std`,
        points: b.points.map(([s, m, sd]): [number, number] => [s, m + sd]),
      },
    ]);
    const plot = new uPlot(
      {
        title,
        width: Math.min(760, el.clientWidth || 760),
        height: 300,
        scales: { x: { time: false } },
        axes: axes('step'),
        series: [
          {},
          ...lines.map((line, i) => {
            const color = COLORS[Math.floor(i / 3) % COLORS.length];
            return i % 3 === 0
              ? { label: line.label, stroke: color, width: 2, spanGaps: true }
              : { label: line.label, stroke: `${color}55`, width: 1, spanGaps: true };
          }),
        ],
        // Shade between +std (3i+3) and −std (3i+2) of each group.
        bands: bands.map((_, i) => ({
          series: [3 * i + 3, 3 * i + 2] as [number, number],
          fill: `${COLORS[i % COLORS.length]}22`,
        })),
      },
      aligned(lines),
      el,
    );
    return () => plot.destroy();
  }, [title, bands]);
  return <div class="chart" ref={box} data-metric={title} data-bands={bands.length} />;
}
