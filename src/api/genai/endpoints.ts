// The GenAI families of MLflow 3 that live under /api/3.0/mlflow: evaluation datasets, issues,
// registered scorers and the AI gateway's configuration.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { datasetEndpoints } from './datasets.js';
import { gatewayEndpoints } from './gateway.js';
import { gatewayUiEndpoints } from './gateway-ui.js';
import { issueEndpoints } from './issues.js';
import { scorerEndpoints } from './scorers.js';

export const genaiEndpoints: AnyEndpoint[] = [
  ...datasetEndpoints,
  ...issueEndpoints,
  ...scorerEndpoints,
  ...gatewayEndpoints,
  ...gatewayUiEndpoints,
];
