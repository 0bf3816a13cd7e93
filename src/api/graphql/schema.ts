// The executable schema: MLflow's types (schema-sdl.ts) with the LongString scalar's rules and the
// resolvers (resolvers.ts) attached. Built once; every project's requests run on it.
import {
  buildSchema,
  GraphQLSchema,
  isObjectType,
  Kind,
  type GraphQLScalarType,
  type ValueNode,
} from 'graphql';
import { RESOLVERS } from './resolvers.js';
import { SCHEMA_SDL } from './schema-sdl.js';

const INTEGER_TEXT = /^\s*[+-]?\d+(_\d+)*\s*$/;

/** A variable's value as Python's int() reads it, as MLflow's LongString does. */
function longFromValue(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && INTEGER_TEXT.test(value)) {
    return Number(value.replace(/_/g, '').trim());
  }
  // A plain error: graphql-js then prefixes `Expected type "LongString".`, as graphql-core does.
  throw new TypeError(`not an integer: ${JSON.stringify(value)}`);
}

/** A literal: only an integer is read; anything else (a string too) reads as null, as in MLflow. */
function longFromLiteral(node: ValueNode): number | null {
  return node.kind === Kind.INT ? Number(node.value) : null;
}

function build(): GraphQLSchema {
  const built = buildSchema(SCHEMA_SDL);
  // MLflow's schema declares @component alone, which leaves out GraphQL's standard directives:
  // @skip and @include are unknown there, and so here.
  const schema = new GraphQLSchema({
    ...built.toConfig(),
    directives: [built.getDirective('component')!],
  });
  const long = schema.getType('LongString') as GraphQLScalarType;
  long.serialize = (value: unknown) => String(value);
  long.parseValue = longFromValue;
  long.parseLiteral = longFromLiteral;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields();
    // MLflow never fills a response's apiError: its errors go to the answer's `errors`.
    if (fields.apiError) fields.apiError.resolve = () => null;
    for (const [name, resolve] of Object.entries(RESOLVERS[type.name] ?? {})) {
      if (!fields[name]) throw new Error(`GraphQL: no field ${type.name}.${name}`);
      fields[name].resolve = resolve as (typeof fields)[string]['resolve'];
    }
  }
  return schema;
}

export const graphqlSchema = build();
