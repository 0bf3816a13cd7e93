// The OpenAPI document (/openapi.json) generated from the endpoint table, and the offline API
// page (/docs) that renders it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { endpoint, streamEndpoint } from '../../src/http/endpoint.js';
import { allEndpoints } from '../../src/api/endpoints.js';
import { API_PREFIXES } from '../../src/http/routes.js';
import { buildOpenApiDocument } from '../../src/openapi/document.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

function openApiPath(prefix: string, path: string): string {
  return `${prefix}${path}`.replace(/[:*]([A-Za-z_]\w*)/g, '{$1}');
}

function operations(doc: Json): { method: string; path: string; op: Json }[] {
  return Object.entries(doc.paths as Json).flatMap(([path, ops]) =>
    Object.entries(ops as Json).map(([method, op]) => ({ method, path, op: op as Json })),
  );
}

describe('/openapi.json', () => {
  it('serves an OpenAPI 3.1 document whose server is the root', async () => {
    const res = await t.api.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.servers).toEqual([{ url: '/' }]);
  });

  it("names the project's own path as the server below a project prefix", async () => {
    const res = await t.api.get('/projects/team-a/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.servers).toEqual([{ url: '/projects/team-a' }]);
  });

  it('never names the Host a request came with, even an allowed one', async () => {
    const res = await t.api.get('/openapi.json').set('Host', '192.168.7.7:5000');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain('192.168.7.7');
  });

  it('refuses an invalid project name like every project-scoped route', async () => {
    const res = await t.api.get('/projects/Bad_Name/openapi.json');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
  });

  it('documents every endpoint of the table, once, with its tag and a unique operationId', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    for (const e of allEndpoints) {
      const prefix = (e.prefixes ?? API_PREFIXES)[0];
      for (const path of e.paths) {
        const op = doc.paths[openApiPath(prefix, path)]?.[e.method.toLowerCase()] as Json;
        expect(op, `${e.method} ${prefix}${path}`).toBeDefined();
        expect(op.tags).toContain(e.tag);
        expect(op.summary).toBe(e.summary);
      }
    }
    const ids = operations(doc).map((o) => o.op.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('getWorkspacesByWorkspaceName');
  });

  it('describes every JSON answer with a schema and every error with the MLflow envelope', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    for (const { method, path, op } of operations(doc)) {
      const where = `${method.toUpperCase()} ${path}`;
      const [, answer] = Object.entries(op.responses as Json).find(([s]) => s < '300')!;
      // 204, and MLflow's upload-artifact (an empty 200), have no body to describe.
      if (answer.content !== undefined) {
        const content = answer.content as Json;
        const schema = (content['application/json'] ?? content['application/octet-stream'])
          .schema as Json;
        expect(Object.keys(schema), where).not.toHaveLength(0);
        if (content['application/json']) expect(schema.type, where).not.toBeUndefined();
      }
      // MLflow's OTLP receiver answers its own 400s in FastAPI's shape, `{"detail": …}`.
      const own = path.endsWith('/v1/traces') ? ['400'] : [];
      for (const status of ['400', '404', '500'].filter((s) => !own.includes(s))) {
        expect(op.responses[status].content['application/json'].schema, where).toEqual({
          $ref: '#/components/schemas/Error',
        });
      }
    }
    const bodyless = operations(doc).filter(({ op }) =>
      Object.entries(op.responses as Json).some(([s, a]) => s < '300' && a.content === undefined),
    );
    expect(bodyless.map(({ path, op }) => [path, Object.keys(op.responses as Json)[0]])).toEqual(
      expect.arrayContaining([['/ajax-api/2.0/mlflow/upload-artifact', '200']]),
    );
    for (const { op } of bodyless) {
      const [status] = Object.entries(op.responses as Json).find(([s]) => s < '300')!;
      expect(['200', '204']).toContain(status);
    }
    const otlp = doc.paths['/v1/traces'].post.responses as Json;
    expect(otlp['422'].content['application/json'].schema.required).toEqual(['detail']);
    const error = doc.components.schemas.Error as Json;
    expect(error.required).toEqual(['error_code', 'message']);
    expect(error.properties.error_code.enum).toContain('RESOURCE_DOES_NOT_EXIST');
  });

  it('describes MLflow JSON as sent: int64 as integers, enums as strings, empty fields optional', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    const runInfo = doc.components.schemas.RunInfo as Json;
    expect(runInfo.properties.start_time.type).toBe('integer');
    expect(runInfo.properties.status.enum).toEqual([
      'RUNNING',
      'SCHEDULED',
      'FINISHED',
      'FAILED',
      'KILLED',
    ]);
    expect(runInfo.required).not.toContain('end_time');
    const search = doc.paths['/api/2.0/mlflow/runs/search'].post as Json;
    const answer = search.responses['200'].content['application/json'].schema as Json;
    expect(answer.properties.runs.items).toEqual({ $ref: '#/components/schemas/Run' });
    expect(answer.required ?? []).not.toContain('runs');
    const metric = doc.components.schemas.Metric as Json;
    expect(metric.properties.value.anyOf).toContainEqual({
      type: 'string',
      enum: ['NaN', 'Infinity', '-Infinity'],
    });
  });

  it('takes GET parameters from the query string (lists repeated) and POST fields from the body', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    const bulk = doc.paths['/api/2.0/mlflow/metrics/get-history-bulk-interval'].get as Json;
    expect(bulk.requestBody).toBeUndefined();
    expect(bulk.parameters).toContainEqual(
      expect.objectContaining({ name: 'run_ids', in: 'query', required: true, explode: true }),
    );
    const create = doc.paths['/api/2.0/mlflow/experiments/create'].post as Json;
    expect(create.parameters).toBeUndefined();
    const body = create.requestBody.content['application/json'].schema as Json;
    expect(body.required).toEqual(['name']);
    expect(Object.keys(body.properties)).toEqual(['name', 'artifact_location', 'tags']);
  });

  it('documents uploads and downloads with their content types and range statuses', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    const file = doc.paths['/api/2.0/mlflow-artifacts/artifacts/{artifact_path}'] as Json;
    expect(Object.keys(file.put.requestBody.content)).toEqual(['application/octet-stream']);
    expect(file.put.parameters).toContainEqual(
      expect.objectContaining({ name: 'artifact_path', in: 'path', required: true }),
    );
    expect(Object.keys(file.get.responses)).toEqual(
      expect.arrayContaining(['200', '206', '304', '416']),
    );
    expect(file.get.responses['200'].content).toHaveProperty('application/octet-stream');
    const form = doc.paths['/api/trackd/v1/runs/{run_id}/artifacts'].post as Json;
    expect(Object.keys(form.requestBody.content)).toEqual(['multipart/form-data']);
  });

  it('tags our own extension endpoints as such', async () => {
    const doc = (await t.api.get('/openapi.json')).body as Json;
    const extensions = operations(doc).filter((o) => o.path.includes('/trackd/'));
    expect(extensions.length).toBeGreaterThanOrEqual(2);
    for (const { op } of extensions) {
      expect(op.tags).toContain('trackd extensions');
      expect(op['x-trackd-extension']).toBe(true);
    }
    const mlflowOps = operations(doc).filter((o) => !o.path.includes('/trackd/'));
    expect(mlflowOps.every((o) => !o.op.tags.includes('trackd extensions'))).toBe(true);
  });
});

