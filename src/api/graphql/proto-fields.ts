// How a field without a resolver of its own reads its value. MLflow resolves GraphQL fields on the
// protobuf messages its REST handlers build, and an unset protobuf field reads as its type's
// default: "" for text, "0" for a LongString, 0, false, [] for a list, an empty message for a
// message. Our resolvers hand over the REST API's JSON (snake_case, empty fields left out), so a
// field is looked up by its snake_case name and, when absent, given that same default.
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isObjectType,
  isScalarType,
  type GraphQLFieldResolver,
  type GraphQLOutputType,
} from 'graphql';

const SCALAR_DEFAULTS: Record<string, unknown> = {
  String: '',
  LongString: 0,
  Int: 0,
  Float: 0,
  Boolean: false,
  ID: '',
};

export function snakeCase(fieldName: string): string {
  return fieldName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function protoDefault(type: GraphQLOutputType): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [];
  if (isObjectType(nullable)) return {};
  // An enum's unset value is 0, which none of MLflow's GraphQL enums name: it reads as null.
  if (isEnumType(nullable)) return null;
  if (isScalarType(nullable)) return SCALAR_DEFAULTS[getNamedType(nullable).name] ?? null;
  return null;
}

export const protoFieldResolver: GraphQLFieldResolver<unknown, unknown> = (
  source,
  _args,
  _ctx,
  info,
) => {
  const value =
    source !== null && typeof source === 'object'
      ? (source as Record<string, unknown>)[snakeCase(info.fieldName)]
      : undefined;
  return value === undefined || value === null ? protoDefault(info.returnType) : value;
};
