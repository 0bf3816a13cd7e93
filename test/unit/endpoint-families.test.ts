// Endpoint families for metrics labels: every endpoint of the table has one, and what a request
// path can turn into is a fixed set of names.
import { describe, expect, it } from 'vitest';
import { allEndpoints } from '../../src/api/endpoints.js';
import { EndpointFamilies } from '../../src/http/endpoint-families.js';

const families = new EndpointFamilies(allEndpoints);

describe('endpoint families', () => {
  it('names a small fixed set of families, each a plain identifier', () => {
    expect([...families.names].sort()).toEqual([
      'ai_gateway',
      'api_docs',
      'artifacts',
      'assessments',
      'evaluation_datasets',
      'experiments',
      'graphql',
      'health',
      'issues',
      'logged_models',
      'metrics',
      'model_registry',
      'other',
      'prometheus',
      'runs',
      'scorers',
      'server',
      'traces',
      'users_and_access',
      'version',
      'web_ui',
      'webhooks',
      'workspaces',
    ]);
  });

  it('gives every route of the table its own family, by template and by path', () => {
    for (const endpoint of allEndpoints) {
      for (const path of endpoint.paths) {
        const route = `${endpoint.prefixes?.[0] ?? '/api'}${path}`;
        expect(families.of(route, '/'), route).not.toBe('other');
        const concrete = route.replace(/:\w+/g, '123').replace(/\*\w+/, 'a/b.txt');
        expect(families.of(undefined, concrete), concrete).toBe(families.of(route, '/'));
      }
    }
  });

  it('reads paths below a project prefix, in any letter case, with merged slashes', () => {
    const of = (url: string) => families.of(undefined, url);
    expect(of('/projects/team-a/api/2.0/mlflow/runs/get?run_id=abc')).toBe('runs');
    expect(of('/projects/team-a//API/2.0/mlflow/experiments/create/')).toBe('experiments');
    expect(of('/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model.pkl')).toBe('artifacts');
    expect(of('/ajax-api/2.0/mlflow/registered-models/search')).toBe('model_registry');
    expect(of('/api/3.0/mlflow/traces/tr-123/assessments')).toBe('assessments');
    expect(of('/projects/team-a/')).toBe('web_ui');
    expect(of('/static-files/assets/index-abc.js')).toBe('web_ui');
    expect(of('/health')).toBe('health');
    expect(of('/metrics')).toBe('prometheus');
    expect(of('/docs/assets/swagger-ui.css')).toBe('api_docs');
    expect(of('/wp-login.php')).toBe('other');
    expect(of('/api/2.0/mlflow/no-such-family/x')).toBe('other');
  });
});
