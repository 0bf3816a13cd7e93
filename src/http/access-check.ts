// The pipeline's access check, per endpoint, before its body is read: the caller's standing in the
// request's project (or on the server, for the workspace endpoints) against the access class the
// endpoint's table row declares. Handlers never check permissions themselves.
import type { RequestHandler } from 'express';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import { atLeast, type Standing } from '../auth/roles.js';
import { MlflowError } from '../errors.js';
import type { AnyEndpoint } from './endpoint.js';
import { projectOf } from './project-scope.js';

function denied(principal: Principal, need: Standing, project?: string): MlflowError {
  const token = principal.token;
  if (project !== undefined && token?.project && token.project !== project) {
    return new MlflowError(
      'PERMISSION_DENIED',
      `Permission denied: this token is limited to project '${token.project}'.`,
    );
  }
  if (need === 'admin') {
    return new MlflowError(
      'PERMISSION_DENIED',
      `Permission denied: only a server admin may do this (caller '${principal.username}').`,
    );
  }
  const scope = token?.scope === 'read' ? ' (the token is read-only)' : '';
  return new MlflowError(
    'PERMISSION_DENIED',
    `Permission denied: '${principal.username}' needs the '${need}' role in project ` +
      `'${project}'${scope}.`,
  );
}

export function accessCheck(endpoint: AnyEndpoint, authenticator: Authenticator): RequestHandler {
  const need: Standing = endpoint.access;
  return (req, _res, next) => {
    const principal = req.principal;
    // The common case of a server without authentication (or an admin's own password) costs nothing.
    if (principal.isAdmin && !principal.token) return next();
    // Server-scoped endpoints are about the project they name, if any (none for list, create).
    let project: string | undefined;
    try {
      project =
        endpoint.scope === 'server'
          ? (req.params as Record<string, string | undefined>).workspace_name
          : projectOf(req);
    } catch (err) {
      return next(err);
    }
    if (project === undefined) {
      // Server-wide: listing is open to every caller (the handler shows what each may read);
      // everything else is for admins, with a token that is neither read-only nor project-bound.
      const ok =
        need === 'read' ||
        (principal.isAdmin && principal.token?.scope !== 'read' && !principal.token?.project);
      return next(ok ? undefined : denied(principal, 'admin'));
    }
    authenticator
      .standingIn(principal, project)
      .then(
        (standing) => next(atLeast(standing, need) ? undefined : denied(principal, need, project)),
        next,
      );
  };
}
