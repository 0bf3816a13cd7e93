// The server's V8 flags live on the first line of src/main.ts (`#!/usr/bin/env -S node …`, used
// when it runs as the `trackd` command) and in package.json's `start` script: the two must agree,
// and the bench reads them from the built file to start the server a user starts.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverNodeFlags } from '../../bench/servers.js';

describe('server node flags', () => {
  it('are the same in the shebang of main.ts and in npm start', () => {
    const flags = serverNodeFlags('src/main.ts');
    expect(flags).toContain('--max-semi-space-size=32');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
      scripts: Record<string, string>;
    };
    // `exec`: the shell npm runs the script in becomes node, so npm's signals reach the server.
    expect(pkg.scripts.start).toBe(`exec node ${flags.join(' ')} dist/src/main.js serve`);
  });
});
