// MLflow 3's registered scorers (`/api/3.0/mlflow/scorers/…`): versioned, serialized scorer
// definitions per experiment, and the online scoring configuration that samples an experiment's
// traces for one. A judge that calls `gateway:/<endpoint>` is stored by the endpoint's id (so
// renaming the endpoint keeps it working) and bound to the endpoint; answers name the endpoint.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { ScorerPayload } from '../../gateway/scorer-payload.js';
import { parseTraceFilter } from '../../search/trace-grammar.js';
import { parseExperimentId, type Db } from '../../store/experiments.js';
import { bindScorer, endpointNames, getEndpoint } from '../../store/gateway.js';
import {
  deleteScorer,
  getOnlineScoringConfigs,
  getScorerVersion,
  listLatestScorers,
  listScorerVersions,
  registerScorerVersion,
  upsertOnlineScoringConfig,
  type ScorerVersion,
} from '../../store/scorers.js';
import type { OnlineScoringConfigsTable } from '../../store/schema.js';
import { double, int64, requiredString } from '../wire/fields.js';

const SCORERS = '/3.0/mlflow/scorers';
const TAG = 'Scorers';

const scorerSchema = z.object({
  experiment_id: z.number(),
  scorer_name: z.string(),
  scorer_version: z.number(),
  serialized_scorer: z.string(),
  creation_time: z.number(),
  scorer_id: z.string(),
});

const onlineConfigSchema = z.object({
  online_scoring_config_id: z.string(),
  scorer_id: z.string(),
  sample_rate: z.number(),
  experiment_id: z.string(),
  filter_string: z.string().optional(),
});

/**
 * Stored definitions name gateway endpoints by id; answers name them by name, or carry no model
 * once the endpoint is gone.
 */
async function withEndpointNames(db: Db, versions: ScorerVersion[]): Promise<ScorerVersion[]> {
  const payloads = versions.map((v) => ScorerPayload.stored(v.serialized_scorer));
  const ids = payloads.map((p) => p?.gatewayEndpoint).filter((id): id is string => !!id);
  const names = await endpointNames(db, [...new Set(ids)]);
  return versions.map((v, i) => {
    const ref = payloads[i]?.gatewayEndpoint;
    if (!ref) return v;
    return { ...v, serialized_scorer: payloads[i]!.withGatewayEndpoint(names.get(ref) ?? null) };
  });
}

function scorerJson(v: ScorerVersion): z.infer<typeof scorerSchema> {
  return {
    experiment_id: Number(v.experiment_id),
    scorer_name: v.scorer_name,
    scorer_version: Number(v.scorer_version),
    serialized_scorer: v.serialized_scorer,
    creation_time: Number(v.creation_time),
    scorer_id: v.scorer_id,
  };
}

function onlineConfigJson(row: OnlineScoringConfigsTable): z.infer<typeof onlineConfigSchema> {
  return {
    online_scoring_config_id: row.online_scoring_config_id,
    scorer_id: row.scorer_id,
    sample_rate: row.sample_rate,
    experiment_id: String(row.experiment_id),
    ...(row.filter_string !== null ? { filter_string: row.filter_string } : {}),
  };
}

function scorerName(name: string): string {
  if (!name.trim()) {
    throw MlflowError.invalidParameter('Scorer name cannot be empty or contain only whitespace.');
  }
  return name;
}

const byName = z.object({ experiment_id: requiredString(), name: requiredString() });

