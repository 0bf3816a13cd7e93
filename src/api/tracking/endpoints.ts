// The tracking family: experiments, runs and their metrics, params, tags and inputs.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { datasetSummaryEndpoints } from './dataset-summaries.js';
import { experimentEndpoints } from './experiments.js';
import { metricEndpoints } from './metrics.js';
import { runGroupEndpoints } from './run-groups.js';
import { runEndpoints } from './runs.js';
import { logModelEndpoints } from './log-model.js';
import { promptlabEndpoints } from './promptlab.js';

export const trackingEndpoints: AnyEndpoint[] = [
  ...experimentEndpoints,
  ...datasetSummaryEndpoints,
  ...runEndpoints,
  ...logModelEndpoints,
  ...promptlabEndpoints,
  ...metricEndpoints,
  ...runGroupEndpoints,
];
