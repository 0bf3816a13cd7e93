// A trace's assessments: feedback (a judge's or a person's verdict, or the judge's error) and
// expectations (the ground truth), each with its value, rationale, source and the span it is on.
import { dateTime } from '../../format.js';
import { assessmentValue, type Assessment } from './trace-shapes.js';
import { hexId, jsonText } from './trace-format.js';

function ValueCell({ a }: { a: Assessment }) {
  const error = a.feedback?.error;
  const value = assessmentValue(a);
  return (
    <td class="assessment-value">
      {value !== undefined && value !== null && <pre class="json">{jsonText(value)}</pre>}
      {error && (
        <p class="error">{[error.error_code, error.error_message].filter(Boolean).join(': ')}</p>
      )}
    </td>
  );
}

export function Assessments({
  assessments,
  spanName,
}: {
  assessments: Assessment[];
  /** The name of the span an assessment is attached to (by its hex or base64 id). */
  spanName(spanId: string): string | undefined;
}) {
  return (
    <section class="assessments">
      <h2>
        Assessments <span class="count">{assessments.length}</span>
      </h2>
      {assessments.length === 0 ? (
        <p class="notice">None.</p>
      ) : (
        <div class="scroll">
          <table class="grid assessments">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Value</th>
                <th>Rationale</th>
                <th>Source</th>
                <th>Span</th>
                <th>Updated</th>
              </tr>
            </thead>
            <tbody>
              {assessments.map((a) => (
                <tr
                  key={a.assessment_id}
                  data-assessment={a.assessment_name}
                  class={a.valid === false ? 'overridden' : undefined}
                  title={a.valid === false ? 'Overridden by a later assessment' : undefined}
                >
                  <td>{a.assessment_name}</td>
                  <td>{a.expectation ? 'Expectation' : 'Feedback'}</td>
                  <ValueCell a={a} />
                  <td class="rationale">{a.rationale ?? ''}</td>
                  <td class="source">
                    {[a.source?.source_type, a.source?.source_id].filter(Boolean).join(' · ')}
                  </td>
                  <td>{a.span_id ? (spanName(a.span_id) ?? hexId(a.span_id)) : ''}</td>
                  <td>{dateTime(a.last_update_time ? Date.parse(a.last_update_time) : 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
