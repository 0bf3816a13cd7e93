// MLflow 3's logged-model search. No logged model can be created here yet, so every search is
// rightly empty; the official client needs the endpoint to list or download a run's artifact
// folders (runs:/ URIs also look for a logged model of the same name). Replace when logged
// models arrive.
import { z } from 'zod';
import { endpoint } from './endpoint.js';

export const loggedModelEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/logged-models/search'],
    access: 'read',
    tag: 'Logged models',
    summary: 'Search logged models (none exist yet, so the answer is always empty)',
    request: z.object({
      experiment_ids: z.array(z.string()).min(1),
      filter: z.string().optional(),
      datasets: z.array(z.unknown()).optional(),
      max_results: z.unknown().optional(),
      order_by: z.array(z.unknown()).optional(),
      page_token: z.string().optional(),
    }),
    handler: () => ({}),
  }),
];
