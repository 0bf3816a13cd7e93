// MLflow 3.10+'s workspace API, answered with projects: list, create, get, update, delete.
import { z } from 'zod';
import { MlflowError } from '../../errors.js';
import { validateProjectName } from '../../http/project-scope.js';
import { countProjectContents } from '../../store/project-contents.js';
import { DEFAULT_PROJECT, type ProjectRegistry } from '../../store/projects.js';
import { endpoint } from '../../http/endpoint.js';
import { withStatus } from '../../http/responses.js';
import { requiredString } from '../wire/fields.js';

const BASE = '/3.0/mlflow/workspaces';
const TAG = 'Workspaces (projects)';
// MLflow's order, which its error message lists.
const DELETION_MODES = ['SET_DEFAULT', 'CASCADE', 'RESTRICT'] as const;
const DEFAULT_DESCRIPTION = 'Default workspace for legacy resources';

async function workspaceJson(
  projects: ProjectRegistry,
  name: string,
): Promise<z.infer<typeof workspaceSchema>> {
  const settings = await projects.readSettings(name);
  if (name === DEFAULT_PROJECT && settings.description === undefined) {
    settings.description = DEFAULT_DESCRIPTION;
  }
  return {
    name,
    ...(settings.description !== undefined ? { description: settings.description } : {}),
    ...(settings.default_artifact_root
      ? { default_artifact_root: settings.default_artifact_root }
      : {}),
  };
}

async function assertExists(projects: ProjectRegistry, name: string): Promise<void> {
  if (name !== DEFAULT_PROJECT && !(await projects.exists(name))) {
    throw MlflowError.notFound(`Workspace '${name}' not found`);
  }
}

const workspaceSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    default_artifact_root: z.string().optional(),
  })
  .meta({ id: 'Workspace' });
const workspaceResponse = z.object({ workspace: workspaceSchema });

const nameParam = z.object({ workspace_name: z.string() });

export const workspaceEndpoints = [
  endpoint({
    method: 'GET',
    paths: [BASE],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'List projects (MLflow workspaces)',
    request: z.object({}),
    response: z.object({ workspaces: z.array(workspaceSchema) }),
    handler: async (_input, { projects, canRead }) => {
      // Each caller sees the projects it may read.
      const names: string[] = [];
      for (const name of await projects.list()) if (await canRead(name)) names.push(name);
      return { workspaces: await Promise.all(names.map((name) => workspaceJson(projects, name))) };
    },
  }),
  endpoint({
    method: 'POST',
    paths: [BASE],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'Create a project (MLflow workspace)',
    request: z.object({
      name: requiredString(),
      description: z.string().optional(),
      default_artifact_root: z.string().optional(),
    }),
    response: workspaceResponse,
    statuses: { success: 201 },
    handler: async (input, { projects }) => {
      if (input.name === DEFAULT_PROJECT) {
        throw MlflowError.invalidParameter(
          `The '${DEFAULT_PROJECT}' workspace is reserved and cannot be created`,
        );
      }
      validateProjectName(input.name);
      if (await projects.exists(input.name)) {
        throw new MlflowError(
          'RESOURCE_ALREADY_EXISTS',
          `Workspace '${input.name}' already exists.`,
        );
      }
      await projects.create(input.name);
      if (input.description !== undefined)
        await projects.writeSettings(input.name, { description: input.description });
      return withStatus(201, { workspace: await workspaceJson(projects, input.name) });
    },
  }),
  endpoint({
    method: 'GET',
    paths: [`${BASE}/:workspace_name`],
    access: 'read',
    scope: 'server',
    tag: TAG,
    summary: 'Get a project (MLflow workspace)',
    request: nameParam,
    response: workspaceResponse,
    handler: async (input, { projects }) => {
      validateProjectName(input.workspace_name);
      await assertExists(projects, input.workspace_name);
      return { workspace: await workspaceJson(projects, input.workspace_name) };
    },
  }),
  endpoint({
    method: 'PATCH',
    paths: [`${BASE}/:workspace_name`],
    access: 'manage',
    scope: 'server',
    tag: TAG,
    summary: "Update a project's description",
    request: nameParam.extend({
      description: z.string().optional(),
      default_artifact_root: z.string().optional(),
    }),
    response: workspaceResponse,
    handler: async (input, { projects }) => {
      const name = validateProjectName(input.workspace_name);
      if (input.description === undefined && input.default_artifact_root === undefined) {
        throw MlflowError.invalidParameter('Workspace update must have at least one key');
      }
      if (input.default_artifact_root) {
        throw MlflowError.invalidParameter(
          'default_artifact_root cannot be set: a project stores its artifacts in its own folder.',
        );
      }
      await assertExists(projects, name);
      if (name === DEFAULT_PROJECT) await projects.create(name);
      const settings = await projects.readSettings(name);
      if (input.description !== undefined) settings.description = input.description;
      await projects.writeSettings(name, settings);
      return { workspace: await workspaceJson(projects, name) };
    },
  }),
  endpoint({
    method: 'DELETE',
    paths: [`${BASE}/:workspace_name`],
    access: 'admin',
    scope: 'server',
    tag: TAG,
    summary: 'Delete a project (mode RESTRICT refuses while it holds data; CASCADE deletes it all)',
    request: nameParam.extend({ mode: z.string().optional() }),
    statuses: {
      success: 204,
      other: { 409: 'RESOURCE_CONFLICT: mode RESTRICT and the project holds data' },
    },
    handler: async (input, { projects }) => {
      const name = input.workspace_name;
      if (name === DEFAULT_PROJECT) {
        throw MlflowError.invalidParameter(
          `The '${DEFAULT_PROJECT}' workspace is reserved and cannot be deleted`,
        );
      }
      validateProjectName(name);
      const mode = input.mode ?? 'RESTRICT';
      if (!(DELETION_MODES as readonly string[]).includes(mode)) {
        throw MlflowError.invalidParameter(
          `Invalid deletion mode '${mode}'. Must be one of: ${DELETION_MODES.join(', ')}`,
        );
      }
      if (mode === 'SET_DEFAULT') {
        throw MlflowError.invalidParameter(
          'Deletion mode SET_DEFAULT is not supported: each project is a separate database. Use RESTRICT or CASCADE.',
        );
      }
      await assertExists(projects, name);
      if (mode === 'RESTRICT') {
        const held = await projects.with(name, false, (ctx) => countProjectContents(ctx.db));
        const [table, count] = held.experiments
          ? ['experiments', held.experiments]
          : ['runs', held.runs];
        if (count) {
          throw new MlflowError(
            // MLflow says INVALID_STATE (a 500); refusing a delete is a conflict, not a fault.
            'RESOURCE_CONFLICT',
            `Cannot delete workspace '${name}': table '${table}' still contains ${count} resource(s). ` +
              'Remove or reassign them before deleting the workspace.',
          );
        }
      }
      await projects.delete(name);
      return withStatus(204);
    },
  }),
];
