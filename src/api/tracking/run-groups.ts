// trackd's grouped statistics (under its own prefix; documented in /openapi.json): the runs a
// search matches, grouped by params or tags, with the spread of a metric per group — of each
// run's final or best value, and along the steps. For people who run a configuration many times
// and want mean ± std per configuration rather than fifty overlapping lines.
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { GROUP_VALUES, runGroupStats } from '../../search/run-groups.js';
import { parseExperimentId } from '../../store/experiments.js';
import { requiredString } from '../wire/fields.js';
import { viewType } from '../wire/view-type.js';

const spread = {
  count: z.number().int(),
  mean: z.number(),
  std: z.number().meta({ description: 'Sample standard deviation (n − 1); 0 for one value' }),
  min: z.number(),
  max: z.number(),
};

export const runGroupEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/trackd/v1/runs/group-stats'],
    prefixes: ['/api', '/ajax-api'],
    access: 'read',
    tag: 'Runs',
    summary:
      "A metric's statistics per group of runs (grouped by params or tags), computed by the server",
    request: z.object({
      experiment_ids: z.array(z.string()).min(1),
      filter: z.string().optional(),
      run_view_type: viewType().optional(),
      group_by: z.array(z.string()).min(1),
      metric_key: requiredString(),
      value: z.enum(GROUP_VALUES).default('last'),
      max_steps: z.number().int().min(1).max(10_000).default(1000),
    }),
    response: z.object({
      groups: z.array(
        z.object({
          group: z.record(z.string(), z.string().nullable()),
          runs: z.number().int(),
          final: z.object({ ...spread, median: z.number() }),
          steps: z.array(z.object({ step: z.number().int(), ...spread })),
        }),
      ),
    }),
    handler: async (input, { project }) => ({
      groups: await runGroupStats(project.db, {
        experimentIds: input.experiment_ids.map(parseExperimentId),
        filter: input.filter,
        runViewType: input.run_view_type ?? 'ACTIVE_ONLY',
        groupBy: input.group_by,
        metricKey: input.metric_key,
        value: input.value,
        maxSteps: input.max_steps,
      }),
    }),
  }),
];
