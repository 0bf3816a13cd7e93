#!/usr/bin/env bash
# Every test the README promises, in order; `npm test` runs it with a PostgreSQL server started by
# scripts/services/with-postgres.sh (TRACKD_TEST_PG_URL) for the tests of trackd on PostgreSQL.
# The official-client suite on PostgreSQL (`npm run test:postgres`) joins this list once it passes
# whole there (see README, "Running on PostgreSQL").
set -euo pipefail
cd "$(dirname "$0")/.."

npx vitest run
npx vitest run --config vitest.reliability.config.ts
bash test/ui/install-chromium.sh >/dev/null
npx vitest run --config vitest.ui.config.ts
bash test/conformance/run.sh
