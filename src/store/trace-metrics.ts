// QueryTraceMetrics as one SQL statement: the rows of a view (traces, spans of traces, valid
// assessments) in the given experiments, narrowed by the metrics filters and the time range, one
// value per row, grouped by time bucket and dimensions, aggregated by SQLite. Percentiles
// interpolate linearly between the two nearest ranks, as MLflow's SQLite `percentile` does.
import { sql, type Kysely } from 'kysely';
import { MlflowError } from '../errors.js';
import { parseMetricsFilter, type MetricsFilter } from '../search/trace-metrics-filter.js';
import { parseExperimentId } from './experiments.js';
import type { Database } from './schema.js';
import {
  aggregationLabel,
  validateMetricsQuery,
  type MetricAggregation,
  type MetricViewType,
} from './trace-metrics-config.js';
import { metadataFilter } from './trace-metrics-filters.js';
import { jsonSqlFor, type JsonSql, type Sql } from './trace-json-sql.js';
import { sqlFlavour } from '../search/sql-compare.js';

export interface TraceMetricsQuery {
  /** As sent; parsed after the request's other checks, in MLflow's order. */
  experimentIds: string[];
  view: MetricViewType;
  metricName: string;
  aggregations: MetricAggregation[];
  dimensions: string[];
  filters: string[];
  timeIntervalSeconds?: number;
  startTimeMs?: number;
  endTimeMs?: number;
  maxResults: number;
}

export interface MetricDataPoint {
  metric_name: string;
  dimensions?: Record<string, string>;
  values: Record<string, number>;
}

export const TIME_BUCKET = 'time_bucket';
const TOKEN_USAGE_KEY = 'mlflow.trace.tokenUsage';
const SESSION_KEY = 'mlflow.trace.session';
const LLM_COST = 'mlflow.llm.cost';
const COST_METRICS = ['input_cost', 'output_cost', 'total_cost'];
const NS_PER_MS = 1_000_000n;
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** How one query reads its view: the FROM clause, the measured value, the dimensions. */
interface ViewPlan {
  from: Sql;
  value: Sql;
  dimensions: Sql[];
  /** The time a row is bucketed by, in milliseconds (may be fractional). */
  bucketTime: Sql;
  /** The time range predicate for [start, end] in ms (inclusive). */
  range: (start?: number, end?: number) => Sql[];
}

const traceTimeRange = (start?: number, end?: number): Sql[] => [
  ...(start !== undefined ? [sql`t.timestamp_ms >= ${start}`] : []),
  ...(end !== undefined ? [sql`t.timestamp_ms <= ${end}`] : []),
];

/**
 * Span start times in nanoseconds against a millisecond range whose end millisecond is included
 * whole; bounds past int64 become constant predicates, as in MLflow.
 */
function spanStartRange(start?: number, end?: number): Sql[] {
  const out: Sql[] = [];
  if (start !== undefined) {
    const ns = BigInt(start) * NS_PER_MS;
    if (ns > INT64_MAX) out.push(sql`0 = 1`);
    else if (ns > INT64_MIN) out.push(sql`s.start_time_unix_nano >= ${ns}`);
  }
  if (end !== undefined) {
    const ns = (BigInt(end) + 1n) * NS_PER_MS;
    if (ns <= INT64_MIN) out.push(sql`0 = 1`);
    else if (ns <= INT64_MAX) out.push(sql`s.start_time_unix_nano < ${ns}`);
  }
  return out;
}

const metadataValue = (alias: string, key: string): Sql =>
  sql`left join trace_request_metadata ${sql.raw(alias)}
    on ${sql.ref(`${alias}.request_id`)} = t.request_id and ${sql.ref(`${alias}.key`)} = ${key}`;

function tracesPlan(metric: string, dimensions: string[], j: JsonSql): ViewPlan {
  let from: Sql = sql`trace_info t`;
  let value: Sql;
  if (metric === 'trace_count') value = sql`t.request_id`;
  else if (metric === 'latency') value = sql`t.execution_time_ms`;
  else if (metric === 'session_count') {
    from = sql`${from} ${metadataValue('se', SESSION_KEY)}`;
    value = sql`se.value`;
  } else {
    from = sql`${from} ${metadataValue('tu', TOKEN_USAGE_KEY)}`;
    value = j.tokenCount(sql`tu.value`, metric);
  }
  return {
    from,
    value,
    dimensions: dimensions.map((d) => (d === 'trace_name' ? sql`t.trace_name` : sql`t.status`)),
    bucketTime: sql`t.timestamp_ms`,
    range: traceTimeRange,
  };
}

const SPAN_COLUMNS: Record<string, string> = {
  span_name: 's.name',
  span_type: 's.type',
  span_status: 's.status',
};
const SPAN_MODEL_ATTRIBUTES: Record<string, string> = {
  span_model_name: 'mlflow.llm.model',
  span_model_provider: 'mlflow.llm.provider',
};

