// Summing token usage and cost over a trace's span tree, as MLflow's store does.
import { describe, expect, it } from 'vitest';
import { PyFloat, pyDumps } from '../../src/python-json.js';
import { aggregateNodes, nodeData, type UsageNode } from '../../src/store/trace-usage.js';

const TOKENS = ['input_tokens', 'output_tokens', 'total_tokens'];
const CACHE = ['cache_read_input_tokens', 'cache_creation_input_tokens'];

function node(spanId: string, parentId: string | null, usage?: object): UsageNode {
  return { spanId, parentId, data: usage ? nodeData(JSON.stringify(usage)) : null };
}

function sum(nodes: UsageNode[]): string | undefined {
  const totals = aggregateNodes(nodes, TOKENS, 0n, CACHE);
  return totals && pyDumps(totals);
}

describe('trace token usage', () => {
  it('adds up the spans that carry usage', () => {
    expect(
      sum([
        node('root', null),
        node('a', 'root', { input_tokens: 10, output_tokens: 2, total_tokens: 12 }),
        node('b', 'root', { input_tokens: 5, output_tokens: 1, cache_read_input_tokens: 3 }),
      ]),
    ).toBe(
      '{"input_tokens": 15, "output_tokens": 3, "total_tokens": 12, "cache_read_input_tokens": 3}',
    );
  });

  it('counts a parent’s rolled-up usage once, not again with its children’s', () => {
    expect(
      sum([
        node('agent', null, { input_tokens: 50, output_tokens: 5, total_tokens: 55 }),
        node('mid', 'agent'),
        node('llm', 'mid', { input_tokens: 20, output_tokens: 2, total_tokens: 22 }),
      ]),
    ).toBe('{"input_tokens": 50, "output_tokens": 5, "total_tokens": 55}');
  });

  it('treats a span whose parent is not among the spans as a root', () => {
    expect(
      sum([
        node('a', 'elsewhere', { input_tokens: 1, output_tokens: 1, total_tokens: 2 }),
        node('b', 'elsewhere', { input_tokens: 2, output_tokens: 2, total_tokens: 4 }),
      ]),
    ).toBe('{"input_tokens": 3, "output_tokens": 3, "total_tokens": 6}');
  });

  it('has no usage when no span carries a usage object', () => {
    expect(sum([node('a', null), { spanId: 'b', parentId: 'a', data: nodeData('[1, 2]') }])).toBe(
      undefined,
    );
  });

  it('sums costs as floats', () => {
    const costs = ['input_cost', 'output_cost', 'total_cost'];
    const totals = aggregateNodes(
      [
        node('a', null, { input_cost: 0.1, output_cost: 0.2, total_cost: 0.30000000000000004 }),
        node('b', null, { input_cost: 0.2, output_cost: 0, total_cost: 0.2 }),
      ],
      costs,
      new PyFloat(0),
    );
    expect(totals && pyDumps(totals)).toBe(
      '{"input_cost": 0.30000000000000004, "output_cost": 0.2, "total_cost": 0.5}',
    );
  });
});
