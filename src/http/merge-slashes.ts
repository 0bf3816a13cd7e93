// Repeated slashes in a request path are one, as MLflow's router (werkzeug, merge_slashes) takes
// them: clients that join a base URL ending in `/` with a path starting with one, such as
// `http://host/` + `/model-versions/get-artifact`, reach the endpoint they meant instead of a 404.
// The query string is left as it is.
import type { RequestHandler } from 'express';

export function mergeSlashes(): RequestHandler {
  return (req, _res, next) => {
    const query = req.url.indexOf('?');
    const path = query < 0 ? req.url : req.url.slice(0, query);
    if (path.includes('//')) {
      req.url = path.replace(/\/{2,}/g, '/') + (query < 0 ? '' : req.url.slice(query));
    }
    next();
  };
}