function spansPlan(metric: string, dimensions: string[], j: JsonSql): ViewPlan {
  const cost = COST_METRICS.includes(metric);
  const needsContent = cost || dimensions.some((d) => d in SPAN_MODEL_ATTRIBUTES);
  const content = needsContent
    ? sql`join span_contents c on c.trace_id = s.trace_id and c.span_id = s.span_id`
    : sql``;
  const value =
    metric === 'span_count'
      ? sql`s.span_id`
      : metric === 'latency'
        ? // Integer division: whole milliseconds, as MLflow's `//`.
          sql`(s.end_time_unix_nano - s.start_time_unix_nano) / 1000000`
        : j.finiteFloat(j.spanAttributeText(sql`c.content`, LLM_COST), metric);
  return {
    from: sql`trace_info t join spans s on s.trace_id = t.request_id ${content}`,
    value,
    dimensions: dimensions.map((d) =>
      d in SPAN_COLUMNS
        ? sql.raw(SPAN_COLUMNS[d])
        : j.spanModelDimension(sql`c.content`, SPAN_MODEL_ATTRIBUTES[d]),
    ),
    bucketTime: sql`(s.start_time_unix_nano / (1000000 + 0.0))`,
    // Span counts and latencies keep MLflow's trace-time range; costs use the span's own start.
    range: cost ? spanStartRange : traceTimeRange,
  };
}

function assessmentsPlan(metric: string, dimensions: string[], j: JsonSql): ViewPlan {
  return {
    from: sql`assessments a join trace_info t on t.request_id = a.trace_id`,
    value: metric === 'assessment_count' ? sql`a.assessment_id` : j.assessmentAggregate('a'),
    dimensions: dimensions.map((d) => (d === 'assessment_name' ? sql`a.name` : sql`a.value`)),
    bucketTime: sql`t.timestamp_ms`,
    range: traceTimeRange,
  };
}

const SPAN_FILTER_COLUMNS = { name: 's.name', status: 's.status', type: 's.type' };
const ASSESSMENT_FILTER_COLUMNS = { name: 'a.name', type: 'a.assessment_type' };

function filterCondition(filter: MetricsFilter, view: MetricViewType, j: JsonSql): Sql {
  switch (filter.view) {
    case 'trace':
      if (filter.entity === 'status') return sql`t.status = ${filter.value}`;
      if (filter.entity === 'tag') {
        if (filter.key === 'mlflow.traceName') return sql`t.trace_name = ${filter.value}`;
        return sql`exists (select 1 from trace_tags k where k.request_id = t.request_id
          and k.key = ${filter.key} and k.value = ${filter.value})`;
      }
      return metadataFilter(filter.key, filter.value, j);
    case 'span':
      if (view !== 'SPANS') {
        throw MlflowError.invalidParameter(
          `Filtering by span is only supported for SPANS view type, got ${view}`,
        );
      }
      return sql`${sql.raw(SPAN_FILTER_COLUMNS[filter.entity])} = ${filter.value}`;
    case 'assessment':
      if (view !== 'ASSESSMENTS') {
        throw MlflowError.invalidParameter(
          `Filtering by assessment is only supported for ASSESSMENTS view type, got ${view}`,
        );
      }
      return sql`${sql.raw(ASSESSMENT_FILTER_COLUMNS[filter.entity])} = ${filter.value}`;
  }
}

function aggregateExpression(aggregation: MetricAggregation, metric: string, j: JsonSql): Sql {
  switch (aggregation.type) {
    case 'COUNT':
      return metric === 'session_count' ? sql`count(distinct v)` : sql`count(v)`;
    case 'SUM':
      return sql`sum(v)`;
    case 'AVG':
      return sql`avg(v)`;
    case 'MIN':
      return sql`min(v)`;
    case 'MAX':
      return sql`max(v)`;
    case 'PERCENTILE': {
      // Over the group's values sorted (rank rn of n): index = p/100 * (n - 1), then
      // lower + fraction * (upper - lower), the arithmetic of MLflow's SQLite aggregate.
      // In doubles, as SQLite computes it (PostgreSQL would use exact decimals).
      const p = j.double(sql`${aggregation.percentile!}`);
      const index = sql`((${p} / 100.0) * (n - 1))`;
      const lower = j.truncate(index);
      const at = (rank: Sql) => sql`max(case when rn = 1 + ${rank} then ${j.double(sql`v`)} end)`;
      const low = at(lower);
      const high = at(j.least(sql`${lower} + 1`, sql`n - 1`));
      const groupIndex = sql`((${p} / 100.0) * (max(n) - 1))`;
      const fraction = sql`(${groupIndex} - ${j.truncate(groupIndex)})`;
      return sql`(${low} + ${fraction} * (${high} - ${low}))`;
    }
  }
}

