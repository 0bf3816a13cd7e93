// One span: its type, timing and status, its inputs and outputs, its other attributes and its
// events (an exception's type, message and stack trace). Every value is shown as text: span
// content comes from whatever the traced code handled, so none of it is ever parsed as markup.
import { parseJsonText } from './trace-shapes.js';
import type { SpanRow } from './span-tree.js';
import { elapsed, hexId, jsonText } from './trace-format.js';

const INPUTS = 'mlflow.spanInputs';
const OUTPUTS = 'mlflow.spanOutputs';
/** Shown elsewhere in the view (type above, ids in the facts) or the same for every span. */
const NOT_LISTED = new Set([INPUTS, OUTPUTS, 'mlflow.spanType', 'mlflow.traceRequestId']);

function Value({ name, text }: { name: string; text?: string }) {
  const slug = name.toLowerCase();
  return (
    <section class={`span-${slug}`}>
      <h4>{name}</h4>
      {text === undefined ? (
        <p class="notice">None.</p>
      ) : (
        <pre class="json">{jsonText(parseJsonText(text))}</pre>
      )}
    </section>
  );
}

function Attributes({ attributes }: { attributes: Record<string, string> }) {
  const rows = Object.entries(attributes)
    .filter(([k]) => !NOT_LISTED.has(k))
    .sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="span-attributes">
      <h4>
        Attributes <span class="count">{rows.length}</span>
      </h4>
      {rows.length === 0 ? (
        <p class="notice">None.</p>
      ) : (
        <table class="pairs">
          <tbody>
            {rows.map(([k, v]) => {
              const value = parseJsonText(v);
              return (
                <tr key={k} data-key={k}>
                  <th>{k}</th>
                  <td>
                    {typeof value === 'object' && value !== null ? (
                      <pre class="json">{jsonText(value)}</pre>
                    ) : (
                      jsonText(value)
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Events({ row, startNs }: { row: SpanRow; startNs: number }) {
  const events = row.span.events ?? [];
  if (events.length === 0) return null;
  return (
    <section class="span-events">
      <h4>
        Events <span class="count">{events.length}</span>
      </h4>
      <ol class="events">
        {events.map((e, i) => {
          const attrs = e.attributes ?? {};
          const at = elapsed((e.time_unix_nano - startNs) / 1e6);
          if (e.name === 'exception') {
            return (
              <li key={i} class="event exception">
                <p>
                  <strong>{String(attrs['exception.type'] ?? 'Exception')}</strong>
                  {attrs['exception.message'] !== undefined &&
                    `: ${String(attrs['exception.message'])}`}{' '}
                  <span class="count">at +{at}</span>
                </p>
                {attrs['exception.stacktrace'] !== undefined && (
                  <pre class="json stacktrace">{String(attrs['exception.stacktrace'])}</pre>
                )}
              </li>
            );
          }
          return (
            <li key={i} class="event">
              <p>
                <strong>{e.name}</strong> <span class="count">at +{at}</span>
              </p>
              {Object.keys(attrs).length > 0 && <pre class="json">{jsonText(attrs)}</pre>}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

export function SpanDetail({ row, traceStartNs }: { row: SpanRow; traceStartNs: number }) {
  const { span } = row;
  const attributes = span.attributes ?? {};
  const status = span.status?.code?.replace(/^STATUS_CODE_/, '') ?? 'UNSET';
  return (
    <section
      class="span-detail"
      aria-label={`Span ${span.name}`}
      data-span-id={hexId(span.span_id)}
    >
      <h3>
        {span.name} <span class={`chip span-type type-${row.type.toLowerCase()}`}>{row.type}</span>
      </h3>
      <p class="facts">
        <span>
          Span <code>{hexId(span.span_id)}</code>
        </span>
        {span.parent_span_id && (
          <span>
            Parent <code>{hexId(span.parent_span_id)}</code>
          </span>
        )}
        <span>Start +{elapsed(row.offsetMs)}</span>
        <span class="span-took">
          {row.durationMs === undefined ? 'Not ended' : elapsed(row.durationMs)}
        </span>
        <span class={`status status-${status.toLowerCase()}`}>{status}</span>
      </p>
      {span.status?.message && (
        <p class="error span-status" role="note">
          {span.status.message}
        </p>
      )}
      <Value name="Inputs" text={attributes[INPUTS]} />
      <Value name="Outputs" text={attributes[OUTPUTS]} />
      <Events row={row} startNs={traceStartNs} />
      <Attributes attributes={attributes} />
    </section>
  );
}
