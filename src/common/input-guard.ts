import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import {
  type GraphQLArgument,
  type GraphQLInputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
} from 'graphql';
import { type FieldError, ValidationError } from './errors.js';
import { globalIdProblem } from './ids.js';

/*
 * The one guard on every String and ID argument of the schema, nested input fields and lists
 * included: a Pothos plugin that runs before any other argument mapping (global IDs, validation)
 * and before the resolver. It refuses
 *
 * - a NUL character (PostgreSQL text cannot hold one) and a lone UTF-16 surrogate (it would be
 *   stored as U+FFFD, not as what was sent), in any string;
 * - an ID that is not one of ours: not base64 of "Type:key", an unknown type, or a key that is not
 *   a positive int4 ("Site:abc", "Site:9007199254740993").
 *
 * A refusal is a ValidationError naming each offending argument path ("input.name"): mutations
 * return it as their typed error, queries and subscriptions report it as BAD_USER_INPUT. Nothing
 * has run, so nothing is written.
 *
 * `nodes(ids:)` is exempt from the ID check: it answers each ID on its own (src/common/node.ts).
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string may not be stored, or null when it may. */
export function textProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must not contain a lone UTF-16 surrogate (invalid Unicode)';
  return null;
}

/** Fields whose ID arguments are not checked up front (they report bad IDs item by item). */
const ID_CHECK_EXEMPT = new Set(['Query.nodes']);

/**
 * ID arguments that are not a node's global ID, so their own field parses them: `after` of
 * rosterChanged takes an event's sequence or a RosterEvent id (src/roster/live.ts).
 */
const NOT_NODE_IDS = new Set(['Subscription.rosterChanged.after']);

const nodeTypesBySchema = new WeakMap<GraphQLSchema, Set<string>>();

function nodeTypes(schema: GraphQLSchema): Set<string> {
  let types = nodeTypesBySchema.get(schema);
  if (!types) {
    const node = schema.getType('Node');
    types = new Set(node && 'getFields' in node ? schema.getPossibleTypes(node as never).map((t) => t.name) : []);
    nodeTypesBySchema.set(schema, types);
  }
  return types;
}

/** Every problem with the strings and IDs in one field's (coerced) arguments. */
export function inputProblems(
  args: readonly GraphQLArgument[],
  values: Record<string, unknown>,
  schema: GraphQLSchema,
  checkIds: boolean | ((argName: string) => boolean),
): FieldError[] {
  const problems: FieldError[] = [];
  const walk = (value: unknown, type: GraphQLInputType, path: string, checkIds: boolean) => {
    if (value === null || value === undefined) return;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, nullable.ofType, `${path}.${i}`, checkIds));
      return;
    }
    if (isInputObjectType(nullable)) {
      for (const field of Object.values(nullable.getFields())) {
        walk((value as Record<string, unknown>)[field.name], field.type, `${path}.${field.name}`, checkIds);
      }
      return;
    }
    if (!isScalarType(nullable) || typeof value !== 'string') return;
    if (nullable.name !== 'String' && nullable.name !== 'ID') return;
    const text = textProblem(value);
    const problem = text
      ? `${JSON.stringify(value.slice(0, 60))} ${text}`
      : nullable.name === 'ID' && checkIds
        ? globalIdProblem(value, nodeTypes(schema))
        : null;
    if (problem) problems.push({ path, message: problem });
  };
  for (const arg of args) {
    walk(values[arg.name], arg.type, arg.name, typeof checkIds === 'function' ? checkIds(arg.name) : checkIds);
  }
  return problems;
}

function guardArgs(args: Record<string, unknown>, _context: object, info: GraphQLResolveInfo) {
  const field = info.parentType.getFields()[info.fieldName];
  if (!field?.args.length) return args;
  const name = `${info.parentType.name}.${info.fieldName}`;
  const exempt = ID_CHECK_EXEMPT.has(name);
  const problems = inputProblems(field.args, args, info.schema, (arg) => !exempt && !NOT_NODE_IDS.has(`${name}.${arg}`));
  if (problems.length) throw new ValidationError(problems);
  return args;
}

export class InputGuardPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    if (Object.keys(fieldConfig.args).length === 0) return fieldConfig;
    // First of all argument mappers: the relay plugin's ID decoding and zod validation see only checked input.
    return { ...fieldConfig, argMappers: [guardArgs as never, ...fieldConfig.argMappers] };
  }
}

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      inputGuard: InputGuardPlugin<Types>;
    }
  }
}

SchemaBuilder.registerPlugin('inputGuard', InputGuardPlugin);
