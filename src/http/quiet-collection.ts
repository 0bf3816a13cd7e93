// Memory given back when the server goes quiet. Under load V8 grows the young generation to its
// limit (two 32 MiB semi-spaces: `--max-semi-space-size=32`, for log-batch ingest) and shrinks it
// only at a collection made while little is being allocated, which an idle server never makes:
// its RSS stays where start-up or the last busy spell left it. One full collection once no request
// has run for QUIET_MS lets V8 shrink it (measured: 136 → 103 MiB at rest after start-up); it grows
// again when load needs it. About 20 ms of one core, once per busy spell.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { InFlightRequests } from './in-flight.js';

export const QUIET_MS = 10_000;
const CHECK_MS = 2_000;

/** V8's full collection, reached at run time: the documented command line stays as it is. */
function fullCollection(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (options: { type: 'major' }) => void;
    return () => gc({ type: 'major' });
  } catch {
    return undefined;
  }
}

/** Collects once after each busy spell (and after start-up); answers a function that stops it. */
export function collectWhenQuiet(
  inFlight: Pick<InFlightRequests, 'count' | 'lastActive'>,
  collect = fullCollection(),
): () => void {
  if (!collect) return () => undefined;
  let collectedAfter: number | undefined;
  const timer = setInterval(() => {
    const last = inFlight.lastActive;
    if (inFlight.count > 0 || last === collectedAfter || Date.now() - last < QUIET_MS) return;
    collectedAfter = last;
    collect();
  }, CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
