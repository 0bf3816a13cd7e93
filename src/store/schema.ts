// Kysely's view of one project's database. Table and column names follow MLflow's SQL store so that
// people who know MLflow's schema can find their way around (and so a later importer stays simple).
import type { Generated } from 'kysely';

export interface ExperimentsTable {
  experiment_id: number;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  run_uuid: string;
  /** The run's small integer key, which its metric history rows carry (migration 0006). */
  run_key: number | null;
  experiment_id: number;
  name: string;
  source_type: string;
  source_name: string;
  entry_point_name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  deleted_time: number | null;
  source_version: string;
  lifecycle_stage: string;
  artifact_uri: string;
}

export interface RunKeyValueTable {
  run_uuid: string;
  key: string;
  value: string;
}

/** A metric's whole history: every point, its run named by `runs.run_key`. */
export interface MetricHistoryTable {
  run_key: number;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  /** 1 when the logged value was NaN; `value` then holds 0, as MLflow stores it. */
  is_nan: number;
}

/** The latest point of each metric of a run. */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  value: number;
  timestamp: number;
  step: number;
  /** 1 when the logged value was NaN; `value` then holds 0, as MLflow stores it. */
  is_nan: number;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  dataset_source_type: string;
  dataset_source: string;
  dataset_schema: string | null;
  dataset_profile: string | null;
}

export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
  /** The run's step at which it produced a model (`log-outputs`); 0 for every other edge. */
  step: Generated<number>;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

export interface LoggedModelsTable {
  model_id: string;
  experiment_id: number;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  /** LoggedModelStatus as its proto number: 1 pending, 2 ready, 3 upload failed. */
  status: number;
  lifecycle_stage: string;
  model_type: string | null;
  source_run_id: string | null;
  status_message: string | null;
}

export interface LoggedModelParamsTable {
  model_id: string;
  experiment_id: number;
  param_key: string;
  param_value: string;
}

export interface LoggedModelTagsTable {
  model_id: string;
  experiment_id: number;
  tag_key: string;
  tag_value: string;
}

/** A metric logged to a run with a `model_id`; the run's own `metrics` row is written too. */
export interface LoggedModelMetricsTable {
  model_id: string;
  metric_name: string;
  metric_timestamp_ms: number;
  metric_step: number;
  metric_value: number | null;
  experiment_id: number;
  run_id: string;
  dataset_uuid: string | null;
  dataset_name: string | null;
  dataset_digest: string | null;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: number;
  last_updated_time: number | null;
  description: string | null;
}

export interface RegisteredModelTagsTable {
  name: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number | null;
  description: string | null;
  user_id: string | null;
  /** A stage name, or `Deleted_Internal` for a deleted version (its number stays taken). */
  current_stage: string;
  source: string | null;
  /** Where the artifacts are: `source` resolved (a logged model's location for `models:/m-…`). */
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
  /** The logged model the version was registered from, if any. */
  model_id: string | null;
}

export interface ModelVersionTagsTable {
  name: string;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  name: string;
  alias: string;
  version: number;
}

/** Per run and metric key: what tells whether the next point appends to an in-order history. */
export interface MetricSeriesTable {
  run_key: number;
  key: string;
  points: number;
  /** 1 while every point came after the previous one by step and by time (migration 0007). */
  in_order: number;
  last_timestamp: number;
  last_step: number;
  last_value: number;
  last_is_nan: number;
  /** How many points before the last one share its timestamp. */
  last_time_offset: number;
}

/** The point of rank `rank` (a multiple of 32) of an in-order history. */
export interface MetricRankMarksTable {
  run_key: number;
  key: string;
  rank: number;
  timestamp: number;
  step: number;
  value: number;
  is_nan: number;
  /** How many points before this one share its timestamp. */
  time_offset: number;
}

