import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  getOperationAST,
} from 'graphql';
import { type Plugin, handleStreamOrSingleExecutionResult } from 'graphql-yoga';
import { PothosValidationError } from '@pothos/core';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { MapperKind, mapSchema } from '@graphql-tools/utils';

/**
 * Hardening of the GraphQL surface: limits on what one operation may ask for, no field
 * suggestions, optional introspection, persisted-only operations, and a cap on request bodies.
 * src/server.ts wires these into Yoga and the HTTP server. Persisted-only operations are in
 * src/persisted-operations.ts (re-exported here).
 */

export * from './persisted-operations.js';

/** Limits on a single operation (and on a batch of them). */
export interface OperationLimits {
  /** Deepest nesting of fields; fragments count as the fields they expand to. */
  maxDepth: number;
  /** Most aliased fields (`a: field`) in one operation; `__typename` aliases are free. */
  maxAliases: number;
  /** Most lexical tokens in the whole document (comments are not tokens). */
  maxTokens: number;
  /** Most directive uses (`@include`, `@skip`, …) in one operation. */
  maxDirectives: number;
  /**
   * Highest estimated cost: each object is 1, counted once per item of the pages it sits in
   * (`first`/`last`, from literals or variables; 20 when absent). See operationCost.
   */
  maxCost: number;
  /**
   * Deepest nesting of objects and lists in the variables (`{ input: { windows: [{ … }] } }` is 3).
   * Deeper JSON is refused before it reaches scalar parsers, some of which recurse into it.
   */
  maxInputDepth: number;
  /** Most operations in one batched HTTP request (a JSON array). */
  maxBatch: number;
}

/**
 * Defaults that admit every operation the API's own clients send — test/operations, examples,
 * the GraphiQL examples and GraphiQL's introspection query; test/hardening.test.ts checks them
 * all — with room to grow, and refuse the abusive shapes: deep nesting, alias and directive
 * floods, enormous documents, and connections nested in connections at full page size.
 *
 * - depth 15: the deepest real operation is 8 (roster → shift → assignments → volunteer); the
 *   introspection query is exempt.
 * - aliases 20: real operations use at most 1.
 * - tokens 2,000: the largest real document (fragments included) has 176 tokens, the GraphiQL
 *   examples 250, the introspection query 184.
 * - directives 20: real operations use none; a few @include/@skip are fine.
 * - cost 10,000 (@pothos/plugin-complexity, see operationCost): the dearest real operation,
 *   RosterWithVolunteers, is 4,301 with every page at `first: 100`; a page of 100 with a page
 *   of 100 counted in each item (10,000 count queries) costs about 20,000 and is refused.
 * - input depth 10: the deepest real variables are 3 levels (createShifts' time windows).
 * - batch 10: Yoga's own default once batching is on.
 */
export const DEFAULT_OPERATION_LIMITS: Readonly<OperationLimits> = Object.freeze({
  maxDepth: 15,
  maxAliases: 20,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 10_000,
  maxInputDepth: 10,
  maxBatch: 10,
});

export function resolveOperationLimits(limits: Partial<OperationLimits> = {}): OperationLimits {
  const resolved = { ...DEFAULT_OPERATION_LIMITS };
  for (const [key, value] of Object.entries(limits) as [keyof OperationLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) throw new Error(`operation limit ${key} must be a positive integer, got ${value}`);
    resolved[key] = value;
  }
  return resolved;
}

/** The `extensions.code` of every refusal by an operation limit. */
export const LIMIT_ERROR_CODE = 'OPERATION_LIMIT_EXCEEDED';

function limitError(message: string): GraphQLError {
  return new GraphQLError(message.replace(/^Syntax Error: /, ''), {
    extensions: { code: LIMIT_ERROR_CODE, http: { status: 400 } },
  });
}

/**
 * Depth, aliases, directives (validation rules) and tokens (while parsing), from graphql-armor.
 * A refusal is a validation error (HTTP 400) naming the limit and what was found.
 */
