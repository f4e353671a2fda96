import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.js';
import { formatCalendarDate } from '../roster/time.js';
import { renderCertificatePdf } from './pdf.js';
import { type HoursLine, certificateByCode, maskedName, validDownload } from './service.js';

/*
 * Two plain HTTP routes next to /graphql:
 *   GET /certificates/<code>      public verification, no login: masked name, period, totals, issuer
 *                                 (never a phone); 404 for an unknown or tampered code.
 *   GET /certificates/<code>.pdf  the PDF, through the signed link `certificate.downloadUrl` gives its owner.
 */

const PATH = /^\/certificates\/([^/]+?)(\.pdf)?$/;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } });

export function useCertificateRoutes(services: AppServices): Plugin {
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
    const code = decodeURIComponent(match[1]!);
    const certificate = await certificateByCode(services.prisma, code);
    if (match[2]) {
      const now = services.clock.now();
      if (!certificate || !validDownload(services.tokens.secret, code, url.searchParams.get('expires'), url.searchParams.get('signature'), now)) {
        endResponse(json(403, { error: 'This download link is invalid or has expired; ask for a new one through certificate.downloadUrl.' }));
        return;
      }
      const pdf = await renderCertificatePdf(certificate, `${url.origin}/certificates/${code}`);
      endResponse(
        new Response(new Uint8Array(pdf), {
          headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="certificate-${code}.pdf"`, 'cache-control': 'private, no-store' },
        }),
      );
      return;
    }
    if (!certificate) {
      endResponse(json(404, { valid: false, error: 'No issued certificate has this code.' }));
      return;
    }
    endResponse(
      json(200, {
        valid: true,
        code: certificate.code,
        holder: maskedName(certificate.volunteer.name),
        periodFrom: formatCalendarDate(certificate.periodFrom),
        periodTo: formatCalendarDate(certificate.periodTo),
        totalMinutes: certificate.totalMinutes,
        totalHours: Math.floor((certificate.totalMinutes ?? 0) / 6) / 10,
        byProject: ((certificate.breakdown ?? []) as unknown as HoursLine[]).map((l) => ({ project: l.project, minutes: l.minutes })),
        issuer: { team: certificate.team.name, site: certificate.team.site.name },
        issuedAt: certificate.issuedAt?.toISOString(),
      }),
    );
  }
}
