// The users and access family: MLflow's user and permission API, trackd's tokens and roles.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { accessEndpoints } from './access.js';
import { permissionEndpoints } from './permissions.js';
import { tokenEndpoints } from './tokens.js';
import { unsupportedPermissionEndpoints } from './unsupported.js';
import { userEndpoints } from './users.js';

export const authEndpoints: AnyEndpoint[] = [
  ...userEndpoints,
  ...permissionEndpoints,
  ...tokenEndpoints,
  ...accessEndpoints,
  ...unsupportedPermissionEndpoints,
];
