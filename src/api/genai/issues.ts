// MLflow 3's issues API (`/api/3.0/mlflow/issues`): problems found in an experiment's traces,
// created, read, updated and searched as MLflow's handlers and SQL store answer.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { parseIssueFilter } from '../../search/issue-grammar.js';
import { validateMaxResults } from '../../search/max-results.js';
import { createPageToken, parsePageToken } from '../../search/page-token.js';
import { parseExperimentId } from '../../store/experiments.js';
import {
  createIssue,
  getIssue,
  ISSUE_SEVERITIES,
  ISSUE_STATUSES,
  searchIssues,
  updateIssue,
  type Issue,
} from '../../store/issues.js';
import { int64, requiredString } from '../wire/fields.js';

const ISSUES = '/3.0/mlflow/issues';
const TAG = 'Issues';
const SEARCH_DEFAULT_MAX_RESULTS = 100;

const issueSchema = z.object({
  issue_id: z.string(),
  experiment_id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.string(),
  severity: z.string().optional(),
  root_causes: z.array(z.string()).optional(),
  source_run_id: z.string().optional(),
  categories: z.array(z.string()).optional(),
  created_timestamp: z.number(),
  last_updated_timestamp: z.number(),
  created_by: z.string().optional(),
  trace_count: z.number().optional(),
});
const issueResponse = z.object({ issue: issueSchema });

/** One of an enum's values, or MLflow's refusal naming the valid ones. */
function oneOf(field: string, values: readonly string[], value: string | undefined) {
  if (value === undefined || values.includes(value)) return value;
  throw MlflowError.invalidParameter(
    `Invalid ${field} '${value}'. Valid values: ${values.join(', ')}.`,
  );
}

function issueJson(issue: Issue): z.infer<typeof issueSchema> {
  const list = (text: string | null) => {
    const items = text ? (JSON.parse(text) as string[]) : [];
    return items.length ? items : undefined;
  };
  return {
    issue_id: issue.issue_id,
    experiment_id: String(issue.experiment_id),
    name: issue.name,
    description: issue.description,
    status: issue.status,
    ...(issue.severity ? { severity: issue.severity } : {}),
    ...(list(issue.root_causes) ? { root_causes: list(issue.root_causes) } : {}),
    ...(issue.source_run_id ? { source_run_id: issue.source_run_id } : {}),
    ...(list(issue.categories) ? { categories: list(issue.categories) } : {}),
    created_timestamp: Number(issue.created_timestamp),
    last_updated_timestamp: Number(issue.last_updated_timestamp),
    ...(issue.created_by ? { created_by: issue.created_by } : {}),
    ...(issue.trace_count !== undefined ? { trace_count: Number(issue.trace_count) } : {}),
  };
}

export const issueEndpoints = [
  endpoint({
    method: 'POST',
    paths: [ISSUES],
    access: 'edit',
    tag: TAG,
    summary: "Create an issue found in an experiment's traces (PENDING unless a status is given)",
    request: z.object({
      experiment_id: requiredString(),
      name: requiredString(),
      description: requiredString(),
      status: z.string().optional(),
      severity: z.string().optional(),
      root_causes: z.array(z.string()).optional(),
      source_run_id: z.string().optional(),
      categories: z.array(z.string()).optional(),
      created_by: z.string().optional(),
    }),
    response: issueResponse,
    handler: async (input, { project }) => {
      const issue = await createIssue(project.db, {
        experimentId: parseExperimentId(input.experiment_id),
        name: input.name,
        description: input.description,
        status: oneOf('issue status', ISSUE_STATUSES, input.status),
        severity: oneOf('issue severity', ISSUE_SEVERITIES, input.severity),
        rootCauses: input.root_causes,
        sourceRunId: input.source_run_id,
        categories: input.categories,
        createdBy: input.created_by,
      });
      return { issue: issueJson(issue) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${ISSUES}/:issue_id`],
    access: 'read',
    tag: TAG,
    summary: 'Get an issue',
    request: z.object({ issue_id: requiredString() }),
    response: issueResponse,
    handler: async ({ issue_id }, { project }) => ({
      issue: issueJson(await getIssue(project.db, issue_id)),
    }),
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${ISSUES}/:issue_id`],
    access: 'edit',
    tag: TAG,
    summary: "Update an issue's status, name, description or severity",
    request: z.object({
      issue_id: requiredString(),
      status: z.string().optional(),
      name: z.string().optional(),
      description: z.string().optional(),
      severity: z.string().optional(),
    }),
    response: issueResponse,
    handler: async (input, { project }) => {
      const issue = await updateIssue(project.db, input.issue_id, {
        status: oneOf('issue status', ISSUE_STATUSES, input.status),
        name: input.name,
        description: input.description,
        severity: oneOf('issue severity', ISSUE_SEVERITIES, input.severity),
      });
      return { issue: issueJson(issue) };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${ISSUES}/search`],
    access: 'read',
    tag: TAG,
    summary:
      'Search issues (by experiment and a filter on status or source_run_id), most severe first',
    request: z.object({
      experiment_id: z.string().optional(),
      filter_string: z.string().optional(),
      max_results: int64().optional(),
      page_token: z.string().optional(),
      include_trace_count: z.boolean().optional(),
    }),
    response: z.object({ issues: z.array(issueSchema).optional(), next_page_token: z.string() }),
    handler: async (input, { project }) => {
      const maxResults = input.max_results ?? SEARCH_DEFAULT_MAX_RESULTS;
      validateMaxResults(maxResults);
      const offset = parsePageToken(input.page_token || undefined);
      const { issues, more } = await searchIssues(project.db, {
        experimentId: input.experiment_id ? parseExperimentId(input.experiment_id) : undefined,
        clauses: parseIssueFilter(input.filter_string || undefined),
        maxResults,
        offset,
        includeTraceCount: input.include_trace_count ?? false,
      });
      return {
        ...(issues.length ? { issues: issues.map(issueJson) } : {}),
        // MLflow sends the token even when empty: "" marks the last page.
        next_page_token: more ? createPageToken(offset + maxResults) : '',
      };
    },
  }),
];
