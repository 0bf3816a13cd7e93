// Turns parsed runs-filter clauses into Kysely filters on `runs`. Clauses on metrics, params, tags,
// datasets and run names become sets of run ids (subqueries over one table, which the covering
// (key, value, run_uuid) indexes of migration 0004 answer without touching table rows); the search
// intersects them and keeps `runs.run_uuid IN (…)`, which never multiplies rows. Attributes and
// IS [NOT] NULL compare on `runs` directly.
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type SelectQueryBuilder,
  type SqlBool,
} from 'kysely';
import type { Database } from '../store/schema.js';
import { checkRunComparator, type RunClause } from './run-grammar.js';
import { compareNumber, compareText, type SqlFlavour } from './sql-compare.js';

export type RunCondition = (eb: ExpressionBuilder<Database, 'runs'>) => Expression<SqlBool>;

/** The ids of the runs a clause matches, as a subquery with one column, `run_uuid`. */
export type RunIdSet = (
  eb: ExpressionBuilder<Database, 'runs'>,
) => SelectQueryBuilder<Database, keyof Database, { run_uuid: string }>;

export type RunFilter = { condition: RunCondition } | { runIds: RunIdSet };

const RUN_NAME_TAG = 'mlflow.runName';
const DATASET_CONTEXT_TAG = 'mlflow.data.context';

/** Run attributes as MLflow names them → columns of `runs`. */
const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'run_uuid',
  run_name: 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
};

export function attributeColumn(key: string): string {
  const column = ATTRIBUTE_COLUMNS[key];
  if (!column) throw new Error(`no column for run attribute ${key}`);
  return column;
}

function metricRunIds(
  flavour: SqlFlavour,
  key: string,
  comparator: string,
  value: number,
): RunIdSet {
  const column = sql.ref('latest_metrics.value');
  // NaN is stored as 0 with is_nan = 1. Every comparison with NaN is false except `!=`, so the
  // stored 0 must never satisfy a filter, and a NaN always satisfies `!=`.
  const matches =
    comparator === '!='
      ? sql<SqlBool>`(${compareNumber(flavour, column, comparator, value)} OR latest_metrics.is_nan = 1)`
      : sql<SqlBool>`(${compareNumber(flavour, column, comparator, value)} AND latest_metrics.is_nan = 0)`;
  return (eb) =>
    eb
      .selectFrom('latest_metrics')
      .select('latest_metrics.run_uuid')
      .where('latest_metrics.key', '=', key)
      .where(matches);
}

function presenceCondition(
  table: 'params' | 'tags',
  key: string,
  comparator: 'IS NULL' | 'IS NOT NULL',
): RunCondition {
  return (eb) => {
    const present = eb.exists(
      eb
        .selectFrom(table)
        .select(`${table}.run_uuid`)
        .whereRef(`${table}.run_uuid`, '=', 'runs.run_uuid')
        .where(`${table}.key`, '=', key),
    );
    return comparator === 'IS NULL' ? eb.not(present) : present;
  };
}

function keyValueFilter(
  flavour: SqlFlavour,
  table: 'params' | 'tags',
  key: string,
  comparator: string,
  value: string | string[] | null,
): RunFilter {
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') {
    return { condition: presenceCondition(table, key, comparator) };
  }
  const matches = compareText(flavour, sql.ref(`${table}.value`), comparator, value!);
  return {
    runIds: (eb) =>
      eb
        .selectFrom(table)
        .select(`${table}.run_uuid`)
        .where(`${table}.key`, '=', key)
        .where(matches),
  };
}

function datasetRunIds(
  flavour: SqlFlavour,
  key: string,
  comparator: string,
  value: string | string[],
): RunIdSet {
  return (eb) => {
    let inputs = eb
      .selectFrom('inputs')
      .innerJoin('datasets', 'datasets.dataset_uuid', 'inputs.source_id')
      .select('inputs.destination_id as run_uuid')
      .where('inputs.destination_type', '=', 'RUN');
    if (key === 'context') {
      inputs = inputs
        .innerJoin('input_tags', (join) =>
          join
            .onRef('input_tags.input_uuid', '=', 'inputs.input_uuid')
            .on('input_tags.name', '=', DATASET_CONTEXT_TAG),
        )
        .where(compareText(flavour, sql.ref('input_tags.value'), comparator, value));
    } else {
      inputs = inputs.where(compareText(flavour, sql.ref(`datasets.${key}`), comparator, value));
    }
    return inputs as unknown as ReturnType<RunIdSet>;
  };
}

/** Checks the clause's comparator as MLflow does, then builds its filter. */
export function runFilter(flavour: SqlFlavour, clause: RunClause): RunFilter {
  const { kind, key, comparator } = checkRunComparator(clause);
  switch (kind) {
    case 'numeric-attribute':
      return {
        condition: () =>
          compareNumber(
            flavour,
            sql.ref(`runs.${attributeColumn(key)}`),
            comparator,
            clause.value as number,
          ),
      };
    case 'string-attribute':
      // MLflow reads run names from the mlflow.runName tag: runs logged by MLflow <= 1.29 have an
      // empty name column, and the tag is kept in step with it ever since.
      if (key === 'run_name') {
        return keyValueFilter(flavour, 'tags', RUN_NAME_TAG, comparator, clause.value as string);
      }
      return {
        condition: () =>
          compareText(
            flavour,
            sql.ref(`runs.${attributeColumn(key)}`),
            comparator,
            clause.value as string | string[],
          ),
      };
    case 'metric':
      return { runIds: metricRunIds(flavour, key, comparator, Number(clause.value)) };
    case 'parameter':
      return keyValueFilter(flavour, 'params', key, comparator, clause.value as string | null);
    case 'tag':
      return keyValueFilter(flavour, 'tags', key, comparator, clause.value as string | null);
    case 'dataset':
      return { runIds: datasetRunIds(flavour, key, comparator, clause.value as string | string[]) };
  }
}
