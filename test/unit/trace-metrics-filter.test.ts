// QueryTraceMetrics' filter grammar: one `view.entity[.key] = 'value'` comparison per filter.
// Each case's outcome (the parsed filter, or the error message) was taken from MLflow 3.17's own
// SearchTraceMetricsUtils.parse_search_filter on the same input.
import { describe, expect, it } from 'vitest';
import { MlflowError } from '../../src/errors.js';
import { parseMetricsFilter } from '../../src/search/trace-metrics-filter.js';

const CASES: [string, Record<string, string> | string][] = [
  ["trace.status = 'OK'", { view: 'trace', entity: 'status', value: 'OK' }],
  ['trace.status = "OK"', { view: 'trace', entity: 'status', value: 'OK' }],
  [
    'trace.status = OK',
    'Parameter value is either not quoted or unidentified quote types used for string value OK. Use either single or double quotes.',
  ],
  [
    'trace.status = 5',
    "Expected a quoted string value for status value (e.g. 'my-value'). Got value 5",
  ],
  ["trace.status != 'OK'", "Invalid comparator: '!=', only '=' operator is supported"],
  ["trace.status LIKE 'O%'", "Invalid comparator: 'LIKE', only '=' operator is supported"],
  ["trace.status IN ('OK')", "Invalid clause(s) in filter string: trace.status, IN, ('OK')"],
  ['trace.status IS NULL', 'Invalid clause(s) in filter string: trace.status, IS, NULL'],
  [
    "status = 'OK'",
    "Invalid identifier 'status'. Columns should be specified as 'trace.<key>', 'span.<key>', 'assessment.<key>'.",
  ],
  [
    "foo.status = 'OK'",
    "Invalid view type 'foo'. Valid values are dict_keys(['trace', 'span', 'assessment'])",
  ],
  [
    "trace.nope = 'x'",
    "Invalid entity 'nope' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']",
  ],
  ["trace.tag = 'x'", "Filtering by tag requires a key, e.g. 'trace.tag.<key> = <value>'"],
  [
    "trace.status.x = 'y'",
    "Filtering by status does not require a key, use 'trace.status' instead",
  ],
  ["trace.tag.env = 'dev'", { view: 'trace', entity: 'tag', key: 'env', value: 'dev' }],
  ["trace.tag.`my key` = 'v'", { view: 'trace', entity: 'tag', key: 'my key', value: 'v' }],
  ["trace.tag.'quoted' = 'v'", { view: 'trace', entity: 'tag', key: 'quoted', value: 'v' }],
  ["trace.metadata.a.b.c = 'v'", { view: 'trace', entity: 'metadata', key: 'a.b.c', value: 'v' }],
  ["`trace`.status = 'OK'", { view: 'trace', entity: 'status', value: 'OK' }],
  [
    "trace.`status` = 'OK'",
    "Invalid entity '`status`' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']",
  ],
  ["trace.status = 'OK' AND trace.status = 'ERROR'", 'Invalid clause(s) in filter string: AND'],
  ["trace.status = 'OK' and span.name = 'x'", 'Invalid clause(s) in filter string: and'],
  ['', "Invalid filter: ''. Expected one filter clause."],
  ['   ', "Invalid filter '   '. Could not be parsed."],
  [
    "trace.status = 'OK'; trace.status = 'x'",
    "Search filter contained multiple expression \"trace.status = 'OK'; trace.status = 'x'\". Provide AND-ed expression list.",
  ],
  ["span.name = 'a'", { view: 'span', entity: 'name', value: 'a' }],
  ["span.type = 'LLM'", { view: 'span', entity: 'type', value: 'LLM' }],
  ["span.status = 'OK'", { view: 'span', entity: 'status', value: 'OK' }],
  [
    "span.model = 'x'",
    "Invalid entity 'model' specified for view type 'span'. Valid entities are ['name', 'status', 'type']",
  ],
  ["assessment.name = 'q'", { view: 'assessment', entity: 'name', value: 'q' }],
  ["assessment.type = 'feedback'", { view: 'assessment', entity: 'type', value: 'feedback' }],
  [
    "assessment.value = '1'",
    "Invalid entity 'value' specified for view type 'assessment'. Valid entities are ['name', 'type']",
  ],
  ["span.name.x = 'a'", "Filtering by name does not require a key, use 'span.name' instead"],
  ["trace.status = ''", { view: 'trace', entity: 'status', value: '' }],
  ['trace.status =', 'Invalid clause(s) in filter string: trace.status, ='],
  ["= 'OK'", "Invalid clause(s) in filter string: =, 'OK'"],
  ['trace.status', 'Invalid clause(s) in filter string: trace.status'],
  ["trace.status = 'it''s'", { view: 'trace', entity: 'status', value: "it''s" }],
  ["trace.tag.k = 'a' 'b'", "Invalid clause(s) in filter string: 'b'"],
  [
    'trace.status = 1.5',
    "Expected a quoted string value for status value (e.g. 'my-value'). Got value 1.5",
  ],
  ['trace.status = True', 'Invalid clause(s) in filter string: trace.status, =, True'],
  [
    'trace.status = NULL',
    "Expected a quoted string value for status value (e.g. 'my-value'). Got value NULL",
  ],
  ["trace.status >= 'OK'", "Invalid comparator: '>=', only '=' operator is supported"],
  [
    "trace.tag.mlflow.traceName = 'x'",
    { view: 'trace', entity: 'tag', key: 'mlflow.traceName', value: 'x' },
  ],
  ["trace.status = 'OK' OR trace.status = 'X'", 'Invalid clause(s) in filter string: OR'],
  ["(trace.status = 'OK')", "Invalid clause(s) in filter string: (trace.status = 'OK')"],
  [
    "trace.status = ('OK')",
    "Expected a quoted string value for status value (e.g. 'my-value'). Got value ('OK')",
  ],
  ["trace.status == 'OK'", "Invalid comparator: '==', only '=' operator is supported"],
  ["trace.status <> 'OK'", "Invalid comparator: '<>', only '=' operator is supported"],
  [
    "trace . status = 'OK'",
    "Invalid view type 'trace '. Valid values are dict_keys(['trace', 'span', 'assessment'])",
  ],
  ["trace.status='OK'", { view: 'trace', entity: 'status', value: 'OK' }],
  [
    "TRACE.status = 'OK'",
    "Invalid view type 'TRACE'. Valid values are dict_keys(['trace', 'span', 'assessment'])",
  ],
  [
    "trace.STATUS = 'OK'",
    "Invalid entity 'STATUS' specified for view type 'trace'. Valid entities are ['status', 'tag', 'metadata']",
  ],
  ["trace.tag.`a.b` = 'v'", { view: 'trace', entity: 'tag', key: 'a.b', value: 'v' }],
  ['trace.tag."a.b" = \'v\'', { view: 'trace', entity: 'tag', key: 'a.b', value: 'v' }],
  [
    "trace.metadata = 'v'",
    "Filtering by metadata requires a key, e.g. 'trace.metadata.<key> = <value>'",
  ],
  [
    'trace.tag.k = `v`',
    'Parameter value is either not quoted or unidentified quote types used for string value `v`. Use either single or double quotes.',
  ],
];

describe('parseMetricsFilter', () => {
  it.each(CASES.filter(([, want]) => typeof want !== 'string'))('reads %j', (filter, want) => {
    expect(parseMetricsFilter(filter)).toEqual(want);
  });

  it.each(CASES.filter(([, want]) => typeof want === 'string'))(
    'rejects %j with MLflow’s message',
    (filter, message) => {
      let caught: unknown;
      try {
        parseMetricsFilter(filter);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(MlflowError);
      expect((caught as MlflowError).code).toBe('INVALID_PARAMETER_VALUE');
      expect((caught as MlflowError).message).toBe(message);
    },
  );
});
