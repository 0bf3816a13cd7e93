// The traces family (MLflow 3 tracing): OTLP span ingest, the trace REST endpoints (V3, and the
// deprecated V2 ones 3.17 still serves), assessments.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { assessmentEndpoints } from './assessments.js';
import { otlpEndpoints } from './otlp-receiver.js';
import { traceMetricsEndpoints } from './metrics.js';
import { traceEndpoints } from './traces.js';
import { traceV2Endpoints } from './traces-v2.js';

export const traceFamilyEndpoints: AnyEndpoint[] = [
  ...otlpEndpoints,
  ...traceEndpoints,
  ...traceV2Endpoints,
  ...assessmentEndpoints,
  ...traceMetricsEndpoints,
];
