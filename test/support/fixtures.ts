import { encodeGlobalID } from '@pothos/plugin-relay';
import type { PrismaClient } from '../../src/db/index.js';
import { createSite } from '../../src/sites/service.js';

/** Global ID of a row, as the API shows it. */
export const gid = (typename: string, id: number) => encodeGlobalID(typename, id);

let counter = 0;
/** A unique, valid mainland mobile number for this process. */
export function uniquePhone(): string {
  counter += 1;
  return `139${String((process.pid % 10000) * 10000 + counter).padStart(8, '0')}`.slice(0, 11);
}

/** A small site tree: one center, two institutes, a station under each. */
export async function siteTree(prisma: PrismaClient, label = '') {
  const center = await createSite(prisma, { name: `测试中心${label}`, level: 'CENTER', address: '县府路1号' });
  const instituteA = await createSite(prisma, { name: `城关镇实践所${label}`, level: 'INSTITUTE', parentId: center.id, address: '城关镇' });
  const instituteB = await createSite(prisma, { name: `青山镇实践所${label}`, level: 'INSTITUTE', parentId: center.id, address: '青山镇' });
  const stationA = await createSite(prisma, { name: `东门社区实践站${label}`, level: 'STATION', parentId: instituteA.id, address: '东门社区' });
  const stationB = await createSite(prisma, { name: `青山村实践站${label}`, level: 'STATION', parentId: instituteB.id, address: '青山村' });
  return { center, instituteA, instituteB, stationA, stationB };
}
