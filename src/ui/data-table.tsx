// A plain table of rows under a header row, scrolling sideways when wide: CSV previews, datasets
// and models of a run.
import type { ComponentChildren } from 'preact';

export function DataTable({
  head,
  rows,
  class: className = 'grid',
}: {
  head: ComponentChildren[];
  rows: ComponentChildren[][];
  class?: string;
}) {
  return (
    <div class="scroll">
      <table class={className}>
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
