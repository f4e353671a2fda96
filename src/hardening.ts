import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import {
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type SelectionSetNode,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
} from 'graphql';
import { type Plugin, handleStreamOrSingleExecutionResult } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE } from './builder.js';

/**
 * Hardening of the GraphQL surface: limits on what one operation may ask for, no field
 * suggestions, optional introspection, persisted-only operations, and a cap on request bodies.
 * src/server.ts wires these into Yoga and the HTTP server.
 */

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
   * Highest estimated cost: each object is 1, multiplied by the page size of the connections it
   * sits in (`first`/`last`, from literals or variables; 20 when absent). See operationCost.
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
 * - cost 25,000: the dearest real operation is 1,680 as the tests send it and 8,400 at
 *   `first: 100` (100 shifts with 20 assignments each); one page of 100 with a page of 100 in
 *   each item, about 20,000, still passes; a third nested page of 100 costs over 1,000,000.
 * - input depth 10: the deepest real variables are 3 levels (createShifts' time windows).
 * - batch 10: Yoga's own default once batching is on.
 */
export const DEFAULT_OPERATION_LIMITS: Readonly<OperationLimits> = Object.freeze({
  maxDepth: 15,
  maxAliases: 20,
  maxTokens: 2_000,
  maxDirectives: 20,
  maxCost: 25_000,
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
      // Ours (below) reads `first` from variables too and knows which fields are connections.
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

export interface CostOptions {
  /** Page size assumed for a connection without `first`/`last`. */
  defaultPageSize?: number;
  /** Length assumed for a list of objects that takes no page size (e.g. Viewer.managedSites). */
  defaultListSize?: number;
}

/**
 * Estimated cost of running an operation: every object in the result costs 1 and scalars are
 * free; a field's cost is multiplied by the number of items it can return — `first`/`last` for
 * connections (20 when absent), the length of an ID list for `nodes(ids:)`, 10 for other lists of
 * objects. Variables are used as sent. `__typename` and introspection fields cost nothing.
 * Returns 0 when the variables do not fit the operation (execution reports that itself).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  rawVariables?: Record<string, unknown> | null,
  options: CostOptions = {},
): number {
  const pageSize = options.defaultPageSize ?? DEFAULT_PAGE_SIZE;
  const listSize = options.defaultListSize ?? 10;
  const operation = getOperationAST(document, operationName ?? undefined);
  const root = operation && schema.getRootType(operation.operation);
  if (!operation || !root) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  if (coerced.errors) return 0;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const fragmentCosts = new Map<string, number>();

  const multiplier = (field: GraphQLField<unknown, unknown>, node: FieldNode, parent: GraphQLCompositeType): number => {
    const returnsList = isListType(getNullableType(field.type));
    const paged = field.args.some((a) => a.name === 'first' || a.name === 'last');
    const listArg = field.args.find((a) => isListType(getNullableType(a.type)));
    if (!paged && !(returnsList && isCompositeType(getNamedType(field.type)))) return 1;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, variables);
    } catch {
      return 1; // execution reports the bad argument
    }
    if (paged) {
      const sizes = [args.first, args.last].filter((n): n is number => typeof n === 'number');
      return sizes.length ? Math.max(0, ...sizes) : pageSize;
    }
    // A connection's edges are counted by the connection's page size.
    if (parent.name.endsWith('Connection') && (field.name === 'edges' || field.name === 'nodes')) return 1;
    if (listArg && Array.isArray(args[listArg.name])) return (args[listArg.name] as unknown[]).length;
    return listSize;
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith('__')) continue;
        if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
        const field = parent.getFields()[selection.name.value];
        if (!field) continue;
        const type = getNamedType(field.type);
        const children = selection.selectionSet && isCompositeType(type) ? selectionCost(selection.selectionSet, type) : 0;
        total += ((isCompositeType(type) ? 1 : 0) + children) * multiplier(field, selection, parent);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) total += selectionCost(selection.selectionSet, type);
      } else {
        const name = selection.name.value;
        let cost = fragmentCosts.get(name);
        if (cost === undefined) {
          fragmentCosts.set(name, 0); // a cycle (refused by validation anyway) adds nothing
          const fragment = fragments.get(name);
          const type = fragment && schema.getType(fragment.typeCondition.name.value);
          cost = fragment && type && isCompositeType(type) ? selectionCost(fragment.selectionSet, type) : 0;
          fragmentCosts.set(name, cost);
        }
        total += cost;
      }
    }
    return total;
  };

  return selectionCost(operation.selectionSet, root);
}

/**
 * Refuses, before any resolver runs, an operation whose estimated cost (operationCost, with the
 * variables as sent) is over `maxCost`. Runs for HTTP, SSE and WebSocket operations alike.
 */
export function useCostLimit(maxCost: number, options?: CostOptions): Plugin {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
  }): GraphQLError | undefined => {
    const cost = operationCost(args.schema, args.document, args.operationName, args.variableValues, options);
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

/** Persisted operations: hash (hex sha256, without the "sha256:" prefix) → document. */
export type PersistedManifest = ReadonlyMap<string, string>;

export interface PersistedOperationsOptions {
  /** 'only': the server runs only operations from the manifest, sent by hash. */
  mode: 'off' | 'only';
  /** The manifest codegen writes (`hash → document`); read at start-up. */
  manifestPath?: string;
  /** The manifest itself, instead of a path. */
  manifest?: Record<string, string>;
}

export const DEFAULT_PERSISTED_MANIFEST = 'test/generated/persisted-documents.json';

function bareHash(hash: string): string {
  return hash.startsWith('sha256:') ? hash.slice('sha256:'.length) : hash;
}

/** Reads a codegen persisted-documents manifest, failing with a message that names the file. */
export function loadPersistedManifest(options: PersistedOperationsOptions): PersistedManifest {
  let entries: Record<string, unknown>;
  if (options.manifest) {
    entries = options.manifest;
  } else {
    const path = options.manifestPath ?? DEFAULT_PERSISTED_MANIFEST;
    try {
      entries = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `PERSISTED_OPERATIONS=only needs the manifest ${path} (npm run codegen writes it): ${(error as Error).message}`,
      );
    }
  }
  const manifest = new Map<string, string>();
  for (const [hash, document] of Object.entries(entries)) {
    if (typeof document !== 'string') throw new Error(`persisted operation ${hash} is not a string`);
    manifest.set(bareHash(hash), document);
  }
  return manifest;
}

/**
 * The hash a client sent: Apollo's `extensions.persistedQuery.sha256Hash`, or `documentId`
 * (the GraphQL-over-HTTP persisted documents form; "sha256:" prefix optional).
 */
export function persistedOperationId(params: { extensions?: unknown; documentId?: unknown }): string | null {
  const persisted = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  if (typeof persisted?.sha256Hash === 'string') return bareHash(persisted.sha256Hash);
  if (typeof params.documentId === 'string') return bareHash(params.documentId);
  return null;
}

/** Serves only the manifest's operations over HTTP and SSE; anything else is refused. */
export function usePersistedOnly(manifest: PersistedManifest): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId: (params) => persistedOperationId(params as never),
    getPersistedOperation: (hash) => manifest.get(hash) ?? null,
    customErrors: {
      persistedQueryOnly: {
        message: 'Only persisted operations are served here: send the hash (extensions.persistedQuery.sha256Hash or documentId), not the query.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send the hash of a persisted operation (extensions.persistedQuery.sha256Hash or documentId).',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      notFound: {
        message: 'No persisted operation has this hash.',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
    },
  }) as Plugin;
}

/**
 * The same rule for a graphql-ws subscribe message: the query comes from the manifest by hash,
 * or the operation is refused. Returns the params to run, or the error.
 */
export function resolvePersistedOperation<P extends { query?: unknown; extensions?: unknown }>(
  manifest: PersistedManifest,
  params: P,
): P | GraphQLError {
  const hash = persistedOperationId(params as never);
  if (hash === null) {
    return new GraphQLError('Only persisted operations are served here: send the hash, not the query.', {
      extensions: { code: 'PERSISTED_QUERY_ONLY' },
    });
  }
  const query = manifest.get(hash);
  if (query === undefined) {
    return new GraphQLError('No persisted operation has this hash.', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
  }
  return { ...params, query };
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
