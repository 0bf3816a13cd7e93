// A trace's token usage and cost (metadata `mlflow.trace.tokenUsage` / `mlflow.trace.cost`) summed
// from its spans' `mlflow.chat.tokenUsage` / `mlflow.llm.cost`, as MLflow's store does when spans
// arrive: over the span tree, a span's figures count only when no ancestor has figures of its own
// (frameworks that roll usage up onto parent spans would otherwise be counted twice). Values a
// client gave with StartTraceV3 are kept; a trace whose spans come in several batches is summed
// again over all of them (each span's two attributes are kept in `spans` for that).
import { PyFloat, pyDumps, pyLoads, type PyDict, type PyJson } from '../python-json.js';
import type { Db } from './experiments.js';
import { COST_KEY, TOKEN_USAGE_KEY, finiteFloat, tokenCount } from './trace-analytics.js';
import { INFO_FINALIZED_KEY } from './traces.js';

export const SPAN_TOKEN_USAGE = 'mlflow.chat.tokenUsage';
export const SPAN_COST = 'mlflow.llm.cost';

const TOKEN_KEYS = ['input_tokens', 'output_tokens', 'total_tokens'];
const CACHE_KEYS = [
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
  'cache_creation_input_tokens_above_1hr',
];
const ALL_TOKEN_KEYS = [...TOKEN_KEYS, ...CACHE_KEYS];
const COST_KEYS = ['input_cost', 'output_cost', 'total_cost'];

export interface UsageNode {
  spanId: string;
  parentId: string | null;
  /** The span's decoded attribute when it is a dict, else null. */
  data: PyDict | null;
}

/** A stored attribute (or column) as aggregation data: only a JSON object counts. */
export function nodeData(text: string | null | undefined): PyDict | null {
  if (!text || text.trimStart()[0] !== '{') return null;
  try {
    const value = pyLoads(text);
    return value instanceof Map ? value : null;
  } catch {
    return null;
  }
}

type Num = bigint | PyFloat;

/** Python's `a + b` for ints and floats; anything else is no number (and is left out). */
function add(a: Num, b: PyJson | undefined): Num {
  if (typeof b === 'boolean') b = b ? 1n : 0n;
  if (typeof b === 'bigint' && typeof a === 'bigint') return a + b;
  if (typeof b === 'bigint' || b instanceof PyFloat) {
    const x = typeof a === 'bigint' ? Number(a) : a.value;
    const y = typeof b === 'bigint' ? Number(b) : b.value;
    return new PyFloat(x + y);
  }
  return a;
}

/**
 * Sums `keys` (always present, from `zero`) and `optionalKeys` (when some span has them) over the
 * top-most spans carrying data; undefined when no span does.
 */
export function aggregateNodes(
  nodes: UsageNode[],
  keys: string[],
  zero: Num,
  optionalKeys: string[] = [],
): Map<string, Num> | undefined {
  const ids = new Set(nodes.map((n) => n.spanId));
  const children = new Map<string, UsageNode[]>();
  const stack: [UsageNode, boolean][] = [];
  for (const node of nodes) {
    if (node.parentId !== null && ids.has(node.parentId)) {
      const list = children.get(node.parentId) ?? [];
      list.push(node);
      children.set(node.parentId, list);
    } else {
      stack.push([node, false]);
    }
  }
  const totals = new Map<string, Num>(keys.map((k) => [k, zero]));
  let found = false;
  while (stack.length > 0) {
    const [node, ancestorHasData] = stack.pop()!;
    const data = node.data;
    if (data !== null && !ancestorHasData) {
      for (const key of keys) totals.set(key, add(totals.get(key)!, data.get(key) ?? zero));
      for (const key of optionalKeys) {
        if (data.has(key)) totals.set(key, add(totals.get(key) ?? zero, data.get(key)));
      }
      found = true;
    }
    for (const child of children.get(node.spanId) ?? []) {
      stack.push([child, ancestorHasData || data !== null]);
    }
  }
  return found ? totals : undefined;
}

/** MLflow's token_count_or_none / finite_float_or_none, undefined for nothing. */
function count(value: PyJson | undefined): bigint | undefined {
  return tokenCount(value) ?? undefined;
}

function money(value: PyJson | undefined): number | undefined {
  return finiteFloat(value) ?? undefined;
}

/**
 * The metadata value after storing `values`: MLflow keeps each figure in a column of its own,
 * so figures the new sum lacks keep their earlier values; written in its key order.
 */
