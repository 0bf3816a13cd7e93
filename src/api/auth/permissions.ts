// MLflow 3's per-user permission API (users/permissions/grant, revoke, get) mapped onto trackd's
// roles: a permission on every experiment or registered model of a workspace (`resource_id` "*")
// is the user's role in that project (READ → read, USE and EDIT → edit, MANAGE → manage).
// Permissions on one experiment or model have no counterpart and are refused with a clear error.
import { z } from 'zod';
import type { ProjectRole } from '../../auth/roles.js';
import { MlflowError } from '../../errors.js';
import { endpoint, type HandlerContext } from '../../http/endpoint.js';
import { requiredString } from '../wire/fields.js';
import { TAG } from './users.js';

const PERMISSIONS = '/3.0/mlflow/users/permissions';
// MLflow's names and order (mlflow/server/auth/permissions.py).
const PERMISSION_NAMES = ['READ', 'USE', 'EDIT', 'MANAGE', 'NO_PERMISSIONS', 'DENY'] as const;
const RESOURCE_TYPES = ['experiment', 'registered_model', 'logged_model', 'prompt', 'run', 'trace'];
const ROLE_OF: Record<string, ProjectRole | undefined> = {
  READ: 'read',
  USE: 'edit',
  EDIT: 'edit',
  MANAGE: 'manage',
};
const PERMISSION_OF: Record<string, string> = {
  read: 'READ',
  edit: 'EDIT',
  manage: 'MANAGE',
  admin: 'MANAGE',
  none: 'NO_PERMISSIONS',
};

const target = z.object({
  username: requiredString(),
  resource_type: requiredString(),
  resource_id: requiredString(),
});

function checkTarget(input: z.infer<typeof target>, project: string): void {
  if (input.resource_type === 'workspace') {
    throw MlflowError.invalidParameter(
      "resource_type 'workspace' is not supported by the per-user permission convenience APIs.",
    );
  }
  if (!RESOURCE_TYPES.includes(input.resource_type)) {
    throw MlflowError.invalidParameter(
      `Invalid resource type '${input.resource_type}'. Valid resource types are: ` +
        `${RESOURCE_TYPES.join(', ')}.`,
    );
  }
  if (input.resource_id !== '*') {
    throw MlflowError.invalidParameter(
      `trackd grants roles per project (workspace), not per ${input.resource_type}: use ` +
        `resource_id '*' to give '${input.username}' a role on everything in project '${project}'.`,
    );
  }
}

const projectOf = (ctx: HandlerContext) => ctx.project.name;

export const permissionEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${PERMISSIONS}/grant`],
    access: 'manage',
    tag: TAG,
    summary: 'Grant a user a permission on every resource of the project (its role there)',
    request: target.extend({ permission: requiredString() }),
    response: z.object({}),
    handler: async (input, ctx) => {
      await ctx.accounts.store.getUser(input.username);
      checkTarget(input, projectOf(ctx));
      const permission = input.permission;
      if (!(PERMISSION_NAMES as readonly string[]).includes(permission)) {
        throw MlflowError.invalidParameter(
          `Invalid permission '${permission}'. Valid permissions are: ${PERMISSION_NAMES.join(', ')}`,
        );
      }
      const role = ROLE_OF[permission];
      await ctx.accounts.grant(input.username, projectOf(ctx), role ?? 'none');
      return {};
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${PERMISSIONS}/revoke`],
    access: 'manage',
    tag: TAG,
    summary: "Remove a user's role in the project",
    request: target,
    response: z.object({}),
    handler: async (input, ctx) => {
      const user = await ctx.accounts.store.getUser(input.username);
      checkTarget(input, projectOf(ctx));
      if (!(await ctx.accounts.store.removeRole(user.id, projectOf(ctx)))) {
        throw MlflowError.notFound(
          `Permission for user=${input.username} on resource_type=${input.resource_type}, ` +
            `resource_id=${input.resource_id} not found.`,
        );
      }
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${PERMISSIONS}/get`],
    access: 'manage',
    tag: TAG,
    summary: "A user's permission on the project's resources (from its role)",
    request: target,
    response: z.object({ allowed: z.boolean(), permission: z.string() }),
    handler: async (input, ctx) => {
      const user = await ctx.accounts.store.getUser(input.username);
      checkTarget(input, projectOf(ctx));
      const role =
        user.is_admin === 1
          ? 'admin'
          : ((await ctx.accounts.store.roleIn(user.id, projectOf(ctx))) ?? 'none');
      const permission = PERMISSION_OF[role] ?? 'NO_PERMISSIONS';
      // MLflow's `allowed` is its can_use: false for READ.
      return { allowed: permission === 'EDIT' || permission === 'MANAGE', permission };
    },
  }),
];
