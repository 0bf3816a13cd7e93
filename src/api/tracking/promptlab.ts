// The web UI's prompt lab saves an evaluated prompt as a run (`/ajax-api/2.0/mlflow/runs/
// create-promptlab-run`), as MLflow's `_create_promptlab_run_impl` does: a FINISHED run with the
// model's parameters, route and template as params, the evaluation as `eval_results_table.json`
// (named by the `mlflow.loggedArtifacts` tag, which the UI reads as a table), and the prompt as a
// pyfunc model under `model/` recorded in the run's model history. A step failing after the run
// exists leaves the run FAILED and still answers it, as MLflow does.
//
// The model folder holds what loading the prompt needs (MLmodel, parameters.yaml, the input
// example, requirements.txt). MLflow's Python server also writes conda.yaml and python_env.yaml
// from its own interpreter's versions; a server without Python has none to report, so those two
// are left out and the client's environment manager infers them when it serves the model.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { stringify as yamlText } from 'yaml';
import { z } from 'zod';
import { servedArtifactPath } from '../../artifacts/artifact-uri.js';
import { artifactStoreOf } from '../../artifacts/project-artifacts.js';
import { joinArtifactPath, parseArtifactPath } from '../../artifacts/safe-path.js';
import { MlflowError } from '../../errors.js';
import { endpoint } from '../../http/endpoint.js';
import { pyDumps, type PyDict } from '../../python-json.js';
import { generateRunName } from '../../services/run-names.js';
import { validateParam, validateTag } from '../../services/validation.js';
import { parseExperimentId } from '../../store/experiments.js';
import type { ProjectContext } from '../../store/projects.js';
import { createRun, getRun, logBatch, RUN_NAME_TAG, updateRun } from '../../store/runs.js';
import { MLFLOW_API_VERSION } from '../../version.js';
import { runSchema } from '../wire/entities.js';
import { runJson } from '../wire/run-json.js';
import { pythonUtcNow, recordLoggedModel } from './log-model.js';

interface Param {
  key: string;
  value: string;
}

/** Python's truthiness of a JSON value (`if not arg`). */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function required(input: Record<string, unknown>, name: string): unknown {
  const value = input[name];
  if (!truthy(value)) {
    throw MlflowError.invalidParameter(`CreatePromptlabRun request must specify ${name}.`);
  }
  return value;
}

/** `str(value)` as MLflow stores a parameter: text as is, anything else as JSON. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === true || value === false) return value ? 'True' : 'False';
  if (value === null || value === undefined) return 'None';
  return JSON.stringify(value);
}

/** `[{"key": …, "value": …}, …]` as the UI sends parameters. */
function params(value: unknown, name: string): Param[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw MlflowError.invalidParameter(
      `CreatePromptlabRun ${name} must be a list of key-value pairs.`,
    );
  }
  return value.map((p: unknown, i) => {
    const pair = (p ?? {}) as { key?: unknown; value?: unknown };
    if (typeof pair.key !== 'string' || pair.key === '') {
      throw MlflowError.invalidParameter(`CreatePromptlabRun ${name}[${i}] must have a key.`);
    }
    return { key: pair.key, value: text(pair.value) };
  });
}

/** `{"columns": [...], "data": [[...]]}` as MLflow's prompt lab writes it (Python's json.dumps). */
function evalResultsTable(
  promptParameters: Param[],
  modelInput: string,
  modelOutput: string | null,
  outputParameters: Param[],
): string {
  const table: PyDict = new Map();
  table.set('columns', [
    ...promptParameters.map((p) => p.key),
    'prompt',
    'output',
    ...outputParameters.map((p) => p.key),
  ]);
  table.set('data', [
    [
      ...promptParameters.map((p) => p.value),
      modelInput,
      modelOutput,
      ...outputParameters.map((p) => p.value),
    ],
  ]);
  return pyDumps(table);
}

