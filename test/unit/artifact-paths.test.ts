// Artifact path rules (MLflow's validate_path_is_safe and then some), the Range header reader and
// the reading of stored mlflow-artifacts: locations.
import { describe, expect, it } from 'vitest';
import { servedArtifactPath } from '../../src/artifacts/artifact-uri.js';
import {
  joinArtifactPath,
  parseArtifactPath,
  parseFileName,
} from '../../src/artifacts/safe-path.js';
import { chooseRange } from '../../src/http/byte-range.js';

describe('parseArtifactPath', () => {
  it.each([
    ['a/b.txt', 'a/b.txt'],
    ['a//b/./c/', 'a/b/c'],
    ['', ''],
    ['.', ''],
    ['with%20space', 'with space'],
    ['a%252Fb', 'a/b'],
    ['...', '...'],
    ['..hidden/x..', '..hidden/x..'],
    ['%E6%97%A5%E6%9C%AC', '日本'],
    ['50%.txt', '50%.txt'],
  ])('accepts %j as %j', (raw, expected) => {
    expect(parseArtifactPath(raw)).toBe(expected);
  });

  it.each([
    '..',
    'a/../b',
    '%2e%2e/x',
    '%252e%252e/x',
    '/etc/passwd',
    '%2Fetc',
    'a\\b',
    'C:/x',
    'c:x',
    'file:///etc/passwd',
    'a\u0000b',
    'a%00b',
    'a%0ab',
    'a#b',
    'a%23b',
    'a?b',
    '%c0%ae%c0%ae',
    'a\uFFFDb',
    `${'x'.repeat(256)}/y`,
    `%${'25'.repeat(11)}41`,
  ])('rejects %j with INVALID_PARAMETER_VALUE', (raw) => {
    expect(() => parseArtifactPath(raw)).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }),
    );
  });

  it('takes single file names only as file names', () => {
    expect(parseFileName('model.bin')).toBe('model.bin');
    for (const bad of ['', '.', 'a/b', '..']) expect(() => parseFileName(bad)).toThrow();
  });

  it('joins normalized paths, skipping the root', () => {
    const p = joinArtifactPath(parseArtifactPath('1/r'), parseArtifactPath(''), parseFileName('f'));
    expect(p).toBe('1/r/f');
  });
});

describe('servedArtifactPath', () => {
  it.each([
    ['mlflow-artifacts:/1/abc/artifacts', '1/abc/artifacts'],
    ['mlflow-artifacts:///1/abc/artifacts', '1/abc/artifacts'],
    ['mlflow-artifacts://host:5000/1/abc/artifacts', '1/abc/artifacts'],
    ['MLFLOW-ARTIFACTS:/x', 'x'],
    ['mlflow-artifacts:/workspaces/team-a/1/abc/artifacts', '1/abc/artifacts'],
  ])('reads %s as %s', (uri, expected) => {
    expect(servedArtifactPath(uri, 'team-a')).toBe(expected);
  });

  it.each([
    'file:///etc',
    '/abs',
    's3://b/k',
    'mlflow-artifacts:/../x',
    'mlflow-artifacts:/x#/../..',
    'mlflow-artifacts://h/%2e%2e/x',
    'mlflow-artifacts:/workspaces/team-b/1/abc/artifacts',
    'mlflow-artifacts:/workspaces/',
  ])('refuses %s', (uri) => {
    expect(() => servedArtifactPath(uri, 'team-a')).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER_VALUE' }),
    );
  });
});

describe('chooseRange', () => {
  it.each([
    [undefined, 10, { kind: 'full' }],
    ['bytes=0-0', 10, { kind: 'partial', start: 0, end: 0 }],
    ['bytes=2-', 10, { kind: 'partial', start: 2, end: 9 }],
    ['bytes=-4', 10, { kind: 'partial', start: 6, end: 9 }],
    ['bytes=-40', 10, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=8-99', 10, { kind: 'partial', start: 8, end: 9 }],
    ['BYTES = 1 - 2', 10, { kind: 'partial', start: 1, end: 2 }],
    ['bytes=10-', 10, { kind: 'unsatisfiable' }],
    ['bytes=-0', 10, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-4', 10, { kind: 'full' }],
    ['bytes=-', 10, { kind: 'full' }],
    ['bytes=0-1,3-4', 10, { kind: 'full' }],
    ['lines=0-1', 10, { kind: 'full' }],
  ] as const)('reads %j against %i bytes', (header, size, expected) => {
    expect(chooseRange(header, size)).toEqual(expected);
  });
});
