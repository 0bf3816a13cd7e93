// MLflow's metric API family: log-metric, get-history (paged), get-history-bulk-interval, and the
// web UI's unsampled get-history-bulk (under /ajax-api only, as MLflow serves it).
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { createPageToken, parsePageToken } from '../../search/page-token.js';
import { validateMetric } from '../../services/validation.js';
import { openMetricHistory } from '../../store/metric-history.js';
import { getMetricHistory, metricHistoryOfRuns, sampleMetricHistory } from '../../store/metrics.js';
import { logBatch } from '../../store/runs.js';
import { emptySchema, metricSchema } from '../wire/entities.js';
import { endpoint } from '../../http/endpoint.js';
import { loggedMetric, metricFields } from './log-batch-request.js';
import { metricHistoryDocument } from './metric-history-stream.js';
import { int64, requiredString } from '../wire/fields.js';
import { metricJson } from '../wire/run-json.js';
import { streamedJson } from '../../http/responses.js';
import { runIdOf } from './runs.js';

const TAG = 'Metrics';
const MAX_RUNS_PER_BULK_REQUEST = 100;
const MAX_POINTS_PER_RUN = 2500;
/** get-history-bulk's cap on points in all, whatever max_results asks for (MLflow's). */
const MAX_BULK_HISTORY_POINTS = 25000;

export const metricEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/runs/log-metric'],
    access: 'edit',
    tag: TAG,
    summary: 'Log one metric value',
    request: z.object({
      run_id: z.string().optional(),
      run_uuid: z.string().optional(),
      ...metricFields,
    }),
    response: emptySchema,
    handler: async (input, { project }) => {
      const runId = runIdOf(input);
      const metric = loggedMetric(input);
      validateMetric(metric);
      await logBatch(project.db, runId, { metrics: [metric], params: [], tags: [] });
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: ['/2.0/mlflow/metrics/get-history'],
    access: 'read',
    tag: TAG,
    summary: "A metric's full history, optionally paged",
    request: z.object({
      run_id: z.string().optional(),
      run_uuid: z.string().optional(),
      metric_key: requiredString(),
      page_token: z.string().optional(),
      max_results: int64().optional(),
    }),
    response: z.object({
      metrics: z.array(metricSchema).optional(),
      next_page_token: z.string().optional(),
    }),
    handler: async (input, { project }) => {
      const runId = runIdOf(input);
      if (input.max_results !== undefined && input.max_results <= 0) {
        throw MlflowError.invalidParameter(
          `Invalid value ${input.max_results} for parameter 'max_results' supplied. It must be a positive integer.`,
        );
      }
      const offset = parsePageToken(input.page_token || undefined);
      if (input.max_results === undefined) {
        // The whole history may be millions of points: read page by page and streamed out.
        const pages = await openMetricHistory(project.db, runId, input.metric_key);
        return streamedJson(metricHistoryDocument(input.metric_key, pages, offset));
      }
      const page = await getMetricHistory(project.db, runId, input.metric_key, {
        offset,
        maxResults: input.max_results,
      });
      return {
        ...(page.metrics.length ? { metrics: page.metrics.map(metricJson) } : {}),
        ...(page.hasMore
          ? { next_page_token: createPageToken(offset + (input.max_results ?? 0)) }
          : {}),
      };
    },
  }),
  endpoint({
    method: 'GET',
    paths: ['/2.0/mlflow/metrics/get-history-bulk-interval'],
    access: 'read',
    tag: TAG,
    summary: 'Sampled history of one metric across several runs',
    request: z.object({
      run_ids: z
        .array(z.string())
        .min(1)
        .superRefine((ids, ctx) => {
          if (ids.length <= MAX_RUNS_PER_BULK_REQUEST) return;
          ctx.addIssue({
            code: 'custom',
            message: `GetMetricHistoryBulkInterval request must specify at most ${MAX_RUNS_PER_BULK_REQUEST} run_ids. Received ${ids.length} run_ids. See the API docs for more information about request parameters.`,
          });
        }),
      metric_key: requiredString(),
      start_step: int64().optional(),
      end_step: int64().optional(),
      max_results: int64()
        .refine((n) => n >= 1 && n <= MAX_POINTS_PER_RUN, {
          message: `max_results must be between 1 and ${MAX_POINTS_PER_RUN}. See the API docs for more information about request parameters.`,
        })
        .optional(),
    }),
    response: z.object({
      metrics: z.array(metricSchema.extend({ run_id: z.string() })).optional(),
    }),
    handler: async (input, { project }) => {
      const { start_step: start, end_step: end } = input;
      if ((start === undefined) !== (end === undefined)) {
        throw MlflowError.invalidParameter(
          'If either start step or end step are specified, both must be specified.',
        );
      }
      if (start !== undefined && end !== undefined && start > end) {
        throw MlflowError.invalidParameter(
          `end_step must be greater than start_step. Found start_step=${start} and end_step=${end}.`,
        );
      }
      const points = await sampleMetricHistory(
        project.db,
        input.run_ids,
        input.metric_key,
        input.max_results ?? MAX_POINTS_PER_RUN,
        start !== undefined && end !== undefined ? { start, end } : undefined,
      );
      return points.length
        ? { metrics: points.map((p) => ({ ...metricJson(p), run_id: p.run_id })) }
        : {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: ['/2.0/mlflow/metrics/get-history-bulk'],
    prefixes: ['/ajax-api'],
    access: 'read',
    tag: TAG,
    summary:
      'Full history of one metric across runs (run_id repeated, at most 100), sorted by run id ' +
      'then timestamp, step and value; at most max_results (25000) points in all',
    request: z.object({
      run_id: z.array(z.string()).optional(),
      metric_key: z.string().optional(),
      max_results: int64().optional(),
    }),
    response: z.object({ metrics: z.array(metricSchema.extend({ run_id: z.string() })) }),
    handler: async (input, { project }) => {
      const runIds = input.run_id ?? [];
      if (!runIds.length) {
        throw MlflowError.invalidParameter(
          'GetMetricHistoryBulk request must specify at least one run_id.',
        );
      }
      if (runIds.length > MAX_RUNS_PER_BULK_REQUEST) {
        throw MlflowError.invalidParameter(
          `GetMetricHistoryBulk request cannot specify more than ${MAX_RUNS_PER_BULK_REQUEST} ` +
            `run_ids. Received ${runIds.length} run_ids.`,
        );
      }
      if (input.metric_key === undefined) {
        throw MlflowError.invalidParameter(
          'GetMetricHistoryBulk request must specify a metric_key.',
        );
      }
      const asked = input.max_results ?? MAX_BULK_HISTORY_POINTS;
      // MLflow lets a negative count through to SQL unchecked; no count below 0 means anything.
      if (asked < 0) {
        throw MlflowError.invalidParameter(
          `Invalid value ${asked} for parameter 'max_results' supplied. It must be a non-negative integer.`,
        );
      }
      const points = await metricHistoryOfRuns(
        project.db,
        runIds,
        input.metric_key,
        Math.min(asked, MAX_BULK_HISTORY_POINTS),
      );
      return { metrics: points.map((p) => ({ ...metricJson(p), run_id: p.run_id })) };
    },
  }),
];
