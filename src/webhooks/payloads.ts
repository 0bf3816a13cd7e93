// What a delivery carries: MLflow's envelope `{"entity", "action", "timestamp", "data"[,
// "workspace"]}` written as Python's json.dumps writes it (key order, `", "` spacing, ASCII
// escapes), and the `data` of each registry event as MLflow's handlers fill it
// (mlflow/webhooks/types.py), including the example payloads the test endpoint sends.
import { PyFloat, pyDumps, type PyDict, type PyJson } from '../python-json.js';
import { IS_PROMPT_TAG_KEY } from '../search/registry-grammar.js';
import { isPromptVersionRequest } from '../services/prompt-versions.js';
import type { WebhookEvent } from './events.js';

/** One event's notification before it is addressed to any webhook. */
export interface WebhookMessage {
  event: WebhookEvent;
  data: PyDict;
}

const PROMPT_TYPE_TAG = 'mlflow.prompt.type';
const PROMPT_TEXT_TAG = 'mlflow.prompt.text';

type Tag = { key: string; value: string };

const dict = (entries: [string, PyJson][]): PyDict => new Map(entries);

/** `{t.key: t.value for t in tags}`: a repeated key keeps its first place and its last value. */
function tagDict(tags: readonly Tag[], drop: readonly string[] = []): PyDict {
  const out: PyDict = new Map();
  for (const t of tags) if (!drop.includes(t.key)) out.set(t.key, t.value);
  return out;
}

/** registered_model.created, or prompt.created for a model created with the prompt tag. */
export function registeredModelCreated(input: {
  name: string;
  tags: readonly Tag[];
  description: string | undefined;
}): WebhookMessage {
  // The request's description as proto3 reads it: "" when left out.
  const description = input.description ?? '';
  if (isPromptVersionRequest([...input.tags])) {
    return {
      event: { entity: 'prompt', action: 'created' },
      data: dict([
        ['name', input.name],
        ['tags', tagDict(input.tags, [IS_PROMPT_TAG_KEY, PROMPT_TYPE_TAG])],
        ['description', description],
      ]),
    };
  }
  return {
    event: { entity: 'registered_model', action: 'created' },
    data: dict([
      ['name', input.name],
      ['tags', tagDict(input.tags)],
      ['description', description],
    ]),
  };
}

/** model_version.created, or prompt_version.created for a version tagged as a prompt's. */
export function modelVersionCreated(input: {
  name: string;
  version: number;
  source: string;
  runId: string | null;
  tags: readonly Tag[];
  description: string | undefined;
  prompt: boolean;
}): WebhookMessage {
  const version = String(input.version);
  const description = input.description || null;
  if (input.prompt) {
    const template = tagDict(input.tags).get(PROMPT_TEXT_TAG) ?? null;
    return {
      event: { entity: 'prompt_version', action: 'created' },
      data: dict([
        ['name', input.name],
        ['version', version],
        ['template', template],
        ['tags', tagDict(input.tags, [PROMPT_TEXT_TAG, IS_PROMPT_TAG_KEY, PROMPT_TYPE_TAG])],
        ['description', description],
      ]),
    };
  }
  return {
    event: { entity: 'model_version', action: 'created' },
    data: dict([
      ['name', input.name],
      ['version', version],
      ['source', input.source],
      ['run_id', input.runId || null],
      ['tags', tagDict(input.tags)],
      ['description', description],
    ]),
  };
}

/**
 * A notification whose event depends on whether the registered model is a prompt (MLflow asks its
 * store after the write); `modelEvent` is undefined where a plain model's write notifies nobody.
 */
export interface ByModelKind {
  modelName: string;
  data: PyDict;
  modelEvent?: WebhookEvent;
  promptEvent: WebhookEvent;
}

/** The message once the model's kind is known (undefined: nobody is notified). */
export function messageFor(n: ByModelKind, isPrompt: boolean): WebhookMessage | undefined {
  const event = isPrompt ? n.promptEvent : n.modelEvent;
  return event && { event, data: n.data };
}

function byKind(
  modelName: string,
  entities: { model?: 'model_version_tag' | 'model_version_alias'; prompt: WebhookEvent['entity'] },
  action: WebhookEvent['action'],
  data: PyDict,
): ByModelKind {
  return {
    modelName,
    data,
    modelEvent: entities.model && { entity: entities.model, action },
    promptEvent: { entity: entities.prompt, action },
  };
}

/** model_version_tag.set / prompt_version_tag.set; `version` as the request wrote it. */
export function versionTagSet(name: string, version: string, key: string, value: string) {
  const data = dict([
    ['name', name],
    ['version', version],
    ['key', key],
    ['value', value],
  ]);
  return byKind(name, { model: 'model_version_tag', prompt: 'prompt_version_tag' }, 'set', data);
}