describe('generating the document from the table', () => {
  const request = z.object({ run_id: z.string().min(1), added_field: z.array(z.string()) });
  const response = z.object({ total: z.int(), added_answer: z.string().optional() });

  it('shows a field added to a request or response schema with no other change', () => {
    const doc = buildOpenApiDocument(
      [
        endpoint({
          method: 'POST',
          paths: ['/2.0/mlflow/things/create'],
          access: 'edit',
          tag: 'Things',
          summary: 'Create a thing',
          request,
          response,
          handler: () => ({ total: 1 }),
        }),
        endpoint({
          method: 'GET',
          paths: ['/2.0/mlflow/things/get'],
          access: 'read',
          tag: 'Things',
          summary: 'Get a thing',
          request,
          response,
          handler: () => ({ total: 1 }),
        }),
      ],
      'http://example.test',
    ) as Json;
    const post = doc.paths['/api/2.0/mlflow/things/create'].post as Json;
    expect(post.requestBody.content['application/json'].schema.properties.added_field).toEqual({
      type: 'array',
      items: { type: 'string' },
    });
    const answer = post.responses['200'].content['application/json'].schema as Json;
    expect(answer.properties.added_answer).toEqual({ type: 'string' });
    expect(answer.required).toEqual(['total']);
    expect(answer.additionalProperties).toBe(false);
    const get = doc.paths['/api/2.0/mlflow/things/get'].get as Json;
    expect(get.parameters.map((p: Json) => [p.name, p.in, p.required])).toEqual([
      ['run_id', 'query', true],
      ['added_field', 'query', true],
    ]);
  });

  it('documents a stream endpoint at the root prefix as a download', () => {
    const doc = buildOpenApiDocument(
      [
        streamEndpoint({
          kind: 'stream',
          method: 'GET',
          paths: ['/files/*file_path'],
          prefixes: [''],
          access: 'read',
          tag: 'Files',
          summary: 'Download a file',
          request: z.object({ file_path: z.string() }),
          handler: async () => {},
        }),
      ],
      '',
    ) as Json;
    const op = doc.paths['/files/{file_path}'].get as Json;
    expect(op.parameters[0]).toMatchObject({ name: 'file_path', in: 'path', required: true });
    expect(Object.keys(op.responses['200'].content)).toContain('application/octet-stream');
  });
});

describe('/docs', () => {
  const ABSOLUTE_URL = /(?:https?:)?\/\/[a-z0-9.-]+/i;

  it('serves an HTML page whose every script, style and data URL is on our own origin', async () => {
    const res = await t.api.get('/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).not.toMatch(ABSOLUTE_URL);
    const refs = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs).toEqual(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js']);
    expect(res.text).toContain('"url":"/openapi.json"');
    // Swagger UI's only default call to another host is its validator badge; it is switched off.
    expect(res.text).toContain('"validatorUrl":null');
    for (const ref of refs) {
      const asset = await t.api.get(ref);
      expect(asset.status, ref).toBe(200);
      expect(Number(asset.headers['content-length']), ref).toBeGreaterThan(10_000);
    }
  });

  it('serves a stylesheet that loads nothing from elsewhere', async () => {
    const css = await t.api.get('/docs/assets/swagger-ui.css').buffer(true);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const text = css.text || String(css.body);
    expect(text).not.toMatch(/@import/);
    const urls = [...text.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith('data:'))).toBe(true);
  });

  it('points a project page at the project document and assets', async () => {
    const res = await t.api.get('/projects/team-a/docs');
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(ABSOLUTE_URL);
    expect(res.text).toContain('"url":"/projects/team-a/openapi.json"');
    expect(res.text).toContain('src="/projects/team-a/docs/assets/swagger-ui-bundle.js"');
    expect((await t.api.get('/projects/team-a/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
  });

  it('serves no other file of the renderer package', async () => {
    for (const name of [
      'index.html',
      'package.json',
      '..%2Fpackage.json',
      'swagger-initializer.js',
    ]) {
      expect((await t.api.get(`/docs/assets/${name}`)).status, name).toBe(404);
    }
  });
});
