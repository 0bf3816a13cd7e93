// The registry's filter and order_by grammar as pure functions, and its input rules.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import {
  isQueryingPrompts,
  parseModelVersionOrderBy,
  parseRegisteredModelOrderBy,
  parseRegistryFilter,
} from '../../src/search/registry-grammar.js';
import {
  canonicalStage,
  parseVersion,
  validateAliasName,
  validateAliasNotReserved,
  validateModelName,
} from '../../src/services/registry-validation.js';

function failure(run: () => unknown): MlflowError {
  try {
    run();
  } catch (err) {
    if (err instanceof MlflowError) return err;
    throw err;
  }
  throw new Error('expected an MlflowError');
}

describe('parseRegistryFilter for registered models', () => {
  it('reads name comparisons and tag comparisons, comparators in any case', () => {
    expect(
      parseRegistryFilter('registered-model', 'name like \'a%\' and tags.`my tag` = "v"'),
    ).toEqual([
      { kind: 'text', column: 'name', comparator: 'LIKE', value: 'a%' },
      { kind: 'tag', key: 'my tag', comparator: '=', value: 'v' },
    ]);
  });

  it('reads IN lists on name', () => {
    expect(parseRegistryFilter('registered-model', 'name NOT IN (\'a\', "b")')).toEqual([
      { kind: 'text', column: 'name', comparator: 'NOT IN', value: ['a', 'b'] },
    ]);
  });

  it('answers an empty filter with no clauses', () => {
    expect(parseRegistryFilter('registered-model', '')).toEqual([]);
    expect(parseRegistryFilter('registered-model', undefined)).toEqual([]);
  });

  it.each([
    ["name = 'a' OR name = 'b'", 'Invalid clause(s) in filter string: OR'],
    ["run_id = 'x'", "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'"],
    [
      "params.a = 'x'",
      "Invalid entity type 'params'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    ['name = 3', 'Expected a quoted string value or a list of quoted string values for attributes'],
    ["name >= 'a'", 'Invalid comparator for attribute: >='],
    ["tags.a < 'b'", 'Invalid comparator for tag: <'],
    ['tags.a = 3', "Expected a quoted string value for tag (e.g. 'my-value'). Got value 3"],
    ['name IN ()', 'expected a non-empty list of string values, but got empty list'],
    ["name = ('a', 'b')", 'cannot compare with this value'],
    ['tags.a IS NULL', 'is not supported in this search'],
  ])('rejects %s', (filter, message) => {
    const err = failure(() => parseRegistryFilter('registered-model', filter));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain(message);
  });
});

describe('parseRegistryFilter for model versions', () => {
  it('maps attributes to their columns and numbers to integers', () => {
    expect(
      parseRegistryFilter(
        'model-version',
        "version_number >= 2 and source_path = 'runs:/x/m' and run_id IN ('r1')",
      ),
    ).toEqual([
      { kind: 'number', column: 'version', comparator: '>=', value: 2 },
      { kind: 'text', column: 'source', comparator: '=', value: 'runs:/x/m' },
      { kind: 'text', column: 'run_id', comparator: 'IN', value: ['r1'] },
    ]);
  });

  it("reads a quoted version number as MLflow's int() does", () => {
    expect(parseRegistryFilter('model-version', "version_number = ' 7 '")).toEqual([
      { kind: 'number', column: 'version', comparator: '=', value: 7 },
    ]);
  });

  it.each([
    ['version_number = 1.0', "Invalid value for numeric attribute 'version_number': 1.0"],
    ["version_number = 'seven'", "Invalid value for numeric attribute 'version_number': 'seven'"],
    ["version_number ILIKE '1'", 'Invalid comparator for attribute version_number: ILIKE'],
    ["source_path IN ('a')", "Only ['name', 'run_id'] attributes support comparison with a list"],
    ['run_id = 3', 'attributes support comparison with numeric values.'],
    ["current_stage = 'None'", "Invalid attribute key 'current_stage' specified."],
  ])('rejects %s', (filter, message) => {
    const err = failure(() => parseRegistryFilter('model-version', filter));
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain(message);
  });
});

describe('isQueryingPrompts', () => {
  it.each([
    ["tags.`mlflow.prompt.is_prompt` = 'true'", true],
    ["tags.`mlflow.prompt.is_prompt` = 'TRUE'", true],
    ["tags.`mlflow.prompt.is_prompt` != 'false'", true],
    ["tags.`mlflow.prompt.is_prompt` = 'false'", false],
    ["name = 'x'", false],
  ])('%s → %s', (filter, expected) => {
    expect(isQueryingPrompts(parseRegistryFilter('registered-model', filter))).toBe(expected);
  });
});

describe('order_by', () => {
  it('orders registered models by name last unless given, timestamp as last_updated_time', () => {
    expect(parseRegisteredModelOrderBy(['timestamp DESC'])).toEqual([
      { column: 'last_updated_time', ascending: false },
      { column: 'name', ascending: true },
    ]);
    expect(parseRegisteredModelOrderBy(['name desc'])).toEqual([
      { column: 'name', ascending: false },
    ]);
  });

  it('adds name ASC and version DESC as tie-breakers for versions', () => {
    expect(parseModelVersionOrderBy(['creation_timestamp'])).toEqual([
      { column: 'creation_time', ascending: true },
      { column: 'name', ascending: true },
      { column: 'version', ascending: false },
    ]);
  });

  it.each([
    [
      () => parseRegisteredModelOrderBy(['creation_timestamp']),
      "Invalid order by key 'creation_timestamp'",
    ],
    [
      () => parseRegisteredModelOrderBy(['timestamp', 'last_updated_timestamp']),
      'duplicate fields',
    ],
    [() => parseRegisteredModelOrderBy(['name sideways']), 'Invalid ordering key'],
    [() => parseModelVersionOrderBy(['tags.k']), "Invalid order by key 'k' specified."],
    [() => parseModelVersionOrderBy(['run_id']), "Invalid attribute key 'run_id' specified."],
  ])('rejects bad order_by %#', (run, message) => {
    const err = failure(run);
    expect(err.code).toBe('INVALID_PARAMETER_VALUE');
    expect(err.message).toContain(message);
  });
});

describe('registry input rules', () => {
  it('accepts ordinary model names and refuses path-like ones', () => {
    expect(validateModelName('My Model-1.0_x')).toBe('My Model-1.0_x');
    expect(failure(() => validateModelName('a/b')).message).toContain("Names cannot contain '/'");
    expect(failure(() => validateModelName('..')).message).toContain('must not resolve');
    expect(failure(() => validateModelName(' ')).message).toContain('Missing value');
  });

  it('reads version numbers as integers only', () => {
    expect(parseVersion('12')).toBe(12);
    expect(parseVersion(' 3 ')).toBe(3);
    expect(failure(() => parseVersion('1.5')).message).toBe(
      "Parameter 'version' must be an integer, got '1.5'.",
    );
    expect(failure(() => parseVersion('99999999999999999999')).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });

  it('canonicalizes stage names and refuses unknown ones', () => {
    expect(canonicalStage('pRoDuCtIoN')).toBe('Production');
    expect(canonicalStage('none')).toBe('None');
    expect(failure(() => canonicalStage('Deleted_Internal')).message).toContain(
      'Invalid Model Version stage: Deleted_Internal.',
    );
  });

  it('allows word characters and dashes in aliases, and reserves latest and v<digits>', () => {
    expect(() => validateAliasName('champion-2_b')).not.toThrow();
    expect(() => validateAliasNotReserved('version1')).not.toThrow();
    expect(failure(() => validateAliasName('')).message).toBe(
      'Registered model alias name cannot be empty.',
    );
    expect(failure(() => validateAliasName('a.b')).message).toContain("Invalid alias name: 'a.b'");
    expect(failure(() => validateAliasNotReserved('v3')).message).toBe(
      "Version alias name 'v3' is reserved.",
    );
    expect(failure(() => validateAliasNotReserved('LATEST')).message).toBe(
      "'latest' alias name (case insensitive) is reserved.",
    );
  });
});
