import type { Plugin } from 'graphql-yoga';

/**
 * A plain HTTP route beside /graphql that answers GET and HEAD only (anything else: 405 with
 * `Allow`). `match` picks the route's requests from the URL (null: not this route); `answer`
 * makes the response. Synchronous for every other path: no promise (and no extra turn) on the
 * GraphQL requests.
 */
export function getRoute<M>(
  match: (url: URL) => M | null,
  answer: (request: Request, url: URL, matched: M) => Response | Promise<Response>,
): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      const matched = match(url);
      if (matched === null) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
        return;
      }
      const response = answer(request, url, matched);
      if (response instanceof Response) return endResponse(response);
      return response.then(endResponse);
    },
  };
}