export const scorerEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${SCORERS}/register`],
    access: 'edit',
    tag: TAG,
    summary: "Register a new version of an experiment's scorer",
    request: byName.extend({ serialized_scorer: requiredString() }),
    response: z.object({
      version: z.number(),
      scorer_id: z.string(),
      experiment_id: z.string(),
      name: z.string(),
      serialized_scorer: z.string(),
      creation_time: z.number(),
    }),
    handler: async (input, { project }) => {
      const payload = ScorerPayload.parse(input.serialized_scorer);
      const experimentId = parseExperimentId(input.experiment_id);
      const name = scorerName(input.name);
      const endpointName = payload.gatewayEndpoint;
      const gatewayEndpoint = endpointName
        ? await getEndpoint(project.db, { name: endpointName })
        : undefined;
      const version = await registerScorerVersion(project.db, {
        experimentId,
        name,
        serializedScorer: gatewayEndpoint
          ? payload.withGatewayEndpoint(gatewayEndpoint.endpoint_id)
          : input.serialized_scorer,
        bind: gatewayEndpoint
          ? (trx, scorerId) => bindScorer(trx, scorerId, gatewayEndpoint.endpoint_id, name)
          : undefined,
      });
      const [answer] = await withEndpointNames(project.db, [version]);
      return {
        version: answer.scorer_version,
        scorer_id: answer.scorer_id,
        experiment_id: String(answer.experiment_id),
        name: answer.scorer_name,
        serialized_scorer: answer.serialized_scorer,
        creation_time: answer.creation_time,
      };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${SCORERS}/list`],
    access: 'read',
    tag: TAG,
    summary: "The latest version of each of an experiment's scorers",
    request: z.object({ experiment_id: requiredString() }),
    response: z.object({ scorers: z.array(scorerSchema).optional() }),
    handler: async ({ experiment_id }, { project }) => {
      const latest = await listLatestScorers(project.db, parseExperimentId(experiment_id));
      const scorers = await withEndpointNames(project.db, latest);
      return scorers.length ? { scorers: scorers.map(scorerJson) } : {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${SCORERS}/versions`],
    access: 'read',
    tag: TAG,
    summary: "Every version of one of an experiment's scorers",
    request: byName,
    response: z.object({ scorers: z.array(scorerSchema).optional() }),
    handler: async (input, { project }) => {
      const all = await listScorerVersions(
        project.db,
        parseExperimentId(input.experiment_id),
        input.name,
      );
      const scorers = await withEndpointNames(project.db, all);
      return scorers.length ? { scorers: scorers.map(scorerJson) } : {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${SCORERS}/get`],
    access: 'read',
    tag: TAG,
    summary: 'A scorer version (the latest unless one is named)',
    request: byName.extend({ version: int64().optional() }),
    response: z.object({ scorer: scorerSchema }),
    handler: async (input, { project }) => {
      const version = await getScorerVersion(
        project.db,
        parseExperimentId(input.experiment_id),
        input.name,
        input.version,
      );
      const [answer] = await withEndpointNames(project.db, [version]);
      return { scorer: scorerJson(answer) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${SCORERS}/delete`],
    access: 'edit',
    tag: TAG,
    summary: 'Delete one version of a scorer, or the whole scorer when no version is named',
    request: byName.extend({ version: int64().optional() }),
    response: z.object({}),
    handler: async (input, { project }) => {
      await deleteScorer(
        project.db,
        parseExperimentId(input.experiment_id),
        input.name,
        input.version,
      );
      return {};
    },
  }),
  endpoint({
    method: 'PUT',
    paths: [`${SCORERS}/online-config`],
    access: 'edit',
    tag: TAG,
    summary:
      "Set how an experiment's traces are sampled for a scorer (replaces the previous setting)",
    request: byName.extend({
      sample_rate: double(),
      filter_string: z.string().nullable().optional(),
    }),
    response: z.object({ config: onlineConfigSchema }),
    handler: async (input, { project }) => {
      const rate = input.sample_rate;
      if (!(rate >= 0 && rate <= 1)) {
        throw MlflowError.invalidParameter(`sample_rate must be between 0.0 and 1.0, got ${rate}`);
      }
      const filter = input.filter_string ?? undefined;
      // A filter that would not parse when traces are sampled is refused now.
      if (filter) parseTraceFilter(filter);
      const row = await upsertOnlineScoringConfig(project.db, {
        experimentId: parseExperimentId(input.experiment_id),
        name: input.name,
        sampleRate: rate,
        filterString: filter,
        check: (latest) => {
          if (!latest || rate === 0) return;
          const payload = ScorerPayload.stored(latest.serialized_scorer);
          if (!payload?.gatewayEndpoint) {
            throw MlflowError.invalidParameter(
              `Scorer '${input.name}' does not use a gateway model. Automatic evaluation is ` +
                'only supported for scorers that use gateway models.',
            );
          }
          if (payload.needsExpectations) {
            throw MlflowError.invalidParameter(
              `Scorer '${input.name}' requires expectations, but scorers with expectations ` +
                'are not currently supported for automatic evaluation.',
            );
          }
        },
      });
      return { config: onlineConfigJson(row) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${SCORERS}/online-configs`],
    access: 'read',
    tag: TAG,
    summary: 'The online scoring configurations of the given scorers',
    request: z.object({ scorer_ids: z.array(z.string()).min(1) }),
    response: z.object({ configs: z.array(onlineConfigSchema) }),
    handler: async ({ scorer_ids }, { project }) => ({
      configs: (await getOnlineScoringConfigs(project.db, scorer_ids)).map(onlineConfigJson),
    }),
  }),
];
