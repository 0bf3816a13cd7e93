// The ordered list of schema migrations. A static map (not a folder scan) so the same list works
// from TypeScript sources under vitest and from the compiled build.
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_logged_models.js';
import * as m0003 from './0003_model_registry.js';
import * as m0004 from './0004_covering_search_indexes.js';
import * as m0005 from './0005_metrics_without_rowid.js';
import * as m0006 from './0006_metric_run_key.js';
import * as m0007 from './0007_metric_rank_marks.js';
import * as m0008 from './0008_traces.js';
import * as m0009 from './0009_evaluation_datasets.js';
import * as m0012 from './0012_span_usage.js';
import * as m0013 from './0013_trace_search_layout.js';
import * as m0014 from './0014_webhooks.js';
import * as m0016 from './0016_trace_duration_index.js';
import * as m0017 from './0017_trace_info_json.js';
import * as m0018 from './0018_issues.js';
import * as m0019 from './0019_gateway_and_scorers.js';
import * as m0020 from './0020_postgres_support.js';

const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_logged_models': m0002,
  '0003_model_registry': m0003,
  '0004_covering_search_indexes': m0004,
  '0005_metrics_without_rowid': m0005,
  '0006_metric_run_key': m0006,
  '0007_metric_rank_marks': m0007,
  '0008_traces': m0008,
  '0009_evaluation_datasets': m0009,
  '0012_span_usage': m0012,
  '0013_trace_search_layout': m0013,
  '0014_webhooks': m0014,
  '0016_trace_duration_index': m0016,
  '0017_trace_info_json': m0017,
  '0018_issues': m0018,
  '0019_gateway_and_scorers': m0019,
  '0020_postgres_support': m0020,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
