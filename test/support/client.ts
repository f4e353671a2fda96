import type { TypedDocumentString } from '../generated/graphql.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Headers sent to a server when a test gives none. startTestServer registers an admin's
 * Authorization here, so tests about other things run as the city office; tests about access
 * pass their own headers (`{}` for anonymous).
 */
const defaultHeaders = new Map<string, Record<string, string>>();

export function setDefaultHeaders(url: string, headers: Record<string, string> | undefined): void {
  if (headers) defaultHeaders.set(url, headers);
  else defaultHeaders.delete(url);
}

export function headersFor(url: string, headers?: Record<string, string>): Record<string, string> {
  return headers ?? defaultHeaders.get(url) ?? {};
}

/** Sends one typed operation over HTTP and returns the raw GraphQL response. */
export async function request<TResult, TVariables>(
  url: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  headers?: Record<string, string>,
): Promise<GraphQLResponse<TResult>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headersFor(url, headers),
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  return (await response.json()) as GraphQLResponse<TResult>;
}

/** Like request, but fails the test on any GraphQL error and returns the data. */
export async function gql<TResult, TVariables>(
  url: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables?: TVariables,
  headers?: Record<string, string>,
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
