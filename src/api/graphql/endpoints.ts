// MLflow's /graphql (the query API its web UI reads runs, metrics and artifacts through), at the
// server root and below every /projects/<name>, GET and POST alike: MLflow reads a JSON body on
// both; a GET may also carry query, variables and operationName in the query string.
import { z } from 'zod';
import { endpoint } from '../../http/endpoint.js';
import { runGraphql } from './execute.js';

const request = z.object({
  query: z.string().meta({ description: 'The GraphQL document.' }),
  variables: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .nullable()
    .optional()
    .meta({ description: 'An object; in a query string, its JSON text.' }),
  operationName: z.string().nullable().optional(),
});

const response = z
  .object({
    data: z.record(z.string(), z.unknown()).nullable(),
    errors: z
      .array(z.string())
      .nullable()
      .meta({ description: "Each error's message; null when there is none." }),
  })
  .meta({
    description:
      'Every document gets status 200, also one that does not parse, breaks the bounds (depth ' +
      '10, 1000 fields, 10 root fields, 10 aliases per level) or fails in a resolver.',
  });

export const graphqlEndpoints = (['POST', 'GET'] as const).map((method) =>
  endpoint({
    method,
    paths: ['/graphql'],
    prefixes: [''],
    fields: 'document',
    access: 'read',
    tag: 'GraphQL',
    summary: "Run a GraphQL query on MLflow's schema (experiments, runs, metrics, artifacts, …)",
    request,
    response,
    handler: (input, ctx) => runGraphql(input, ctx),
  }),
);
