// Every endpoint the server answers, family by family: the one table the router, the OpenAPI
// document and (soon) the access check are built from. A new endpoint goes into its family's list.
import type { AnyEndpoint } from '../http/endpoint.js';
import { artifactEndpoints } from './artifacts/endpoints.js';
import { authEndpoints } from './auth/endpoints.js';
import { genaiEndpoints } from './genai/endpoints.js';
import { graphqlEndpoints } from './graphql/endpoints.js';
import { loggedModelFamilyEndpoints } from './logged-models/endpoints.js';
import { registryEndpoints } from './registry/endpoints.js';
import { serverInfoEndpoints } from './server/server-info.js';
import { trackingEndpoints } from './tracking/endpoints.js';
import { traceFamilyEndpoints } from './traces/endpoints.js';
import { webhookEndpoints } from './webhooks/endpoints.js';
import { workspaceEndpoints } from './workspaces/workspaces.js';

export const allEndpoints: AnyEndpoint[] = [
  ...trackingEndpoints,
  ...workspaceEndpoints,
  ...serverInfoEndpoints,
  ...artifactEndpoints,
  ...loggedModelFamilyEndpoints,
  ...registryEndpoints,
  ...webhookEndpoints,
  ...genaiEndpoints,
  ...traceFamilyEndpoints,
  ...authEndpoints,
  ...graphqlEndpoints,
];
