// runs/log-batch's request: its schema, the checks MLflow makes of it before touching the store,
// and how a checked batch travels between threads. Nothing here reads the database, so a batch is
// decoded on the body-decoding worker (http/body-decoding.ts) while the main thread writes others.
import { z } from 'zod';
import {
  validateBatchLimits,
  validateMetric,
  validateParam,
  validateRunId,
  validateTag,
  validateUniqueParamKeys,
} from '../../services/validation.js';
import type { MetricPoint } from '../../store/metrics.js';
import type { ModelMetricLink } from '../../store/run-model-links.js';
import type { KeyValue } from '../../store/runs.js';
import type { BodyDecoder } from '../../http/body-decoder.js';
import { double, int64, requiredString } from '../wire/fields.js';

/** A metric as log-metric and log-batch take it. */
export const metricFields = {
  key: requiredString(),
  value: double(),
  timestamp: int64(),
  step: int64().optional(),
  model_id: z.string().optional(),
  dataset_name: z.string().optional(),
  dataset_digest: z.string().optional(),
};

export const logBatchRequest = z.object({
  run_id: requiredString(),
  metrics: z.array(z.object(metricFields)).optional(),
  params: z.array(z.object({ key: requiredString(), value: z.string().optional() })).optional(),
  tags: z.array(z.object({ key: requiredString(), value: z.string().optional() })).optional(),
});

export type LoggedMetric = MetricPoint & ModelMetricLink;

/** A batch that passed every check MLflow makes before writing, in MLflow's order of checks. */
export interface LogBatch {
  runId: string;
  metrics: LoggedMetric[];
  params: KeyValue[];
  tags: KeyValue[];
}

function validTags(tags: { key?: string; value?: string }[], prefix: (i: number) => string) {
  return tags.map((t, i) => validateTag(t.key, t.value ?? '', prefix(i)));
}

/** A metric as sent to one as stored: step 0 when absent, empty links as none (proto3). */
export function loggedMetric(m: z.infer<z.ZodObject<typeof metricFields>>): LoggedMetric {
  return {
    key: m.key,
    value: m.value,
    timestamp: m.timestamp,
    step: m.step ?? 0,
    model_id: m.model_id || undefined,
    dataset_name: m.dataset_name || undefined,
    dataset_digest: m.dataset_digest || undefined,
  };
}

function checkLogBatch(input: z.infer<typeof logBatchRequest>): LogBatch {
  const metrics = (input.metrics ?? []).map((m, i) => {
    validateMetric(m, `metrics[${i}]`);
    return loggedMetric(m);
  });
  const params = (input.params ?? []).map((p, i) =>
    validateParam(p.key, p.value ?? '', `params[${i}]`),
  );
  const tags = validTags(input.tags ?? [], (i) => `tags[${i}]`);
  validateBatchLimits(metrics.length, params.length, tags.length);
  validateUniqueParamKeys(params.map((p) => p.key));
  validateRunId(input.run_id);
  return { runId: input.run_id, metrics, params, tags };
}

/**
 * A batch as it crosses threads: the metrics column by column (the numbers in one transferred
 * typed array, the keys in one array, links only where a metric has one). Posting 1000 metric objects
 * costs the receiving thread more than parsing their JSON; these columns cost it a tenth of that.
 */
interface PackedLogBatch {
  runId: string;
  keys: string[];
  numbers: Float64Array; // value, timestamp, step of each metric in turn
  links: [number, ModelMetricLink][];
  params: KeyValue[];
  tags: KeyValue[];
}

function packLogBatch(batch: LogBatch): { data: PackedLogBatch; transfer: ArrayBuffer[] } {
  const { metrics } = batch;
  const numbers = new Float64Array(metrics.length * 3);
  const links: [number, ModelMetricLink][] = [];
  metrics.forEach((m, i) => {
    numbers[3 * i] = m.value;
    numbers[3 * i + 1] = m.timestamp;
    numbers[3 * i + 2] = m.step;
    if (m.model_id || m.dataset_name || m.dataset_digest) {
      links.push([
        i,
        { model_id: m.model_id, dataset_name: m.dataset_name, dataset_digest: m.dataset_digest },
      ]);
    }
  });
  const data = {
    runId: batch.runId,
    keys: metrics.map((m) => m.key),
    numbers,
    links,
    params: batch.params,
    tags: batch.tags,
  };
  return { data, transfer: [numbers.buffer] };
}

function unpackLogBatch(data: unknown): LogBatch {
  const { runId, keys, numbers, links, params, tags } = data as PackedLogBatch;
  const metrics = keys.map((key, i): LoggedMetric => ({
    key,
    value: numbers[3 * i],
    timestamp: numbers[3 * i + 1],
    step: numbers[3 * i + 2],
  }));
  for (const [i, link] of links) Object.assign(metrics[i], link);
  return { runId, metrics, params, tags };
}

export const logBatchDecoder: BodyDecoder<typeof logBatchRequest, LogBatch> = {
  name: 'log-batch',
  request: logBatchRequest,
  check: checkLogBatch,
  pack: packLogBatch,
  unpack: unpackLogBatch,
};
