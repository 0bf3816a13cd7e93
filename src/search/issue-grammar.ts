// MLflow's issue search filter (SearchIssuesUtils): comparisons joined by AND on `status` or
// `source_run_id`, each `=` or `!=` against a string; MLflow's messages for anything else.
import { MlflowError } from '../errors.js';
import { parseComparisons } from './filter-syntax.js';
import { stripQuotes } from './filter-values.js';
import { pySet } from './python-repr.js';

export const ISSUE_FILTER_KEYS = ['status', 'source_run_id'] as const;
const COMPARATORS = ['=', '!='] as const;

export interface IssueClause {
  key: (typeof ISSUE_FILTER_KEYS)[number];
  comparator: (typeof COMPARATORS)[number];
  value: string;
}

export function parseIssueFilter(filter: string | undefined): IssueClause[] {
  return parseComparisons(filter, { quoteInvalidClauses: false }, (c) => {
    const key = stripQuotes(c.identifier.trim()).trim();
    if (!(ISSUE_FILTER_KEYS as readonly string[]).includes(key)) {
      throw MlflowError.invalidParameter(
        `Invalid filter field '${key}'. Supported fields: ${pySet(ISSUE_FILTER_KEYS)}`,
      );
    }
    const comparator = c.comparator.toUpperCase();
    if (!(COMPARATORS as readonly string[]).includes(comparator)) {
      throw MlflowError.invalidParameter(
        `Invalid comparator '${comparator}'. Supported comparators: ${pySet(COMPARATORS)}`,
      );
    }
    return {
      key: key as IssueClause['key'],
      comparator: comparator as IssueClause['comparator'],
      value: stripQuotes((c.value?.text ?? '').trim()).trim(),
    };
  });
}
