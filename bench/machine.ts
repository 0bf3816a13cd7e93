// What the bench says of the machine it ran on: its hardware, and how much of it other processes
// took meanwhile (the machine is shared: a busy neighbour shows in every figure).
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const GIB = 1024 ** 3;

/** Busy and total CPU ticks of the whole machine since boot. */
export function machineTicks(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const t = line.split(/\s+/).slice(1).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  return { busy: total - t[3] - t[4], total }; // idle, iowait
}

export function machine(): string {
  const model = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
  const nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  const memGiB = os.totalmem() / GIB;
  let fsType = '';
  try {
    fsType = execFileSync('df', ['--output=fstype', os.tmpdir()], { encoding: 'utf8' })
      .split('\n')[1]
      .trim();
  } catch {
    // Not reported.
  }
  return (
    `${nproc} cores (\`nproc\`), ${model ?? 'unknown CPU'}, ${memGiB.toFixed(0)} GiB RAM, ` +
    `${os.tmpdir()} on ${fsType || 'unknown fs'}, Linux ${os.release()}, Node ${process.version}`
  );
}

/**
 * Share of the machine's cores used by processes other than ours since `ticksBefore`, `elapsed`
 * seconds ago; `ownSeconds` is the CPU time of ours (the bench and the servers it started).
 */
export function othersShare(
  ticksBefore: { busy: number },
  ownSeconds: number,
  elapsed: number,
): number {
  const busySeconds = (machineTicks().busy - ticksBefore.busy) / 100;
  return Math.max(0, busySeconds - ownSeconds) / (elapsed * os.availableParallelism());
}
