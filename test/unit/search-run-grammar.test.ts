// The runs filter and order_by grammar: what MLflow accepts, and its exact messages for what it
// rejects (expected values were taken from MLflow's own SearchUtils on the same input).
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import {
  checkRunComparator,
  parseRunFilter,
  parseRunOrderBy,
} from '../../src/search/run-grammar.js';

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

const RUN_ATTRIBUTES =
  "{'run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', " +
  "'created', 'Created', 'run name', 'Run name', 'Run Name'}";
const ORDERABLE =
  "{'run_id', 'run_name', 'status', 'user_id', 'artifact_uri', 'start_time', 'end_time', " +
  "'created', 'Created'}";

describe('parseRunFilter accepts', () => {
  it.each([
    ['', []],
    ['metrics.acc > 0.5', [{ type: 'metric', key: 'acc', comparator: '>', value: '0.5' }]],
    [
      'metric.x >= -1e3 and params.lr = \'0.1\' AND tags.env != "prod"',
      [
        { type: 'metric', key: 'x', comparator: '>=', value: '-1e3' },
        { type: 'parameter', key: 'lr', comparator: '=', value: '0.1' },
        { type: 'tag', key: 'env', comparator: '!=', value: 'prod' },
      ],
    ],
    ['metrics.x = .5', [{ type: 'metric', key: 'x', comparator: '=', value: '.5' }]],
    ["tags.`my tag` LIKE 'x%'", [{ type: 'tag', key: 'my tag', comparator: 'LIKE', value: 'x%' }]],
    [
      'params."a b" ilike \'%Q\'',
      [{ type: 'parameter', key: 'a b', comparator: 'ilike', value: '%Q' }],
    ],
    ["tags.'q r' = 'x'", [{ type: 'tag', key: 'q r', comparator: '=', value: 'x' }]],
    [
      "tags.mlflow.source.name = 'x'",
      [{ type: 'tag', key: 'mlflow.source.name', comparator: '=', value: 'x' }],
    ],
    ['metrics.`a.b` < 1', [{ type: 'metric', key: 'a.b', comparator: '<', value: '1' }]],
    ['metrics.select > 1', [{ type: 'metric', key: 'select', comparator: '>', value: '1' }]],
    [
      "status = 'RUNNING'",
      [{ type: 'attribute', key: 'status', comparator: '=', value: 'RUNNING' }],
    ],
    [
      'attr.start_time >= 10 and run.end_time < 2.5',
      [
        { type: 'attribute', key: 'start_time', comparator: '>=', value: 10 },
        { type: 'attribute', key: 'end_time', comparator: '<', value: 2.5 },
      ],
    ],
    ['created > 1', [{ type: 'attribute', key: 'created', comparator: '>', value: 1 }]],
    ["`Run name` = 'a'", [{ type: 'attribute', key: 'Run name', comparator: '=', value: 'a' }]],
    [
      'attributes.run_id IN (\'a\', "b",)',
      [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: ['a', 'b'] }],
    ],
    // Lists are Python tuple literals: escapes apply and adjacent strings concatenate.
    [
      "run_id IN ('it''s', 'a\\'b', \"c\")",
      [{ type: 'attribute', key: 'run_id', comparator: 'IN', value: ['its', "a'b", 'c'] }],
    ],
    [
      "run_id not in ('a')",
      [{ type: 'attribute', key: 'run_id', comparator: 'NOT IN', value: ['a'] }],
    ],
    [
      "dataset.context IN ('train', 'eval') AND datasets.digest = 'abc'",
      [
        { type: 'dataset', key: 'context', comparator: 'IN', value: ['train', 'eval'] },
        { type: 'dataset', key: 'digest', comparator: '=', value: 'abc' },
      ],
    ],
    [
      'params.a IS NULL AND tags.b is not null',
      [
        { type: 'parameter', key: 'a', comparator: 'IS NULL', value: null },
        { type: 'tag', key: 'b', comparator: 'IS NOT NULL', value: null },
      ],
    ],
    // Quotes are stripped but escapes kept verbatim, as MLflow does.
    ["params.x = 'it''s'", [{ type: 'parameter', key: 'x', comparator: '=', value: "it''s" }]],
    // A dangling or doubled AND is tolerated.
    ["AND tags.y = 'b' AND AND", [{ type: 'tag', key: 'y', comparator: '=', value: 'b' }]],
  ])('%j', (filter, clauses) => {
    expect(parseRunFilter(filter)).toEqual(clauses);
  });
});

