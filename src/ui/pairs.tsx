// A titled table of key → value rows (a run's or a model's overview, params, tags).
import type { ComponentChildren } from 'preact';
import type { KeyValue } from './api.js';

export function Pairs({ title, rows }: { title: string; rows: [string, ComponentChildren][] }) {
  return (
    <section>
      <h2>
        {title} <span class="count">{rows.length}</span>
      </h2>
      {rows.length === 0 ? (
        <p class="notice">None.</p>
      ) : (
        <table class="pairs">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th>{k}</th>
                <td>{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export const sortedPairs = (pairs: KeyValue[] = []) =>
  pairs.map((p): [string, string] => [p.key, p.value]).sort((a, b) => a[0].localeCompare(b[0]));