export function useOperationLimits(limits: OperationLimits): Plugin[] {
  // Validation rules report through the context (all refusals at once); the token limit runs
  // inside the parser, where there is no context, so it throws.
  const onReject: GraphQLArmorRejectCallback[] = [
    (context, error) => {
      if (context) context.reportError(limitError(error.message));
      else throw limitError(error.message);
    },
  ];
  const common = { exposeLimits: true, propagateOnRejection: false, onReject };
  return [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...common },
      maxAliases: { n: limits.maxAliases, ...common },
      maxDirectives: { n: limits.maxDirectives, ...common },
      maxTokens: { n: limits.maxTokens, ...common },
      // Ours (below, from @pothos/plugin-complexity) reads `first` from variables too.
      costLimit: { enabled: false },
      // Suggestions also appear outside validation (variables, enum values); see useHiddenSuggestions.
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
    useInputDepthLimit(limits.maxInputDepth),
    useCostLimit(limits.maxCost),
  ];
}

/** How deeply objects and lists nest in a JSON value (a scalar is 0); stops counting past `max`. */
export function inputDepth(value: unknown, max = Number.POSITIVE_INFINITY): number {
  // Iterative: the point is to survive values nested far deeper than the call stack.
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) deepest = level;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') stack.push([child, level]);
    }
  }
  return deepest;
}

/** Refuses variables nested deeper than `maxDepth` (the variables object itself not counted). */
export function useInputDepthLimit(maxDepth: number): Plugin {
  const check = (variables: unknown): GraphQLError | undefined => {
    const depth = inputDepth(variables, maxDepth + 1) - 1;
    if (depth <= maxDepth) return undefined;
    return limitError(`Variables nest more than ${maxDepth} levels of objects and lists.`);
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/**
 * The schema as the cost pass sees it: without Pothos's argument mappers (input guard, ID
 * decoding, validation), so that arguments are read as sent and a bad one elsewhere in the
 * operation cannot abort the count (execution reports it).
 */
const costSchemas = new WeakMap<GraphQLSchema, GraphQLSchema>();
function costSchema(schema: GraphQLSchema): GraphQLSchema {
  let mapped = costSchemas.get(schema);
  if (!mapped) {
    mapped = mapSchema(schema, {
      [MapperKind.COMPOSITE_FIELD]: (field) => ({ ...field, extensions: { ...field.extensions, pothosArgMappers: [] } }),
    });
    costSchemas.set(schema, mapped);
  }
  return mapped;
}

/**
 * Estimated cost of running an operation, from @pothos/plugin-complexity with the builder's field
 * costs (src/builder.ts fieldCost): each object is 1, scalars are free, and what sits below a
 * connection counts once per item of its page (`first`/`last`, 20 when absent). Variables are
 * used as sent. Returns 0 when the variables do not fit the operation (execution reports that).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables?: Record<string, unknown> | null,
  context: object = {},
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  // complexityFromQuery reads the document's first operation: hand it the chosen one.
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  try {
    const { complexity } = complexityFromQuery(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      { schema: costSchema(schema), variables: variables ?? {}, ctx: context },
    );
    return complexity;
  } catch (error) {
    if (error instanceof GraphQLError || error instanceof PothosValidationError) return 0;
    throw error;
  }
}

/**
 * Refuses, before any resolver runs, an operation whose estimated cost (operationCost, with the
 * variables as sent) is over `maxCost`. Runs for HTTP, SSE and WebSocket operations alike.
 */
export function useCostLimit(maxCost: number): Plugin {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
    contextValue?: unknown;
  }): GraphQLError | undefined => {
    const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues, (args.contextValue ?? {}) as object);
    if (cost <= maxCost) return undefined;
    return limitError(
      `Operation cost limit of ${maxCost} exceeded, found ${cost}. Ask for smaller pages (first/last) or fewer nested connections.`,
    );
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

/** "Did you mean …?" in graphql-js messages (fields, arguments, types, enum values, input fields). */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}

function hideSuggestions(errors: readonly GraphQLError[] | undefined) {
  for (const error of errors ?? []) {
    // In place: the same error objects are cached (validation) and logged.
    if (error.message.includes('Did you mean')) error.message = withoutSuggestions(error.message);
  }
}

