// How metric charts are drawn, kept in the URL query so a chart view is a link
// (`?x=wall&smooth=0.6&log=1`): the x axis, exponential smoothing and a log y scale.
import type { Metric } from './api.js';

/** step; wall = the point's timestamp; relative = seconds since the run's first point. */
export type XAxis = 'step' | 'wall' | 'relative';

export interface ChartSettings {
  x: XAxis;
  /** Weight of the running average, 0 (off) … 0.99, as TensorBoard's and MLflow's slider. */
  smooth: number;
  log: boolean;
}

export const MAX_SMOOTHING = 0.99;

export function chartSettingsOf(search: URLSearchParams): ChartSettings {
  const x = search.get('x');
  const smooth = Number(search.get('smooth') ?? 0);
  return {
    x: x === 'wall' || x === 'relative' ? x : 'step',
    smooth: Number.isFinite(smooth) ? Math.min(MAX_SMOOTHING, Math.max(0, smooth)) : 0,
    log: search.get('log') === '1',
  };
}

/** `search` with the settings written in, defaults left out so plain links stay plain. */
export function withChartSettings(search: URLSearchParams, s: ChartSettings): URLSearchParams {
  const next = new URLSearchParams(search);
  const put = (key: string, value: string, fallback: string) =>
    value === fallback ? next.delete(key) : next.set(key, value);
  put('x', s.x, 'step');
  put('smooth', String(s.smooth), '0');
  put('log', s.log ? '1' : '0', '0');
  return next;
}

/** A metric point's x: wall time in seconds (uPlot's time scale), relative to `first` (ms). */
export function xOf(m: Metric, axis: XAxis, first: number): number {
  if (axis === 'step') return m.step;
  if (axis === 'wall') return m.timestamp / 1000;
  return (m.timestamp - first) / 1000;
}

export const X_LABELS: Record<XAxis, string> = {
  step: 'step',
  wall: 'wall time',
  relative: 'relative time (s)',
};

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled towards zero. Non-finite values pass through without entering the average.
 */
export function smoothed(values: number[], weight: number): number[] {
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (!Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count++;
    return last / (1 - weight ** count);
  });
}
