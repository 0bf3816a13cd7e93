// The logged models family (MLflow 3): the models themselves and their artifacts.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { loggedModelArtifactEndpoints } from './logged-model-artifacts.js';
import { loggedModelEndpoints } from './logged-models.js';

export const loggedModelFamilyEndpoints: AnyEndpoint[] = [
  ...loggedModelEndpoints,
  ...loggedModelArtifactEndpoints,
];
