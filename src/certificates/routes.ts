import type { Plugin } from 'graphql-yoga';
import type { AppServices } from '../context.js';
import { getRoute } from '../common/get-route.js';
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
  return getRoute(
    (url) => PATH.exec(url.pathname),
    async (_request, url, match) => {
      const code = decodeURIComponent(match[1]!);
      const certificate = await certificateByCode(services.prisma, code);
      if (match[2]) {
        const now = services.clock.now();
        if (!certificate || !validDownload(services.tokens.secret, code, url.searchParams.get('expires'), url.searchParams.get('signature'), now)) {
          return json(403, { error: 'This download link is invalid or has expired; ask for a new one through certificate.downloadUrl.' });
        }
        const pdf = await renderCertificatePdf(certificate, `${url.origin}/certificates/${code}`);
        return new Response(new Uint8Array(pdf), {
          headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="certificate-${code}.pdf"`, 'cache-control': 'private, no-store' },
        });
      }
      if (!certificate) return json(404, { valid: false, error: 'No issued certificate has this code.' });
      return json(200, {
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
      });
    },
  );
}