export function versionTagDeleted(name: string, version: string, key: string) {
  const data = dict([
    ['name', name],
    ['version', version],
    ['key', key],
  ]);
  return byKind(
    name,
    { model: 'model_version_tag', prompt: 'prompt_version_tag' },
    'deleted',
    data,
  );
}

export function aliasCreated(name: string, alias: string, version: string) {
  const data = dict([
    ['name', name],
    ['alias', alias],
    ['version', version],
  ]);
  return byKind(name, { model: 'model_version_alias', prompt: 'prompt_alias' }, 'created', data);
}

export function aliasDeleted(name: string, alias: string) {
  const data = dict([
    ['name', name],
    ['alias', alias],
  ]);
  return byKind(name, { model: 'model_version_alias', prompt: 'prompt_alias' }, 'deleted', data);
}

/** prompt_tag.set: a plain registered model's tags notify nobody. */
export function modelTagSet(name: string, key: string, value: string) {
  const data = dict([
    ['name', name],
    ['key', key],
    ['value', value],
  ]);
  return byKind(name, { prompt: 'prompt_tag' }, 'set', data);
}

export function modelTagDeleted(name: string, key: string) {
  const data = dict([
    ['name', name],
    ['key', key],
  ]);
  return byKind(name, { prompt: 'prompt_tag' }, 'deleted', data);
}

const EXAMPLE_TAGS = (): PyDict => dict([['example_key', 'example_value']]);

/** The example payload MLflow's test endpoint sends for each event. */
export function examplePayload(event: WebhookEvent): PyDict {
  const model = 'example_model';
  const prompt = 'example_prompt';
  switch (`${event.entity}.${event.action}`) {
    case 'registered_model.created':
      return dict([
        ['name', model],
        ['tags', EXAMPLE_TAGS()],
        ['description', 'An example registered model'],
      ]);
    case 'model_version.created':
      return dict([
        ['name', model],
        ['version', '1'],
        ['source', 'models:/123'],
        ['run_id', 'abcd1234abcd5678'],
        ['tags', EXAMPLE_TAGS()],
        ['description', 'An example model version'],
      ]);
    case 'model_version_tag.set':
      return versionTagSet(model, '1', 'example_key', 'example_value').data;
    case 'model_version_tag.deleted':
      return versionTagDeleted(model, '1', 'example_key').data;
    case 'model_version_alias.created':
      return aliasCreated(model, 'example_alias', '1').data;
    case 'model_version_alias.deleted':
      return aliasDeleted(model, 'example_alias').data;
    case 'prompt.created':
      return dict([
        ['name', prompt],
        ['tags', EXAMPLE_TAGS()],
        ['description', 'An example prompt'],
      ]);
    case 'prompt_version.created':
      return dict([
        ['name', prompt],
        ['version', '1'],
        ['template', 'Hello {{name}}!'],
        ['tags', EXAMPLE_TAGS()],
        ['description', 'An example prompt version'],
      ]);
    case 'prompt_tag.set':
      return modelTagSet(prompt, 'example_key', 'example_value').data;
    case 'prompt_tag.deleted':
      return modelTagDeleted(prompt, 'example_key').data;
    case 'prompt_version_tag.set':
      return versionTagSet(prompt, '1', 'example_key', 'example_value').data;
    case 'prompt_version_tag.deleted':
      return versionTagDeleted(prompt, '1', 'example_key').data;
    case 'prompt_alias.created':
      return aliasCreated(prompt, 'example_alias', '1').data;
    case 'prompt_alias.deleted':
      return aliasDeleted(prompt, 'example_alias').data;
    default:
      // budget_policy.exceeded, the only other valid event.
      return dict([
        ['budget_policy_id', 'bp-abc123'],
        ['budget_unit', 'USD'],
        ['budget_amount', new PyFloat(100)],
        ['current_spend', new PyFloat(105.5)],
        ['duration_unit', 'MONTHS'],
        ['duration_value', 1n],
        ['target_scope', 'ENDPOINT'],
        ['workspace', 'default'],
        ['target_value', 'ep-abc123'],
        ['window_start', 1704067200000n],
      ]);
  }
}

/** `datetime.now(timezone.utc).isoformat()`: microseconds, left out when they are all zero. */
export function pythonUtcNow(nowMicros: bigint): string {
  const ms = Number(nowMicros / 1000n);
  const micros = Number(nowMicros % 1_000_000n);
  const seconds = new Date(ms).toISOString().slice(0, 19);
  const fraction = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
  return `${seconds}${fraction}+00:00`;
}

/** The body of a delivery: MLflow's envelope as the exact JSON text that is signed and sent. */
export function envelopeJson(
  message: WebhookMessage,
  workspace: string,
  nowMicros: bigint,
): string {
  return pyDumps(
    dict([
      ['entity', message.event.entity],
      ['action', message.event.action],
      ['timestamp', pythonUtcNow(nowMicros)],
      ['data', message.data],
      // trackd serves projects as MLflow's workspaces (server-info says workspaces_enabled).
      ['workspace', workspace],
    ]),
  );
}
