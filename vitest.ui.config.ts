// The browser tests of the web UI: the built server (`npm run build` first) driven through
// Debian's Chromium by playwright-core (test/ui/install-chromium.sh installs it).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/ui/**/*.test.ts'],
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
