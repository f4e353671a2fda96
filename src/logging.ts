import { randomUUID } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { type ExecutionArgs, GraphQLError } from 'graphql';
import type { Plugin, YogaLogger } from 'graphql-yoga';
import { DomainError } from './common/errors.js';
import type { Context } from './context.js';
import type { Logger } from './logger.js';

/**
 * Operation logs: one JSON line per GraphQL operation with its request id and who ran it; the
 * request id also goes back in the `x-request-id` response header (a client's own well-formed
 * `x-request-id` is kept, so a trace can span systems). Failures that are the client's (bad input,
 * rejected arguments) are logged at `warn` without a stack; only unexpected errors are `error`
 * with their stack.
 */

export const REQUEST_ID_HEADER = 'x-request-id';
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

const requestIds = new WeakMap<Request, string>();

/** The request id of an HTTP/SSE request, or a new one for a WebSocket operation. */
function requestIdOf(context: Partial<Context> & { request?: Request }): string {
  const id = context.request && requestIds.get(context.request);
  return id ?? randomUUID();
}

/** Gives every HTTP request an id, and returns it in the `x-request-id` response header. */
export function useRequestIds(): Plugin {
  return {
    onRequest({ request }) {
      const given = request.headers.get(REQUEST_ID_HEADER);
      requestIds.set(request, given && CLIENT_REQUEST_ID.test(given) ? given : randomUUID());
    },
    onResponse({ request, response }) {
      const id = requestIds.get(request);
      if (id) response.headers.set(REQUEST_ID_HEADER, id);
    },
  };
}

/** Logs one line per GraphQL operation: name, type, duration, errors, request id and who ran it. */
export function useOperationLog(logger: Logger): Plugin {
  const log = (args: ExecutionArgs, started: number, errors: number) => {
    const definition = args.document.definitions.find((d) => d.kind === 'OperationDefinition');
    const ctx = args.contextValue as Partial<Context> & { request?: Request };
    logger.info(
      {
        requestId: requestIdOf(ctx),
        viewerId: ctx.viewer?.accountId ?? null,
        ...(ctx.board ? { boardCredentialId: ctx.board.credentialId } : {}),
        operation: args.operationName ?? (definition && 'name' in definition ? definition.name?.value : undefined) ?? null,
        type: definition && 'operation' in definition ? definition.operation : undefined,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        errors,
      },
      'graphql operation',
    );
  };
  // Nothing is built for a line the level would drop (e.g. LOG_LEVEL=silent).
  const logs = () => logger.isLevelEnabled('info');
  return {
    onExecute({ args }) {
      if (!logs()) return;
      const started = performance.now();
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result && Array.isArray(result.errors) ? result.errors.length : 0;
          log(args, started, errors);
        },
      };
    },
    onSubscribe({ args }) {
      if (!logs()) return;
      const started = performance.now();
      return {
        onSubscribeResult() {
          log(args, started, 0);
        },
      };
    },
  };
}

/** Whether an error is the client's doing (bad input, a refused argument), not the server's. */
function isClientError(value: unknown): boolean {
  const original = value instanceof GraphQLError ? (value.originalError ?? value) : value;
  if (original instanceof PothosValidationError || original instanceof DomainError) return true;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  return code === 'BAD_USER_INPUT' || code === 'GRAPHQL_VALIDATION_FAILED' || code === 'GRAPHQL_PARSE_FAILED';
}

const describe = (value: unknown) =>
  value instanceof Error ? { name: value.name, message: value.message } : { message: String(value) };

/** Yoga's own log calls, into the JSON log; client errors at warn, without stacks. */
export function yogaLogger(logger: Logger): YogaLogger {
  const text = (args: unknown[]) => args.map(String).join(' ');
  return {
    debug: (...args) => logger.debug({ yoga: text(args) }),
    info: (...args) => logger.info({ yoga: text(args) }),
    warn: (...args) => logger.warn({ yoga: text(args) }),
    error: (...args) => {
      if (args.length > 0 && args.every((a) => isClientError(a) || typeof a === 'string')) {
        if (args.some(isClientError)) {
          logger.warn({ clientError: args.filter(isClientError).map(describe) }, 'client error');
          return;
        }
      }
      logger.error({ yoga: args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' ') });
    },
  };
}