describe('parseRunFilter rejects with MLflow messages', () => {
  it.each([
    ['metrics.acc > 0.5 OR metrics.b < 1', "Invalid clause(s) in filter string: 'OR'"],
    ['(metrics.x = 1)', "Invalid clause(s) in filter string: '(metrics.x = 1)'"],
    ['metrics.x', "Invalid clause(s) in filter string: 'metrics.x'"],
    ['metrics.x = 1;', "Invalid clause(s) in filter string: ';'"],
    ['metrics.x = 1 ; -- x', "Invalid clause(s) in filter string: ';', '-- x'"],
    ['  ', "Invalid filter '  '. Could not be parsed."],
    ['metrics.x > 0x10', "Invalid clause(s) in filter string: 'metrics.x', '>', '0x10'"],
    ["run_id IN 'a'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''a''"],
    ["params.x = 'a' foo", "Invalid clause(s) in filter string: 'params.x = 'a' foo'"],
    [
      'metrics.x = 1; metrics.y = 2',
      "Search filter contained multiple expression 'metrics.x = 1; metrics.y = 2'. " +
        'Provide AND-ed expression list.',
    ],
    ['1 = metrics.x', "Invalid comparison clause. Expected 'Identifier' found '1'"],
    [
      'metrics.train/loss > 1',
      "Invalid comparison clause. Expected 'Identifier' found 'metrics.train/loss'",
    ],
    [
      'foo.x = 1',
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [
      "lifecycle_stage = 'active'",
      `Invalid attribute key 'lifecycle_stage' specified. Valid keys are '${RUN_ATTRIBUTES}'`,
    ],
    [
      "datasets.foo = 'x'",
      "Invalid dataset key 'foo' specified. Valid keys are '{'name', 'digest', 'context'}'",
    ],
    [
      'params.x = a',
      'Parameter value is either not quoted or unidentified quote types used for string value a. ' +
        'Use either single or double quotes.',
    ],
    ['params.x = 1', "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1"],
    [
      "tags.x IN ('a')",
      "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')",
    ],
    ["metrics.x = 'a'", "Expected numeric value type for metric. Found 'a'"],
    ['metrics.x > 1 + 2', 'Expected numeric value type for metric. Found 1 + 2'],
    [
      "attr.start_time > 'a'",
      "Expected numeric value type for numeric attribute: start_time. Found 'a'",
    ],
    ['status = 1', 'Expected a quoted string value for attributes. Got value 1'],
    ['datasets.name = 1', 'Expected a quoted string value for dataset attributes. Got value 1'],
    [
      "attributes.status IN ('a', 'b')",
      "Only ['run_id'] attributes support comparison with a list of quoted string values.",
    ],
    [
      'run_id IN ()',
      'While parsing a list in the query, expected a non-empty list of string values, but got empty list',
    ],
    [
      "run_id IN ('a', 1)",
      'While parsing a list in the query, expected string value, punctuation, or whitespace, ' +
        "but got different type in list: ('a', 1)",
    ],
    [
      'metrics.a IS NULL',
      "IS NULL / IS NOT NULL is only supported for tags and params, not for 'metric' 'a'",
    ],
  ])('%j', (filter, message) => {
    expect(errorOf(() => parseRunFilter(filter))).toEqual(invalid(message));
  });

  it('reports the first bad clause, not a later one', () => {
    expect(errorOf(() => parseRunFilter("status >= -2 AND 's' != 1"))).toEqual(
      invalid('Expected a quoted string value for attributes. Got value -2'),
    );
  });
});

describe('checkRunComparator', () => {
  const check = (filter: string) => checkRunComparator(parseRunFilter(filter)[0]);

  it('upper-cases comparators and resolves attribute aliases', () => {
    expect(check("params.x like 'a'")).toEqual({
      kind: 'parameter',
      key: 'x',
      comparator: 'LIKE',
    });
    expect(check('created > 5')).toEqual({
      kind: 'numeric-attribute',
      key: 'start_time',
      comparator: '>',
    });
    expect(check("`Run Name` = 'x'")).toEqual({
      kind: 'string-attribute',
      key: 'run_name',
      comparator: '=',
    });
  });

  it.each([
    // MLflow's message omits the closing quote for metrics, tags, datasets and numeric attributes.
    ['metrics.acc == 1', "Invalid comparator '==' not one of '{'=', '!=', '>', '>=', '<', '<='}"],
    [
      "params.lr > '0'",
      "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}'",
    ],
    [
      "tags.env RLIKE 'p'",
      "Invalid comparator 'RLIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'}",
    ],
    [
      "status > 'A'",
      "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}'",
    ],
    [
      'start_time LIKE 1',
      "Invalid comparator 'LIKE' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}",
    ],
    [
      "datasets.name > 'a'",
      "Invalid comparator '>' not one of '{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}",
    ],
    ["run_id = ('a', 'b')", "Invalid comparator '=' for a list of values; use IN or NOT IN"],
  ])('rejects %j', (filter, message) => {
    expect(errorOf(() => check(filter))).toEqual(invalid(message));
  });
});

describe('parseRunOrderBy', () => {
  it.each([
    ['metrics.acc', { type: 'metric', key: 'acc', ascending: true }],
    ['metrics.acc desc', { type: 'metric', key: 'acc', ascending: false }],
    ['metrics.`my metric` DESC', { type: 'metric', key: 'my metric', ascending: false }],
    ['params."a b" ASC', { type: 'parameter', key: 'a b', ascending: true }],
    ['tags.`a.b`', { type: 'tag', key: 'a.b', ascending: true }],
    ['attributes.start_time DESC', { type: 'attribute', key: 'start_time', ascending: false }],
    ['created', { type: 'attribute', key: 'start_time', ascending: true }],
    ['attr.run_id', { type: 'attribute', key: 'run_id', ascending: true }],
  ])('reads %j', (orderBy, term) => {
    expect(parseRunOrderBy(orderBy)).toEqual(term);
  });

  it.each([
    ['', "Invalid order_by clause ''. Could not be parsed."],
    ['metrics.acc ASC ', "Invalid order_by clause 'metrics.acc ASC '. Could not be parsed."],
    [
      'metrics.acc DESC NULLS LAST',
      "Invalid order_by clause 'metrics.acc DESC NULLS LAST'. Could not be parsed.",
    ],
    [
      'metrics.a, metrics.b',
      "Invalid order_by clause 'metrics.a, metrics.b'. Could not be parsed.",
    ],
    ['metrics.acc foo', "Invalid ordering key in order_by clause 'metrics.acc foo'."],
    [
      'foo.bar',
      "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']",
    ],
    [
      'lifecycle_stage',
      `Invalid attribute key 'lifecycle_stage' specified. Valid keys are '${ORDERABLE}'`,
    ],
    ['`Run name`', `Invalid attribute key 'Run name' specified. Valid keys are '${ORDERABLE}'`],
    ['datasets.name', "Invalid identifier type 'dataset'"],
  ])('rejects %j', (orderBy, message) => {
    expect(errorOf(() => parseRunOrderBy(orderBy))).toEqual(invalid(message));
  });
});
