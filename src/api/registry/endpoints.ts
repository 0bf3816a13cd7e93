// The model registry family: registered models (with their tags and aliases) and their versions.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { modelVersionEndpoints } from './model-versions.js';
import { registeredModelEndpoints } from './registered-models.js';

export const registryEndpoints: AnyEndpoint[] = [
  ...registeredModelEndpoints,
  ...modelVersionEndpoints,
];
