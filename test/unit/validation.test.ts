// Pure validation rules: MLflow's input checks (services/validation.ts), request parsing and its
// error messages (http/request-validation.ts), and project names (http/project-scope.ts).
import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  formatPath,
  parseRequest,
  queryToJson,
  toMlflowError,
} from '../../src/http/request-validation.js';
import { int64, double } from '../../src/api/wire/fields.js';
import { MlflowError } from '../../src/errors.js';
import { projectOf, validateProjectName } from '../../src/http/project-scope.js';
import {
  exceedsMaximumLength,
  invalidValue,
  joinPath,
  LIMITS,
  pyFloat,
  validateArtifactLocation,
  validateBatchLimits,
  validateDatasetInputs,
  validateExperimentName,
  validateExperimentTag,
  validateMetric,
  validateParam,
  validateRunId,
  validateTag,
  validateUniqueParamKeys,
} from '../../src/services/validation.js';

/** Runs `fn` and returns the MlflowError it throws (failing the test if it throws nothing else). */
function errorOf(fn: () => unknown): MlflowError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MlflowError);
    return err as MlflowError;
  }
  throw new Error('expected an MlflowError to be thrown');
}

function expectInvalid(fn: () => unknown, message: string | RegExp): void {
  const err = errorOf(fn);
  expect(err.code).toBe('INVALID_PARAMETER_VALUE');
  expect(err.status).toBe(400);
  if (typeof message === 'string') expect(err.message).toContain(message);
  else expect(err.message).toMatch(message);
}

const PATH_HINT = 'Names may be treated as files in certain cases';
const CHARS_HINT = 'Names may only contain alphanumerics';

describe('message helpers', () => {
  it('formats invalid values as MLflow does, JSON-encoding the value', () => {
    expect(invalidValue('key', 'a b')).toBe(`Invalid value "a b" for parameter 'key' supplied.`);
    expect(invalidValue('key', 5, 'hint')).toBe(
      `Invalid value 5 for parameter 'key' supplied: hint`,
    );
  });

  it('escapes non-ASCII characters in invalid values like json.dumps', () => {
    expect(invalidValue('key', 'é✓')).toBe(
      `Invalid value "\\u00e9\\u2713" for parameter 'key' supplied.`,
    );
  });

  it('joins nested field paths with a dot', () => {
    expect(joinPath('', 'key')).toBe('key');
    expect(joinPath('metrics[2]', 'key')).toBe('metrics[2].key');
  });

  it('formats the length limit message', () => {
    expect(exceedsMaximumLength('name', 500)).toBe(
      "'name' exceeds the maximum length of 500 characters",
    );
  });

  it("prints floats as Python's str() does", () => {
    expect(pyFloat(1)).toBe('1.0');
    expect(pyFloat(1.5)).toBe('1.5');
    expect(pyFloat(NaN)).toBe('nan');
    expect(pyFloat(Infinity)).toBe('inf');
    expect(pyFloat(-Infinity)).toBe('-inf');
  });
});

describe('validateParam', () => {
  it('accepts a plain key and returns key and value', () => {
    expect(validateParam('lr', '0.1')).toEqual({ key: 'lr', value: '0.1' });
  });

  it('accepts every allowed character class, including letters of any script', () => {
    expect(validateParam('a_b-c.d e:f/g9', 'v').key).toBe('a_b-c.d e:f/g9');
    expect(validateParam('ünïcode_٣', 'v').key).toBe('ünïcode_٣');
  });

  it('truncates a value longer than 6000 characters', () => {
    expect(validateParam('k', 'x'.repeat(6001)).value).toHaveLength(LIMITS.paramValueLength);
    expect(validateParam('k', 'x'.repeat(6000)).value).toHaveLength(6000);
  });

  it('rejects a missing key', () => {
    expectInvalid(() => validateParam(undefined, 'v'), 'A key name must be provided.');
  });

  it.each(['a*b', 'a?b', 'tab\tkey', 'a\\b', 'emoji✓', 'new\nline'])(
    'rejects forbidden characters in %j',
    (key) => {
      expectInvalid(() => validateParam(key, 'v'), CHARS_HINT);
    },
  );

  it.each([
    ['../x', '../x'],
    ['a//b', 'a/b'],
    ['/abs', '/abs'],
    ['a/./b', 'a/b'],
    ['a/', 'a'],
    ['.', '.'],
    ['a/../../b', '../b'],
  ])('rejects the path-like key %j (resolves to %j)', (key, resolved) => {
    expectInvalid(
      () => validateParam(key, 'v'),
      `${PATH_HINT}, and must not resolve to other names when treated as such. This name would resolve to '${resolved}'`,
    );
  });

  it('rejects a key longer than 250 characters', () => {
    expectInvalid(
      () => validateParam('k'.repeat(251), 'v'),
      "'Param key' exceeds the maximum length of 250 characters",
    );
    expect(validateParam('k'.repeat(250), 'v').key).toHaveLength(250);
  });

  it('names the batch entry in its messages', () => {
    expectInvalid(() => validateParam('../p', 'v', 'params[3]'), "parameter 'params[3].key'");
  });
});

