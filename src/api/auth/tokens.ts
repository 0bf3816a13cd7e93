// Personal access tokens and project roles over REST (trackd's own, under /api/trackd/v1): what
// `trackd tokens …` and `trackd grant …` do, for callers without a shell on the server. A token is
// shown once, in the answer that creates it; a request signed with a token can only make tokens
// no broader than that one.
import { z } from 'zod';
import type { Principal } from '../../auth/authenticator.js';
import { PROJECT_ROLES } from '../../auth/roles.js';
import { TOKEN_SCOPES, type TokenScope } from '../../auth/tokens.js';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { validateProjectName } from '../../http/project-scope.js';
import { withStatus } from '../../http/responses.js';
import type { TokenWithUser } from '../../store/server/server-store.js';
import { requiredString } from '../wire/fields.js';
import { TAG } from './users.js';

const TOKENS = '/trackd/v1/tokens';
const ROLES = '/trackd/v1/roles';

const tokenInfoSchema = z
  .object({
    token_id: z.string(),
    name: z.string(),
    username: z.string(),
    scope: z.enum(TOKEN_SCOPES),
    project: z.string().optional(),
    created_at: z.number().int(),
    expires_at: z.number().int().optional(),
    revoked_at: z.number().int().optional(),
  })
  .meta({ id: 'TokenInfo' });

function tokenJson(row: TokenWithUser): z.infer<typeof tokenInfoSchema> {
  return {
    token_id: row.public_id,
    name: row.name,
    username: row.username,
    scope: row.scope as TokenScope,
    ...(row.project !== null ? { project: row.project } : {}),
    created_at: row.created_ms,
    ...(row.expires_ms !== null ? { expires_at: row.expires_ms } : {}),
    ...(row.revoked_ms !== null ? { revoked_at: row.revoked_ms } : {}),
  };
}

/** A token-signed request may not mint a broader token than its own. */
function checkNoBroader(
  principal: Principal,
  scope: TokenScope,
  project: string | undefined,
): void {
  const own = principal.token;
  if (!own) return;
  if (own.scope === 'read' && scope !== 'read') {
    throw new MlflowError('PERMISSION_DENIED', 'A read-only token cannot create a write token.');
  }
  if (own.project && own.project !== project) {
    throw new MlflowError(
      'PERMISSION_DENIED',
      `A token limited to project '${own.project}' can only create tokens for that project.`,
    );
  }
}

function otherUser(principal: Principal, username: string | undefined): string {
  if (username === undefined || username === principal.username) return principal.username;
  if (!principal.isAdmin) {
    throw new MlflowError(
      'PERMISSION_DENIED',
      `Permission denied: only an admin may manage the tokens of '${username}'.`,
    );
  }
  return username;
}

export const tokenEndpoints = [
  endpoint({
    method: 'POST',
    paths: [TOKENS],
    prefixes: ['/api'],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'Create a personal access token (shown once); an admin may create one for any user',
    request: z.object({
      name: requiredString(),
      scope: z.enum(TOKEN_SCOPES).default('write'),
      project: z.string().min(1).optional(),
      expires_in_days: z.number().positive().optional(),
      username: z.string().min(1).optional(),
    }),
    response: z.object({ token: z.string(), token_info: tokenInfoSchema }),
    statuses: { success: 201 },
    handler: async (input, { accounts, principal }) => {
      if (principal.userId === null) {
        throw MlflowError.invalidParameter(
          'Tokens belong to users: turn authentication on and sign in as one (--auth basic).',
        );
      }
      if (input.project !== undefined) validateProjectName(input.project);
      checkNoBroader(principal, input.scope, input.project);
      const made = await accounts.createToken({
        username: otherUser(principal, input.username),
        name: input.name,
        scope: input.scope,
        project: input.project,
        expiresInDays: input.expires_in_days,
      });
      return withStatus(201, { token: made.token, token_info: tokenJson(made.info) });
    },
  }),
  endpoint({
    method: 'GET',
    paths: [TOKENS],
    prefixes: ['/api'],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary:
      "List your tokens (an admin: a user's, or everyone's with all=true); never the secrets",
    request: z.object({
      username: z.string().min(1).optional(),
      all: z.enum(['true', 'false']).optional(),
    }),
    response: z.object({ tokens: z.array(tokenInfoSchema) }),
    handler: async (input, { accounts, principal }) => {
      if (input.all === 'true') {
        if (!principal.isAdmin) {
          throw new MlflowError(
            'PERMISSION_DENIED',
            "Permission denied: only an admin may list everyone's tokens.",
          );
        }
        return { tokens: (await accounts.store.listTokens()).map(tokenJson) };
      }
      const user = await accounts.store.getUser(otherUser(principal, input.username));
      return { tokens: (await accounts.store.listTokens(user.id)).map(tokenJson) };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [`${TOKENS}/revoke`],
    prefixes: ['/api'],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'Revoke a token (yours, or any for an admin); it stops working at once',
    request: z.object({ token_id: requiredString() }),
    response: z.object({}),
    handler: async (input, { accounts, principal }) => {
      const row = await accounts.store.findToken(input.token_id);
      if (!row) throw MlflowError.notFound(`Token '${input.token_id}' not found.`);
      otherUser(principal, row.username);
      await accounts.store.revokeToken(input.token_id);
      return {};
    },
  }),
  endpoint({
    method: 'GET',
    paths: [ROLES],
    prefixes: ['/api'],
    access: 'manage',
    tag: TAG,
    summary: 'Who holds which role in the project',
    request: z.object({}),
    response: z.object({
      roles: z.array(z.object({ username: z.string(), role: z.enum(PROJECT_ROLES) })),
    }),
    handler: async (_input, { accounts, project }) => ({
      roles: await accounts.store.roleHolders(project.name),
    }),
  }),
  endpoint({
    method: 'POST',
    paths: [ROLES],
    prefixes: ['/api'],
    access: 'manage',
    tag: TAG,
    summary: "Set a user's role in the project (read, edit or manage; none removes it)",
    request: z.object({ username: requiredString(), role: requiredString() }),
    response: z.object({}),
    handler: async (input, { accounts, project }) => {
      await accounts.grant(input.username, project.name, input.role);
      return {};
    },
  }),
];