/** An evaluation dataset (migration 0009); schema and profile are JSON text, null until records. */
export interface EvaluationDatasetsTable {
  dataset_id: string;
  name: string;
  schema: string | null;
  profile: string | null;
  digest: string | null;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface EvaluationDatasetTagsTable {
  dataset_id: string;
  key: string;
  value: string | null;
}

/** One record; inputs, outputs, expectations, tags and source are JSON text as Python writes it. */
export interface EvaluationDatasetRecordsTable {
  dataset_record_id: string;
  dataset_id: string;
  inputs: string;
  outputs: string | null;
  expectations: string | null;
  tags: string | null;
  source: string | null;
  source_id: string | null;
  source_type: string | null;
  created_time: number;
  last_update_time: number;
  created_by: string | null;
  last_updated_by: string | null;
  input_hash: string;
}

export interface EvaluationDatasetExperimentsTable {
  dataset_id: string;
  experiment_id: number;
  created_time: number;
}

/** One trace (MLflow's TraceInfo); tags, metadata, spans and assessments hang off request_id. */
export interface TraceInfoTable {
  request_id: string;
  experiment_id: number;
  timestamp_ms: number;
  execution_time_ms: number | null;
  status: string;
  client_request_id: string | null;
  request_preview: string | null;
  response_preview: string | null;
  trace_name: string | null;
}

/** SQLite only (migration 0013): a trace's tags and metadata as JSON text, kept by triggers. */
/** An issue found in an experiment's traces (migration 0018); lists are JSON text. */
export interface IssuesTable {
  issue_id: string;
  experiment_id: number;
  name: string;
  description: string;
  status: string;
  severity: string | null;
  root_causes: string | null;
  source_run_id: string | null;
  categories: string | null;
  created_timestamp: number;
  last_updated_timestamp: number;
  created_by: string | null;
}

/** A provider credential (migration 0019): the value only encrypted, plus its masked form (JSON). */
export interface GatewaySecretsTable {
  secret_id: string;
  secret_name: string;
  encrypted_value: string;
  wrapped_dek: string;
  kek_version: number;
  /** JSON object: each key of the secret with its value masked. */
  masked_value: string;
  provider: string | null;
  /** JSON object of provider settings (auth mode, region, api_base …), or NULL. */
  auth_config: string | null;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayModelDefinitionsTable {
  model_definition_id: string;
  name: string;
  /** NULL once its secret is deleted. */
  secret_id: string | null;
  provider: string;
  model_name: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

export interface GatewayEndpointsTable {
  endpoint_id: string;
  name: string;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
  routing_strategy: string | null;
  /** JSON: {strategy, max_attempts, model_definition_ids}, as MLflow keeps it. */
  fallback_config_json: string | null;
  experiment_id: number | null;
  usage_tracking: number;
}

export interface GatewayEndpointModelMappingsTable {
  mapping_id: string;
  endpoint_id: string;
  model_definition_id: string;
  weight: number;
  linkage_type: string;
  fallback_order: number | null;
  /** Order among the endpoint's mappings, as given. */
  position: number;
  created_at: number;
  created_by: string | null;
}

export interface GatewayEndpointTagsTable {
  endpoint_id: string;
  key: string;
  value: string | null;
}

export interface GatewayEndpointBindingsTable {
  endpoint_id: string;
  resource_type: string;
  resource_id: string;
  display_name: string | null;
  created_at: number;
  last_updated_at: number;
  created_by: string | null;
  last_updated_by: string | null;
}

/** A registered scorer: one row per experiment and name; its versions hold the definitions. */
export interface ScorersTable {
  scorer_id: string;
  experiment_id: number;
  scorer_name: string;
}

export interface ScorerVersionsTable {
  scorer_id: string;
  scorer_version: number;
  serialized_scorer: string;
  creation_time: number;
}

export interface OnlineScoringConfigsTable {
  online_scoring_config_id: string;
  scorer_id: string;
  sample_rate: number;
  experiment_id: number;
  filter_string: string | null;
}

/** Each trace's TraceInfoV3 answer (migration 0017, SQLite only); NULL where JS must write it. */
export interface TraceInfoJsonTable {
  request_id: string;
  info_json: string | null;
}

export interface TraceKeyValueTable {
  request_id: string;
  key: string;
  value: string | null;
}

/**
 * A span's searchable columns. The nanosecond times exceed 2^53: written as bigint, read only
 * through `CAST(... AS TEXT)`.
 */
export interface SpansTable {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  name: string | null;
  type: string | null;
  status: string;
  start_time_unix_nano: bigint | string;
  end_time_unix_nano: bigint | string | null;
  /** The span's `mlflow.chat.tokenUsage` attribute (JSON text), for summing a trace's usage. */
  token_usage: string | null;
  /** The span's `mlflow.llm.cost` attribute (JSON text). */
  cost: string | null;
}

/** A span in MLflow's traces.json form (JSON text with its int64 numbers written in full). */
export interface SpanContentsTable {
  trace_id: string;
  span_id: string;
  content: string;
}

export interface AssessmentsTable {
  assessment_id: string;
  trace_id: string;
  name: string;
  assessment_type: string;
  value: string | null;
  error: string | null;
  created_timestamp: number;
  last_updated_timestamp: number;
  source_type: string;
  source_id: string | null;
  run_id: string | null;
  span_id: string | null;
  rationale: string | null;
  overrides: string | null;
  valid: number;
  assessment_metadata: string | null;
  aggregate_value: number | null;
  is_numeric_value: number;
}

export interface EntityAssociationsTable {
  association_id: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
  created_time: number | null;
}

export interface Database {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  tags: RunKeyValueTable;
  params: RunKeyValueTable;
  metrics: MetricHistoryTable;
  latest_metrics: MetricsTable;
  metric_series: MetricSeriesTable;
  metric_rank_marks: MetricRankMarksTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: InputTagsTable;
  logged_models: LoggedModelsTable;
  logged_model_params: LoggedModelParamsTable;
  logged_model_tags: LoggedModelTagsTable;
  logged_model_metrics: LoggedModelMetricsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  evaluation_datasets: EvaluationDatasetsTable;
  evaluation_dataset_tags: EvaluationDatasetTagsTable;
  evaluation_dataset_records: EvaluationDatasetRecordsTable;
  evaluation_dataset_experiments: EvaluationDatasetExperimentsTable;
  trace_info: TraceInfoTable;
  trace_tags: TraceKeyValueTable;
  trace_request_metadata: TraceKeyValueTable;
  trace_info_json: TraceInfoJsonTable;
  issues: IssuesTable;
  gateway_secrets: GatewaySecretsTable;
  gateway_model_definitions: GatewayModelDefinitionsTable;
  gateway_endpoints: GatewayEndpointsTable;
  gateway_endpoint_model_mappings: GatewayEndpointModelMappingsTable;
  gateway_endpoint_tags: GatewayEndpointTagsTable;
  gateway_endpoint_bindings: GatewayEndpointBindingsTable;
  scorers: ScorersTable;
  scorer_versions: ScorerVersionsTable;
  online_scoring_configs: OnlineScoringConfigsTable;
  spans: SpansTable;
  span_contents: SpanContentsTable;
  assessments: AssessmentsTable;
  entity_associations: EntityAssociationsTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

/** A webhook (MLflow's `webhooks`); `secret` holds the secret's Fernet token, never the secret. */
export interface WebhooksTable {
  webhook_id: string;
  name: string;
  description: string | null;
  url: string;
  status: string;
  secret: string | null;
  creation_timestamp: number;
  last_updated_timestamp: number;
  deleted_timestamp: number | null;
}

/** An event a webhook subscribes to, in MLflow's lower-case names (`model_version`, `created`). */
export interface WebhookEventsTable {
  webhook_id: string;
  entity: string;
  action: string;
}

/** trackd's delivery log: one row per delivery, updated after each attempt. */
export interface WebhookDeliveriesTable {
  delivery_id: string;
  webhook_id: string;
  entity: string;
  action: string;
  is_test: number;
  status: string;
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  creation_timestamp: number;
  last_attempt_timestamp: number | null;
  next_attempt_timestamp: number | null;
  completion_timestamp: number | null;
}
