// What each GraphQL field MLflow resolves itself answers: the root fields call the same services
// and stores as the REST endpoints and shape their answer with the same JSON writers, so a
// GraphQL answer holds what the REST answer holds (other fields read it, see proto-fields.ts).
// Like MLflow, only the stores' own rules apply: the REST endpoints' request checks do not.
import { GraphQLError } from 'graphql';
import type { HandlerContext } from '../../http/endpoint.js';
import { searchDatasetSummaries } from '../../services/dataset-search.js';
import { listRunArtifacts } from '../../services/run-artifact-listing.js';
import { searchModelVersions, searchRuns } from '../../services/search-pages.js';
import { getExperiment, parseExperimentId } from '../../store/experiments.js';
import { sampleMetricHistory } from '../../store/metrics.js';
import { getRun } from '../../store/runs.js';
import { MODEL_VERSIONS_MAX_RESULTS } from '../../search/registry-search.js';
import type { ViewType } from '../../search/view-type.js';
import {
  datasetSummaryJson,
  fileInfoJson,
  type ExperimentJson,
  type RunJson,
} from '../wire/entities.js';
import { experimentJson } from '../wire/experiment-json.js';
import { modelVersionJson } from '../wire/registry-json.js';
import { metricJson, runJson, searchedRunJson } from '../wire/run-json.js';

type Input = Record<string, unknown>;
type Resolver = (source: unknown, args: Input, ctx: HandlerContext) => unknown;

/** SearchRuns' and GetMetricHistoryBulkInterval's protobuf defaults. */
const SEARCH_RUNS_MAX_RESULTS = 1000;
const BULK_POINTS_PER_RUN = 2500;
/** MLflow's store reads a missing experiment id as the default experiment's. */
const DEFAULT_EXPERIMENT_ID = '0';

/** MLflow's resolvers take their argument positionally: leaving it out fails the field. */
function required(args: Input, name: string, field: string): unknown {
  if (args[name] === undefined) {
    throw new GraphQLError(`The '${name}' argument of ${field} is required.`);
  }
  return args[name];
}

/** An input object; a null one fails the field too (MLflow reads its fields). */
function inputOf(args: Input, field: string): Input {
  const input = required(args, 'input', field);
  if (input === null) throw new GraphQLError(`The 'input' argument of ${field} must not be null.`);
  return input as Input;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.map((x) => String(x)) : []);

/**
 * A run's experiment, looked up once per request: a search's runs mostly share one, and the web
 * UI asks each run for it.
 */
const experimentsByRequest = new WeakMap<HandlerContext, Map<string, Promise<ExperimentJson>>>();
function experimentOfRun(id: string, ctx: HandlerContext): Promise<ExperimentJson> {
  let experiments = experimentsByRequest.get(ctx);
  if (!experiments) experimentsByRequest.set(ctx, (experiments = new Map()));
  let experiment = experiments.get(id);
  if (!experiment) {
    experiment = getExperiment(ctx.project.db, parseExperimentId(id)).then((e) =>
      experimentJson(e, ctx.project.name),
    );
    experiments.set(id, experiment);
  }
  return experiment;
}

async function modelVersionsOfRun(runId: string, ctx: HandlerContext) {
  const page = await searchModelVersions(ctx.project.db, {
    filter: `run_id='${runId}'`,
    orderBy: [],
    maxResults: MODEL_VERSIONS_MAX_RESULTS.default,
  });
  return page.versions.map((mv) => modelVersionJson(mv, false));
}

