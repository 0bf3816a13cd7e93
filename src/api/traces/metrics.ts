// Trace analytics (MLflow 3): QueryTraceMetrics (counts, latencies, token usage, costs and
// assessment values of traces, spans or assessments, aggregated by dimension and time bucket) and
// CalculateTraceFilterCorrelation (NPMI between two trace search filters).
import { z } from 'zod';
import { endpoint, type Endpoint } from '../../http/endpoint.js';
import { npmiFromCounts } from '../../services/npmi.js';
import { parseExperimentId } from '../../store/experiments.js';
import { traceCorrelationCounts } from '../../store/trace-correlation.js';
import {
  AGGREGATION_TYPES,
  METRIC_VIEW_TYPES,
  checkAggregation,
  type MetricAggregation,
} from '../../store/trace-metrics-config.js';
import { queryTraceMetrics } from '../../store/trace-metrics.js';
import { double, int64, requiredString } from '../wire/fields.js';

const V3 = '/3.0/mlflow';
const TAG = 'Traces';
/** MLflow's MAX_RESULTS_QUERY_TRACE_METRICS, used when the request has no max_results. */
const DEFAULT_MAX_RESULTS = 1000;

/** A protobuf enum as JSON carries it: its name, or its number (1-based here). */
function protoEnum<T extends readonly [string, ...string[]]>(names: T) {
  return z.preprocess((v) => {
    if (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v))) {
      return names[Number(v) - 1] ?? v;
    }
    return v;
  }, z.enum(names));
}

/**
 * A repeated string field. MLflow checks the items after the list and names the whole list in its
 * message (`Invalid value ["1",5] for parameter 'experiment_ids'`), so the check is on the list.
 */
const stringList = () =>
  z
    .custom<string[]>((v) => Array.isArray(v) && v.every((item) => typeof item === 'string'))
    .meta({ type: 'array', items: { type: 'string' } });

const dataPointSchema = z
  .object({
    metric_name: z.string(),
    dimensions: z.record(z.string(), z.string()).optional(),
    values: z.record(z.string(), z.number()),
  })
  .meta({ id: 'MetricDataPoint' });

const queryMetricsEndpoint = endpoint({
  method: 'POST',
  paths: [`${V3}/traces/metrics`],
  access: 'read',
  tag: TAG,
  summary:
    'QueryTraceMetrics: aggregates (COUNT, SUM, AVG, MIN, MAX, percentiles) of a trace, span or ' +
    'assessment metric, by dimension and time bucket',
  request: z.object({
    experiment_ids: stringList(),
    view_type: protoEnum(METRIC_VIEW_TYPES),
    metric_name: requiredString(),
    aggregations: z
      .array(
        z.object({
          aggregation_type: protoEnum(AGGREGATION_TYPES),
          percentile_value: double().optional(),
        }),
      )
      .min(1),
    dimensions: stringList().optional(),
    filters: stringList().optional(),
    time_interval_seconds: int64().optional(),
    start_time_ms: int64().optional(),
    end_time_ms: int64().optional(),
    max_results: int64().optional(),
    // Accepted and ignored: MLflow 3.17 has no paging here yet (it never returns a token).
    page_token: z.string().optional(),
  }),
  response: z.object({
    data_points: z.array(dataPointSchema).optional(),
    next_page_token: z.string().optional(),
  }),
  handler: async (input, { project }) => {
    const aggregations: MetricAggregation[] = input.aggregations.map((a) => ({
      type: a.aggregation_type,
      ...(a.percentile_value !== undefined ? { percentile: a.percentile_value } : {}),
    }));
    aggregations.forEach(checkAggregation);
    const points = await queryTraceMetrics(project.db, {
      experimentIds: input.experiment_ids,
      view: input.view_type,
      metricName: input.metric_name,
      aggregations,
      dimensions: input.dimensions ?? [],
      filters: input.filters ?? [],
      timeIntervalSeconds: input.time_interval_seconds,
      startTimeMs: input.start_time_ms,
      endTimeMs: input.end_time_ms,
      maxResults: input.max_results ?? DEFAULT_MAX_RESULTS,
    });
    return points.length ? { data_points: points } : {};
  },
});

const correlationEndpoint = endpoint({
  method: 'POST',
  paths: [`${V3}/traces/calculate-filter-correlation`],
  access: 'read',
  tag: TAG,
  summary:
    'CalculateTraceFilterCorrelation: NPMI between two trace search filters, optionally within ' +
    'the traces of a base filter, with the counts behind it',
  request: z.object({
    experiment_ids: stringList(),
    filter_string1: requiredString(),
    filter_string2: requiredString(),
    base_filter: z.string().optional(),
  }),
  response: z.object({
    npmi: z.number().optional(),
    npmi_smoothed: z.number().optional(),
    filter1_count: z.number().int(),
    filter2_count: z.number().int(),
    joint_count: z.number().int(),
    total_count: z.number().int(),
  }),
  handler: async (input, { project }) => {
    const counts = await traceCorrelationCounts(
      project.db,
      input.experiment_ids.map(parseExperimentId),
      input.filter_string1,
      input.filter_string2,
      input.base_filter,
    );
    const { npmi, npmiSmoothed } = npmiFromCounts(
      counts.jointCount,
      counts.filter1Count,
      counts.filter2Count,
      counts.totalCount,
    );
    // Undefined (NaN) scores are left out of the answer, as MLflow's to_proto does.
    return {
      ...(Number.isNaN(npmi) ? {} : { npmi }),
      ...(Number.isNaN(npmiSmoothed) ? {} : { npmi_smoothed: npmiSmoothed }),
      filter1_count: counts.filter1Count,
      filter2_count: counts.filter2Count,
      joint_count: counts.jointCount,
      total_count: counts.totalCount,
    };
  },
});

export const traceMetricsEndpoints: Endpoint[] = [queryMetricsEndpoint, correlationEndpoint];