/** The prompt as a pyfunc model folder: file name → content. */
function modelFiles(
  runId: string,
  modelUuid: string,
  created: string,
  prompt: {
    template: string;
    parameters: Param[];
    modelParameters: Param[];
    route: string;
  },
): Record<string, string> {
  const yaml = (value: unknown) =>
    yamlText(value, { version: '1.1', sortMapEntries: true, singleQuote: true });
  const columns = (names: string[]) =>
    pyDumps(
      names.map(
        (name) =>
          new Map<string, string | boolean>([
            ['type', 'string'],
            ['name', name],
            ['required', true],
          ]),
      ),
    );
  const entries = (list: Param[]) => Object.fromEntries(list.map((p) => [p.key, p.value]));
  return {
    MLmodel: yaml({
      artifact_path: 'model',
      flavors: {
        python_function: {
          loader_module: 'mlflow.prompt.promptlab_model',
          parameters_path: 'parameters.yaml',
        },
      },
      mlflow_version: MLFLOW_API_VERSION,
      model_uuid: modelUuid,
      run_id: runId,
      saved_input_example_info: { artifact_path: 'input_example.json', type: 'json_object' },
      signature: {
        inputs: columns(prompt.parameters.map((p) => p.key)),
        outputs: columns(['output']),
        params: null,
      },
      utc_time_created: created,
    }),
    'parameters.yaml': yaml({
      prompt_template: prompt.template,
      prompt_parameters: entries(prompt.parameters),
      model_parameters: entries(prompt.modelParameters),
      model_route: prompt.route,
    }),
    'input_example.json': pyDumps(new Map([['inputs', prompt.parameters.map((p) => p.value)]])),
    'requirements.txt': `mlflow[gateway]==${MLFLOW_API_VERSION}`,
  };
}

async function writeArtifacts(
  project: ProjectContext,
  artifactUri: string,
  files: Record<string, string>,
): Promise<void> {
  const root = servedArtifactPath(artifactUri, project.name);
  const store = artifactStoreOf(project);
  for (const [name, content] of Object.entries(files)) {
    const target = joinArtifactPath(root, parseArtifactPath(name));
    await store.put(target, Readable.from([Buffer.from(content)]));
  }
}

export const promptlabEndpoints = [
  endpoint({
    method: 'POST',
    paths: ['/2.0/mlflow/runs/create-promptlab-run'],
    prefixes: ['/ajax-api'],
    access: 'edit',
    tag: 'Runs',
    summary: "The web UI's prompt lab: a finished run holding an evaluated prompt as a model",
    request: z.record(z.string(), z.unknown()),
    response: z.object({ run: runSchema }),
    handler: async (input, { project }) => {
      const experimentId = required(input, 'experiment_id');
      const template = text(required(input, 'prompt_template'));
      const promptParameters = params(required(input, 'prompt_parameters'), 'prompt_parameters');
      const route = text(required(input, 'model_route'));
      const modelParameters = params(input.model_parameters, 'model_parameters');
      const modelInput = text(required(input, 'model_input'));
      const modelOutput = input.model_output == null ? null : text(input.model_output);
      const outputParameters = params(input.model_output_parameters, 'model_output_parameters');
      required(input, 'mlflow_version');
      const runName = truthy(input.run_name) ? text(input.run_name) : generateRunName();
      const tags = params(input.tags, 'tags');
      if (!tags.some((t) => t.key === RUN_NAME_TAG))
        tags.push({ key: RUN_NAME_TAG, value: runName });

      const runId = await createRun(project.db, {
        experimentId: parseExperimentId(text(experimentId)),
        userId: input.user_id === undefined ? 'unknown' : text(input.user_id),
        startTime: typeof input.start_time === 'number' ? input.start_time : Date.now(),
        runName,
        tags,
      });
      let status = 'FINISHED';
      try {
        await logBatch(project.db, runId, {
          metrics: [],
          params: [
            ...modelParameters,
            { key: 'model_route', value: route },
            { key: 'prompt_template', value: template },
          ].map((p) => validateParam(p.key, p.value)),
          tags: [
            validateTag(
              'mlflow.loggedArtifacts',
              '[{"path": "eval_results_table.json", "type": "table"}]',
            ),
            validateTag('mlflow.runSourceType', 'PROMPT_ENGINEERING'),
          ],
        });
        const modelUuid = randomUUID().replaceAll('-', '');
        const created = pythonUtcNow();
        const model: PyDict = new Map();
        model.set('run_id', runId);
        model.set('artifact_path', 'model');
        model.set('utc_time_created', created);
        model.set('model_uuid', modelUuid);
        model.set('flavors', new Map());
        await recordLoggedModel(project.db, runId, model);
        const run = await getRun(project.db, runId);
        const files = modelFiles(runId, modelUuid, created, {
          template,
          parameters: promptParameters,
          modelParameters,
          route,
        });
        await writeArtifacts(project, run.info.artifact_uri, {
          ...Object.fromEntries(Object.entries(files).map(([name, c]) => [`model/${name}`, c])),
          'eval_results_table.json': evalResultsTable(
            promptParameters,
            modelInput,
            modelOutput,
            outputParameters,
          ),
        });
      } catch {
        status = 'FAILED';
      }
      await updateRun(project.db, runId, { status, endTime: Date.now() });
      // MLflow answers with CreateRun's message, outputs (empty) included.
      return { run: runJson(await getRun(project.db, runId)) };
    },
  }),
];