describe('validateTag', () => {
  it('truncates a value longer than 8000 characters', () => {
    expect(validateTag('k', 'v'.repeat(8001)).value).toHaveLength(LIMITS.tagValueLength);
  });

  it('rejects a missing key, naming the field', () => {
    expectInvalid(
      () => validateTag(undefined, 'v', 'tags[1]'),
      "Missing value for required parameter 'tags[1].key'.",
    );
  });

  it('rejects a key longer than 250 characters, naming the field', () => {
    expectInvalid(
      () => validateTag('k'.repeat(251), 'v', 'tags[0]'),
      "'tags[0].key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects path-like and badly formed keys', () => {
    expectInvalid(() => validateTag('a//b', 'v'), PATH_HINT);
    expectInvalid(() => validateTag('a*b', 'v'), CHARS_HINT);
  });
});

describe('validateExperimentTag', () => {
  it('accepts a value of 20000 characters', () => {
    expect(() => validateExperimentTag('k', 'v'.repeat(20000))).not.toThrow();
  });

  it('rejects a value longer than 20000 characters', () => {
    expectInvalid(
      () => validateExperimentTag('k', 'v'.repeat(20001)),
      "'value' exceeds the maximum length of 20000 characters",
    );
  });

  it('rejects a key longer than 250 characters', () => {
    expectInvalid(
      () => validateExperimentTag('k'.repeat(251), 'v'),
      "'key' exceeds the maximum length of 250 characters",
    );
  });

  it('rejects a missing or path-like key', () => {
    expectInvalid(() => validateExperimentTag(undefined, 'v'), "required parameter 'key'");
    expectInvalid(() => validateExperimentTag('k/../x', 'v'), "would resolve to 'x'");
  });
});

describe('validateMetric', () => {
  it('accepts a metric with non-finite values', () => {
    for (const value of [NaN, Infinity, -Infinity, 0, -1.5]) {
      expect(() => validateMetric({ key: 'm', value, timestamp: 0, step: 0 })).not.toThrow();
    }
  });

  it('rejects a negative timestamp with MLflow message', () => {
    expectInvalid(
      () => validateMetric({ key: 'm', value: 1, timestamp: -1 }, 'metrics[0]'),
      "Invalid value -1 for parameter 'metrics[0].timestamp' supplied: metric 'm' (value=1.0). Timestamp must be a nonnegative long (64-bit integer) ",
    );
  });

  it('rejects a missing timestamp', () => {
    expectInvalid(() => validateMetric({ key: 'm', value: 1 }), "parameter 'timestamp'");
  });

  it('rejects a missing value', () => {
    expectInvalid(
      () => validateMetric({ key: 'm', timestamp: 1 }),
      "Missing value for required parameter 'value'.",
    );
  });

  it('rejects a missing name', () => {
    expectInvalid(
      () => validateMetric({ value: 1, timestamp: 1 }),
      'Metric name cannot be None. A key name must be provided.',
    );
  });

  it('rejects a path-like name, calling the field "name"', () => {
    expectInvalid(
      () => validateMetric({ key: '../m', value: 1, timestamp: 1 }),
      `Invalid value "../m" for parameter 'name' supplied: ${PATH_HINT}`,
    );
  });

  it('rejects a name longer than 250 characters', () => {
    expectInvalid(
      () => validateMetric({ key: 'm'.repeat(251), value: 1, timestamp: 1 }),
      "'Metric name' exceeds the maximum length of 250 characters",
    );
  });
});

describe('validateRunId', () => {
  it('accepts hex and word-like ids', () => {
    expect(() => validateRunId('0123abcdef')).not.toThrow();
    expect(() => validateRunId('run_1-a')).not.toThrow();
  });

  it.each(['', '-abc', '../etc', 'a/b', 'a'.repeat(257)])('rejects %j', (id) => {
    expectInvalid(() => validateRunId(id), "for parameter 'run_id' supplied.");
  });
});

describe('validateExperimentName', () => {
  it('returns a valid name', () => {
    expect(validateExperimentName('my experiment')).toBe('my experiment');
    expect(validateExperimentName('n'.repeat(500))).toHaveLength(500);
  });

  it('rejects an empty or missing name', () => {
    expectInvalid(() => validateExperimentName(''), "Invalid experiment name: ''");
    expectInvalid(() => validateExperimentName(undefined), "Invalid experiment name: 'None'");
  });

  it('rejects a name longer than 500 characters', () => {
    expectInvalid(
      () => validateExperimentName('n'.repeat(501)),
      "'name' exceeds the maximum length of 500 characters",
    );
  });
});

describe('validateArtifactLocation', () => {
  it('accepts ordinary locations', () => {
    expect(() => validateArtifactLocation('s3://bucket/path')).not.toThrow();
    expect(() => validateArtifactLocation('/tmp/a')).not.toThrow();
  });

  it('rejects a runs:/ URI', () => {
    expectInvalid(
      () => validateArtifactLocation('runs:/abc/model'),
      "Artifact location cannot be a runs:/ URI. Given: 'runs:/abc/model'",
    );
  });

  it('rejects a location longer than 2048 characters', () => {
    expectInvalid(
      () => validateArtifactLocation(`/${'a'.repeat(2048)}`),
      'The length of the artifact path cannot be greater than 2048 characters.',
    );
  });
});

describe('validateBatchLimits', () => {
  it('accepts the limits exactly', () => {
    expect(() => validateBatchLimits(1000, 0, 0)).not.toThrow();
    expect(() => validateBatchLimits(800, 100, 100)).not.toThrow();
  });

  it('rejects more than 1000 metrics', () => {
    expectInvalid(
      () => validateBatchLimits(1001, 0, 0),
      'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
    );
  });

  it('rejects more than 100 params', () => {
    expectInvalid(() => validateBatchLimits(0, 101, 0), 'at most 100 params. Got 101 params.');
  });

  it('rejects more than 100 tags', () => {
    expectInvalid(() => validateBatchLimits(0, 0, 101), 'at most 100 tags. Got 101 tags.');
  });

  it('rejects more than 1000 entities in total', () => {
    expectInvalid(
      () => validateBatchLimits(900, 100, 1),
      'at most 1000 metrics, params, and tags. Got 1001 metrics, params, and tags.',
    );
  });
});

describe('validateUniqueParamKeys', () => {
  it('accepts distinct keys', () => {
    expect(() => validateUniqueParamKeys(['a', 'b'])).not.toThrow();
  });

  it('lists every duplicated key', () => {
    expectInvalid(
      () => validateUniqueParamKeys(['a', 'b', 'a', 'b', 'c']),
      "Duplicate parameter keys have been submitted: ['a', 'b']. Please ensure the request contains only one param value per param key.",
    );
  });
});

describe('validateDatasetInputs', () => {
  const dataset = { name: 'd', digest: 'abc', source_type: 'local', source: '{}' };

  it('accepts a well-formed input', () => {
    expect(() =>
      validateDatasetInputs([{ dataset, tags: [{ key: 'k', value: 'v' }] }]),
    ).not.toThrow();
  });

  it.each([
    ['name', { ...dataset, name: 'n'.repeat(501) }, 500],
    ['digest', { ...dataset, digest: 'd'.repeat(37) }, 36],
    ['source', { ...dataset, source: 's'.repeat(65536) }, 65535],
  ])('rejects a dataset %s over its limit', (field, bad, limit) => {
    expectInvalid(
      () => validateDatasetInputs([{ dataset: bad }]),
      `'${field}' exceeds the maximum length of ${limit} characters`,
    );
  });

  it('rejects input tags over their limits', () => {
    expectInvalid(
      () => validateDatasetInputs([{ dataset, tags: [{ key: 'k'.repeat(256), value: 'v' }] }]),
      "'key' exceeds the maximum length of 255 characters",
    );
    expectInvalid(
      () => validateDatasetInputs([{ dataset, tags: [{ key: 'k', value: 'v'.repeat(501) }] }]),
      "'value' exceeds the maximum length of 500 characters",
    );
  });
});

describe('request parsing', () => {
  const schema = z.object({
    name: z.string().min(1),
    max_results: int64().optional(),
    value: double().optional(),
    ids: z.array(z.string()).optional(),
    flag: z.boolean().optional(),
    items: z.array(z.object({ key: z.string().min(1) })).optional(),
  });

  it('formats nested paths as MLflow names fields', () => {
    expect(formatPath(['metrics', 0, 'key'])).toBe('metrics[0].key');
    expect(formatPath(['run_id'])).toBe('run_id');
    expect(formatPath([])).toBe('');
  });

  it('parses int64 from numbers and numeric strings', () => {
    expect(parseRequest(schema, { name: 'x', max_results: '25' }).max_results).toBe(25);
    expect(parseRequest(schema, { name: 'x', max_results: 25 }).max_results).toBe(25);
  });

  it('parses doubles including NaN and the infinities sent as strings', () => {
    expect(parseRequest(schema, { name: 'x', value: 'NaN' }).value).toBeNaN();
    expect(parseRequest(schema, { name: 'x', value: 'Infinity' }).value).toBe(Infinity);
    expect(parseRequest(schema, { name: 'x', value: '-Infinity' }).value).toBe(-Infinity);
    expect(parseRequest(schema, { name: 'x', value: '2.5' }).value).toBe(2.5);
  });

  it('reports a missing required field with MLflow message', () => {
    expectInvalid(
      () => parseRequest(schema, {}),
      "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    );
  });

  it('reports an empty required string as missing', () => {
    expectInvalid(() => parseRequest(schema, { name: '' }), "required parameter 'name'");
  });

  it('reads null as an absent field', () => {
    expectInvalid(() => parseRequest(schema, { name: null }), "required parameter 'name'");
    expect(parseRequest(schema, { name: 'x', max_results: null }).max_results).toBeUndefined();
  });

  it('names a missing nested field with its index', () => {
    expectInvalid(
      () => parseRequest(schema, { name: 'x', items: [{ key: 'a' }, {}] }),
      "Missing value for required parameter 'items[1].key'.",
    );
  });

  it.each([
    [
      'abc',
      `Invalid value "abc" for parameter 'max_results' supplied:  Hint: Value was of type 'str'.`,
    ],
    [
      1.5,
      "Invalid value 1.5 for parameter 'max_results' supplied:  Hint: Value was of type 'float'.",
    ],
    [
      true,
      "Invalid value true for parameter 'max_results' supplied:  Hint: Value was of type 'bool'.",
    ],
    [
      [1],
      "Invalid value [1] for parameter 'max_results' supplied:  Hint: Value was of type 'list'.",
    ],
    [
      { b: 1, a: 2 },
      `Invalid value {"a":2,"b":1} for parameter 'max_results' supplied:  Hint: Value was of type 'dict'.`,
    ],
  ])('reports a wrong type (%j) with the Python type name', (value, message) => {
    expectInvalid(() => parseRequest(schema, { name: 'x', max_results: value }), message);
  });

  it("never shows zod's own wording for an out-of-range integer", () => {
    expectInvalid(
      () => parseRequest(schema, { name: 'x', max_results: 1e20 }),
      /^Invalid value 100000000000000000000 for parameter 'max_results' supplied: {2}Hint: Value was of type 'int'\./,
    );
  });

  it('reports an empty required list as missing', () => {
    const withList = z.object({ run_ids: z.array(z.string()).min(1) });
    expectInvalid(
      () => parseRequest(withList, { run_ids: [] }),
      "Missing value for required parameter 'run_ids'.",
    );
  });

  it('keeps a custom refinement message', () => {
    const bounded = z.object({
      n: int64().refine((n) => n <= 10, { message: 'n must be at most 10.' }),
    });
    expectInvalid(() => parseRequest(bounded, { n: 11 }), /^n must be at most 10\.$/);
  });

  it('maps a ZodError directly with toMlflowError', () => {
    const result = schema.safeParse({ name: 5 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const err = toMlflowError(result.error, { name: 5 });
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain("Invalid value 5 for parameter 'name' supplied");
  });

  it('reads repeated query parameters as lists, others as their first value', () => {
    expect(queryToJson(schema, { ids: ['1', '2'], name: ['a', 'b'] })).toEqual({
      ids: ['1', '2'],
      name: 'a',
    });
    expect(queryToJson(schema, { ids: '1' })).toEqual({ ids: ['1'] });
  });

  it('reads booleans from true/false and rejects anything else', () => {
    expect(queryToJson(schema, { flag: 'TRUE' })).toEqual({ flag: true });
    expect(queryToJson(schema, { flag: 'false' })).toEqual({ flag: false });
    expectInvalid(
      () => queryToJson(schema, { flag: 'yes' }),
      "Invalid boolean value: yes, must be 'true' or 'false'.",
    );
  });

  it('passes unknown query parameters through', () => {
    expect(queryToJson(schema, { other: 'x' })).toEqual({ other: 'x' });
  });
});

describe('validateProjectName', () => {
  it.each(['ab', 'team-a', 'a1', '9z', 'x'.repeat(63), 'default'])('accepts %j', (name) => {
    expect(validateProjectName(name)).toBe(name);
  });

  it.each([
    ['a', 'must be between 2 and 63 characters'],
    ['', 'must be between 2 and 63 characters'],
    ['x'.repeat(64), 'must be between 2 and 63 characters'],
    ['..', 'must match the pattern ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'],
    ['Team', 'must match the pattern'],
    ['-ab', 'must match the pattern'],
    ['ab-', 'must match the pattern'],
    ['a_b', 'must match the pattern'],
    ['a/b', 'must match the pattern'],
    ['a\\b', 'must match the pattern'],
    ['ab\0', 'must match the pattern'],
    ['ab\n', 'must match the pattern'],
    ['api', 'is reserved and cannot be used.'],
    ['ajax-api', 'is reserved and cannot be used.'],
    ['workspaces', 'is reserved and cannot be used.'],
    ['static-files', 'is reserved and cannot be used.'],
  ])('rejects %j', (name, message) => {
    expectInvalid(() => validateProjectName(name), message);
  });

  it('shows control characters escaped in the message', () => {
    expectInvalid(() => validateProjectName('ab\0'), "Workspace name 'ab\\u0000'");
  });
});

describe('projectOf', () => {
  function request(project: string | undefined, header: string | undefined): Request {
    return {
      params: project === undefined ? {} : { project },
      get: (name: string) => (name.toLowerCase() === 'x-mlflow-workspace' ? header : undefined),
    } as unknown as Request;
  }

  it('defaults to the default project', () => {
    expect(projectOf(request(undefined, undefined))).toBe('default');
  });

  it('takes the path prefix', () => {
    expect(projectOf(request('team-a', undefined))).toBe('team-a');
  });

  it('takes the workspace header, trimmed', () => {
    expect(projectOf(request(undefined, ' team-b '))).toBe('team-b');
  });

  it('ignores an empty header', () => {
    expect(projectOf(request(undefined, '  '))).toBe('default');
  });

  it('accepts a prefix and header that agree', () => {
    expect(projectOf(request('team-a', 'team-a'))).toBe('team-a');
  });

  it('rejects a prefix and header that disagree', () => {
    expectInvalid(() => projectOf(request('team-a', 'team-b')), 'disagree');
  });

  it('validates both the prefix and the header', () => {
    expectInvalid(() => projectOf(request('..', undefined)), "Workspace name '..'");
    expectInvalid(() => projectOf(request(undefined, 'Bad')), "Workspace name 'Bad'");
  });
});
