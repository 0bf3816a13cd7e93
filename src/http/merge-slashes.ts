// A base URL ending in `/` joined with a path starting with one, such as `http://host/` +
// `/model-versions/get-artifact`, reaches the endpoint it meant (MLflow's router, werkzeug, merges
// such slashes) instead of a 404. Only the join is merged: repeated slashes at the start of the
// path and right after a `/projects/<name>` prefix. Slashes further in are left as sent, where they
// may be part of an artifact path (`artifacts//etc/passwd` is an absolute path, refused as such).
import type { RequestHandler } from 'express';

const JOINED = /^(\/projects\/[^/?]+)?\/{2,}/;

export function mergeSlashes(): RequestHandler {
  return (req, _res, next) => {
    if (JOINED.test(req.url)) {
      req.url = req.url.replace(/^\/{2,}/, '/').replace(JOINED, (_m, prefix = '') => `${prefix}/`);
    }
    next();
  };
}
