import type { TypedDocumentString } from '../generated/graphql.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/*
 * Every request says who acts: its headers carry that role's token (`t.admin`, `await t.as(…)`, a
 * session's `headers`), or are `{}` / `t.anonymous` for nobody. Nothing is sent by default.
 */

/** Sends one typed operation over HTTP and returns the raw GraphQL response. */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | undefined,
  headers: Record<string, string>,
): Promise<GraphQLResponse<TResult>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  return (await response.json()) as GraphQLResponse<TResult>;
}

/** A response as it came: its status, its body parsed as JSON (undefined if it is not JSON) and its text. */
export interface RawReply {
  status: number;
  body: any;
  text: string;
}

/** A raw POST of `body` as it is (for malformed, oversized or hand-built requests). */
export async function rawPost(url: string, body: string | Uint8Array, headers: Record<string, string> = {}, contentType = 'application/json'): Promise<RawReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json', ...headers },
    body: body as BodyInit,
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text };
}

/** Like request, but fails the test on any GraphQL error and returns the data. */
export async function gql<TResult, TVariables>(
  url: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | undefined,
  headers: Record<string, string>,
): Promise<TResult> {
  const result = await request(url, document, variables, headers);
  if (result.errors?.length || !result.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/** Narrows a mutation result union to the expected __typename, failing loudly otherwise. */
export function expectType<T extends { __typename?: string }, K extends NonNullable<T['__typename']>>(
  value: T,
  typename: K,
): Extract<T, { __typename?: K }> {
  if (value.__typename !== typename) {
    throw new Error(`expected ${typename}, got ${value.__typename}: ${JSON.stringify(value)}`);
  }
  return value as Extract<T, { __typename?: K }>;
}
