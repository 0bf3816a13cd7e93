// What QueryTraceMetrics may ask for, per view type (MLflow 3.17's TRACES_/SPANS_/ASSESSMENTS_
// METRICS_CONFIGS): each metric's allowed aggregations and dimensions, the checks MLflow makes on
// a request before touching the database, and the labels aggregations are reported under.
import { MlflowError } from '../errors.js';
import { pyFloat, pyStr } from '../search/python-repr.js';

export const METRIC_VIEW_TYPES = ['TRACES', 'SPANS', 'ASSESSMENTS'] as const;
export type MetricViewType = (typeof METRIC_VIEW_TYPES)[number];

export const AGGREGATION_TYPES = ['COUNT', 'SUM', 'AVG', 'PERCENTILE', 'MIN', 'MAX'] as const;
export type AggregationType = (typeof AGGREGATION_TYPES)[number];

export interface MetricAggregation {
  type: AggregationType;
  /** 0-100, for PERCENTILE only. */
  percentile?: number;
}

interface MetricConfig {
  aggregations: AggregationType[];
  dimensions: string[];
}

const COUNT_ONLY: AggregationType[] = ['COUNT'];
const DISTRIBUTION: AggregationType[] = ['AVG', 'MIN', 'MAX', 'PERCENTILE'];
const SUMMABLE: AggregationType[] = ['SUM', ...DISTRIBUTION];
const BY_TRACE_NAME = ['trace_name'];
const BY_MODEL = ['span_model_name', 'span_model_provider'];

/** Metric names in MLflow's order (its messages list them so). */
export const METRIC_CONFIGS: Record<MetricViewType, Record<string, MetricConfig>> = {
  TRACES: {
    trace_count: { aggregations: COUNT_ONLY, dimensions: ['trace_name', 'trace_status'] },
    session_count: { aggregations: COUNT_ONLY, dimensions: [] },
    latency: { aggregations: DISTRIBUTION, dimensions: BY_TRACE_NAME },
    input_tokens: { aggregations: SUMMABLE, dimensions: BY_TRACE_NAME },
    output_tokens: { aggregations: SUMMABLE, dimensions: BY_TRACE_NAME },
    total_tokens: { aggregations: SUMMABLE, dimensions: BY_TRACE_NAME },
    cache_read_input_tokens: { aggregations: SUMMABLE, dimensions: BY_TRACE_NAME },
    cache_creation_input_tokens: { aggregations: SUMMABLE, dimensions: BY_TRACE_NAME },
  },
  SPANS: {
    span_count: {
      aggregations: COUNT_ONLY,
      dimensions: ['span_name', 'span_type', 'span_status', ...BY_MODEL],
    },
    latency: { aggregations: DISTRIBUTION, dimensions: ['span_name', 'span_status'] },
    input_cost: { aggregations: SUMMABLE, dimensions: BY_MODEL },
    output_cost: { aggregations: SUMMABLE, dimensions: BY_MODEL },
    total_cost: { aggregations: SUMMABLE, dimensions: BY_MODEL },
  },
  ASSESSMENTS: {
    assessment_count: {
      aggregations: COUNT_ONLY,
      dimensions: ['assessment_name', 'assessment_value'],
    },
    assessment_value: { aggregations: DISTRIBUTION, dimensions: ['assessment_name'] },
  },
};

const sortedList = (items: Iterable<string>) => `[${[...items].sort().map(pyStr).join(', ')}]`;

/**
 * The checks MLflow's MetricAggregation makes when it reads a request. MLflow lets them escape as
 * a ValueError (an HTML 500 page); here they are the caller's mistake, 400 with the same words.
 */
export function checkAggregation(aggregation: MetricAggregation): void {
  const { type, percentile } = aggregation;
  if (type === 'PERCENTILE') {
    if (percentile === undefined) {
      throw MlflowError.invalidParameter('Percentile value is required for PERCENTILE aggregation');
    }
    // NaN passes, as in MLflow (its comparisons are false); it yields no value.
    if (percentile > 100 || percentile < 0) {
      throw MlflowError.invalidParameter(
        `Percentile value must be between 0 and 100, got ${pyFloat(percentile)}`,
      );
    }
  } else if (percentile !== undefined) {
    throw MlflowError.invalidParameter(
      `Percentile value is only allowed for PERCENTILE aggregation type, got ${type}`,
    );
  }
}

/** MLflow's validate_query_trace_metrics_params, with its messages. */
export function validateMetricsQuery(
  view: MetricViewType,
  metricName: string,
  aggregations: MetricAggregation[],
  dimensions: string[],
): MetricConfig {
  const metrics = METRIC_CONFIGS[view];
  const config = Object.hasOwn(metrics, metricName) ? metrics[metricName] : undefined;
  if (!config) {
    throw MlflowError.invalidParameter(
      `metric_name must be one of [${Object.keys(metrics).map(pyStr).join(', ')}], got '${metricName}'`,
    );
  }
  const badAggregations = new Set(
    aggregations.map((a) => a.type).filter((t) => !config.aggregations.includes(t)),
  );
  if (badAggregations.size > 0) {
    throw MlflowError.invalidParameter(
      `Found invalid aggregation_type(s): ${sortedList(badAggregations)}. ` +
        `Supported aggregation types: ${sortedList(config.aggregations)}`,
    );
  }
  const badDimensions = new Set(dimensions.filter((d) => !config.dimensions.includes(d)));
  if (badDimensions.size > 0) {
    throw MlflowError.invalidParameter(
      `Found invalid dimension(s): ${sortedList(badDimensions)}. ` +
        `Supported dimensions: ${sortedList(config.dimensions)}`,
    );
  }
  return config;
}

/** The key a value is reported under: the type's name, or `P<percentile>` (Python float repr). */
export function aggregationLabel(aggregation: MetricAggregation): string {
  return aggregation.type === 'PERCENTILE'
    ? `P${pyFloat(aggregation.percentile!)}`
    : aggregation.type;
}
