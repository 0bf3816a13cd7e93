// Builds the web UI (src/ui) into dist/ui; the server serves it at `/` and `/projects/<name>/`
// with its assets below `/static-files/` (a name MLflow reserves, so no project can take it).
import { defineConfig } from 'vite';

export default defineConfig({
  root: 'src/ui',
  base: '/static-files/',
  build: {
    outDir: '../../dist/ui',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
});
