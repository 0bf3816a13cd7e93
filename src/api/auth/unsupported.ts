// MLflow's permission APIs that have no counterpart in trackd's per-project roles: MLflow 2.x's
// per-experiment and per-registered-model permissions, and MLflow 3's roles API. They answer a
// clear error naming what to use instead, rather than a bare 404.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint, type HttpMethod } from '../../http/endpoint.js';
import { TAG } from './users.js';

const INSTEAD =
  'trackd grants roles per project (read, edit, manage), not per experiment or model, and has no ' +
  "custom roles: use users/permissions/grant with resource_id '*' in the project, " +
  '/api/trackd/v1/roles, or `trackd grant <user> <project> <role>`.';

function unsupported(method: HttpMethod, path: string) {
  return endpoint({
    method,
    paths: [path],
    access: 'manage',
    tag: TAG,
    summary: `Not supported (${INSTEAD.split(':')[0]})`,
    request: z.object({}).passthrough(),
    statuses: { other: { 400: 'Always: no counterpart in per-project roles' } },
    handler: () => {
      throw MlflowError.invalidParameter(
        `${path.split('/mlflow/')[1]} is not supported: ${INSTEAD}`,
      );
    },
  });
}

export const unsupportedPermissionEndpoints = [
  ...['experiments', 'registered-models'].flatMap((kind) => [
    unsupported('POST', `/2.0/mlflow/${kind}/permissions/create`),
    unsupported('GET', `/2.0/mlflow/${kind}/permissions/get`),
    unsupported('PATCH', `/2.0/mlflow/${kind}/permissions/update`),
    unsupported('DELETE', `/2.0/mlflow/${kind}/permissions/delete`),
  ]),
  ...[
    ['POST', 'roles/create'],
    ['GET', 'roles/get'],
    ['GET', 'roles/list'],
    ['PATCH', 'roles/update'],
    ['DELETE', 'roles/delete'],
    ['POST', 'roles/permissions/add'],
    ['DELETE', 'roles/permissions/remove'],
    ['GET', 'roles/permissions/list'],
    ['PATCH', 'roles/permissions/update'],
    ['POST', 'roles/assign'],
    ['DELETE', 'roles/unassign'],
    ['GET', 'roles/users/list'],
    ['GET', 'users/roles/list'],
  ].map(([method, path]) => unsupported(method as HttpMethod, `/3.0/mlflow/${path}`)),
];