const queryFields: Record<string, Resolver> = {
  mlflowGetExperiment: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowGetExperiment');
    const id = text(input.experimentId) || DEFAULT_EXPERIMENT_ID;
    const experiment = await getExperiment(ctx.project.db, parseExperimentId(id));
    return { experiment: experimentJson(experiment, ctx.project.name) };
  },
  mlflowGetRun: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowGetRun');
    const runId = text(input.runId) || text(input.runUuid) || '';
    return { run: runJson(await getRun(ctx.project.db, runId)) };
  },
  mlflowSearchRuns: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowSearchRuns');
    const page = await searchRuns(ctx.project.db, {
      experimentIds: texts(input.experimentIds).map(parseExperimentId),
      filter: text(input.filter),
      runViewType: (input.runViewType as ViewType | null) ?? 'ACTIVE_ONLY',
      orderBy: texts(input.orderBy),
      maxResults: (input.maxResults as number | null) ?? SEARCH_RUNS_MAX_RESULTS,
      pageToken: text(input.pageToken) || undefined,
    });
    return { runs: page.runs.map(searchedRunJson), next_page_token: page.nextPageToken };
  },
  mlflowGetMetricHistoryBulkInterval: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowGetMetricHistoryBulkInterval');
    // MLflow 3.17 reads max_results, start_step and end_step from the URL's query string rather
    // than from this input, so they never take effect here: every run's whole history is sampled.
    const points = await sampleMetricHistory(
      ctx.project.db,
      texts(input.runIds),
      text(input.metricKey) ?? '',
      BULK_POINTS_PER_RUN,
    );
    return { metrics: points.map((p) => ({ ...metricJson(p), run_id: p.run_id })) };
  },
  mlflowListArtifacts: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowListArtifacts');
    const runId = text(input.runId) || text(input.runUuid) || '';
    const listing = await listRunArtifacts(ctx.project, runId, text(input.path));
    return { root_uri: listing.rootUri, files: listing.files.map(fileInfoJson) };
  },
  mlflowSearchModelVersions: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowSearchModelVersions');
    const page = await searchModelVersions(ctx.project.db, {
      filter: text(input.filter),
      orderBy: texts(input.orderBy),
      maxResults: (input.maxResults as number | null) ?? MODEL_VERSIONS_MAX_RESULTS.default,
      pageToken: text(input.pageToken) || undefined,
    });
    return {
      model_versions: page.versions.map((mv) => modelVersionJson(mv, false)),
      next_page_token: page.nextPageToken,
    };
  },
  test: (_s, args) => ({ output: required(args, 'inputString', 'test') }),
};

const mutationFields: Record<string, Resolver> = {
  mlflowSearchRuns: queryFields.mlflowSearchRuns,
  mlflowSearchDatasets: async (_s, args, ctx) => {
    const input = inputOf(args, 'mlflowSearchDatasets');
    const summaries = await searchDatasetSummaries(ctx.project.db, texts(input.experimentIds));
    return { dataset_summaries: summaries.map(datasetSummaryJson) };
  },
  // MLflow 3.17's resolver for this field is named so that graphene never finds it: it answers null.
  testMutation: () => null,
};

const runExtensionFields: Record<string, Resolver> = {
  experiment: (run, _args, ctx) => experimentOfRun((run as RunJson).info.experiment_id, ctx),
  modelVersions: (run, _args, ctx) => modelVersionsOfRun((run as RunJson).info.run_id, ctx),
};

/**
 * A metric value from the REST JSON, where non-finite doubles are written as strings. GraphQL's
 * Float has no infinities; MLflow's store clamps them to the largest doubles when they are logged,
 * which is what its GraphQL answers then hold, so ours answer those too (we keep them as logged).
 */
function metricNumber(value: unknown): number {
  const n = typeof value === 'string' ? Number(value) : (value as number);
  if (n === Infinity) return Number.MAX_VALUE;
  if (n === -Infinity) return -Number.MAX_VALUE;
  return n;
}

/** Resolvers by type and field, for the fields that do not simply read their value. */
export const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: queryFields,
  Mutation: mutationFields,
  MlflowRunExtension: runExtensionFields,
  // An echo, not a protobuf message: null stays null.
  Test: { output: (t) => (t as { output: unknown }).output },
  // MLflow answers a run's NaN metrics as null, so that one NaN does not fail the run's data.
  MlflowMetricExtension: {
    value: (m) => {
      const value = metricNumber((m as { value: unknown }).value);
      return Number.isNaN(value) ? null : value;
    },
  },
  // Sampled histories get no such care in MLflow: a NaN point is an error (and a null value), in
  // graphql-core's words.
  MlflowMetricWithRunId: {
    value: (m) => {
      const value = metricNumber((m as { value: unknown }).value);
      if (Number.isNaN(value))
        throw new GraphQLError('Float cannot represent non numeric value: nan');
      return value;
    },
  },
};
