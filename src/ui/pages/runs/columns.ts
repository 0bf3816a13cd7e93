// The runs table's columns: three attributes, then any params, metrics and user tags the person
// chose. A column is named as MLflow's search grammar names it (`metrics.acc`, `params.opt`,
// `tags.team`, `attributes.run_name`), which is also how the URL lists them (`?cols=…&pin=…`).
import type { Run } from '../../api.js';
import { dateTime, number } from '../../format.js';

export type ColumnKind = 'attributes' | 'metrics' | 'params' | 'tags';

export interface Column {
  /** `kind.key`, as in the URL and in MLflow's filter grammar (unquoted). */
  id: string;
  kind: ColumnKind;
  key: string;
  label: string;
  /** Fixed widths keep the columns still while rows scroll in and out of the virtual window. */
  width: number;
}

export const ATTRIBUTES: Column[] = [
  { id: 'attributes.run_name', kind: 'attributes', key: 'run_name', label: 'Run', width: 220 },
  {
    id: 'attributes.start_time',
    kind: 'attributes',
    key: 'start_time',
    label: 'Started',
    width: 180,
  },
  { id: 'attributes.status', kind: 'attributes', key: 'status', label: 'Status', width: 100 },
];

export const DEFAULT_PINS = ['attributes.run_name'];
const WIDTHS = { metrics: 110, params: 130, tags: 150 } as const;
export const SELECT_WIDTH = 36;

/** The keys seen so far in an experiment's runs, each list sorted. */
export interface Keys {
  metrics: string[];
  params: string[];
  tags: string[];
}
export const NO_KEYS: Keys = { metrics: [], params: [], tags: [] };

/** MLflow's own tags (mlflow.runName, mlflow.user, …) are attributes in all but name: not offered. */
export const isUserTag = (key: string) => !key.startsWith('mlflow.');

/** A URL list: absent (null) means "the default", empty means "none". */
export function parseIds(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  return value.split(',').filter(Boolean);
}

export function columnOf(id: string): Column | undefined {
  const attribute = ATTRIBUTES.find((c) => c.id === id);
  if (attribute) return attribute;
  const dot = id.indexOf('.');
  const kind = id.slice(0, dot);
  const key = id.slice(dot + 1);
  if (dot < 0 || !key || !(kind === 'metrics' || kind === 'params' || kind === 'tags')) return;
  return { id, kind, key, label: key, width: WIDTHS[kind] };
}

/** Without a choice in the URL: every metric and param seen, as the table always showed them. */
export function defaultIds(keys: Keys): string[] {
  return [...keys.metrics.map((k) => `metrics.${k}`), ...keys.params.map((k) => `params.${k}`)];
}

export interface Layout {
  /** Left to right: the pinned columns first (in pin order), then the others. */
  columns: Column[];
  pinned: number;
  /** Each column's `left` when pinned (after the selection column), in px. */
  lefts: number[];
  width: number;
}

export function layout(chosen: string[], pins: string[]): Layout {
  const all = [...ATTRIBUTES, ...chosen.map(columnOf).filter((c): c is Column => !!c)];
  const pinned = pins.map((id) => all.find((c) => c.id === id)).filter((c): c is Column => !!c);
  const columns = [...pinned, ...all.filter((c) => !pinned.includes(c))];
  const lefts: number[] = [];
  let width = SELECT_WIDTH;
  for (const c of columns) {
    lefts.push(width);
    width += c.width;
  }
  return { columns, pinned: pinned.length, lefts, width };
}

/** MLflow's order_by name of a column: `metrics.\`val loss\``; attributes go unquoted. */
export function sortName(c: Column): string {
  return c.kind === 'attributes' ? c.id : `${c.kind}.\`${c.key}\``;
}

export function cellText(run: Run, c: Column): string {
  switch (c.kind) {
    case 'attributes':
      if (c.key === 'run_name') return run.info.run_name || run.info.run_id;
      if (c.key === 'start_time') return dateTime(run.info.start_time);
      return run.info.lifecycle_stage === 'deleted'
        ? `${run.info.status} (deleted)`
        : run.info.status;
    case 'metrics':
      return number(run.data.metrics?.find((m) => m.key === c.key)?.value);
    case 'params':
      return run.data.params?.find((p) => p.key === c.key)?.value ?? '';
    case 'tags':
      return run.data.tags?.find((t) => t.key === c.key)?.value ?? '';
  }
}

function merged(known: string[], found: Set<string>): string[] {
  const extra = [...found].filter((k) => !known.includes(k));
  return extra.length ? [...known, ...extra].sort() : known;
}

/** `keys` grown by what `runs` hold; the same object when nothing is new (so memos hold). */
export function gatherKeys(keys: Keys, runs: Run[]): Keys {
  const metrics = new Set<string>();
  const params = new Set<string>();
  const tags = new Set<string>();
  for (const run of runs) {
    for (const m of run.data.metrics ?? []) metrics.add(m.key);
    for (const p of run.data.params ?? []) params.add(p.key);
    for (const t of run.data.tags ?? []) if (isUserTag(t.key)) tags.add(t.key);
  }
  const next = {
    metrics: merged(keys.metrics, metrics),
    params: merged(keys.params, params),
    tags: merged(keys.tags, tags),
  };
  return next.metrics === keys.metrics && next.params === keys.params && next.tags === keys.tags
    ? keys
    : next;
}
