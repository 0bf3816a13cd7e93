// The web UI's page and assets as the server hands them out (the browser tests in test/ui drive
// the page itself). Runs against the built UI: `npm test` builds before it runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ auth: 'basic' });
});
afterAll(async () => {
  await t?.close();
});

describe('the web UI page', () => {
  it('is served at the root and below each project, without credentials, with its assets', async () => {
    for (const url of ['/', '/projects/team-a/']) {
      const res = await t.api.get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      const script = /src="(\/static-files\/assets\/[^"]+\.js)"/.exec(res.text)?.[1];
      expect(script).toBeDefined();
      const asset = await t.api.get(script!);
      expect(asset.status).toBe(200);
      expect(asset.headers['cache-control']).toContain('immutable');
    }
  });

  it('refuses a malformed project name and answers unknown assets 404 in the envelope', async () => {
    expectError(await t.api.get('/projects/Bad_Name/'), 400, 'INVALID_PARAMETER_VALUE');
    expectError(await t.api.get('/static-files/assets/missing.js'), 404, 'ENDPOINT_NOT_FOUND');
  });
});
