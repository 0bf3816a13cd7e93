// What the caller may do in the request's project, for clients that adapt to it (the web UI shows
// rename, tag and delete controls only to those who may use them). The access check still decides
// every write; this only reports the standing it would use.
import { z } from 'zod';
import { atLeast } from '../../auth/roles.js';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { TAG } from './users.js';

export const accessEndpoints = [
  endpoint({
    method: 'GET',
    paths: ['/trackd/v1/access'],
    prefixes: ['/api'],
    access: 'read',
    tag: TAG,
    summary:
      "The caller's role in the project and whether it may write (edit) or manage (delete, grant)",
    request: z.object({}),
    response: z.object({
      username: z.string(),
      role: z.enum(['read', 'edit', 'manage', 'admin']),
      can_write: z.boolean(),
      can_manage: z.boolean(),
    }),
    handler: async (_input, { principal, project, standingIn }) => {
      const standing = await standingIn(project.name);
      // The access check let the request through, so this only guards a role removed meanwhile.
      if (standing === 'none') {
        throw new MlflowError(
          'PERMISSION_DENIED',
          `Permission denied: '${principal.username}' has no role in project '${project.name}'.`,
        );
      }
      return {
        username: principal.username,
        role: standing,
        can_write: atLeast(standing, 'edit'),
        can_manage: atLeast(standing, 'manage'),
      };
    },
  }),
];
