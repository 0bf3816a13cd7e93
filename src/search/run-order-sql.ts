// Runs order_by → ORDER BY terms (and the LEFT JOINs they sort on), in MLflow's order: each
// requested key with runs lacking it last in either direction (NaN metrics between the real values
// and the missing ones), then start_time DESC unless requested, then run_uuid as the tie-breaker.
import { sql, type Expression, type SqlBool } from 'kysely';
import { MlflowError } from '../errors.js';
import { pyRepr } from './python-repr.js';
import { parseRunOrderBy } from './run-grammar.js';
import { attributeColumn } from './run-filter-sql.js';

export interface OrderJoin {
  table: 'latest_metrics' | 'params' | 'tags';
  alias: string;
  key: string;
}

export interface OrderTerm {
  expression: Expression<unknown>;
  direction: 'asc' | 'desc';
}

export interface RunOrdering {
  joins: OrderJoin[];
  terms: OrderTerm[];
  /**
   * When the first key is a metric: its key, and one condition per value of the first term (the
   * rank: real values, NaN, missing) that holds exactly when the rank has that value. Within one
   * rank the rank term is constant, so `terms.slice(1)` orders it as `terms` would; run-search.ts
   * fetches the ranks in turn so that SQLite can walk the metric's (key, value) index in order.
   */
  leadingMetric?: { key: string; rankConditions: Expression<SqlBool>[] };
}

const TABLES = { metric: 'latest_metrics', parameter: 'params', tag: 'tags' } as const;

export function runOrdering(orderBy: string[]): RunOrdering {
  const joins: OrderJoin[] = [];
  const terms: OrderTerm[] = [];
  const seen = new Set<string>();
  let leadingMetric: RunOrdering['leadingMetric'];
  for (const entry of orderBy) {
    const { type, key, ascending } = parseRunOrderBy(entry);
    const direction = ascending ? 'asc' : 'desc';
    if (type === 'attribute') {
      const column = sql.ref(`runs.${attributeColumn(key)}`);
      terms.push({
        expression: sql`CASE WHEN ${column} IS NULL THEN 1 ELSE 0 END`,
        direction: 'asc',
      });
      terms.push({ expression: column, direction });
    } else {
      const alias = `order_${joins.length + 1}`;
      joins.push({ table: TABLES[type], alias, key });
      const value = sql.ref(`${alias}.value`);
      const rank =
        type === 'metric'
          ? sql`CASE WHEN ${sql.ref(`${alias}.is_nan`)} = 1 THEN 1 WHEN ${value} IS NULL THEN 2 ELSE 0 END`
          : sql`CASE WHEN ${value} IS NULL THEN 1 ELSE 0 END`;
      terms.push({ expression: rank, direction: 'asc' });
      terms.push({ expression: value, direction });
      if (type === 'metric' && terms.length === 2) {
        // `value` is NOT NULL in the table, so a NULL is_nan means the run lacks the metric.
        const isNan = sql.ref(`${alias}.is_nan`);
        leadingMetric = {
          key,
          rankConditions: [
            sql<SqlBool>`${isNan} <> 1`,
            sql<SqlBool>`${isNan} = 1`,
            sql<SqlBool>`${isNan} IS NULL`,
          ],
        };
      }
    }
    const field = `${type}\u0000${key}`;
    if (seen.has(field)) {
      // MLflow answers this client mistake with a 500 (no error code); we say 400 with its message.
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `\`order_by\` contains duplicate fields: ${pyRepr(orderBy)}`,
      );
    }
    seen.add(field);
  }
  if (!seen.has('attribute\u0000start_time')) {
    terms.push({ expression: sql.ref('runs.start_time'), direction: 'desc' });
  }
  terms.push({ expression: sql.ref('runs.run_uuid'), direction: 'asc' });
  return { joins, terms, ...(leadingMetric ? { leadingMetric } : {}) };
}
