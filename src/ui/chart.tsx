// A metric's line chart (uPlot: canvas, fast with many points): one series a run, x = step.
// The points come downsampled by the server (metrics/get-history-bulk-interval), never the whole
// history.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  /** [step, value] pairs in step order. */
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

export function MetricChart({
  title,
  series,
  logScale = false,
}: {
  title: string;
  series: Series[];
  logScale?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        title,
        width: Math.min(560, el.clientWidth || 560),
        height: 240,
        scales: { x: { time: false }, y: logScale ? { distr: 3 } : {} },
        axes: [{ label: 'step' }, {}],
        series: [
          {},
          ...series.map((s, i) => ({
            label: s.label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            spanGaps: true,
            points: { show: s.points.length < 60 },
          })),
        ],
      },
      aligned(series),
      el,
    );
    return () => plot.destroy();
  }, [title, series, logScale]);
  const points = series.reduce((n, s) => n + s.points.length, 0);
  return (
    <div
      class="chart"
      ref={box}
      data-metric={title}
      data-series={series.length}
      data-points={points}
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
        axes: [{ label: 'step' }, {}],
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
