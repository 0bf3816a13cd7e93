// SearchTracesV3 as SQL: the trace grammar's clauses become conditions on trace_info (tags,
// metadata, spans and assessments through EXISTS, each on its own primary-key or trace index),
// ordered with MLflow's tie-breakers and paged by offset.
import { sql, type Expression, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import { compareNumber, compareText, sqlFlavour, type SqlFlavour } from './sql-compare.js';
import {
  parseTraceFilter,
  parseTraceOrderBy,
  type TraceClause,
  type TraceNumericColumn,
  type TraceOrderKey,
} from './trace-grammar.js';

export interface TraceSearch {
  experimentIds: number[];
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  offset: number;
}

const SOURCE_RUN_KEY = 'mlflow.sourceRun';

function numericColumn(column: TraceNumericColumn): Expression<unknown> {
  return column === 'end_time_ms'
    ? sql`(t.timestamp_ms + coalesce(t.execution_time_ms, 0))`
    : sql.ref(`t.${column}`);
}

function keyValueCondition(
  flavour: SqlFlavour,
  table: 'trace_tags' | 'trace_request_metadata',
  clause: { key: string; comparator: string; value?: string },
): RawBuilder<SqlBool> {
  const base = sql`select 1 from ${sql.table(table)} k where k.request_id = t.request_id and k.key = ${clause.key}`;
  if (clause.comparator === 'IS NULL') return sql<SqlBool>`not exists (${base})`;
  if (clause.comparator === 'IS NOT NULL') return sql<SqlBool>`exists (${base})`;
  const match = compareText(flavour, sql.ref('k.value'), clause.comparator, clause.value!);
  return sql<SqlBool>`exists (${base} and ${match})`;
}

function assessmentCondition(
  flavour: SqlFlavour,
  clause: Extract<TraceClause, { kind: 'assessment' }>,
): RawBuilder<SqlBool> {
  // `issue.id = '<issue>'` names the issue by its value; the others name the assessment by key.
  const name = clause.type === 'issue' ? String(clause.value ?? '') : clause.name;
  const base = sql`select 1 from assessments a where a.trace_id = t.request_id
    and a.assessment_type = ${clause.type} and a.name = ${name} and a.valid = 1`;
  const { comparator, value } = clause;
  if (comparator === 'IS NULL') return sql<SqlBool>`not exists (${base})`;
  if (comparator === 'IS NOT NULL' || clause.type === 'issue') {
    return sql<SqlBool>`exists (${base})`;
  }
  if (typeof value === 'number') {
    const match = compareNumber(sql.ref('a.aggregate_value'), comparator, value);
    return sql<SqlBool>`exists (${base} and a.is_numeric_value = 1 and ${match})`;
  }
  const text = String(value);
  if (comparator === '=' || comparator === '!=') {
    // The stored value is json.dumps of the value: `'yes'` matches `"yes"`, `'0.5'` matches 0.5.
    const quoted = JSON.stringify(text);
    const match =
      comparator === '='
        ? sql`(a.value = ${text} or a.value = ${quoted})`
        : sql`(a.value <> ${text} and a.value <> ${quoted})`;
    return sql<SqlBool>`exists (${base} and ${match})`;
  }
  return sql<SqlBool>`exists (${base} and ${compareText(flavour, sql.ref('a.value'), comparator, text)})`;
}

export function spanCondition(
  flavour: SqlFlavour,
  clauses: Extract<TraceClause, { kind: 'span' }>[],
): RawBuilder<SqlBool> {
  const needsContent = clauses.some((c) => c.field === 'content' || c.field === 'attribute');
  const conditions = clauses.map((c) => {
    if (c.field === 'content')
      return compareText(flavour, sql.ref('c.content'), c.comparator, c.value);
    if (c.field === 'attribute') {
      return compareText(
        flavour,
        sql.ref('c.content'),
        c.comparator,
        `%"${c.key}"${String(c.value)}%`,
      );
    }
    return compareText(flavour, sql.ref(`s.${c.field}`), c.comparator, c.value);
  });
  const join = needsContent
    ? sql`join span_contents c on c.trace_id = s.trace_id and c.span_id = s.span_id`
    : sql``;
  return sql<SqlBool>`exists (select 1 from spans s ${join}
    where s.trace_id = t.request_id and ${sql.join(conditions, sql` and `)})`;
}

export function condition(flavour: SqlFlavour, clause: TraceClause): RawBuilder<SqlBool> {
  switch (clause.kind) {
    case 'number':
      return compareNumber(numericColumn(clause.column), clause.comparator, clause.value);
    case 'text':
      return compareText(flavour, sql.ref(`t.${clause.column}`), clause.comparator, clause.value);
    case 'run': {
      const list = sql.join(clause.value.map((v) => sql`${v}`));
      const match = sql`(exists (select 1 from trace_request_metadata m
          where m.request_id = t.request_id and m.key = ${SOURCE_RUN_KEY} and m.value in (${list}))
        or exists (select 1 from entity_associations e where e.source_type = 'trace'
          and e.source_id = t.request_id and e.destination_type = 'run'
          and e.destination_id in (${list})))`;
      return clause.negate ? sql<SqlBool>`not ${match}` : sql<SqlBool>`${match}`;
    }
    case 'prompt':
      return sql<SqlBool>`exists (select 1 from entity_associations e where e.source_type = 'trace'
        and e.source_id = t.request_id and e.destination_type = 'prompt_version'
        and e.destination_id = ${clause.value})`;
    case 'content':
      return sql<SqlBool>`exists (select 1 from span_contents c where c.trace_id = t.request_id
        and ${compareText(flavour, sql.ref('c.content'), clause.comparator, clause.value)})`;
    case 'tag':
      return keyValueCondition(flavour, 'trace_tags', clause);
    case 'metadata':
      return keyValueCondition(flavour, 'trace_request_metadata', clause);
    case 'assessment':
      return assessmentCondition(flavour, clause);
    case 'span':
      return spanCondition(flavour, [clause]);
  }
}

/** trace_info's NOT NULL columns (migration 0008), and the end time computed from them. */
const NEVER_NULL = new Set([
  'request_id',
  'experiment_id',
  'timestamp_ms',
  'status',
  'end_time_ms',
]);

function neverNull(key: TraceOrderKey): boolean {
  return key.kind === 'column' && NEVER_NULL.has(key.column);
}

function orderExpression(key: TraceOrderKey): Expression<unknown> {
  switch (key.kind) {
    case 'column':
      if (
        key.column === 'end_time_ms' ||
        key.column === 'timestamp_ms' ||
        key.column === 'execution_time_ms'
      ) {
        return numericColumn(key.column);
      }
      return sql.ref(`t.${key.column}`);
    case 'tag':
      return sql`(select k.value from trace_tags k where k.request_id = t.request_id and k.key = ${key.key})`;
    case 'metadata':
      return sql`(select k.value from trace_request_metadata k
        where k.request_id = t.request_id and k.key = ${key.key})`;
  }
}

/** The ids of one page of matching traces, in order. Throws MLflow's errors for a bad filter. */
export async function searchTraceIds(db: Kysely<Database>, search: TraceSearch): Promise<string[]> {
  const clauses = parseTraceFilter(search.filter);
  const order = parseTraceOrderBy(search.orderBy);
  if (search.experimentIds.length === 0) return [];
  const flavour = sqlFlavour(db);
  let query = db
    .selectFrom('trace_info as t')
    .select('t.request_id')
    .where('t.experiment_id', 'in', search.experimentIds);
  const spanClauses = clauses.filter(
    (c): c is Extract<TraceClause, { kind: 'span' }> => c.kind === 'span',
  );
  for (const clause of clauses) {
    if (clause.kind !== 'span') query = query.where(condition(flavour, clause));
  }
  // Every span condition must hold on one and the same span.
  if (spanClauses.length > 0) query = query.where(spanCondition(flavour, spanClauses));
  for (const term of order) {
    const expression = orderExpression(term.key);
    // Nulls last, as MLflow sorts. A column that is never null needs no such term, nor does a
    // descending order on SQLite (its nulls sort lowest): without it SQLite reads the order
    // straight from an index where one serves it instead of sorting every matching trace.
    const nullsLastAlready = neverNull(term.key) || (flavour === 'sqlite' && !term.ascending);
    if (!nullsLastAlready) query = query.orderBy(sql`${expression} is null`);
    query = query.orderBy(expression, term.ascending ? 'asc' : 'desc');
  }
  const rows = await query.limit(search.maxResults).offset(search.offset).execute();
  return rows.map((r) => r.request_id);
}
