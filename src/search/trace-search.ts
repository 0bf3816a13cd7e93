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
  type TraceOrderTerm,
} from './trace-grammar.js';

export interface TraceSearch {
  experimentIds: number[];
  filter?: string;
  orderBy?: string[];
  maxResults: number;
  offset: number;
}

const SOURCE_RUN_KEY = 'mlflow.sourceRun';

/** Columns whose indexes a search is told not to use (SQLite's unary `+` hides a column's index). */
type Unindexed = ReadonlySet<TraceNumericColumn>;
const NONE: Unindexed = new Set();

function numericColumn(
  column: TraceNumericColumn,
  unindexed: Unindexed = NONE,
): Expression<unknown> {
  if (column === 'end_time_ms') return sql`(t.timestamp_ms + coalesce(t.execution_time_ms, 0))`;
  return unindexed.has(column) ? sql`+${sql.ref(`t.${column}`)}` : sql.ref(`t.${column}`);
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

/** What an assessment `a` must hold to satisfy a feedback or expectation clause. */
function assessmentMatch(
  flavour: SqlFlavour,
  clause: Extract<TraceClause, { kind: 'assessment' }>,
): RawBuilder<SqlBool> {
  const { comparator, value } = clause;
  const base = sql`a.assessment_type = ${clause.type} and a.name = ${clause.name} and a.valid = 1`;
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return sql<SqlBool>`${base}`;
  if (typeof value === 'number') {
    const match = compareNumber(flavour, sql.ref('a.aggregate_value'), comparator, value);
    return sql<SqlBool>`${base} and a.is_numeric_value = 1 and ${match}`;
  }
  const text = String(value);
  if (comparator === '=' || comparator === '!=') {
    // The stored value is json.dumps of the value: `'yes'` matches `"yes"`, `'0.5'` matches 0.5.
    const quoted = JSON.stringify(text);
    const match =
      comparator === '='
        ? sql`(a.value = ${text} or a.value = ${quoted})`
        : sql`(a.value <> ${text} and a.value <> ${quoted})`;
    return sql<SqlBool>`${base} and ${match}`;
  }
  return sql<SqlBool>`${base} and ${compareText(flavour, sql.ref('a.value'), comparator, text)}`;
}

const SESSION_KEY = 'mlflow.trace.session';

function assessmentCondition(
  flavour: SqlFlavour,
  clause: Extract<TraceClause, { kind: 'assessment' }>,
  experimentIds: number[],
): RawBuilder<SqlBool> {
  if (clause.type === 'issue') {
    // `issue.id = '<issue>'` names the issue by its value (any issue reference, valid or not).
    return sql<SqlBool>`exists (select 1 from assessments a where a.trace_id = t.request_id
      and a.assessment_type = 'issue' and a.name = ${String(clause.value)})`;
  }
  const match = assessmentMatch(flavour, clause);
  const direct = sql`exists (select 1 from assessments a where a.trace_id = t.request_id and ${match})`;
  // A session-level assessment (its metadata names the session) counts for every trace of that
  // session among the experiments searched, as in MLflow's store.
  const sessionTagged = compareText(
    flavour,
    sql.ref('a.assessment_metadata'),
    'LIKE',
    `%"${SESSION_KEY}":%`,
  );
  const bySession = sql`exists (select 1 from trace_request_metadata s
      join trace_request_metadata s2 on s2.key = s.key and s2.value = s.value
      join trace_info t2 on t2.request_id = s2.request_id
        and t2.experiment_id in (${sql.join(experimentIds)})
      join assessments a on a.trace_id = t2.request_id
      where s.request_id = t.request_id and s.key = ${SESSION_KEY} and ${match}
        and ${sessionTagged})`;
  return clause.comparator === 'IS NULL'
    ? sql<SqlBool>`(not ${direct} and not ${bySession})`
    : sql<SqlBool>`(${direct} or ${bySession})`;
}

/**
 * RLIKE on a span attribute, matched in the stored span: its attributes hold JSON-encoded values
 * (`"model":"\"gpt-4\""`), so `^` and `$` anchor at the encoded string's quotes, as in MLflow.
 */
function attributeRegex(key: string, value: string): string {
  const start = value.startsWith('^');
  const end = value.endsWith('$');
  const body = value.slice(start ? 1 : 0, end ? -1 : undefined);
  return `"${key}":"\\\\"${start ? '' : '.*'}${body}${end ? '\\\\"' : ''}`;
}

function spanCondition(
  flavour: SqlFlavour,
  clauses: Extract<TraceClause, { kind: 'span' }>[],
): RawBuilder<SqlBool> {
  const needsContent = clauses.some((c) => c.field === 'content' || c.field === 'attribute');
  const conditions = clauses.map((c) => {
    if (c.field === 'content')
      return compareText(flavour, sql.ref('c.content'), c.comparator, c.value);
    if (c.field === 'attribute') {
      const pattern =
        c.comparator === 'RLIKE'
          ? attributeRegex(c.key!, String(c.value))
          : `%"${c.key}"${String(c.value)}%`;
      return compareText(flavour, sql.ref('c.content'), c.comparator, pattern);
    }
    return compareText(flavour, sql.ref(`s.${c.field}`), c.comparator, c.value);
  });
  const join = needsContent
    ? sql`join span_contents c on c.trace_id = s.trace_id and c.span_id = s.span_id`
    : sql``;
  return sql<SqlBool>`exists (select 1 from spans s ${join}
    where s.trace_id = t.request_id and ${sql.join(conditions, sql` and `)})`;
}

function condition(
  flavour: SqlFlavour,
  clause: TraceClause,
  experimentIds: number[],
  unindexed: Unindexed = NONE,
): RawBuilder<SqlBool> {
  switch (clause.kind) {
    case 'number':
      return compareNumber(
        flavour,
        numericColumn(clause.column, unindexed),
        clause.comparator,
        clause.value,
        clause.column === 'end_time_ms',
      );
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
    case 'none':
      return sql<SqlBool>`1 = 0`;
    case 'tag':
      return keyValueCondition(flavour, 'trace_tags', clause);
    case 'metadata':
      return keyValueCondition(flavour, 'trace_request_metadata', clause);
    case 'assessment':
      return assessmentCondition(flavour, clause, experimentIds);
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

function orderExpression(key: TraceOrderKey, unindexed: Unindexed): Expression<unknown> {
  switch (key.kind) {
    case 'column':
      if (
        key.column === 'end_time_ms' ||
        key.column === 'timestamp_ms' ||
        key.column === 'execution_time_ms'
      ) {
        return numericColumn(key.column, unindexed);
      }
      return sql.ref(`t.${key.column}`);
    case 'tag':
      return sql`(select k.value from trace_tags k where k.request_id = t.request_id and k.key = ${key.key})`;
    case 'metadata':
      return sql`(select k.value from trace_request_metadata k
        where k.request_id = t.request_id and k.key = ${key.key})`;
  }
}

function clauseConditions(
  flavour: SqlFlavour,
  clauses: TraceClause[],
  experimentIds: number[],
  unindexed: Unindexed = NONE,
): RawBuilder<SqlBool>[] {
  const spanClauses = clauses.filter(
    (c): c is Extract<TraceClause, { kind: 'span' }> => c.kind === 'span',
  );
  const conditions = clauses.flatMap((c) =>
    c.kind === 'span' ? [] : [condition(flavour, c, experimentIds, unindexed)],
  );
  if (spanClauses.length > 0) conditions.push(spanCondition(flavour, spanClauses));
  return conditions;
}

/**
 * A trace filter as conditions on `trace_info as t` (none for an empty filter); every span
 * condition must hold on one and the same span. Throws MLflow's errors for a bad filter.
 */
export function traceFilterConditions(
  flavour: SqlFlavour,
  filter: string | undefined,
  experimentIds: number[],
): RawBuilder<SqlBool>[] {
  return clauseConditions(flavour, parseTraceFilter(filter), experimentIds);
}

/**
 * A time window ordered by execution time can be read two ways: the window from the time index,
 * every trace in it sorted (cost ∝ traces in the window, M), or the execution-time index walked
 * in order until a page is found (cost ∝ page × N / M, N the experiment's traces). SQLite has no
 * statistics to choose, so the window is counted here, up to where the walk wins: M² = page × N.
 * The index not to use is returned. N is bounded by the table's rowid span (one index seek each).
 */
async function executionTimeWindowPlan(
  db: Kysely<Database>,
  search: TraceSearch,
  flavour: SqlFlavour,
  clauses: TraceClause[],
  order: TraceOrderTerm[],
): Promise<Unindexed> {
  const first = order[0];
  const windowed = clauses.some((c) => c.kind === 'number' && c.column === 'timestamp_ms');
  const byExecutionTime =
    first?.key.kind === 'column' && first.key.column === 'execution_time_ms' && !first.ascending;
  if (flavour !== 'sqlite' || !windowed || !byExecutionTime) return NONE;
  // Each of max and min alone is one seek; together in one select they would scan the table.
  const { rows } = await sql<{ n: number | null }>`select
    (select max(rowid) from trace_info) - (select min(rowid) from trace_info) + 1 as n`.execute(db);
  const n = rows[0]?.n ?? 0;
  const enough = Math.ceil(Math.sqrt((search.offset + search.maxResults) * Number(n)));
  const times = clauses.filter((c) => c.kind === 'number' && c.column === 'timestamp_ms');
  let window = db
    .selectFrom('trace_info as t')
    .select(sql`1`.as('one'))
    .where('t.experiment_id', 'in', search.experimentIds);
  for (const c of clauseConditions(flavour, times, search.experimentIds)) window = window.where(c);
  const { m } = await db
    .selectFrom(window.limit(enough).as('w'))
    .select(sql<number>`count(*)`.as('m'))
    .executeTakeFirstOrThrow();
  return new Set([Number(m) >= enough ? 'timestamp_ms' : 'execution_time_ms']);
}

/** The ids of one page of matching traces, in order. Throws MLflow's errors for a bad filter. */
export async function searchTraceIds(db: Kysely<Database>, search: TraceSearch): Promise<string[]> {
  const flavour = sqlFlavour(db);
  const clauses = parseTraceFilter(search.filter);
  clauseConditions(flavour, clauses, search.experimentIds); // MLflow's errors come first
  const order = parseTraceOrderBy(search.orderBy);
  if (search.experimentIds.length === 0) return [];
  const unindexed = await executionTimeWindowPlan(db, search, flavour, clauses, order);
  let query = db
    .selectFrom('trace_info as t')
    .select('t.request_id')
    .where('t.experiment_id', 'in', search.experimentIds);
  for (const c of clauseConditions(flavour, clauses, search.experimentIds, unindexed)) {
    query = query.where(c);
  }
  for (const term of order) {
    const expression = orderExpression(term.key, unindexed);
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
