import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.js';
import { feedByToken, renderCalendarFeed } from './service.js';

/*
 * GET /calendar/<token>.ics: the volunteer's iCal feed (src/calendar/service.ts). No login: the
 * token is the credential, so calendar apps can subscribe. An unknown, replaced, revoked or
 * suspended volunteer's token is 404, the same answer for each (nothing tells them apart).
 */

const PATH = /^\/calendar\/([^/]+)\.ics$/;

export function useCalendarRoutes(services: AppServices): Plugin {
  return {
    // Synchronous for every other path: no promise (and no extra turn) on the GraphQL requests.
    onRequest({ request, url, endResponse }) {
      const match = PATH.exec(url.pathname);
      if (!match) return;
      return serve(request, url, endResponse, match);
    },
  };
  async function serve(request: Request, url: URL, endResponse: (response: Response) => void, match: RegExpExecArray) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      endResponse(new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } }));
      return;
    }
    const feed = await feedByToken(services.prisma, decodeURIComponent(match[1]!));
    if (!feed) {
      endResponse(new Response('No calendar feed has this address (it may have been revoked or replaced).\n', {
        status: 404,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
      }));
      return;
    }
    const body = await renderCalendarFeed(services.prisma, feed, services.clock.now(), url.hostname || 'localhost');
    endResponse(
      new Response(request.method === 'HEAD' ? null : body, {
        headers: {
          'content-type': 'text/calendar; charset=utf-8',
          'content-disposition': 'inline; filename="shifts.ics"',
          // The URL is a credential: no shared caches, no referrers.
          'cache-control': 'private, no-cache',
          'referrer-policy': 'no-referrer',
        },
      }),
    );
  }
}
