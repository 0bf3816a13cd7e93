// The experiments filter and order_by grammar, with MLflow's messages (taken from MLflow's own
// SearchExperimentsUtils and SQL store on the same input).
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import {
  checkExperimentClause,
  parseExperimentFilter,
  parseExperimentOrderBy,
} from '../../src/search/experiment-grammar.js';

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    if (err instanceof MlflowError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an MlflowError');
}

const invalid = (message: string) => ({ code: 'INVALID_PARAMETER_VALUE', message });
const checked = (filter: string) => parseExperimentFilter(filter).map(checkExperimentClause);

describe('experiment filters', () => {
  it('reads attributes, tags and experiment id lists', () => {
    expect(
      checked(
        "name LIKE 'a%' AND attribute.creation_time > 5 AND tags.`a b` != 'c' AND " +
          "experiment_id IN ('1', '2') AND tag.t IS NULL",
      ),
    ).toEqual([
      { field: 'name', comparator: 'LIKE', value: 'a%' },
      { field: 'creation_time', comparator: '>', value: 5 },
      { field: 'tag', key: 'a b', comparator: '!=', value: 'c' },
      { field: 'experiment_id', comparator: 'IN', ids: [1, 2] },
      { field: 'tag-presence', key: 't', comparator: 'IS NULL' },
    ]);
  });

  it.each([
    // Unlike runs, experiments only accept the entity spellings attribute, tag and tags.
    [
      "attributes.name = 'a'",
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    [
      'metrics.x > 1',
      "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    [
      "foo = 'a'",
      "Invalid attribute key 'foo' specified. Valid keys are " +
        "'{'name', 'experiment_id', 'creation_time', 'last_update_time'}'",
    ],
    // Experiments quote invalid clauses without quotes around each.
    ["name = 'a' OR name = 'b'", 'Invalid clause(s) in filter string: OR'],
    ['name IS NULL', "IS NULL / IS NOT NULL is only supported for tags, not for attribute 'name'"],
    [
      "name IN ('a')",
      "Only ['experiment_id'] attributes support comparison with a list of quoted string values.",
    ],
    ['experiment_id = 1', 'Expected a quoted string value for attributes. Got value 1'],
    [
      "creation_time > 'a'",
      "Expected numeric value type for numeric attribute: creation_time. Found 'a'",
    ],
    // Comparators are compared as written, so lower-case like is refused.
    [
      "name like 'a%'",
      "Invalid comparator 'like' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'",
    ],
    ["tags.team like 'V%'", 'Invalid comparator for tag: like'],
    ["tags.team > 'a'", 'Invalid comparator for tag: >'],
    ["experiment_id > '1'", 'Invalid comparator for experiment_id: >'],
    ["experiment_id in ('1')", 'Invalid comparator for experiment_id: in'],
    ["experiment_id = 'x'", "Invalid experiment ID 'x'. Experiment ID must be a valid integer."],
    [
      'creation_time LIKE 1',
      "Invalid comparator 'LIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}",
    ],
    ['creation_time >= 1500.0', "Invalid value for numeric attribute 'creation_time': '1500.0'"],
    ['last_update_time < 1e3', "Invalid value for numeric attribute 'last_update_time': '1000.0'"],
  ])('rejects %j', (filter, message) => {
    expect(errorOf(() => checked(filter))).toEqual(invalid(message));
  });
});

describe('experiment order_by', () => {
  it.each([
    ['name', { key: 'name', ascending: true }],
    ['name DESC', { key: 'name', ascending: false }],
    ['attribute.last_update_time desc', { key: 'last_update_time', ascending: false }],
    ['experiment_id ASC', { key: 'experiment_id', ascending: true }],
  ])('reads %j', (orderBy, term) => {
    expect(parseExperimentOrderBy(orderBy)).toEqual(term);
  });

  it.each([
    ['tags.team', 'Invalid order_by entity: tag'],
    [
      'attributes.name',
      "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')",
    ],
    ['name sideways', "Invalid ordering key in order_by clause 'name sideways'."],
  ])('rejects %j', (orderBy, message) => {
    expect(errorOf(() => parseExperimentOrderBy(orderBy))).toEqual(invalid(message));
  });
});
