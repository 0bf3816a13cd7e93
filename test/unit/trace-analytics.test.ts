// Token usage and cost metadata as MLflow 3.17 stores and answers them. The expected values are
// what MLflow's own `analytics_columns_from_metadata` + `compatibility_metadata_from_columns` give
// for the same input (checked against the installed client's store code).
import { describe, expect, it } from 'vitest';
import { canonicalTraceMetadata } from '../../src/store/trace-analytics.js';

const TOKENS = 'mlflow.trace.tokenUsage';
const COST = 'mlflow.trace.cost';

describe('canonicalTraceMetadata', () => {
  it.each([
    [
      '{"input_tokens": 20, "output_tokens": 6.0, "total_tokens": "26", "cache_read_input_tokens": 3}',
      '{"input_tokens": 20, "output_tokens": 6, "total_tokens": 26, "cache_read_input_tokens": 3}',
    ],
    ['{"input_tokens": 1.5, "output_tokens": true, "total_tokens": 2}', '{"total_tokens": 2}'],
    [
      '{"input_tokens": "1e3", "output_tokens": " 7 ", "total_tokens": "2.50", "other": 4}',
      '{"input_tokens": 1000, "output_tokens": 7}',
    ],
    [
      '{"input_tokens": 9223372036854775808, "output_tokens": -3, "total_tokens": "12.000"}',
      '{"output_tokens": -3, "total_tokens": 12}',
    ],
    // Keys in MLflow's order, whatever the order sent.
    ['{"total_tokens": 3, "input_tokens": 1}', '{"input_tokens": 1, "total_tokens": 3}'],
  ])('token usage %s is stored as %s', (sent, stored) => {
    expect(canonicalTraceMetadata({ [TOKENS]: sent, other: 'kept' })).toEqual({
      [TOKENS]: stored,
      other: 'kept',
    });
  });

  it.each(['not json', '[1, 2]', '{"input_tokens": null}', '{"unknown": 5}'])(
    'drops token usage with nothing usable: %s',
    (sent) => {
      expect(canonicalTraceMetadata({ [TOKENS]: sent })).toEqual({});
    },
  );

  it.each([
    [
      '{"input_cost": 1, "output_cost": "0.25", "total_cost": "inf"}',
      '{"input_cost": 1.0, "output_cost": 0.25}',
    ],
    [
      '{"input_cost": 1e-7, "output_cost": true, "total_cost": 3.0}',
      '{"input_cost": 1e-07, "total_cost": 3.0}',
    ],
  ])('cost %s is stored as %s', (sent, stored) => {
    expect(canonicalTraceMetadata({ [COST]: sent })).toEqual({ [COST]: stored });
  });

  it('leaves other metadata as it is', () => {
    const metadata = { 'mlflow.user': 'ann', 'mlflow.trace.session': 's1' };
    expect(canonicalTraceMetadata(metadata)).toBe(metadata);
  });
});
