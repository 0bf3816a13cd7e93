// zod → JSON Schema for the OpenAPI document. Requests are described as clients may send them
// (zod's "input" side), responses as we write them ("output" side, no unknown fields). Schemas
// that carry an `id` (Experiment, Run, Error, …) become shared components instead of inline copies.
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

const DEFS_REF = '#/$defs/';
const COMPONENTS_REF = '#/components/schemas/';

/** Shared schemas of the whole document, filled as operations are converted. */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  /** Converts one zod schema; its `$defs` move to the components and refs are rewritten. */
  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      // Transforms (e.g. a timestamp accepted as "123") have no JSON Schema of their own; their
      // target type or their .meta() describes them.
      unrepresentable: 'any',
      reused: 'inline',
      cycles: 'ref',
    }) as JsonSchema;
    const { $schema: _dialect, $defs, ...rest } = json;
    const defs = ($defs ?? {}) as Record<string, JsonSchema>;
    // Defs refer to each other, so names are settled first (a clash renames), then refs rewritten.
    let names = new Map(Object.keys(defs).map((name) => [name, name]));
    for (let settled = false; !settled;) {
      const next = new Map(
        Object.entries(defs).map(([name, def]) => [
          name,
          this.nameFor(name, io, rewriteRefs(def, names) as JsonSchema),
        ]),
      );
      settled = [...next].every(([name, final]) => names.get(name) === final);
      names = next;
    }
    for (const [name, def] of Object.entries(defs)) {
      this.schemas[names.get(name) as string] = rewriteRefs(def, names) as JsonSchema;
    }
    return rewriteRefs(rest, names) as JsonSchema;
  }

  /** The component name for `def`: its id, unless another schema already has that name. */
  private nameFor(name: string, io: 'input' | 'output', def: JsonSchema): string {
    // One id may be used by a request (lenient) and a response (strict); those differ.
    for (const candidate of [name, io === 'input' ? `${name}Input` : `${name}Output`]) {
      const existing = this.schemas[candidate];
      if (!existing || JSON.stringify(existing) === JSON.stringify(def)) return candidate;
    }
    throw new Error(`OpenAPI: two different schemas share the id '${name}'`);
  }
}

function rewriteRefs(value: unknown, renamed: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, renamed));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === '$ref' && typeof v === 'string' && v.startsWith(DEFS_REF)) {
        const name = v.slice(DEFS_REF.length);
        return [k, COMPONENTS_REF + (renamed.get(name) ?? name)];
      }
      return [k, rewriteRefs(v, renamed)];
    }),
  );
}

/** The top-level properties of an object schema, and which are required. */
export function objectProperties(schema: JsonSchema): {
  properties: Record<string, JsonSchema>;
  required: Set<string>;
} {
  return {
    properties: (schema.properties as Record<string, JsonSchema> | undefined) ?? {},
    required: new Set((schema.required as string[] | undefined) ?? []),
  };
}
