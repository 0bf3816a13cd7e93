// A registered scorer's serialized definition, read as MLflow's server reads it: which judge
// model it calls (`<provider>:/<model>`; `gateway:/<endpoint>` goes through this server's AI
// gateway), and what it must never carry. trackd never runs a scorer, but MLflow's job runners and
// UI do, from what this server hands back; so what MLflow refuses to store is refused here too.
import { MlflowError } from '../errors.js';
import {
  isPyDict,
  pyDumps,
  pyLoads,
  PyJsonSyntaxError,
  pyTruthy,
  pyTypeName,
  type PyDict,
  type PyJson,
} from '../python-json.js';

const GATEWAY = 'gateway';

/** Options that would choose where a third-party scorer's LLM client sends requests. */
const DESTINATION_KEYS = new Set([
  'api_base',
  'base_url',
  'custom_llm_provider',
  'fallbacks',
  'model_list',
]);

/** Where each kind of serialized scorer keeps its judge's model, as MLflow's types lay it out. */
const MODEL_HOLDERS = ['instructions_judge_pydantic_data', 'builtin_scorer_pydantic_data'] as const;

export class ScorerPayload {
  private constructor(private readonly data: PyDict) {}

  /** Parses and vets a client's serialized scorer. */
  static parse(text: string): ScorerPayload {
    let data: PyJson;
    try {
      data = pyLoads(text);
    } catch (err) {
      if (err instanceof PyJsonSyntaxError) {
        throw MlflowError.invalidParameter('serialized_scorer must be valid JSON');
      }
      throw err;
    }
    if (!isPyDict(data)) {
      throw MlflowError.invalidParameter('serialized_scorer must be a JSON object');
    }
    if (hasCallSource(data)) {
      throw MlflowError.invalidParameter(
        'Scorers defined with the @scorer decorator cannot be registered on this server: ' +
          'their code would run wherever the scorer is loaded. Keep the code in your ' +
          'repository and import it, or use built-in scorers or make_judge() instead.',
      );
    }
    for (const thirdParty of thirdPartyData(data)) vetThirdPartyKwargs(thirdParty);
    const model = modelOf(data);
    if (model !== undefined && model !== null) {
      if (typeof model !== 'string') {
        throw MlflowError.invalidParameter(
          `Scorer model must be a string, got ${pythonTypeName(model)}.`,
        );
      }
      if (!model.trim()) {
        throw MlflowError.invalidParameter(
          'Scorer model cannot be empty or contain only whitespace.',
        );
      }
    }
    return new ScorerPayload(data);
  }