function mergedMetadata(
  keys: string[],
  existing: string | undefined,
  values: Map<string, Num>,
  read: (value: PyJson | undefined) => bigint | number | undefined,
): string | undefined {
  const before = nodeData(existing);
  const out = new Map<string, PyJson>();
  for (const key of keys) {
    const value = read(values.get(key)) ?? read(before?.get(key));
    if (value !== undefined) out.set(key, typeof value === 'bigint' ? value : new PyFloat(value));
  }
  return out.size > 0 ? pyDumps(out) : undefined;
}

function hasAny(
  keys: string[],
  text: string | undefined,
  read: (v: PyJson | undefined) => unknown,
): boolean {
  const data = nodeData(text);
  return data !== null && keys.some((k) => read(data.get(k)) !== undefined);
}

/** The batch's spans of one trace, as the aggregation reads them. */
export interface BatchSpan {
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, string>;
}

/**
 * Updates a trace's usage and cost metadata for a batch of its spans (already written). `created`:
 * the batch created the trace, so it holds all its spans so far.
 */
export async function updateTraceUsage(
  trx: Db,
  traceId: string,
  spans: BatchSpan[],
  created: boolean,
): Promise<void> {
  const usageNodes: UsageNode[] = [];
  const costNodes: UsageNode[] = [];
  for (const s of spans) {
    usageNodes.push({
      spanId: s.spanId,
      parentId: s.parentSpanId,
      data: nodeData(s.attributes[SPAN_TOKEN_USAGE]),
    });
    costNodes.push({
      spanId: s.spanId,
      parentId: s.parentSpanId,
      data: nodeData(s.attributes[SPAN_COST]),
    });
  }
  let usage = aggregateNodes(usageNodes, TOKEN_KEYS, 0n, CACHE_KEYS);
  let cost = aggregateNodes(costNodes, COST_KEYS, new PyFloat(0));
  if (usage === undefined && cost === undefined) return;

  const existing = new Map<string, string>();
  if (!created) {
    const rows = await trx
      .selectFrom('trace_request_metadata')
      .select(['key', 'value'])
      .where('request_id', '=', traceId)
      .where('key', 'in', [INFO_FINALIZED_KEY, TOKEN_USAGE_KEY, COST_KEY])
      .execute();
    for (const r of rows) existing.set(r.key, r.value ?? '');
    // Figures a client gave when it finished the trace stand; spans do not add to them.
    const finalized = existing.has(INFO_FINALIZED_KEY);
    if (finalized && hasAny(ALL_TOKEN_KEYS, existing.get(TOKEN_USAGE_KEY), count)) {
      usage = undefined;
    }
    if (finalized && hasAny(COST_KEYS, existing.get(COST_KEY), money)) cost = undefined;
    if (usage === undefined && cost === undefined) return;
    // Spans of earlier batches: the sum is made again over the whole tree.
    const inBatch = new Set(spans.map((s) => s.spanId));
    const stored = await trx
      .selectFrom('spans')
      .select(['span_id', 'parent_span_id', 'token_usage', 'cost'])
      .where('trace_id', '=', traceId)
      .execute();
    for (const row of stored) {
      if (inBatch.has(row.span_id)) continue;
      usageNodes.push({
        spanId: row.span_id,
        parentId: row.parent_span_id,
        data: nodeData(row.token_usage),
      });
      costNodes.push({
        spanId: row.span_id,
        parentId: row.parent_span_id,
        data: nodeData(row.cost),
      });
    }
    if (usage !== undefined) usage = aggregateNodes(usageNodes, TOKEN_KEYS, 0n, CACHE_KEYS);
    if (cost !== undefined) cost = aggregateNodes(costNodes, COST_KEYS, new PyFloat(0));
  }

  const rows: { request_id: string; key: string; value: string }[] = [];
  const usageText =
    usage && mergedMetadata(ALL_TOKEN_KEYS, existing.get(TOKEN_USAGE_KEY), usage, count);
  if (usageText !== undefined)
    rows.push({ request_id: traceId, key: TOKEN_USAGE_KEY, value: usageText });
  const costText = cost && mergedMetadata(COST_KEYS, existing.get(COST_KEY), cost, money);
  if (costText !== undefined) rows.push({ request_id: traceId, key: COST_KEY, value: costText });
  if (rows.length === 0) return;
  // One statement for both: a batch of spans pays for one round of query building, not two.
  await trx
    .insertInto('trace_request_metadata')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['request_id', 'key']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value') })),
    )
    .execute();
}
