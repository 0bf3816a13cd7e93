// One trace: what it is (name, state, time, execution time, source run), its spans as a tree on a
// time line beside the selected span's inputs, outputs, attributes and events, then its
// assessments, tags (editable by those who may write) and metadata. Reads the trace's info
// (GetTraceInfoV3) and its spans (get-trace-artifact), as MLflow's own UI does.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { useAccess } from '../../access.js';
import { ApiError } from '../../api.js';
import { dateTime } from '../../format.js';
import { Pairs } from '../../pairs.js';
import { Assessments } from './assessments.js';
import { SpanDetail } from './span-detail.js';
import { spanTree } from './span-tree.js';
import { SpanWaterfall } from './span-waterfall.js';
import { getSpans, getTraceInfo } from './trace-api.js';
import {
  durationMs,
  requestTimeMs,
  SOURCE_RUN,
  traceName,
  type Span,
  type TraceInfo,
} from './trace-shapes.js';
import { elapsed, hexId } from './trace-format.js';
import { AssessmentChips, StateBadge } from './trace-table.js';
import { TraceTags } from './trace-tags.js';
import './traces.css';

const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err));

export function TraceView(props: {
  traceId: string;
  experimentId: string;
  /** The selected span (hex id, as shown), or undefined for the root. */
  span?: string;
  onSpan(hexSpanId: string): void;
  /** After a tag was set or removed (a list showing the trace may want to reload). */
  onChanged?(): void;
  /** A page of its own (h1) rather than a panel over the list (h2). */
  standalone?: boolean;
}) {
  const { traceId, experimentId, onSpan, onChanged, standalone } = props;
  const [info, setInfo] = useState<TraceInfo>();
  const [spans, setSpans] = useState<Span[]>();
  const [error, setError] = useState<string>();
  const [version, setVersion] = useState(0);
  const access = useAccess();

  useEffect(() => {
    setInfo(undefined);
    setSpans(undefined);
    setError(undefined);
    let live = true;
    getSpans(traceId).then(
      (s) => live && setSpans(s),
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [traceId]);
  useEffect(() => {
    let live = true;
    getTraceInfo(traceId).then(
      (i) => live && setInfo(i),
      (err) => live && setError(message(err)),
    );
    return () => {
      live = false;
    };
  }, [traceId, version]);

  const tree = useMemo(() => spanTree(spans ?? []), [spans]);
  const Heading = standalone ? 'h1' : 'h2';
  if (error) return <p class="error">{error}</p>;
  if (!info || !spans) return <p class="notice">Loading…</p>;

  const selected = tree.rows.find((r) => hexId(r.span.span_id) === props.span) ?? tree.rows[0];
  const run = info.trace_metadata?.[SOURCE_RUN];
  const tags = info.tags ?? {};
  const spanName = (id: string) =>
    tree.rows.find((r) => r.span.span_id === id || hexId(r.span.span_id) === id)?.span.name;

  return (
    <article class="trace-view" data-trace-id={info.trace_id}>
      <header class="trace-head">
        <Heading>{traceName(info) ?? info.trace_id}</Heading>
        <StateBadge state={info.state} />
        <AssessmentChips assessments={info.assessments} />
      </header>
      <p class="facts">
        <span>
          Trace <code>{info.trace_id}</code>
        </span>
        <span>{dateTime(requestTimeMs(info))}</span>
        <span class="execution-time">{elapsed(durationMs(info.execution_duration))}</span>
        <span>
          {spans.length} span{spans.length === 1 ? '' : 's'}
        </span>
        {run && (
          <span>
            Run{' '}
            <Link class="run-link" href={`/experiments/${experimentId}/runs/${run}?`}>
              {run}
            </Link>
          </span>
        )}
      </p>
      {selected ? (
        <div class="trace-body">
          <SpanWaterfall
            tree={tree}
            selected={selected.span.span_id}
            onSelect={(id) => onSpan(hexId(id))}
          />
          <SpanDetail row={selected} traceStartNs={tree.startNs} />
        </div>
      ) : (
        <p class="notice">No spans recorded for this trace yet.</p>
      )}
      <Assessments assessments={info.assessments ?? []} spanName={spanName} />
      <TraceTags
        traceId={info.trace_id}
        tags={tags}
        canWrite={access.can_write}
        onChanged={() => {
          setVersion((v) => v + 1);
          onChanged?.();
        }}
      />
      <Pairs
        title="Metadata"
        rows={Object.entries(info.trace_metadata ?? {}).sort(([a], [b]) => a.localeCompare(b))}
      />
    </article>
  );
}
