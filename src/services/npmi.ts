// Normalized pointwise mutual information of two events from their 2x2 counts, with MLflow's
// policy (mlflow/store/analytics/trace_correlation.py): undefined (NaN) without support, -1 when
// both events occur but never together, and a Jeffreys-prior (0.5) smoothed variant. The
// arithmetic follows MLflow's step by step, with C's logarithm, so both give the same doubles.
import { exactLog } from './exact-log.js';

const JEFFREYS_PRIOR = 0.5;

export interface NpmiResult {
  npmi: number;
  npmiSmoothed: number;
}

function npmiCore(n11: number, n10: number, n01: number, n00: number, smoothing: number): number {
  const s11 = n11 + smoothing;
  const s10 = n10 + smoothing;
  const s01 = n01 + smoothing;
  const s00 = n00 + smoothing;
  const total = s11 + s10 + s01 + s00;
  const n1 = s11 + s10;
  const n2 = s11 + s01;
  if (n1 <= 0 || n2 <= 0 || s11 <= 0) return NaN;
  // Checked on the raw counts: with smoothing the joint cell never holds everything.
  if (n10 === 0 && n01 === 0 && n00 === 0) return 1;
  const logN11 = exactLog(s11);
  const logTotal = exactLog(total);
  const pmi = logN11 + logTotal - (exactLog(n1) + exactLog(n2));
  const npmi = pmi / -(logN11 - logTotal);
  return Math.max(-1, Math.min(1, npmi));
}

export function npmiFromCounts(
  joint: number,
  filter1: number,
  filter2: number,
  total: number,
): NpmiResult {
  const undefinedResult = { npmi: NaN, npmiSmoothed: NaN };
  if (total <= 0 || filter1 === 0 || filter2 === 0) return undefinedResult;
  const n11 = joint;
  const n10 = filter1 - joint;
  const n01 = filter2 - joint;
  const n00 = total - filter1 - filter2 + joint;
  if (Math.min(n11, n10, n01, n00) < 0) return undefinedResult;
  return {
    npmi: joint === 0 ? -1 : npmiCore(n11, n10, n01, n00, 0),
    npmiSmoothed: npmiCore(n11, n10, n01, n00, JEFFREYS_PRIOR),
  };
}
