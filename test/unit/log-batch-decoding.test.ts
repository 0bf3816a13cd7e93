// A log-batch decoded on the worker thread reaches the handler as the same batch: packed into
// columns, posted (structured clone with the numbers' buffer transferred) and unpacked, every
// value, timestamp, step and model link survives; a refusal keeps its MLflow code and message.
import { describe, expect, it } from 'vitest';
import { decodeWith, fromFailure, toFailure } from '../../src/http/body-decoder.js';
import { logBatchDecoder, type LogBatch } from '../../src/api/tracking/log-batch-request.js';
import { MlflowError } from '../../src/errors.js';

const RUN = '0123456789abcdef0123456789abcdef';
// A metric with a model and dataset link: sent as is, and received as is.
const LINKED = {
  key: 'linked',
  value: 0.5,
  timestamp: 7,
  step: 3,
  model_id: 'm-1',
  dataset_name: 'eval',
  dataset_digest: 'd1',
};

/** What the worker does to a batch on its way to the main thread. */
function acrossThreads(batch: LogBatch): LogBatch {
  const { data, transfer } = logBatchDecoder.pack(batch);
  return logBatchDecoder.unpack(structuredClone(data, { transfer }));
}

describe('log-batch decoding', () => {
  it('carries every metric, param and tag across threads unchanged', () => {
    const values = [NaN, Infinity, -Infinity, -0, 1e-300, 2 ** 60, 0.1 + 0.2];
    const body = {
      run_id: RUN,
      metrics: [
        ...values.map((value, i) => ({
          key: `m${i}`,
          value: Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? value : String(value),
          timestamp: String(2 ** 53 - 1 - i),
          step: -i,
        })),
        { key: 'no_step', value: 1, timestamp: 5 },
        LINKED,
      ],
      params: [{ key: 'lr', value: '0.1' }],
      tags: [{ key: 'phase', value: 'one' }, { key: 'empty' }],
    };
    const decoded = decodeWith(logBatchDecoder, body);
    const received = acrossThreads(decoded);

    expect(received.runId).toBe(RUN);
    expect(received.params).toEqual([{ key: 'lr', value: '0.1' }]);
    expect(received.tags).toEqual([
      { key: 'phase', value: 'one' },
      { key: 'empty', value: '' },
    ]);
    const points = received.metrics.map((m) => [m.key, m.value, m.timestamp, m.step]);
    expect(points).toEqual([
      ...values.map((value, i) => [`m${i}`, value, 2 ** 53 - 1 - i, -i]),
      ['no_step', 1, 5, 0],
      ['linked', 0.5, 7, 3],
    ]);
    expect(Object.is(received.metrics[3].value, -0)).toBe(true);
    const links = received.metrics.filter((m) => m.model_id || m.dataset_name);
    expect(links).toEqual([LINKED]);
  });

  it("refuses in MLflow's order: the schema first, then each metric by its index", () => {
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: `m${i}`,
      value: i,
      timestamp: 1,
    }));
    expect(() => decodeWith(logBatchDecoder, { metrics })).toThrow(/run_id/);
    metrics[999].key = 'bad!key';
    expect(() => decodeWith(logBatchDecoder, { run_id: RUN, metrics })).toThrow(
      /metrics\[999\]\.name/,
    );
    const tooMany = [...metrics.slice(0, 999), { key: 'a', value: 1, timestamp: 1 }, metrics[0]];
    expect(() => decodeWith(logBatchDecoder, { run_id: RUN, metrics: tooMany })).toThrow(/1000/);
  });

  it('keeps a refusal its code and message, and makes anything else an internal error', () => {
    const refused = fromFailure(toFailure(MlflowError.invalidParameter('bad metric')));
    expect(refused).toBeInstanceOf(MlflowError);
    expect(refused).toMatchObject({ code: 'INVALID_PARAMETER_VALUE', message: 'bad metric' });
    const broken = fromFailure(toFailure(new TypeError('oops')));
    expect(broken).not.toBeInstanceOf(MlflowError);
    expect(broken.message).toMatch(/oops/);
  });
});
