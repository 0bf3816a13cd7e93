// The traces family (MLflow 3 tracing): OTLP span ingest, the trace REST endpoints, assessments.
import type { AnyEndpoint } from '../../http/endpoint.js';
import { assessmentEndpoints } from './assessments.js';
import { otlpEndpoints } from './otlp-receiver.js';
import { traceMetricsEndpoints } from './metrics.js';
import { traceEndpoints } from './traces.js';

export const traceFamilyEndpoints: AnyEndpoint[] = [
  ...otlpEndpoints,
  ...traceEndpoints,
  ...assessmentEndpoints,
  ...traceMetricsEndpoints,
];
