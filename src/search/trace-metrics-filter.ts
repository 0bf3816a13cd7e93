// The filter grammar of QueryTraceMetrics (MLflow's SearchTraceMetricsUtils): each filter string is
// exactly one `view.entity[.key] = 'value'` comparison, no AND, `=` only. Views and their entities:
// `trace.status`, `trace.tag.<k>`, `trace.metadata.<k>`, `span.name|status|type`,
// `assessment.name|type`. Errors carry MLflow's messages.
import { MlflowError } from '../errors.js';
import { groupStatement, splitStatements, type Node } from './sql-groups.js';
import { stripQuotes, trimBackticks } from './filter-values.js';
import { pyStr } from './python-repr.js';

export type MetricsFilter =
  | { view: 'trace'; entity: 'status'; value: string }
  | { view: 'trace'; entity: 'tag' | 'metadata'; key: string; value: string }
  | { view: 'span'; entity: 'name' | 'status' | 'type'; value: string }
  | { view: 'assessment'; entity: 'name' | 'type'; value: string };

/** Each view's entities and whether the entity takes a key (MLflow's dict order, for messages). */
const ENTITIES: Record<string, Record<string, boolean>> = {
  trace: { status: false, tag: true, metadata: true },
  span: { name: false, status: false, type: false },
  assessment: { name: false, type: false },
};

function invalid(message: string): MlflowError {
  return MlflowError.invalidParameter(message);
}

function identify(text: string): { view: string; entity: string; key?: string } {
  // Python's str.split('.', 2): at most three parts, the last keeps its dots.
  const first = text.indexOf('.');
  const second = first < 0 ? -1 : text.indexOf('.', first + 1);
  const parts =
    first < 0
      ? [text]
      : second < 0
        ? [text.slice(0, first), text.slice(first + 1)]
        : [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  if (parts.length === 1) {
    throw invalid(
      `Invalid identifier ${pyStr(text)}. Columns should be specified as ` +
        `'trace.<key>', 'span.<key>', 'assessment.<key>'.`,
    );
  }
  const view = trimBackticks(parts[0]);
  const entities = ENTITIES[view];
  if (!entities) {
    throw invalid(
      `Invalid view type '${view}'. Valid values are dict_keys(['trace', 'span', 'assessment'])`,
    );
  }
  const entity = parts[1];
  if (!(entity in entities)) {
    const names = Object.keys(entities).map(pyStr).join(', ');
    throw invalid(
      `Invalid entity '${entity}' specified for view type '${view}'. Valid entities are [${names}]`,
    );
  }
  const keyRequired = entities[entity];
  const rawKey = parts[2];
  if (keyRequired && rawKey === undefined) {
    throw invalid(
      `Filtering by ${entity} requires a key, e.g. '${view}.${entity}.<key> = <value>'`,
    );
  }
  if (!keyRequired && rawKey !== undefined) {
    throw invalid(`Filtering by ${entity} does not require a key, use '${view}.${entity}' instead`);
  }
  // MLflow tests the key for truth: an empty key (`trace.tag.`) counts as none.
  const key = rawKey ? trimBackticks(stripQuotes(rawKey)) : undefined;
  return { view, entity, ...(key !== undefined ? { key } : {}) };
}

function valueOf(entity: string, node: Node): string {
  if (node.kind === 'string' || node.kind === 'identifier') return stripQuotes(node.text, true);
  throw invalid(
    `Expected a quoted string value for ${entity} value (e.g. 'my-value'). Got value ${node.text}`,
  );
}

function interpret(comparison: Node): MetricsFilter {
  const [left, comparator, right] = comparison.parts!;
  if (left.kind !== 'identifier') {
    throw invalid(`Invalid comparison clause. Expected 'Identifier' found '${left.text}'`);
  }
  const { view, entity, key } = identify(left.text);
  if (comparator.text !== '=') {
    throw invalid(`Invalid comparator: '${comparator.text}', only '=' operator is supported`);
  }
  const value = valueOf(entity, right);
  return { view, entity, ...(key !== undefined ? { key } : {}), value } as MetricsFilter;
}

/** Parses one QueryTraceMetrics filter string. */
export function parseMetricsFilter(filter: string): MetricsFilter {
  const comparisons: Node[] = [];
  if (filter) {
    const statements = splitStatements(filter);
    if (statements.length === 0) {
      throw invalid(`Invalid filter '${filter}'. Could not be parsed.`);
    }
    if (statements.length > 1) {
      throw invalid(
        `Search filter contained multiple expression ${pyStr(filter)}. ` +
          'Provide AND-ed expression list.',
      );
    }
    const nodes = groupStatement(statements[0]).filter((n) => n.kind !== 'whitespace');
    const stray = nodes.filter((n) => n.kind !== 'comparison');
    if (stray.length) {
      throw invalid(`Invalid clause(s) in filter string: ${stray.map((n) => n.text).join(', ')}`);
    }
    for (const node of nodes) comparisons.push(node);
  }
  if (comparisons.length !== 1) {
    // MLflow reads every comparison (reporting the first bad one) before counting them.
    comparisons.forEach(interpret);
    throw invalid(`Invalid filter: '${filter}'. Expected one filter clause.`);
  }
  return interpret(comparisons[0]);
}
