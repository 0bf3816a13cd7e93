// A parallel-coordinates chart in plain SVG: one vertical axis per param (numbers on a linear
// scale, anything else as evenly spaced categories), the metric last, one polyline per run
// coloured by its metric value. Small enough that no chart library is needed for it.

export interface ParallelRun {
  id: string;
  label: string;
  params: Record<string, string | undefined>;
  /** The metric's latest value; a run without it ends at the last param axis, grey. */
  value?: number;
}

const HEIGHT = 300;
const TOP = 44;
const BOTTOM = 24;
const SIDE = 70;
const AXIS_GAP = 170;
const MISSING = '—';

interface Axis {
  label: string;
  /** 0 (bottom) … 1 (top) for a run, undefined when the run has no value here. */
  position(run: ParallelRun): number | undefined;
  ticks: { at: number; text: string }[];
}

const numeric = (v: string | undefined) =>
  v !== undefined && v.trim() !== '' && Number.isFinite(Number(v));

/** Where v sits between lo and hi; the middle when every value is the same. */
const scale = (v: number, lo: number, hi: number) => (hi === lo ? 0.5 : (v - lo) / (hi - lo));

function paramAxis(key: string, runs: ParallelRun[]): Axis {
  const values = runs.map((r) => r.params[key]);
  if (values.every(numeric)) {
    const nums = values.map(Number);
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    return {
      label: key,
      position: (r) => scale(Number(r.params[key]), lo, hi),
      ticks: (lo === hi ? [lo] : [lo, (lo + hi) / 2, hi]).map((v) => ({
        at: scale(v, lo, hi),
        text: String(Number(v.toPrecision(4))),
      })),
    };
  }
  const categories = [...new Set(values.map((v) => v ?? MISSING))].sort();
  const at = (c: string) =>
    categories.length === 1 ? 0.5 : categories.indexOf(c) / (categories.length - 1);
  return {
    label: key,
    position: (r) => at(r.params[key] ?? MISSING),
    ticks: categories.map((c) => ({ at: at(c), text: c })),
  };
}

function metricAxis(key: string, runs: ParallelRun[]): Axis {
  const nums = runs.flatMap((r) => (r.value === undefined ? [] : [r.value]));
  const lo = Math.min(...nums);
  const hi = Math.max(...nums);
  return {
    label: key,
    position: (r) => (r.value === undefined ? undefined : scale(r.value, lo, hi)),
    ticks: nums.length
      ? (lo === hi ? [lo] : [lo, hi]).map((v) => ({
          at: scale(v, lo, hi),
          text: String(Number(v.toPrecision(4))),
        }))
      : [],
  };
}

/**
 * Blue (lowest metric) through purple and magenta to orange (highest): the way round the hue
 * circle that avoids yellow, which is hard to read on a light page.
 */
const colorOf = (t: number) => `hsl(${Math.round(220 + t * 170) % 360} 75% 50%)`;

export function ParallelChart({
  runs,
  params,
  metric,
}: {
  runs: ParallelRun[];
  params: string[];
  metric: string;
}) {
  const axes = [...params.map((p) => paramAxis(p, runs)), metricAxis(metric, runs)];
  const width = SIDE * 2 + AXIS_GAP * (axes.length - 1);
  const x = (i: number) => SIDE + i * AXIS_GAP;
  const y = (t: number) => TOP + (1 - t) * (HEIGHT - TOP - BOTTOM);
  const metricOf = axes[axes.length - 1];
  return (
    <svg
      class="parallel"
      viewBox={`0 0 ${width} ${HEIGHT}`}
      width={width}
      height={HEIGHT}
      role="img"
      aria-label={`parameters against ${metric}`}
      data-metric={metric}
    >
      {runs.map((r) => {
        const points = axes
          .map((a, i) => [i, a.position(r)] as const)
          .filter((p): p is readonly [number, number] => p[1] !== undefined)
          .map(([i, t]) => `${x(i)},${y(t)}`);
        const t = metricOf.position(r);
        return (
          <polyline
            key={r.id}
            class="run-line"
            data-run-id={r.id}
            points={points.join(' ')}
            stroke={t === undefined ? 'var(--muted)' : colorOf(t)}
          >
            <title>
              {r.label}: {metric} = {r.value ?? 'none'}
            </title>
          </polyline>
        );
      })}
      {axes.map((a, i) => (
        <g key={a.label + i} class={i === axes.length - 1 ? 'axis metric-axis' : 'axis'}>
          <line x1={x(i)} x2={x(i)} y1={y(1)} y2={y(0)} />
          <text class="axis-label" x={x(i)} y={TOP - 22} text-anchor="middle">
            {a.label}
          </text>
          {a.ticks.map((tick) => (
            <text key={tick.text} class="tick" x={x(i) + 6} y={y(tick.at) + 4}>
              {tick.text}
            </text>
          ))}
        </g>
      ))}
    </svg>
  );
}
