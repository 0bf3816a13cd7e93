// `trace.metadata.<key> = 'value'` in QueryTraceMetrics, as MLflow's store reads it: the session,
// token usage and cost keys are compared through the analytics values MLflow keeps in columns
// (token usage and cost only when the value is the canonical JSON MLflow writes for them), a
// source run also matches a trace linked to that run, any other key is a metadata row.
import { sql } from 'kysely';
import { pyFloat } from '../search/python-repr.js';
import { finiteFloatOf, tokenCountOf, type JsonSql, type Sql } from './trace-json-sql.js';

const TOKEN_KEYS = [
  'input_tokens',
  'output_tokens',
  'total_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'cache_creation_input_tokens_above_1hr',
];
const COST_KEYS = ['input_cost', 'output_cost', 'total_cost'];

interface AnalyticsKey {
  items: string[];
  /** The Python converter MLflow applies when it fills the column. */
  convert: (value: unknown) => number | undefined;
  /** The SQL reading the same column out of the stored metadata JSON. */
  column: (j: JsonSql, json: Sql, item: string) => Sql;
  /** How json.dumps writes a converted value. */
  dump: (value: number) => string;
}

const ANALYTICS: Record<string, AnalyticsKey> = {
  'mlflow.trace.tokenUsage': {
    items: TOKEN_KEYS,
    convert: tokenCountOf,
    column: (j, json, item) => j.tokenCount(json, item),
    dump: String,
  },
  'mlflow.trace.cost': {
    items: COST_KEYS,
    convert: finiteFloatOf,
    column: (j, json, item) => j.finiteFloat(json, item),
    dump: pyFloat,
  },
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Equality with token usage or cost: MLflow normalizes the value (known keys, converted) and
 * matches only if the filter value is exactly that normal form's json.dumps; then every column
 * must equal it (the ones it lacks must be empty).
 */
function analyticsFilter(key: string, analytics: AnalyticsKey, value: string, j: JsonSql): Sql {
  const parsed = parseJson(value);
  const normal = new Map<string, number>();
  if (
    parsed !== null &&
    typeof parsed === 'object' &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).every((k) => analytics.items.includes(k))
  ) {
    for (const item of analytics.items) {
      const converted = analytics.convert((parsed as Record<string, unknown>)[item]);
      if (converted !== undefined) normal.set(item, converted);
    }
  }
  // Keys are plain ASCII, so JSON.stringify writes them as json.dumps does.
  const canonical = `{${[...normal].map(([k, v]) => `${JSON.stringify(k)}: ${analytics.dump(v)}`).join(', ')}}`;
  if (normal.size === 0 || value !== canonical) return sql`0 = 1`;
  const columns = analytics.items.map((item) => {
    const column = analytics.column(j, sql`m.value`, item);
    return normal.has(item) ? sql`${column} = ${normal.get(item)!}` : sql`${column} is null`;
  });
  return sql`exists (select 1 from trace_request_metadata m where m.request_id = t.request_id
    and m.key = ${key} and ${sql.join(columns, sql` and `)})`;
}

export function metadataFilter(key: string, value: string, j: JsonSql): Sql {
  const analytics = Object.hasOwn(ANALYTICS, key) ? ANALYTICS[key] : undefined;
  if (analytics) return analyticsFilter(key, analytics, value, j);
  const row = sql`exists (select 1 from trace_request_metadata m where m.request_id = t.request_id
    and m.key = ${key} and m.value = ${value})`;
  if (key !== 'mlflow.sourceRun') return row;
  // Traces linked to a run after the fact (link_traces_to_run) carry the run as an association.
  return sql`(${row} or exists (select 1 from entity_associations e where e.source_type = 'trace'
    and e.source_id = t.request_id and e.destination_type = 'run' and e.destination_id = ${value}))`;
}