/**
 * Removes "Did you mean …?" from every error, so that a probe with near-miss names learns
 * nothing about the schema: validation errors (unknown fields, arguments, types, enum literals)
 * and execution errors (variables with unknown input fields or enum values).
 */
export function useHiddenSuggestions(): Plugin {
  const onResult = ({ result }: { result: ExecutionResult }) => hideSuggestions(result.errors);
  return {
    onValidate() {
      return ({ result }) => hideSuggestions(result as readonly GraphQLError[]);
    },
    onExecute() {
      return { onExecuteDone: (payload) => handleStreamOrSingleExecutionResult(payload, onResult) };
    },
    onSubscribe() {
      return {
        onSubscribeResult: (payload) => handleStreamOrSingleExecutionResult(payload as never, onResult),
        onSubscribeError: ({ error }) => {
          if (error instanceof GraphQLError) hideSuggestions([error]);
        },
      };
    },
  };
}

/**
 * Refuses `__schema` and `__type` (`__typename` stays). Unlike @graphql-yoga/plugin-disable-introspection,
 * which keys on the HTTP request, this also covers operations that arrive over WebSocket.
 */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void;

function refuse(res: ServerResponse, status: number, code: string, message: string) {
  if (res.headersSent) return;
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** How long, at most, the rest of a refused body is read before the connection is cut. */
const LINGER_MS = 5_000;

/**
 * Reads and discards the rest of a refused request body, as nginx's lingering close does. A
 * client still uploading when the answer goes out (fetch sends the whole body before it reads)
 * would otherwise have its connection reset under it and never see the 413. Up to
 * max(8 MiB, 4 × the limit) and LINGER_MS; a client that sends more, or trickles, is cut off.
 * When the body ends in time, the connection stays usable.
 */
function drain(req: IncomingMessage, maxBytes: number) {
  const cap = Math.max(8 * 1024 * 1024, 4 * maxBytes);
  let drained = 0;
  const cut = () => req.socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  const done = () => clearTimeout(timer);
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > cap) {
      done();
      cut();
    }
  });
  req.once('end', done);
  req.once('close', done);
  req.once('error', done);
  req.resume();
}

/**
 * Wraps a Node request handler (Yoga) so that it only ever sees bodies of at most `maxBytes`
 * that are valid UTF-8. A larger body is refused with 413 as soon as it is announced
 * (Content-Length) or, for chunked bodies, as soon as it grows past the limit; the rest is read
 * and thrown away for a while (drain), so that the client gets to read the answer. The body is
 * handed on already read, as `req.body`.
 */
export function limitRequestBodies(handler: NodeHandler, maxBytes: number): NodeHandler {
  const tooLarge = `Request body too large: at most ${maxBytes} bytes are accepted.`;
  return (req, res) => {
    const declared = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (!chunked && (declared === undefined || declared === '0')) {
      handler(req, res);
      return;
    }
    if (declared !== undefined && Number(declared) > maxBytes) {
      refuse(res, 413, 'PAYLOAD_TOO_LARGE', tooLarge);
      drain(req, maxBytes);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        chunks.length = 0;
        refuse(res, 413, 'PAYLOAD_TOO_LARGE', tooLarge);
        drain(req, maxBytes);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      const body = Buffer.concat(chunks, size);
      if (!isUtf8(body)) {
        refuse(res, 400, 'BAD_REQUEST', 'Request body is not valid UTF-8.');
        return;
      }
      // Yoga's Node adapter takes a body that was already read from `req.body`. An async iterable
      // (with an own key, which the adapter checks for) rather than the Buffer itself: the adapter
      // runs Object.keys() on it, which on a Buffer lists every byte.
      (req as IncomingMessage & { body?: unknown }).body = {
        byteLength: body.length,
        async *[Symbol.asyncIterator]() {
          if (body.length) yield body;
        },
      };
      handler(req, res);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', stop); // the client went away; nothing to answer
  };
}
