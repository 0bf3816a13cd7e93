import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run on their own (npm run test:reliability): they start real server processes and load them.
    exclude: ['test/reliability/**', 'node_modules/**'],
    testTimeout: 20000,
  },
});