/** `2024-05-01T12:00:00+00:00`, as Python's datetime.isoformat() writes a UTC time. */
function isoBucket(ms: number): string {
  const date = new Date(ms);
  // Only absurd intervals (e.g. negative and huge) put a bucket outside the datetime range;
  // MLflow fails there with a 500, this says why.
  if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) {
    throw MlflowError.invalidParameter(
      `time_interval_seconds puts a time bucket at ${ms} ms, outside the dates a timestamp can hold`,
    );
  }
  const iso = date.toISOString();
  const fraction = iso.slice(19, 23) === '.000' ? '' : `${iso.slice(19, 23)}000`;
  return `${iso.slice(0, 19)}${fraction}+00:00`;
}

/** Runs a QueryTraceMetrics request. Throws MLflow's errors for anything it rejects. */
export async function queryTraceMetrics(
  db: Kysely<Database>,
  query: TraceMetricsQuery,
): Promise<MetricDataPoint[]> {
  const { view, metricName, aggregations, dimensions, timeIntervalSeconds } = query;
  validateMetricsQuery(view, metricName, aggregations, dimensions);
  if (timeIntervalSeconds && (query.startTimeMs === undefined || query.endTimeMs === undefined)) {
    throw MlflowError.invalidParameter(
      'start_time_ms and end_time_ms are required if time_interval_seconds is set',
    );
  }
  const experimentIds = query.experimentIds.map(parseExperimentId);
  const j = jsonSqlFor(sqlFlavour(db));
  const plan =
    view === 'TRACES'
      ? tracesPlan(metricName, dimensions, j)
      : view === 'SPANS'
        ? spansPlan(metricName, dimensions, j)
        : assessmentsPlan(metricName, dimensions, j);
  const where: Sql[] = [
    experimentIds.length ? sql`t.experiment_id in (${sql.join(experimentIds)})` : sql`0 = 1`,
  ];
  if (view === 'ASSESSMENTS') where.push(sql`a.valid = 1`);
  for (const text of query.filters) {
    where.push(filterCondition(parseMetricsFilter(text), view, j));
  }
  where.push(...plan.range(query.startTimeMs, query.endTimeMs));

  const groups: Sql[] = [];
  if (timeIntervalSeconds) {
    const size = timeIntervalSeconds * 1000;
    groups.push(sql`floor(${plan.bucketTime} / (${size} + 0.0)) * ${size}`);
  }
  groups.push(...plan.dimensions);
  const names = groups.map((_, i) => `d${i}`);
  const groupRefs = names.map((n) => sql.ref(n));
  const selected = [
    ...groups.map((g, i) => sql`${g} as ${sql.ref(names[i])}`),
    sql`${plan.value} as v`,
  ];
  // Null values and null dimensions are left out before grouping and LIMIT, as MLflow does.
  const kept = [sql`v is not null`, ...groupRefs.map((r) => sql`${r} is not null`)];
  const percentiles = aggregations.some((a) => a.type === 'PERCENTILE');
  const partition = groupRefs.length ? sql`partition by ${sql.join(groupRefs)}` : sql``;
  const ranked = percentiles
    ? sql`, ranked as (select kept.*, row_number() over (${partition} order by v) as rn,
        count(*) over (${partition}) as n from kept)`
    : sql``;
  const aggregates = aggregations.map(
    (a, i) => sql`${aggregateExpression(a, metricName, j)} as ${sql.ref(`a${i}`)}`,
  );
  const grouping = groupRefs.length
    ? sql`group by ${sql.join(groupRefs)} order by ${sql.join(groupRefs)}`
    : sql``;
  const statement = sql<Record<string, unknown>>`with base as (
      select ${sql.join(selected)} from ${plan.from} where ${sql.join(where, sql` and `)}
    ), kept as (select * from base where ${sql.join(kept, sql` and `)})${ranked}
    select ${sql.join([...groupRefs, ...aggregates])} from ${sql.raw(percentiles ? 'ranked' : 'kept')}
    ${grouping} limit ${query.maxResults}`;
  const { rows } = await statement.execute(db);

  const dimensionNames = [...(timeIntervalSeconds ? [TIME_BUCKET] : []), ...dimensions];
  const labels = aggregations.map(aggregationLabel);
  const points: MetricDataPoint[] = [];
  for (const row of rows) {
    const values: Record<string, number> = {};
    labels.forEach((label, i) => {
      const value = row[`a${i}`];
      if (value !== null && value !== undefined) values[label] = Number(value);
    });
    if (Object.keys(values).length === 0) continue;
    const dims: Record<string, string> = {};
    dimensionNames.forEach((name, i) => {
      const value = row[`d${i}`];
      dims[name] = name === TIME_BUCKET ? isoBucket(Number(value)) : String(value);
    });
    points.push({
      metric_name: metricName,
      ...(dimensionNames.length ? { dimensions: dims } : {}),
      values,
    });
  }
  return points;
}
