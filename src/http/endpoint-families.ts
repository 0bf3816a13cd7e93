// Names the endpoint family of a request, for metrics labels: the group its endpoint has in the
// endpoint table (its tag in /openapi.json: `Runs` → `runs`, `Model registry` → `model_registry`),
// or one of a few fixed names for what lies outside the table. Every answer comes from that
// closed set, never from the request's path, so no run id, experiment id or artifact path can
// become a label value however the URL is made.
import type { AnyEndpoint } from './endpoint.js';
import { API_PREFIXES } from './routes.js';

/** Routes outside the endpoint table (health, docs, the UI), and everything that matched nothing. */
const PLAIN: readonly (readonly [RegExp, string])[] = [
  [/^\/health$/, 'health'],
  [/^\/version$/, 'version'],
  [/^\/metrics$/, 'prometheus'],
  [/^\/(openapi\.json|docs)(\/|$)/, 'api_docs'],
  [/^\/(static-files(\/.*)?)?$/, 'web_ui'],
];
export const OTHER_FAMILY = 'other';

/** `Workspaces (projects)` → `workspaces`, `AI gateway` → `ai_gateway`. */
export function familyName(tag: string): string {
  const name = tag
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return name || OTHER_FAMILY;
}

/** The request path below any `/projects/<name>` prefix, slashes merged, lower case, no query. */
export function pathBelowProject(originalUrl: string): string {
  const query = originalUrl.indexOf('?');
  let path = (query < 0 ? originalUrl : originalUrl.slice(0, query)).toLowerCase();
  if (path.includes('//')) path = path.replace(/\/{2,}/g, '/');
  const scoped = /^\/projects\/[^/]+/.exec(path);
  if (scoped) path = path.slice(scoped[0].length) || '/';
  // Express matches routes with or without a trailing slash.
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

export class EndpointFamilies {
  /** Every route template of the table, as written and in lower case → its family. */
  private readonly byRoute = new Map<string, string>();
  /** Each parameterised template as a pattern, in table order (the first match wins, as routing). */
  private readonly byPattern: (readonly [RegExp, string])[] = [];
  /** The literal start of each parameterised template (`/api/2.0/mlflow/traces/`), longest first. */
  private readonly byPrefix: (readonly [string, string])[] = [];
  /** Every family name this can answer, for documentation and tests. */
  readonly names: ReadonlySet<string>;

  constructor(endpoints: readonly AnyEndpoint[]) {
    const names = new Set<string>(PLAIN.map(([, name]) => name));
    names.add(OTHER_FAMILY);
    for (const endpoint of endpoints) {
      const family = familyName(endpoint.tag);
      names.add(family);
      for (const prefix of endpoint.prefixes ?? API_PREFIXES) {
        for (const path of endpoint.paths) {
          const template = `${prefix}${path}`;
          const route = template.toLowerCase();
          if (!this.byRoute.has(route)) this.byRoute.set(route, family);
          if (!this.byRoute.has(template)) this.byRoute.set(template, family);
          const special = /[:*{(]/.exec(route);
          if (!special) continue;
          this.byPrefix.push([route.slice(0, special.index), family]);
          const pattern = route
            .split(/(:\w+|\*\w+)/)
            .map((part, i) =>
              i % 2 === 0
                ? part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')
                : part[0] === ':'
                  ? '[^/]+'
                  : '.+',
            )
            .join('');
          this.byPattern.push([new RegExp(`^${pattern}$`), family]);
        }
      }
    }
    this.byPrefix.sort((a, b) => b[0].length - a[0].length);
    this.names = names;
  }

  /**
   * `route`: the template of the endpoint that handled the request, when one did; else the request
   * URL is read (see pathBelowProject), for requests answered before an endpoint took them (401,
   * unknown paths) or outside the table.
   */
  of(route: string | undefined, originalUrl: string): string {
    const matched = route === undefined ? undefined : this.byRoute.get(route);
    if (matched) return matched;
    const path = pathBelowProject(originalUrl);
    const literal = this.byRoute.get(path);
    if (literal) return literal;
    // Requests refused before routing (401) or matching nothing: the cost of a pattern walk
    // falls on them only.
    for (const [pattern, family] of this.byPattern) {
      if (pattern.test(path)) return family;
    }
    for (const [prefix, family] of this.byPrefix) {
      if (path.startsWith(prefix)) return family;
    }
    for (const [pattern, family] of PLAIN) {
      if (pattern.test(path)) return family;
    }
    return OTHER_FAMILY;
  }
}
