// Runs one GraphQL request as MLflow's /graphql does: parse, MLflow's bounds on the document,
// validation, execution; the answer is `{"data", "errors"}` with each error as its message alone
// (null when there are none), always with status 200. What only a broken request can cause (no
// query, variables that are not an object) is refused before, with MLflow's error envelope.
import {
  execute,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type ExecutionResult,
} from 'graphql';
import { MlflowError } from '../../errors.js';
import type { HandlerContext } from '../../http/endpoint.js';
import { protoFieldResolver } from './proto-fields.js';
import { queryLimitViolation } from './query-limits.js';
import { graphqlSchema } from './schema.js';

/** Far beyond any document a client sends (MLflow's UI sends a few hundred); bounds parse time. */
const MAX_TOKENS = 100_000;

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | string | null;
  operationName?: string | null;
}

export interface GraphqlAnswer {
  data: Record<string, unknown> | null;
  errors: string[] | null;
}

function variablesOf(variables: GraphqlRequest['variables']): Record<string, unknown> | undefined {
  if (variables === undefined || variables === null) return undefined;
  if (typeof variables !== 'string') return variables;
  // A GET carries them as JSON text in the query string.
  let parsed: unknown;
  try {
    parsed = JSON.parse(variables);
  } catch {
    parsed = undefined;
  }
  if (parsed === null) return undefined;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw MlflowError.invalidParameter("'variables' must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

/**
 * Field errors in the order MLflow reports them: it resolves fields one after the other, depth
 * first in the order of the answer; ours run concurrently and may fail in any order.
 */
function inAnswerOrder(
  errors: readonly GraphQLError[],
  data: ExecutionResult['data'],
): GraphQLError[] {
  const rank = (path: readonly (string | number)[]): number[] => {
    const ranks: number[] = [];
    let node: unknown = data;
    for (const key of path) {
      if (typeof key === 'number') ranks.push(key);
      else ranks.push(node && typeof node === 'object' ? Object.keys(node).indexOf(key) : -1);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    return ranks;
  };
  const keyed = errors.map((error, i) => ({ error, i, ranks: rank(error.path ?? []) }));
  keyed.sort((a, b) => {
    for (let k = 0; k < Math.min(a.ranks.length, b.ranks.length); k++) {
      if (a.ranks[k] !== b.ranks[k]) return a.ranks[k] - b.ranks[k];
    }
    return a.ranks.length - b.ranks.length || a.i - b.i;
  });
  return keyed.map((k) => k.error);
}

/** An error of ours that is no answer to the request (a bug, a database failure) fails it whole. */
function rethrowInternal(errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    const cause = error.originalError;
    if (cause && !(cause instanceof GraphQLError) && !(cause instanceof MlflowError)) throw cause;
  }
}

export async function runGraphql(
  request: GraphqlRequest,
  ctx: HandlerContext,
): Promise<GraphqlAnswer> {
  const variableValues = variablesOf(request.variables);
  let document: DocumentNode;
  try {
    document = parse(request.query, { maxTokens: MAX_TOKENS });
  } catch (err) {
    if (err instanceof GraphQLError) return { data: null, errors: [err.message] };
    throw err;
  }
  const violation = queryLimitViolation(document, {
    maxRootFields: ctx.config.graphqlMaxRootFields,
    maxAliases: ctx.config.graphqlMaxAliases,
  });
  if (violation) return { data: null, errors: [violation] };
  const invalid = validate(graphqlSchema, document);
  if (invalid.length) return { data: null, errors: invalid.map((e) => e.message) };
  const result = await execute({
    schema: graphqlSchema,
    document,
    variableValues,
    operationName: request.operationName ?? undefined,
    contextValue: ctx,
    fieldResolver: protoFieldResolver,
  });
  const errors = result.errors ?? [];
  rethrowInternal(errors);
  return {
    data: result.data ?? null,
    errors: errors.length ? inAnswerOrder(errors, result.data).map((e) => e.message) : null,
  };
}
