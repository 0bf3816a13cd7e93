// Issues found in an experiment's traces, as MLflow's SQL store keeps them: created PENDING unless
// told otherwise, updated field by field, searched by experiment and MLflow's issue filter, most
// severe first (then, when asked, most traces affected), newest first.
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { MlflowError } from '../errors.js';
import type { IssueClause } from '../search/issue-grammar.js';
import { getExperimentRow, type Db } from './experiments.js';
import type { IssuesTable } from './schema.js';

/** Severities from least to most severe, as MLflow ranks them. */
export const ISSUE_SEVERITIES = ['not_an_issue', 'low', 'medium', 'high'] as const;
export const ISSUE_STATUSES = ['pending', 'rejected', 'resolved'] as const;

export interface Issue extends IssuesTable {
  /** Traces with an assessment naming this issue; only when a search asks for it. */
  trace_count?: number;
}

export interface NewIssue {
  experimentId: number;
  name: string;
  description: string;
  status?: string;
  severity?: string;
  rootCauses?: string[];
  sourceRunId?: string;
  categories?: string[];
  createdBy?: string;
}

const jsonList = (list: string[] | undefined) => (list?.length ? JSON.stringify(list) : null);

export async function createIssue(db: Db, input: NewIssue): Promise<Issue> {
  const experiment = await getExperimentRow(db, input.experimentId);
  if (experiment.lifecycle_stage !== 'active') {
    throw MlflowError.notFound(`No Experiment with id=${input.experimentId} exists`);
  }
  const now = Date.now();
  const row: IssuesTable = {
    issue_id: `iss-${randomUUID().replaceAll('-', '')}`,
    experiment_id: input.experimentId,
    name: input.name,
    description: input.description,
    status: input.status ?? 'pending',
    severity: input.severity ?? null,
    root_causes: jsonList(input.rootCauses),
    source_run_id: input.sourceRunId || null,
    categories: jsonList(input.categories),
    created_timestamp: now,
    last_updated_timestamp: now,
    created_by: input.createdBy || null,
  };
  await db.insertInto('issues').values(row).execute();
  return row;
}

export async function getIssue(db: Db, issueId: string): Promise<Issue> {
  const row = await db
    .selectFrom('issues')
    .selectAll()
    .where('issue_id', '=', issueId)
    .executeTakeFirst();
  if (!row) throw MlflowError.notFound(`Issue with ID '${issueId}' not found`);
  return row;
}

export async function updateIssue(
  db: Db,
  issueId: string,
  changes: { status?: string; name?: string; description?: string; severity?: string },
): Promise<Issue> {
  await getIssue(db, issueId);
  const set: Partial<IssuesTable> = { last_updated_timestamp: Date.now() };
  if (changes.status !== undefined) set.status = changes.status;
  if (changes.name) set.name = changes.name;
  if (changes.description) set.description = changes.description;
  if (changes.severity !== undefined) set.severity = changes.severity;
  await db.updateTable('issues').set(set).where('issue_id', '=', issueId).execute();
  return getIssue(db, issueId);
}

export interface IssueSearch {
  experimentId?: number;
  clauses: IssueClause[];
  maxResults: number;
  offset: number;
  includeTraceCount: boolean;
}

/** One page of issues, and whether more follow. */
export async function searchIssues(
  db: Db,
  search: IssueSearch,
): Promise<{ issues: Issue[]; more: boolean }> {
  let query = db.selectFrom('issues as i').selectAll('i');
  if (search.experimentId !== undefined) {
    query = query.where('i.experiment_id', '=', search.experimentId);
  }
  for (const c of search.clauses) {
    query = query.where(`i.${c.key}`, c.comparator === '=' ? '=' : '!=', c.value);
  }
  const rank = sql`case i.severity ${sql.join(
    ISSUE_SEVERITIES.map((s, n) => sql`when ${s} then ${n}`),
    sql` `,
  )} else -1 end`;
  const traceCount = sql<number>`(select count(distinct a.trace_id) from assessments a
    where a.name = i.issue_id and a.assessment_type = 'issue')`;
  let ordered = query.orderBy(rank, 'desc');
  if (search.includeTraceCount) {
    ordered = ordered.select(traceCount.as('trace_count')).orderBy(traceCount, 'desc');
  }
  const rows = (await ordered
    .orderBy('i.created_timestamp', 'desc')
    .orderBy('i.issue_id', 'desc')
    .limit(search.maxResults + 1)
    .offset(search.offset)
    .execute()) as Issue[];
  return { issues: rows.slice(0, search.maxResults), more: rows.length > search.maxResults };
}
