// How far V8 lets the old generation grow after a full collection before it starts the next one.
// V8 sizes that room from the live old space (about 35 MiB in a serving trackd) times a factor it
// picks from GC and allocation speeds: under a fast stream it picks 1.1–1.5, so 4–18 MiB of room.
// But V8 also charges the external memory allocated since the last full collection against that
// room, and an S3 transfer passes ~30 MiB of dead 64 KiB socket buffers through before a
// scavenge frees them: the room is used up again and again, and a 5 GiB download ran one full
// collection after another (~45 per GiB, marking taking the second core of a 2-core machine) at
// under half the speed MinIO serves directly. A fixed factor of 2.5 leaves ~50 MiB of room: no
// full collection during a transfer; 5 GiB through trackd to MinIO and back at 1.4–1.6× (PUT) and
// 0.80–0.82× (GET) of the direct speed, peaks 172–187 MiB RSS (BENCHMARKS.md, "S3 artifact
// transfer"); other workloads measured the same within noise.
import v8 from 'node:v8';

export const HEAP_GROWING_PERCENT = 150;

/**
 * Set at run time rather than on the command line: `node dist/src/main.js`, the `trackd` command,
 * `npm start` and the image all get it, and any `--heap-growing-percent` given explicitly on the
 * command line still wins.
 */
export function setHeapGrowth(): void {
  if (process.execArgv.some((arg) => arg.startsWith('--heap-growing-percent'))) return;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
