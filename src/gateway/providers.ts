// The LLM providers the gateway configuration pages offer, how each one authenticates (which
// values are secrets, which are plain settings), and a short catalogue of their models. MLflow
// derives these from LiteLLM's tables; trackd keeps its own list of the common providers, with the
// same field names, so secrets created here carry the keys MLflow's gateway reads.

interface Field {
  name: string;
  description: string;
  secret?: boolean;
  required?: boolean;
  default?: string;
}

interface AuthMode {
  displayName: string;
  description: string;
  fields: Field[];
}

/** AWS providers' mode using the server's own credentials (optionally assuming a role). */
const AWS_DEFAULT_CHAIN: AuthMode = {
  displayName: 'Default Credential Chain',
  description: "The server's own AWS credentials (environment, instance profile, …)",
  fields: [
    { name: 'aws_role_name', description: 'ARN of a role to assume (optional)', required: false },
    { name: 'aws_session_name', description: 'Session name for the assumed role', required: false },
    { name: 'aws_region_name', description: 'AWS region, e.g. us-east-1', required: false },
  ],
};

/** Providers with more than the plain API key (+ optional base URL); the first mode is the default. */
const AUTH_MODES: Record<string, Record<string, AuthMode>> = {
  bedrock: {
    api_key: {
      displayName: 'API Key',
      description: 'An Amazon Bedrock API key (sent as a bearer token)',
      fields: [
        { name: 'api_key', description: 'Amazon Bedrock API key', secret: true },
        { name: 'aws_region_name', description: 'AWS region' },
      ],
    },
    access_keys: {
      displayName: 'Access Keys',
      description: 'An AWS access key ID and secret access key',
      fields: [
        { name: 'aws_access_key_id', description: 'AWS access key ID', secret: true },
        { name: 'aws_secret_access_key', description: 'AWS secret access key', secret: true },
        { name: 'aws_region_name', description: 'AWS region, e.g. us-east-1', required: false },
      ],
    },
    iam_role: {
      displayName: 'IAM Role Assumption',
      description: "Assume an IAM role with the server's own AWS credentials",
      fields: [
        { name: 'aws_role_name', description: 'ARN of the IAM role to assume' },
        { name: 'aws_region_name', description: 'AWS region, e.g. us-east-1', required: false },
      ],
    },
    default_chain: AWS_DEFAULT_CHAIN,
  },
  azure: {
    api_key: {
      displayName: 'API Key',
      description: 'An Azure OpenAI API key and the resource it belongs to',
      fields: [
        { name: 'api_key', description: 'Azure OpenAI API key', secret: true },
        { name: 'api_base', description: 'Azure OpenAI endpoint URL' },
        { name: 'api_version', description: 'Azure OpenAI API version' },
      ],
    },
  },
  vertex_ai: {
    service_account_json: {
      displayName: 'Service Account',
      description: 'A Google Cloud service account key (JSON)',
      fields: [
        { name: 'vertex_credentials', description: 'Service account key JSON', secret: true },
        { name: 'vertex_project', description: 'Google Cloud project ID' },
        {
          name: 'vertex_location',
          description: 'Vertex AI region',
          required: false,
          default: 'us-central1',
        },
      ],
    },
    default_chain: {
      displayName: 'Application Default Credentials',
      description: "The server's own Google Cloud credentials",
      fields: [
        { name: 'vertex_project', description: 'Google Cloud project ID' },
        {
          name: 'vertex_location',
          description: 'Vertex AI region',
          required: false,
          default: 'us-central1',
        },
      ],
    },
  },
  databricks: {
    pat_token: {
      displayName: 'Personal Access Token',
      description: 'A Databricks personal access token and workspace URL',
      fields: [
        { name: 'api_key', description: 'Databricks personal access token', secret: true },
        { name: 'api_base', description: 'Databricks workspace URL' },
      ],
    },
    oauth_m2m: {
      displayName: 'OAuth (Service Principal)',
      description: "A service principal's OAuth client ID and secret",
      fields: [
        { name: 'client_secret', description: 'OAuth client secret', secret: true },
        { name: 'api_base', description: 'Databricks workspace URL' },
        { name: 'client_id', description: 'OAuth client ID' },
      ],
    },
  },
  sagemaker: {
    access_keys: {
      displayName: 'Access Keys',
      description: 'An AWS access key ID and secret access key',
      fields: [
        { name: 'aws_access_key_id', description: 'AWS access key ID', secret: true },
        { name: 'aws_secret_access_key', description: 'AWS secret access key', secret: true },
        { name: 'aws_region_name', description: 'AWS region' },
      ],
    },
    default_chain: AWS_DEFAULT_CHAIN,
  },
};

