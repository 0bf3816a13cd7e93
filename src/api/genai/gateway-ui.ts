// What MLflow's web UI asks about the AI gateway, under /ajax-api only: the providers it can
// configure and how each authenticates, a model catalogue, whether secrets are encrypted under an
// operator's passphrase, and the proxy to an MLflow deployments server (MLFLOW_DEPLOYMENTS_TARGET)
// that the prompt lab lists endpoints through.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { providerConfig, supportedModels, supportedProviders } from '../../gateway/providers.js';
import { secretEnvelopeFor } from '../../gateway/secret-envelope.js';
import type { Config } from '../../config.js';

const TAG = 'AI gateway';
const AJAX_ONLY = ['/ajax-api'] as const;

/** The deployments server's only read (listing endpoints) and its invocation paths. */
function checkGatewayPath(method: string, path: string | undefined): string {
  if (!path) {
    throw MlflowError.invalidParameter('Deployments proxy request must specify a gateway_path.');
  }
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const valid =
    method === 'GET'
      ? trimmed === 'api/2.0/endpoints'
      : /^gateway\/[^/]+\/invocations$/.test(trimmed);
  if (!valid) {
    throw MlflowError.invalidParameter(`Invalid gateway_path: ${path} for method: ${method}`);
  }
  return trimmed;
}

/** Forwards to the operator's deployments server and answers what it answers. */
async function proxy(config: Config, method: 'GET' | 'POST', path: string, body: unknown) {
  const target = `${config.deploymentsTarget!.replace(/\/+$/, '')}/${path}`;
  let response: Response;
  try {
    response = await fetch(target, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (err) {
    throw new MlflowError(
      'TEMPORARILY_UNAVAILABLE',
      `Deployments proxy request failed: ${(err as Error).message}`,
    );
  }
  const text = await response.text();
  if (response.status !== 200) {
    throw new MlflowError(
      'BAD_REQUEST',
      `Deployments proxy request failed with error code ${response.status}. Error message: ${text}`,
      undefined,
      response.status >= 400 && response.status < 600 ? response.status : 502,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MlflowError(
      'BAD_REQUEST',
      'The deployments server answered with invalid JSON',
      undefined,
      502,
    );
  }
}

const proxyRequest = z.object({
  gateway_path: z.string().optional(),
  json_data: z.unknown().optional(),
});

function proxyHandler(method: 'GET' | 'POST') {
  return async (input: z.infer<typeof proxyRequest>, { config }: { config: Config }) => {
    // With no deployments server configured, MLflow answers as an empty one would.
    if (!config.deploymentsTarget) return { endpoints: [] };
    const path = checkGatewayPath(method, input.gateway_path);
    return proxy(config, method, path, method === 'POST' ? input.json_data : undefined);
  };
}

export const gatewayUiEndpoints = [
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/gateway/supported-providers'],
    prefixes: AJAX_ONLY,
    access: 'read',
    tag: TAG,
    summary: 'LLM providers the gateway configuration offers',
    request: z.object({}),
    response: z.object({ providers: z.array(z.string()) }),
    handler: () => ({ providers: supportedProviders() }),
  }),
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/gateway/supported-models'],
    prefixes: AJAX_ONLY,
    access: 'read',
    tag: TAG,
    summary: 'Known models, optionally of one provider',
    request: z.object({ provider: z.string().optional() }),
    response: z.object({
      models: z.array(z.object({ model: z.string(), provider: z.string(), mode: z.string() })),
    }),
    handler: ({ provider }) => ({ models: supportedModels(provider || undefined) }),
  }),
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/gateway/provider-config'],
    prefixes: AJAX_ONLY,
    access: 'read',
    tag: TAG,
    summary: 'How a provider authenticates: its auth modes, secret fields and settings',
    request: z.object({ provider: z.string().optional() }),
    handler: ({ provider }) => {
      if (!provider) throw MlflowError.invalidParameter('Provider parameter is required');
      return providerConfig(provider);
    },
  }),
  endpoint({
    method: 'GET',
    paths: ['/3.0/mlflow/gateway/secrets/config'],
    prefixes: AJAX_ONLY,
    access: 'read',
    tag: TAG,
    summary: 'Whether gateway secrets are encrypted under a passphrase the operator chose',
    request: z.object({}),
    response: z.object({ secrets_available: z.boolean(), using_default_passphrase: z.boolean() }),
    handler: (_input, { config }) => ({
      secrets_available: true,
      using_default_passphrase: secretEnvelopeFor(config).usingDefaultPassphrase,
    }),
  }),
  endpoint({
    method: 'GET',
    paths: ['/2.0/mlflow/gateway-proxy'],
    prefixes: AJAX_ONLY,
    access: 'read',
    tag: TAG,
    summary: "List the deployments server's endpoints (gateway_path=api/2.0/endpoints)",
    request: proxyRequest,
    handler: proxyHandler('GET'),
  }),
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/gateway-proxy'],
    prefixes: AJAX_ONLY,
    access: 'edit',
    tag: TAG,
    summary: 'Invoke a deployments server endpoint (gateway_path=gateway/<name>/invocations)',
    request: proxyRequest,
    handler: proxyHandler('POST'),
  }),
];
