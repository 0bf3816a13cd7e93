// MLflow 3.x's capability probe. The client reads `workspaces_enabled` before it sends
// X-MLFLOW-WORKSPACE, and the artifact client reads the multipart flags. Also the web UI's telemetry
// handshake, which MLflow's UI calls on load: this server collects no telemetry, so it answers as
// MLflow's server does with telemetry disabled (the UI then sends nothing).
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { MLFLOW_API_VERSION, VERSION } from '../../version.js';

export const serverInfoEndpoints = [
  endpoint({
    method: 'GET',
    paths: ['/trackd/v1/version'],
    prefixes: ['/api'],
    access: 'read',
    tag: 'Server',
    summary:
      "trackd's own version and the MLflow API version it serves (GET /version answers the latter)",
    request: z.object({}),
    response: z.object({ version: z.string(), mlflow_api_version: z.string() }),
    handler: () => ({ version: VERSION, mlflow_api_version: MLFLOW_API_VERSION }),
  }),
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/server-info'],
    access: 'read',
    tag: 'Server',
    summary: "The server's capabilities, as MLflow's server-info reports them",
    request: z.object({}),
    response: z.object({
      store_type: z.string(),
      workspaces_enabled: z.boolean(),
      trace_archival_enabled: z.boolean(),
      multipart_uploads_enabled: z.boolean(),
      multipart_downloads_enabled: z.boolean(),
      presigned_upload_run_id_supported: z.boolean(),
      presigned_upload_model_id_supported: z.boolean(),
      features_enabled: z.object({ gateway: z.boolean() }),
    }),
    // What MLflow's server reports over a SQL store and a local artifact folder, which is what
    // this server is: no trace archival, no AI gateway. Multipart uploads and downloads are off, as
    // MLflow's are over a local folder: its client then sends each file in one streamed request,
    // which this server stores without holding it in memory. (trackd's own multipart API serves
    // MLflow's client only when it is told to use it: its part URLs carry no credentials, so on a
    // server with authentication they would be refused.) The two presigned flags say the request
    // shape is understood (MLflow sets them always); presigned.ts answers it with MLflow's refusals.
    handler: () => ({
      store_type: 'SqlStore',
      workspaces_enabled: true,
      trace_archival_enabled: false,
      multipart_uploads_enabled: false,
      multipart_downloads_enabled: false,
      presigned_upload_run_id_supported: true,
      presigned_upload_model_id_supported: true,
      features_enabled: { gateway: false },
    }),
  }),
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/ui-telemetry'],
    prefixes: ['/ajax-api'],
    access: 'read',
    tag: 'Server',
    summary: "The web UI's telemetry settings: always disabled (no telemetry is collected)",
    request: z.object({}),
    response: z.object({
      disable_ui_telemetry: z.boolean(),
      disable_ui_events: z.array(z.string()),
      ui_rollout_percentage: z.number(),
    }),
    handler: () => ({
      disable_ui_telemetry: true,
      disable_ui_events: [],
      ui_rollout_percentage: 0,
    }),
  }),
  endpoint({
    method: 'POST',
    paths: ['/3.0/mlflow/ui-telemetry'],
    prefixes: ['/ajax-api'],
    access: 'read',
    tag: 'Server',
    summary: "Accepts the web UI's telemetry records and drops them, answering status 'disabled'",
    request: z.object({}).passthrough(),
    response: z.object({ status: z.string() }),
    handler: () => ({ status: 'disabled' }),
  }),
];
