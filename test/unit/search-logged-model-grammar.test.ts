// The logged-model search grammar (MLflow's search_logged_model_utils): filter comparisons on
// attributes, metrics, params and tags; order_by terms; and page tokens tied to their query.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import {
  parseLoggedModelFilter,
  parseLoggedModelOrderBy,
} from '../../src/search/logged-model-grammar.js';
import {
  createLoggedModelPageToken,
  parseLoggedModelPageToken,
  type LoggedModelQuery,
} from '../../src/search/logged-model-page-token.js';

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

describe('logged-model filters', () => {
  it('reads attributes, metrics, params and tags joined by AND', () => {
    expect(
      parseLoggedModelFilter(
        "name LIKE 'm%' AND metrics.`val loss` <= -1e-3 AND params.lr = '0.1' AND " +
          "tags.team IN ('a', 'b') AND attributes.model_type != 'x'",
      ),
    ).toEqual([
      { entity: 'attribute', key: 'name', comparator: 'LIKE', value: 'm%' },
      { entity: 'metric', key: 'val loss', comparator: '<=', value: -0.001 },
      { entity: 'param', key: 'lr', comparator: '=', value: '0.1' },
      { entity: 'tag', key: 'team', comparator: 'IN', value: ['a', 'b'] },
      { entity: 'attribute', key: 'model_type', comparator: '!=', value: 'x' },
    ]);
  });

  it('resolves the timestamp aliases and takes numbers for them', () => {
    expect(parseLoggedModelFilter('creation_time > 5 AND last_updated_timestamp <= 7.5')).toEqual([
      { entity: 'attribute', key: 'creation_timestamp_ms', comparator: '>', value: 5 },
      { entity: 'attribute', key: 'last_updated_timestamp_ms', comparator: '<=', value: 7.5 },
    ]);
  });

  it('upper-cases keyword comparators and accepts unquoted and double-quoted values', () => {
    expect(parseLoggedModelFilter("name like 'a%' AND name not in ('b') AND name = \"c\"")).toEqual(
      [
        { entity: 'attribute', key: 'name', comparator: 'LIKE', value: 'a%' },
        { entity: 'attribute', key: 'name', comparator: 'NOT IN', value: ['b'] },
        { entity: 'attribute', key: 'name', comparator: '=', value: 'c' },
      ],
    );
    expect(parseLoggedModelFilter('name = m1')).toEqual([
      { entity: 'attribute', key: 'name', comparator: '=', value: 'm1' },
    ]);
  });

  it('takes status by proto number or name and experiment ids as integers', () => {
    expect(
      parseLoggedModelFilter(
        "status = 2 AND status IN ('PENDING', 'logged_model_upload_failed') AND status != 'FAILED'",
      ),
    ).toEqual([
      { entity: 'status', comparator: '=', value: [2] },
      { entity: 'status', comparator: 'IN', value: [1, 3] },
      { entity: 'status', comparator: '!=', value: [3] },
    ]);
    expect(parseLoggedModelFilter("experiment_id IN ('1', '20')")).toEqual([
      { entity: 'experiment_id', comparator: 'IN', value: [1, 20] },
    ]);
  });

  it('treats an empty filter as no clauses', () => {
    expect(parseLoggedModelFilter(undefined)).toEqual([]);
    expect(parseLoggedModelFilter('')).toEqual([]);
  });

  it.each([
    [
      "name = 'a' OR name = 'b'",
      "Invalid filter string: \"name = 'a' OR name = 'b'\". Expected a list of comparisons " +
        "separated by 'AND' (e.g. 'metrics.loss > 0.1 AND params.lr = 0.01').",
    ],
    ['name', "Invalid filter string: 'name'."],
    [
      'metric.acc > 1',
      "Invalid entity type: 'metric'. Expected one of ['attributes', 'metrics', 'params', 'tags'].",
    ],
    [
      "name > 'a'",
      "Invalid comparison operator for attributes.name: '>'. Expected one of ('=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN').",
    ],
    ["metrics.acc LIKE '1'", "Invalid comparison operator for metrics.acc: 'LIKE'."],
    [
      'creation_time IN (1, 2)',
      "Invalid comparison operator for attributes.creation_timestamp_ms: 'IN'.",
    ],
    ['name IS NULL', "Invalid comparison operator for attributes.name: 'IS NULL'."],
    ["foo = 'x'", "Invalid attribute key 'foo' specified."],
    ["metrics.acc > 'high'", "Invalid value for metrics.acc: expected a number, got 'high'."],
    ["creation_time > 'x'", 'Invalid value for attributes.creation_timestamp_ms'],
    ["name = ('a', 'b')", "a list needs IN or NOT IN, not '='."],
    ["tags.t IN ('a', 1)", 'expected string value'],
    ["status = 'DONE'", "Invalid status 'DONE'."],
    ["status ILIKE 'r%'", "Invalid comparison operator for attributes.status: 'ILIKE'."],
    ["experiment_id = 'one'", "Invalid experiment ID 'one'."],
  ])('rejects %s', (filter, message) => {
    const error = errorOf(() => parseLoggedModelFilter(filter));
    expect(error.code).toBe('INVALID_PARAMETER_VALUE');
    expect(error.message).toContain(message);
  });
});

