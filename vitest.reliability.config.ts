// The reliability suite: tests that kill, restart and load the real built server (run
// `npm run build` first). Files run one after another because each drives a server process hard
// and its timings (kill moments, restart waits) would suffer from a neighbour competing for CPU.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    fileParallelism: false,
    // Child processes: the harness's exit hook (which kills leftover servers) runs in a forked
    // process of its own, not in a worker thread that shares the runner's process.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
