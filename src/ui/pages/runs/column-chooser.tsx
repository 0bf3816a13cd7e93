// Which params, metrics and tags are columns, and which columns are pinned to the left. Lists every
// key seen in the experiment's runs; a find box narrows long lists. Changes go to the URL.
import { useState } from 'preact/hooks';
import { ATTRIBUTES, type Keys } from './columns.js';

/** Beyond this many keys of one kind, the list asks for a find term instead of growing. */
const LIST_LIMIT = 300;

interface Props {
  keys: Keys;
  shown: string[];
  pins: string[];
  onChange(shown: string[], pins: string[]): void;
  /** Back to no choice in the URL: every metric and param, the run name pinned. */
  onReset(): void;
}

export function ColumnChooser({ keys, shown, pins, onChange, onReset }: Props) {
  const [find, setFind] = useState('');
  const term = find.trim().toLowerCase();

  const toggleShown = (id: string) =>
    shown.includes(id)
      ? onChange(
          shown.filter((s) => s !== id),
          pins.filter((p) => p !== id),
        )
      : onChange([...shown, id], pins);
  // Pinning a hidden column shows it too.
  const togglePin = (id: string) =>
    pins.includes(id)
      ? onChange(
          shown,
          pins.filter((p) => p !== id),
        )
      : onChange(shown.includes(id) || id.startsWith('attributes.') ? shown : [...shown, id], [
          ...pins,
          id,
        ]);

  const pinButton = (id: string, label: string) => (
    <button
      type="button"
      class="pin-toggle"
      aria-pressed={pins.includes(id)}
      aria-label={`Pin ${label}`}
      title={pins.includes(id) ? 'Unpin' : 'Pin to the left'}
      onClick={() => togglePin(id)}
    >
      pin
    </button>
  );

  const group = (title: string, kind: 'metrics' | 'params' | 'tags') => {
    const matching = keys[kind].filter((k) => !term || k.toLowerCase().includes(term));
    return (
      <fieldset key={kind} data-kind={kind}>
        <legend>
          {title} <span class="count">{keys[kind].length}</span>
        </legend>
        {matching.length === 0 && <p class="notice">none</p>}
        {matching.slice(0, LIST_LIMIT).map((key) => {
          const id = `${kind}.${key}`;
          return (
            <div class="choice" key={id} data-column={id}>
              <label title={id}>
                <input
                  type="checkbox"
                  checked={shown.includes(id)}
                  onChange={() => toggleShown(id)}
                />
                {key}
              </label>
              {pinButton(id, id)}
            </div>
          );
        })}
        {matching.length > LIST_LIMIT && (
          <p class="notice">{matching.length - LIST_LIMIT} more: type to find them</p>
        )}
      </fieldset>
    );
  };

  return (
    <details class="column-chooser">
      <summary>Columns</summary>
      <div class="chooser-panel">
        <div class="chooser-bar">
          <input
            type="search"
            value={find}
            placeholder="Find a key"
            aria-label="Find a column key"
            onInput={(e) => setFind((e.target as HTMLInputElement).value)}
          />
          <button
            type="button"
            onClick={() =>
              onChange(
                [],
                pins.filter((p) => p.startsWith('attributes.')),
              )
            }
          >
            None
          </button>
          <button type="button" onClick={onReset}>
            Default
          </button>
        </div>
        <fieldset data-kind="attributes">
          <legend>Attributes</legend>
          {ATTRIBUTES.map((c) => (
            <div class="choice" key={c.id} data-column={c.id}>
              <label>
                <input type="checkbox" checked disabled />
                {c.label}
              </label>
              {pinButton(c.id, c.label)}
            </div>
          ))}
        </fieldset>
        {group('Metrics', 'metrics')}
        {group('Parameters', 'params')}
        {group('Tags', 'tags')}
      </div>
    </details>
  );
}