describe('logged-model order_by', () => {
  it('reads attributes (with aliases) ascending by default, and metrics with datasets', () => {
    expect(parseLoggedModelOrderBy({ field_name: 'name' })).toEqual({
      kind: 'attribute',
      key: 'name',
      ascending: true,
    });
    expect(parseLoggedModelOrderBy({ field_name: 'creation_time', ascending: false })).toEqual({
      kind: 'attribute',
      key: 'creation_timestamp_ms',
      ascending: false,
    });
    expect(
      parseLoggedModelOrderBy({
        field_name: 'metrics.a.b',
        ascending: false,
        dataset_name: 'eval',
        dataset_digest: 'd',
      }),
    ).toEqual({
      kind: 'metric',
      key: 'a.b',
      ascending: false,
      datasetName: 'eval',
      datasetDigest: 'd',
    });
  });

  it('rejects unknown attributes and non-metric entities with MLflow messages', () => {
    expect(errorOf(() => parseLoggedModelOrderBy({ field_name: 'bogus' }))).toEqual(
      invalid('Invalid order by field name: bogus'),
    );
    expect(errorOf(() => parseLoggedModelOrderBy({}))).toEqual(
      invalid('Invalid order by field name: '),
    );
    expect(errorOf(() => parseLoggedModelOrderBy({ field_name: 'tags.t' }))).toEqual(
      invalid('Invalid order by field name: tags.t. Only metrics are supported.'),
    );
  });
});

describe('logged-model page tokens', () => {
  const query: LoggedModelQuery = {
    experiment_ids: ['1', '2'],
    filter_string: "name = 'a'",
    order_by: [{ field_name: 'name', ascending: true, dataset_name: null, dataset_digest: null }],
  };

  it('round-trips the offset for the same query; no token is the first page', () => {
    expect(parseLoggedModelPageToken(createLoggedModelPageToken(query, 40), query)).toBe(40);
    expect(parseLoggedModelPageToken(undefined, query)).toBe(0);
  });

  it("reads MLflow's own tokens (Python json.dumps, base64)", () => {
    const mlflowToken = Buffer.from(
      '{"experiment_ids": ["1"], "filter_string": null, "order_by": null, "offset": 1}',
    ).toString('base64');
    const plain = { experiment_ids: ['1'], filter_string: null, order_by: null };
    expect(parseLoggedModelPageToken(mlflowToken, plain)).toBe(1);
  });

  it('refuses a token of another query, naming what differs', () => {
    const token = createLoggedModelPageToken(query, 10);
    expect(
      errorOf(() => parseLoggedModelPageToken(token, { ...query, experiment_ids: ['1'] })).message,
    ).toBe(
      'Experiment IDs in the page token do not match the requested experiment IDs. ' +
        "Expected: ['1']. Found: ['1', '2']",
    );
    expect(
      errorOf(() => parseLoggedModelPageToken(token, { ...query, filter_string: null })).message,
    ).toBe(
      'Filter string in the page token does not match the requested filter string. ' +
        "Expected: None. Found: name = 'a'",
    );
    expect(
      errorOf(() => parseLoggedModelPageToken(token, { ...query, order_by: null })).message,
    ).toContain('Order by in the page token does not match the requested order by.');
  });

  it('refuses tokens it did not hand out', () => {
    for (const bad of ['!!!', 'bm90IGpzb24=', Buffer.from('[1]').toString('base64')]) {
      expect(errorOf(() => parseLoggedModelPageToken(bad, query)).message).toMatch(
        /^Invalid page token: /,
      );
    }
    const negative = Buffer.from(JSON.stringify({ ...query, offset: -5 })).toString('base64');
    expect(errorOf(() => parseLoggedModelPageToken(negative, query)).code).toBe(
      'INVALID_PARAMETER_VALUE',
    );
  });
});
