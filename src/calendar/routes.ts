import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.js';
import { getRoute } from '../common/get-route.js';
import { feedByToken, renderCalendarFeed } from './service.js';

/*
 * GET /calendar/<token>.ics: the volunteer's iCal feed (src/calendar/service.ts). No login: the
 * token is the credential, so calendar apps can subscribe. An unknown, replaced, revoked or
 * suspended volunteer's token is 404, the same answer for each (nothing tells them apart).
 */

const PATH = /^\/calendar\/([^/]+)\.ics$/;

export function useCalendarRoutes(services: AppServices): Plugin {
  return getRoute(
    (url) => PATH.exec(url.pathname),
    async (request, url, match) => {
      const feed = await feedByToken(services.prisma, decodeURIComponent(match[1]!));
      if (!feed) {
        return new Response('No calendar feed has this address (it may have been revoked or replaced).\n', {
          status: 404,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
        });
      }
      const body = await renderCalendarFeed(services.prisma, feed, services.clock.now(), url.hostname || 'localhost');
      return new Response(request.method === 'HEAD' ? null : body, {
        headers: {
          'content-type': 'text/calendar; charset=utf-8',
          'content-disposition': 'inline; filename="shifts.ics"',
          // The URL is a credential: no shared caches, no referrers.
          'cache-control': 'private, no-cache',
          'referrer-policy': 'no-referrer',
        },
      });
    },
  );
}
