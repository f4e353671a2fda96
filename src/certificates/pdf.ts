import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import { formatCalendarDate, shanghaiDateOf } from '../roster/time.js';
import type { HoursLine, IssuedCertificate } from './service.js';

/*
 * The certificate as a PDF (A4), rendered by pdfkit with Noto Sans SC (Simplified Chinese,
 * GB2312 coverage) from the @embedpdf/fonts-sc package; pdfkit embeds only the glyphs used.
 */

// The package exports only its font list; the files sit in its fonts/ folder, next to dist/.
const FONT = join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts', 'NotoSansHans-Regular.otf');

const hours = (minutes: number) => (Math.floor(minutes / 6) / 10).toFixed(1);

/** Renders an issued certificate; `verifyUrl` is where a third party checks its code. */
export function renderCertificatePdf(certificate: IssuedCertificate, verifyUrl: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: `志愿服务证明 ${certificate.code}`, Author: certificate.team.name } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('cjk', FONT);
  doc.font('cjk');
  doc.fontSize(24).text('志愿服务证明', { align: 'center' });
  doc.moveDown(1.5).fontSize(12);
  const from = formatCalendarDate(certificate.periodFrom);
  const to = formatCalendarDate(certificate.periodTo);
  doc.text(
    `兹证明 ${certificate.volunteer.name} 同志于 ${from} 至 ${to} 期间，在${certificate.team.site.name}${certificate.team.name}` +
      `参加志愿服务，累计服务时长 ${hours(certificate.totalMinutes ?? 0)} 小时。`,
    { lineGap: 6 },
  );
  doc.moveDown().fontSize(13).text('服务时长明细（按项目）');
  doc.fontSize(11);
  for (const line of (certificate.breakdown ?? []) as unknown as HoursLine[]) {
    doc.text(`${line.project}　　${hours(line.minutes)} 小时`, { indent: 16, lineGap: 3 });
  }
  doc.moveDown(2).fontSize(12);
  doc.text(`出具单位：${certificate.team.site.name} ${certificate.team.name}`);
  doc.text(`出具日期：${certificate.issuedAt ? formatCalendarDate(shanghaiDateOf(certificate.issuedAt)) : ''}`);
  doc.text(`验证码：${certificate.code}`);
  doc.fontSize(9).fillColor('#555').text(`依据《志愿服务记录与证明出具办法》（民发〔2015〕149号）出具。验证：${verifyUrl}`);
  doc.end();
  return done;
}
