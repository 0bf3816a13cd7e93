// Experiments search: one query returning the ordered experiment ids of a page, validated in
// MLflow's order (max_results, filter syntax, comparators, order_by, page token).
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  checkExperimentClause,
  parseExperimentFilter,
  parseExperimentOrderBy,
  type CheckedExperimentClause,
  type ExperimentOrderTerm,
} from './experiment-grammar.js';
import { validateMaxResults } from './max-results.js';
import { createPageToken, parsePageToken } from './page-token.js';
import { compareNumber, compareText, sqlFlavour, type SqlFlavour } from './sql-compare.js';
import { lifecycleStages, type ViewType } from './view-type.js';

export interface ExperimentSearchOptions {
  filter?: string;
  viewType: ViewType;
  orderBy: string[];
  maxResults: number;
  pageToken?: string;
}

type ExperimentCondition = (eb: ExpressionBuilder<Database, 'experiments'>) => Expression<SqlBool>;

const DEFAULT_ORDER = ['creation_time DESC', 'experiment_id ASC'];

function experimentCondition(
  flavour: SqlFlavour,
  clause: CheckedExperimentClause,
): ExperimentCondition {
  switch (clause.field) {
    case 'experiment_id': {
      const { comparator, ids } = clause;
      if (comparator === 'IN') return (eb) => eb('experiments.experiment_id', 'in', ids);
      if (comparator === 'NOT IN') return (eb) => eb('experiments.experiment_id', 'not in', ids);
      return () => compareNumber(flavour, sql.ref('experiments.experiment_id'), comparator, ids[0]);
    }
    case 'name':
      return () =>
        compareText(flavour, sql.ref('experiments.name'), clause.comparator, clause.value);
    case 'creation_time':
    case 'last_update_time':
      return () =>
        compareNumber(
          flavour,
          sql.ref(`experiments.${clause.field}`),
          clause.comparator,
          clause.value,
        );
    case 'tag-presence': {
      const { key, comparator } = clause;
      return (eb) => {
        const present = eb.exists(
          eb
            .selectFrom('experiment_tags')
            .select('experiment_tags.experiment_id')
            .whereRef('experiment_tags.experiment_id', '=', 'experiments.experiment_id')
            .where('experiment_tags.key', '=', key),
        );
        return comparator === 'IS NULL' ? eb.not(present) : present;
      };
    }
    case 'tag': {
      const { key } = clause;
      const matches = compareText(
        flavour,
        sql.ref('experiment_tags.value'),
        clause.comparator,
        clause.value,
      );
      return (eb) =>
        eb(
          'experiments.experiment_id',
          'in',
          eb
            .selectFrom('experiment_tags')
            .select('experiment_tags.experiment_id')
            .where('experiment_tags.key', '=', key)
            .where(matches),
        );
    }
  }
}

/** The requested order (or MLflow's default), then experiment_id DESC as MLflow's tie-breaker. */
function experimentOrdering(orderBy: string[]): ExperimentOrderTerm[] {
  const terms = (orderBy.length ? orderBy : DEFAULT_ORDER).map(parseExperimentOrderBy);
  if (!terms.some((term) => term.key === 'experiment_id')) {
    terms.push({ key: 'experiment_id', ascending: false });
  }
  return terms;
}

export async function searchExperimentIds(
  db: Kysely<Database>,
  opts: ExperimentSearchOptions,
): Promise<{ experimentIds: number[]; nextPageToken?: string }> {
  validateMaxResults(opts.maxResults);
  const flavour = sqlFlavour(db);
  const conditions = parseExperimentFilter(opts.filter).map((clause) =>
    experimentCondition(flavour, checkExperimentClause(clause)),
  );
  const ordering = experimentOrdering(opts.orderBy);
  const offset = parsePageToken(opts.pageToken);

  let query = db
    .selectFrom('experiments')
    .select('experiments.experiment_id')
    .where('experiments.lifecycle_stage', 'in', lifecycleStages(opts.viewType));
  for (const condition of conditions) query = query.where(condition);
  for (const { key, ascending } of ordering) {
    query = query.orderBy(`experiments.${key}`, ascending ? 'asc' : 'desc');
  }
  // One row beyond the page tells whether another page exists, as MLflow decides it.
  const rows = await query
    .limit(opts.maxResults + 1)
    .offset(offset)
    .execute();
  const experimentIds = rows.slice(0, opts.maxResults).map((row) => Number(row.experiment_id));
  return rows.length > opts.maxResults
    ? { experimentIds, nextPageToken: createPageToken(offset + opts.maxResults) }
    : { experimentIds };
}
