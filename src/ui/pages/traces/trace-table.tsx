// Trace infos as table rows: name and id, request and response previews, state, an assessments
// summary, time, execution time, tokens, source run and tags. An experiment's traces page sorts it
// by time or execution time; a run's page shows it without the run column.
import type { ComponentChildren } from 'preact';
import { Link } from 'wouter-preact';
import { dateTime } from '../../format.js';
import {
  assessmentValue,
  durationMs,
  parseJsonText,
  requestTimeMs,
  SOURCE_RUN,
  TOKEN_USAGE,
  traceName,
  type Assessment,
  type TraceInfo,
} from './trace-shapes.js';
import { elapsed, shortText } from './trace-format.js';

export const SORTABLE = { timestamp_ms: 'Request time', execution_time_ms: 'Execution time' };
export type SortKey = keyof typeof SORTABLE;

export function StateBadge({ state }: { state: string }) {
  const label = state.replace(/^STATE_/, '');
  return <span class={`state state-${label.toLowerCase()}`}>{label}</span>;
}

/** `correct: true` chips, one an assessment; a failed judge shows its error instead of a value. */
export function AssessmentChips({ assessments }: { assessments?: Assessment[] }) {
  const shown = (assessments ?? []).filter((a) => a.valid !== false);
  if (shown.length === 0) return null;
  return (
    <span class="chips">
      {shown.map((a) => {
        const value = assessmentValue(a);
        const failed = a.feedback?.error !== undefined && value == null;
        const verdict =
          value === true || value === 'yes'
            ? 'pass'
            : value === false || value === 'no'
              ? 'fail'
              : '';
        return (
          <span
            key={a.assessment_id}
            class={`chip ${a.expectation ? 'expectation' : 'feedback'} ${failed ? 'fail' : verdict}`}
            title={a.rationale ?? a.feedback?.error?.error_message ?? ''}
          >
            {a.assessment_name}: {failed ? 'error' : shortText(value, 40)}
          </span>
        );
      })}
    </span>
  );
}

function tokens(info: TraceInfo): string {
  const usage = parseJsonText(info.trace_metadata?.[TOKEN_USAGE]) as
    { total_tokens?: number } | undefined;
  return typeof usage?.total_tokens === 'number' ? String(usage.total_tokens) : '';
}

const userTags = (info: TraceInfo) =>
  Object.entries(info.tags ?? {})
    .filter(([k]) => !k.startsWith('mlflow.'))
    .sort(([a], [b]) => a.localeCompare(b));

function Preview({ text }: { text?: string }) {
  return (
    <span class="preview-text" title={text}>
      {text ?? ''}
    </span>
  );
}

export interface Sorting {
  order: string;
  onSort(key: SortKey, descending: boolean): void;
}

function SortHeader({ sortKey, sorting }: { sortKey: SortKey; sorting?: Sorting }) {
  if (!sorting) return <th>{SORTABLE[sortKey]}</th>;
  const [key, direction] = sorting.order.split(' ');
  const active = key === sortKey;
  const descending = active ? direction !== 'ASC' : true;
  return (
    <th aria-sort={active ? (descending ? 'descending' : 'ascending') : undefined}>
      <button
        type="button"
        data-sort={sortKey}
        // Clicking the active column turns it around; another column starts newest/slowest first.
        onClick={() => sorting.onSort(sortKey, active ? !descending : true)}
      >
        {SORTABLE[sortKey]}
        {active ? (descending ? ' ↓' : ' ↑') : ''}
      </button>
    </th>
  );
}

export function TraceTable(props: {
  experimentId: string;
  traces: TraceInfo[];
  /** Where a trace's id links to (the trace view). */
  hrefOf(info: TraceInfo): string;
  selected?: string;
  sorting?: Sorting;
  /** Leave out the run column (on the run's own page). */
  withoutRun?: boolean;
}) {
  const { experimentId, traces, hrefOf, selected, sorting, withoutRun } = props;
  const cells = (info: TraceInfo): ComponentChildren[] => {
    const run = info.trace_metadata?.[SOURCE_RUN];
    return [
      <>
        <Link href={hrefOf(info)} class="trace-link" title={info.trace_id}>
          {traceName(info) ?? info.trace_id}
        </Link>
        <code class="trace-id">{info.trace_id}</code>
      </>,
      <Preview text={info.request_preview} />,
      <Preview text={info.response_preview} />,
      <StateBadge state={info.state} />,
      <AssessmentChips assessments={info.assessments} />,
      dateTime(requestTimeMs(info)),
      elapsed(durationMs(info.execution_duration)),
      tokens(info),
      ...(withoutRun
        ? []
        : [
            run ? (
              <Link class="run-link" href={`/experiments/${experimentId}/runs/${run}?`}>
                {run.slice(0, 8)}
              </Link>
            ) : (
              ''
            ),
          ]),
      <span class="chips">
        {userTags(info).map(([k, v]) => (
          <span key={k} class="chip tag" title={`${k}=${v}`}>
            {k}={shortText(v, 30)}
          </span>
        ))}
      </span>,
    ];
  };
  return (
    <div class="scroll">
      <table class="grid traces">
        <thead>
          <tr>
            <th>Trace</th>
            <th>Request</th>
            <th>Response</th>
            <th>State</th>
            <th>Assessments</th>
            <SortHeader sortKey="timestamp_ms" sorting={sorting} />
            <SortHeader sortKey="execution_time_ms" sorting={sorting} />
            <th>Tokens</th>
            {!withoutRun && <th>Run</th>}
            <th>Tags</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((info) => (
            <tr
              key={info.trace_id}
              data-trace-id={info.trace_id}
              class={info.trace_id === selected ? 'selected' : undefined}
            >
              {cells(info).map((c, i) => (
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
