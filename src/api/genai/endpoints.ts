// The GenAI families of MLflow 3 that live under /api/3.0/mlflow: evaluation datasets so far.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { datasetEndpoints } from './datasets.js';
import { issueEndpoints } from './issues.js';

export const genaiEndpoints: AnyEndpoint[] = [...datasetEndpoints, ...issueEndpoints];
