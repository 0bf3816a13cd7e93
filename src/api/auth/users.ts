// MLflow's user API (mlflow/server/auth: what `get_app_client("basic-auth")` calls): create, get,
// list, current, update-password, update-admin, delete. Users are server-wide; the admin's
// endpoints are classed `admin`, the rest let each caller act on itself only.
import { z } from 'zod';
import type { Principal } from '../../auth/authenticator.js';
import { verifyPassword } from '../../auth/passwords.js';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import type { UserRow } from '../../store/server/server-store.js';
import { requiredString } from '../wire/fields.js';

const USERS = '/2.0/mlflow/users';
export const TAG = 'Users and access';

const userSchema = z
  .object({ id: z.number().int(), username: z.string(), is_admin: z.boolean() })
  .meta({ id: 'User' });
const userResponse = z.object({ user: userSchema });
const empty = z.object({});

function userJson(user: UserRow): z.infer<typeof userSchema> {
  return { id: user.id, username: user.username, is_admin: user.is_admin === 1 };
}

/** MLflow lets a user read and change only itself; admins anyone. */
function selfOrAdmin(principal: Principal, username: string): void {
  if (!principal.isAdmin && principal.username !== username) {
    throw new MlflowError(
      'PERMISSION_DENIED',
      `Permission denied: '${principal.username}' may only act on its own user.`,
    );
  }
}

export const userEndpoints = [
  endpoint({
    method: 'POST',
    paths: [`${USERS}/create`],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'Create a user (no role in any project until granted)',
    request: z.object({ username: requiredString(), password: requiredString() }),
    response: userResponse,
    handler: async (input, { accounts }) => ({
      user: userJson(await accounts.addUser(input.username, input.password)),
    }),
  }),
  endpoint({
    method: 'GET',
    paths: [`${USERS}/get`],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'Get a user (yourself, or anyone for an admin)',
    request: z.object({ username: requiredString() }),
    response: userResponse,
    handler: async (input, { accounts, principal }) => {
      selfOrAdmin(principal, input.username);
      return { user: userJson(await accounts.store.getUser(input.username)) };
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${USERS}/list`],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'List users',
    request: empty,
    response: z.object({ users: z.array(userSchema) }),
    handler: async (_input, { accounts }) => ({
      users: (await accounts.store.listUsers()).map(userJson),
    }),
  }),
  endpoint({
    method: 'GET',
    paths: [`${USERS}/current`],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'The calling user',
    request: empty,
    response: userResponse.extend({ is_basic_auth: z.boolean() }),
    handler: async (_input, { accounts, principal, config }) => {
      const user =
        principal.userId === null ? undefined : await accounts.store.findUser(principal.username);
      return {
        user: user ? userJson(user) : { id: 0, username: principal.username, is_admin: true },
        is_basic_auth: config.auth === 'basic',
      };
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${USERS}/update-password`],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: "Change a password (your own with the current one, or anyone's for an admin)",
    request: z.object({
      username: requiredString(),
      password: requiredString(),
      current_password: z.string().optional(),
    }),
    response: empty,
    handler: async (input, { accounts, principal }) => {
      selfOrAdmin(principal, input.username);
      const user = await accounts.store.getUser(input.username);
      if (principal.username === input.username) {
        // As MLflow: your own password only with the current one.
        if (!input.current_password) {
          throw MlflowError.invalidParameter(
            'Current password is required when changing your own password.',
          );
        }
        if (
          !user.password_hash ||
          !(await verifyPassword(input.current_password, user.password_hash))
        ) {
          throw MlflowError.invalidParameter('Current password does not match.');
        }
        if (input.password === input.current_password) {
          throw MlflowError.invalidParameter('New password must differ from the current password.');
        }
      }
      await accounts.setPassword(input.username, input.password);
      return {};
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${USERS}/update-admin`],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'Make a user admin or not',
    request: z.object({ username: requiredString(), is_admin: z.boolean() }),
    response: empty,
    handler: async (input, { accounts }) => {
      await accounts.setAdmin(input.username, input.is_admin);
      return {};
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${USERS}/delete`],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'Delete a user with its tokens and roles',
    request: z.object({ username: requiredString() }),
    response: empty,
    handler: async (input, { accounts, principal }) => {
      if (input.username === principal.username) {
        throw new MlflowError(
          'BAD_REQUEST',
          'Users cannot delete their own account. Ask another admin to delete this user instead.',
        );
      }
      await accounts.removeUser(input.username);
      return {};
    },
  }),
];
