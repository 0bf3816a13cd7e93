// The bounds MLflow puts on a GraphQL document before validating it: selection sets nest at most
// 10 deep, at most 1000 fields are selected in all, and (configurable, 10 each by default) at most
// so many root fields and so many aliases in any one selection set. Fragments count where they
// are spread, at the level of the spread, so aliases cannot hide in sibling fragments.
import {
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export const MAX_DEPTH = 10;
export const MAX_SELECTIONS = 1000;

export interface QueryLimits {
  maxRootFields: number;
  maxAliases: number;
}

class LimitExceeded extends Error {}

/**
 * The fields selected at one level, with inline fragments and spread fragments merged in, in the
 * order MLflow visits them (breadth-first over the fragments); a fragment spread twice at one
 * level counts once.
 */
function fieldsAtLevel(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): { fields: FieldNode[]; aliases: number } {
  const fields: FieldNode[] = [];
  let aliases = 0;
  const spread = new Set<string>();
  const queue = [...selectionSet.selections];
  for (let i = 0; i < queue.length; i++) {
    const selection = queue[i];
    if (selection.kind === Kind.FIELD) {
      fields.push(selection);
      if (selection.alias) aliases++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      queue.push(...selection.selectionSet.selections);
    } else if (!spread.has(selection.name.value)) {
      spread.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) queue.push(...fragment.selectionSet.selections);
    }
  }
  return { fields, aliases };
}

/** What MLflow's check measures: root fields over all operations, and the most aliases at a level. */
function measure(document: DocumentNode): { rootFields: number; maxAliases: number } {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) {
      fragments.set(definition.name.value, definition);
    }
  }
  let rootFields = 0;
  let maxAliases = 0;
  let selections = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    // Depth first, last pushed first, as MLflow walks it: when a document breaks both the depth
    // and the size bound, the same one is reported. A fragment that spreads itself ends at the
    // depth bound.
    const stack: { set: SelectionSetNode; depth: number }[] = [
      { set: definition.selectionSet, depth: 1 },
    ];
    while (stack.length) {
      const { set, depth } = stack.pop()!;
      if (depth > MAX_DEPTH) throw new LimitExceeded(`Query exceeds maximum depth of ${MAX_DEPTH}`);
      const level = fieldsAtLevel(set, fragments);
      for (const field of level.fields) {
        if (depth === 1) rootFields++;
        if (field.selectionSet) stack.push({ set: field.selectionSet, depth: depth + 1 });
        if (++selections > MAX_SELECTIONS) {
          throw new LimitExceeded(`Query exceeds maximum total selections of ${MAX_SELECTIONS}`);
        }
      }
      maxAliases = Math.max(maxAliases, level.aliases);
    }
  }
  return { rootFields, maxAliases };
}

/** The message MLflow answers a document beyond its bounds with, or undefined within them. */
export function queryLimitViolation(
  document: DocumentNode,
  limits: QueryLimits,
): string | undefined {
  let measured: { rootFields: number; maxAliases: number };
  try {
    measured = measure(document);
  } catch (err) {
    if (err instanceof LimitExceeded) return err.message;
    throw err;
  }
  const over = (what: string, limit: number, got: number, variable: string) =>
    `GraphQL queries should have at most ${limit} ${what}, got ${got} ${what}. ` +
    `To increase the limit, set the ${variable} environment variable.`;
  if (measured.rootFields > limits.maxRootFields) {
    return over(
      'root fields',
      limits.maxRootFields,
      measured.rootFields,
      'MLFLOW_SERVER_GRAPHQL_MAX_ROOT_FIELDS',
    );
  }
  if (measured.maxAliases > limits.maxAliases) {
    return over(
      'aliases',
      limits.maxAliases,
      measured.maxAliases,
      'MLFLOW_SERVER_GRAPHQL_MAX_ALIASES',
    );
  }
  return undefined;
}