  /** A stored definition (already vetted when it was registered). */
  static stored(text: string): ScorerPayload | undefined {
    try {
      const data = pyLoads(text);
      return isPyDict(data) ? new ScorerPayload(data) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The gateway endpoint (name or id) its judge calls, if it calls one. */
  get gatewayEndpoint(): string | undefined {
    const model = modelOf(this.data);
    if (typeof model !== 'string') return undefined;
    const split = model.indexOf(':/');
    if (split <= 0 || model.slice(0, split) !== GATEWAY) return undefined;
    const ref = model.slice(split + 2).replace(/^\/+/, '');
    return ref || undefined;
  }

  /** The same definition with its judge calling `gateway:/<ref>`, or no model at all (null). */
  withGatewayEndpoint(ref: string | null): string {
    return pyDumps(replaceModel(this.data, ref === null ? null : `${GATEWAY}:/${ref}`));
  }

  /** Whether the judge's instructions use the expected answers (`{{ expectations }}`). */
  get needsExpectations(): boolean {
    const judge = this.data.get('instructions_judge_pydantic_data');
    if (!isPyDict(judge)) return false;
    const instructions = judge.get('instructions');
    return typeof instructions === 'string' && /\{\{\s*expectations\s*\}\}/.test(instructions);
  }
}

function pythonTypeName(value: PyJson): string {
  const names: Record<string, string> = {
    integer: 'int',
    float: 'float',
    boolean: 'bool',
    array: 'list',
    object: 'dict',
  };
  return names[pyTypeName(value)] ?? pyTypeName(value);
}

/** The judge's model, where the scorer's kind keeps it (undefined: none). */
function modelOf(data: PyDict): PyJson | undefined {
  for (const holder of MODEL_HOLDERS) {
    const section = data.get(holder);
    if (pyTruthy(section)) return isPyDict(section) ? section.get('model') : undefined;
  }
  const memory = data.get('memory_augmented_judge_data');
  if (pyTruthy(memory)) {
    const base = isPyDict(memory) ? memory.get('base_judge') : undefined;
    return isPyDict(base) ? modelOf(base) : undefined;
  }
  const thirdParty = data.get('third_party_scorer_data');
  if (pyTruthy(thirdParty)) return isPyDict(thirdParty) ? thirdParty.get('model') : undefined;
  return undefined;
}

function replaceModel(data: PyDict, model: string | null): PyDict {
  const copy = new Map(data);
  const withModel = (section: PyDict) => new Map(section).set('model', model);
  for (const holder of MODEL_HOLDERS) {
    const section = data.get(holder);
    if (pyTruthy(section)) {
      if (isPyDict(section)) copy.set(holder, withModel(section));
      return copy;
    }
  }
  const memory = data.get('memory_augmented_judge_data');
  if (pyTruthy(memory)) {
    if (isPyDict(memory)) {
      const base = memory.get('base_judge');
      copy.set(
        'memory_augmented_judge_data',
        new Map(memory).set('base_judge', replaceModel(isPyDict(base) ? base : new Map(), model)),
      );
    }
    return copy;
  }
  const thirdParty = data.get('third_party_scorer_data');
  if (isPyDict(thirdParty) && pyTruthy(thirdParty) && thirdParty.get('model') != null) {
    copy.set('third_party_scorer_data', withModel(thirdParty));
  }
  return copy;
}

function hasCallSource(value: PyJson): boolean {
  if (isPyDict(value)) {
    const source = value.get('call_source');
    if (source !== undefined && source !== null) return true;
    return [...value.values()].some(hasCallSource);
  }
  return Array.isArray(value) && value.some(hasCallSource);
}

function* thirdPartyData(value: PyJson): Generator<PyDict> {
  if (isPyDict(value)) {
    const data = value.get('third_party_scorer_data');
    if (isPyDict(data)) yield data;
    for (const nested of value.values()) yield* thirdPartyData(nested);
  } else if (Array.isArray(value)) {
    for (const nested of value) yield* thirdPartyData(nested);
  }
}

function destinationKeys(value: PyJson, found: Set<string>): Set<string> {
  if (isPyDict(value)) {
    for (const [key, nested] of value) {
      if (DESTINATION_KEYS.has(key)) found.add(key);
      destinationKeys(nested, found);
    }
  } else if (Array.isArray(value)) {
    for (const nested of value) {
      // A list of [key, value] pairs is how some libraries spell an options map.
      if (Array.isArray(nested) && nested.length === 2 && typeof nested[0] === 'string') {
        if (DESTINATION_KEYS.has(nested[0])) found.add(nested[0]);
      }
      destinationKeys(nested, found);
    }
  }
  return found;
}

function vetThirdPartyKwargs(data: PyDict): void {
  const kwargs = data.get('kwargs');
  if (kwargs === undefined || kwargs === null) return;
  if (!isPyDict(kwargs)) {
    throw MlflowError.invalidParameter(
      `third_party_scorer_data.kwargs must be a JSON object, got ${pythonTypeName(kwargs)}.`,
    );
  }
  const found = [...destinationKeys(kwargs, new Set())].sort();
  if (found.length) {
    throw MlflowError.invalidParameter(
      `third_party_scorer_data.kwargs must not contain ${found.map((k) => `'${k}'`).join(', ')}: ` +
        "they choose where the scorer's LLM client sends requests. Name the judge's endpoint " +
        "on the server instead, e.g. a gateway endpoint ('gateway:/<name>').",
    );
  }
}