/** [provider, model, mode] — a starting catalogue for the model picker, not a limit. */
const MODELS: [string, string, string][] = [
  ['openai', 'gpt-4o', 'chat'],
  ['openai', 'gpt-4o-mini', 'chat'],
  ['openai', 'gpt-4.1', 'chat'],
  ['openai', 'gpt-4.1-mini', 'chat'],
  ['openai', 'o3-mini', 'chat'],
  ['openai', 'text-embedding-3-small', 'embedding'],
  ['openai', 'text-embedding-3-large', 'embedding'],
  ['anthropic', 'claude-3-5-haiku-latest', 'chat'],
  ['anthropic', 'claude-3-7-sonnet-latest', 'chat'],
  ['anthropic', 'claude-sonnet-4-0', 'chat'],
  ['anthropic', 'claude-opus-4-0', 'chat'],
  ['gemini', 'gemini-2.0-flash', 'chat'],
  ['gemini', 'gemini-2.5-pro', 'chat'],
  ['gemini', 'text-embedding-004', 'embedding'],
  ['mistral', 'mistral-large-latest', 'chat'],
  ['mistral', 'mistral-small-latest', 'chat'],
  ['mistral', 'mistral-embed', 'embedding'],
  ['cohere', 'command-r-plus', 'chat'],
  ['cohere', 'embed-english-v3.0', 'embedding'],
  ['groq', 'llama-3.3-70b-versatile', 'chat'],
  ['deepseek', 'deepseek-chat', 'chat'],
  ['deepseek', 'deepseek-reasoner', 'chat'],
  ['xai', 'grok-3', 'chat'],
  ['bedrock', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'chat'],
  ['bedrock', 'amazon.titan-embed-text-v2:0', 'embedding'],
  ['vertex_ai', 'gemini-2.0-flash', 'chat'],
  ['azure', 'gpt-4o', 'chat'],
  ['together_ai', 'meta-llama/Llama-3.3-70B-Instruct-Turbo', 'chat'],
  ['fireworks_ai', 'accounts/fireworks/models/llama-v3p1-70b-instruct', 'chat'],
  ['ollama', 'llama3.1', 'chat'],
];

/** Providers offered besides those with models or auth modes above. */
const OTHER_PROVIDERS = [
  'ai21',
  'anyscale',
  'cerebras',
  'cloudflare',
  'databricks',
  'deepinfra',
  'huggingface',
  'openrouter',
  'perplexity',
  'portkey',
  'replicate',
  'sambanova',
  'sagemaker',
  'watsonx',
];

export function supportedProviders(): string[] {
  return [
    ...new Set([...MODELS.map(([p]) => p), ...Object.keys(AUTH_MODES), ...OTHER_PROVIDERS]),
  ].sort();
}

export function supportedModels(provider?: string) {
  return MODELS.filter(([p]) => !provider || p === provider).map(([p, model, mode]) => ({
    model,
    provider: p,
    mode,
  }));
}

/** Python's str.title(), which MLflow uses to name a provider in its generic descriptions. */
function title(text: string): string {
  return text.toLowerCase().replace(/[a-z]+/g, (w) => w[0].toUpperCase() + w.slice(1));
}

function modeJson(mode: string, config: AuthMode) {
  const field = (f: Field) => ({
    name: f.name,
    type: 'string',
    description: f.description,
    required: f.required ?? true,
    ...(f.default !== undefined ? { default: f.default } : {}),
  });
  return {
    mode,
    display_name: config.displayName,
    description: config.description,
    secret_fields: config.fields.filter((f) => f.secret).map(field),
    config_fields: config.fields.filter((f) => !f.secret).map(field),
  };
}

/** How a provider authenticates; any provider not listed takes an API key and a base URL. */
export function providerConfig(provider: string) {
  const name = provider.toLowerCase();
  const modes = AUTH_MODES[name === 'bedrock_converse' ? 'bedrock' : name] ?? {
    api_key: {
      displayName: 'API Key',
      description: `Use ${title(name)} API Key`,
      fields: [
        { name: 'api_key', description: `${title(name)} API Key`, secret: true },
        { name: 'api_base', description: `${title(name)} API Base URL`, required: false },
      ],
    },
  };
  const entries = Object.entries(modes);
  return {
    auth_modes: entries.map(([mode, config]) => modeJson(mode, config)),
    default_mode: entries[0][0],
  };
}
