import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run on their own (npm run test:reliability, test:ui): they start the built server, and the
    // UI tests a browser.
    exclude: ['test/reliability/**', 'test/ui/**', 'node_modules/**'],
    testTimeout: 20000,
  },
});
