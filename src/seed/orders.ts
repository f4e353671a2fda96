import type { Prisma, ServiceCategory, ServiceOrderStatus } from '../generated/prisma/client.js';
import { DEFAULT_COMPLETE_WITHIN_MINUTES, DEFAULT_DISPATCH_WITHIN_MINUTES, addressKey, newTrackingCode, trackingCodeHash } from '../orders/rules.js';
import { formatCalendarDate, shanghaiDateOf } from '../roster/time.js';
import { type DemoCity, resetIdSequences } from './city/index.js';
import { insertRows } from './insert.js';
import { Random } from './random.js';

/*
 * Demo service orders (点单–派单–接单–评单): a menu per institute, and about 200 orders at the
 * stations below them in every status — some overdue, many rated — with their event histories.
 * Completed orders carry PENDING service records for the volunteers who served, as completing
 * through the API creates them. Orders are placed in the ten days before `now`, so "overdue" is
 * meaningful whenever the seed runs. Deterministic: its own random stream, explicit ids.
 */

const MENU: { name: string; category: ServiceCategory; description: string }[] = [
  { name: '理发', category: 'PERSONAL_CARE', description: '为行动不便的老人上门理发。' },
  { name: '代购药品', category: 'ERRANDS', description: '按医嘱代购常用药品并送药上门。' },
  { name: '法律咨询', category: 'LEGAL_ADVICE', description: '志愿律师解答婚姻、继承、劳动纠纷等问题。' },
  { name: '家电维修', category: 'HOME_REPAIR', description: '小家电、水电的简单维修。' },
  { name: '陪诊', category: 'HEALTH_ESCORT', description: '陪同就医、挂号取药。' },
  { name: '文明家庭宣讲', category: 'CIVIC_EDUCATION', description: '家风家教与文明家庭事迹宣讲。' },
];

const FREE_TEXT: { category: ServiceCategory; description: string }[] = [
  { category: 'COMPANIONSHIP', description: '独居老人想找人聊聊天，每周一次。' },
  { category: 'OTHER', description: '楼道灯坏了，老人晚上下楼不方便。' },
  { category: 'ERRANDS', description: '帮忙把换季的被褥送去清洗。' },
];

const REQUESTERS = ['王奶奶', '李大爷', '张阿姨', '刘大爷', '陈奶奶', '杨叔叔', '赵阿姨', '黄爷爷', '周奶奶', '吴大妈'];

/** How the orders spread over the statuses (weights); every status appears. */
const STATUS_WEIGHTS: [ServiceOrderStatus, number][] = [
  ['PLACED', 14],
  ['DISPATCHED', 10],
  ['OPEN_FOR_CLAIM', 8],
  ['ACCEPTED', 12],
  ['IN_SERVICE', 8],
  ['COMPLETED', 14],
  ['RATED', 24],
  ['REJECTED', 4],
  ['CANCELLED', 6],
];

/** The statuses an order passed through to reach `status`. */
function pathTo(status: ServiceOrderStatus, viaClaim: boolean, cancelledAfterAccept: boolean): ServiceOrderStatus[] {
  const respond: ServiceOrderStatus = viaClaim ? 'OPEN_FOR_CLAIM' : 'DISPATCHED';
  const main: ServiceOrderStatus[] = ['PLACED', respond, 'ACCEPTED', 'IN_SERVICE', 'COMPLETED', 'RATED'];
  if (status === 'REJECTED') return ['PLACED', 'REJECTED'];
  if (status === 'CANCELLED') return cancelledAfterAccept ? ['PLACED', respond, 'ACCEPTED', 'CANCELLED'] : ['PLACED', 'CANCELLED'];
  if (status === 'DISPATCHED' || status === 'OPEN_FOR_CLAIM') return ['PLACED', status];
  return main.slice(0, main.indexOf(status) + 1);
}

const MINUTE = 60_000;
export const DEMO_ORDER_COUNT = 200;

export function buildOrders(city: DemoCity, now: Date, rng: Random = Random.stream('orders')) {
  const institutes = city.sites.filter((s) => s.level === 'INSTITUTE');
  const menu = institutes.flatMap((institute) =>
    rng.sample(MENU, rng.int(4, MENU.length)).map((item) => ({ ...item, siteId: institute.id })),
  );
  const menuItems = menu.map((item, i) => ({
    id: i + 1,
    name: item.name,
    description: item.description,
    category: item.category,
    siteId: item.siteId,
    teamId: null as number | null,
    brandId: null as number | null,
    createdAt: new Date(now.getTime() - 60 * 24 * 60 * MINUTE),
  }));
  const siteById = new Map(city.sites.map((s) => [s.id, s]));
  const teamsAt = new Map<number, typeof city.teams>();
  for (const team of city.teams) teamsAt.set(team.siteId, [...(teamsAt.get(team.siteId) ?? []), team]);
  // Orders go to stations that have a team and whose institute has a menu.
  const stations = city.sites.filter((s) => s.level === 'STATION' && teamsAt.has(s.id) && menuItems.some((m) => m.siteId === s.parentId));
  const membersOf = new Map<number, number[]>();
  for (const m of city.memberships) membersOf.set(m.teamId, [...(membersOf.get(m.teamId) ?? []), m.volunteerId]);

  const orders: Prisma.ServiceOrderCreateManyInput[] = [];
  const events: Prisma.ServiceOrderEventCreateManyInput[] = [];
  const records: Prisma.ServiceRecordCreateManyInput[] = [];
  for (let id = 1; id <= DEMO_ORDER_COUNT; id++) {
    const station = rng.pick(stations);
    const status = rng.weighted(STATUS_WEIGHTS, ([, w]) => w)[0];
    // Finished orders go back ten days; open ones four, so some (not most) are overdue.
    const final = ['COMPLETED', 'RATED', 'REJECTED', 'CANCELLED'].includes(status);
    const placedAt = new Date(now.getTime() - rng.int(30, (final ? 10 : 4) * 24 * 60) * MINUTE);
    const item = rng.chance(0.8) ? rng.pick(menuItems.filter((m) => m.siteId === station.parentId)) : null;
    const free = rng.pick(FREE_TEXT);
    const team = rng.pick(teamsAt.get(station.id)!);
    const path = pathTo(status, rng.chance(0.35), rng.chance(0.5));
    const hasTeam = path.includes('ACCEPTED') || status === 'DISPATCHED';
    // Steps spread over the time since placement, in order.
    const span = now.getTime() - placedAt.getTime();
    const times = path.map((_, i) => new Date(placedAt.getTime() + Math.floor((span * i) / (path.length + 1))));
    const minutes = rng.pick([30, 45, 60, 90, 120]);
    const stars = rng.weighted([1, 2, 3, 4, 5], (s) => [1, 1, 3, 8, 20][s - 1]!);
    const done = path.includes('COMPLETED');
    orders.push({
      id,
      menuItemId: item?.id ?? null,
      category: item?.category ?? free.category,
      siteId: station.id,
      description: item ? '' : free.description,
      address: `${siteById.get(station.id)!.name}${rng.int(1, 40)}栋${rng.int(1, 6)}单元`,
      addressKey: '',
      wantedFrom: null,
      wantedUntil: null,
      requesterName: rng.pick(REQUESTERS),
      requesterPhone: `+86139${String(70_000_000 + id * 7919).slice(-8)}`,
      requesterAccountId: null,
      trackingCodeHash: trackingCodeHash(newTrackingCode((n) => rng.int(0, n - 1)))!,
      status,
      teamId: hasTeam ? team.id : null,
      placedAt,
      dispatchDueAt: new Date(placedAt.getTime() + DEFAULT_DISPATCH_WITHIN_MINUTES * MINUTE),
      completeDueAt: new Date(placedAt.getTime() + DEFAULT_COMPLETE_WITHIN_MINUTES * MINUTE),
      respondedAt: path.length > 1 && path[1] !== 'CANCELLED' ? times[1]! : null,
      completedAt: done ? times[path.indexOf('COMPLETED')]! : null,
      serviceMinutes: done ? minutes : null,
      summary: done ? `${item?.name ?? '服务'}已完成，老人满意。` : null,
      rejectReason: status === 'REJECTED' ? '超出本站服务范围，已建议联系社区卫生服务中心。' : null,
      ratingStars: status === 'RATED' ? stars : null,
      ratingComment: status === 'RATED' ? (stars >= 4 ? '志愿者很耐心，谢谢！' : '来得有点晚。') : null,
      ratedAt: status === 'RATED' ? times.at(-1)! : null,
      updatedAt: times.at(-1)!,
    });
    orders.at(-1)!.addressKey = addressKey(orders.at(-1)!.address);
    path.forEach((to, i) => {
      const actorKind = to === 'PLACED' || to === 'RATED' || to === 'CANCELLED' ? 'REQUESTER' : ['ACCEPTED', 'IN_SERVICE', 'COMPLETED'].includes(to) ? 'TEAM' : 'STAFF';
      events.push({
        orderId: id,
        fromStatus: i === 0 ? null : path[i - 1]!,
        toStatus: to,
        actorKind,
        actorAccountId: null,
        teamId: i > 0 && hasTeam && to !== 'OPEN_FOR_CLAIM' ? team.id : null,
        note: to === 'REJECTED' ? orders.at(-1)!.rejectReason! : to === 'COMPLETED' ? orders.at(-1)!.summary! : null,
        occurredAt: times[i]!,
      });
    });
    if (done) {
      const served = rng.sample(membersOf.get(team.id) ?? [], rng.int(1, 2));
      const completedAt = orders.at(-1)!.completedAt as Date;
      for (const volunteerId of served) {
        records.push({
          volunteerId,
          teamId: team.id,
          serviceOrderId: id,
          description: `服务工单 #${id}：${orders.at(-1)!.summary}`,
          servedOn: new Date(`${formatCalendarDate(shanghaiDateOf(completedAt))}T00:00:00Z`),
          minutes,
          createdAt: completedAt,
        });
      }
    }
  }
  return { menuItems, orders, events, records };
}

export async function seedOrders(tx: Prisma.TransactionClient, city: DemoCity, now: Date): Promise<Record<string, number>> {
  const built = buildOrders(city, now);
  const counts = {
    serviceMenuItems: await insertRows(tx, 'ServiceMenuItem', built.menuItems),
    serviceOrders: await insertRows(tx, 'ServiceOrder', built.orders),
    serviceOrderEvents: await insertRows(tx, 'ServiceOrderEvent', built.events),
    serviceOrderRecords: await insertRows(tx, 'ServiceRecord', built.records),
  };
  await resetIdSequences(tx, ['ServiceMenuItem', 'ServiceOrder']);
  return { ...counts, serviceMenuFamilyTalks: await linkFamilyTalks(tx, now) };
}

/**
 * Civilised families' talks (文明家庭宣讲) as real menu items: each institute's talk item is given
 * by the family below it with the most recorded talks (and named after it), and the family with
 * the most talks in the city (王家, 800+) gets one at its institute if it has none yet. Runs after
 * the families are seeded (src/seed/families.ts). Returns how many items a family gives.
 */
async function linkFamilyTalks(tx: Prisma.TransactionClient, now: Date): Promise<number> {
  await tx.$executeRaw`
    WITH "talkers" AS (
      SELECT f."id", f."name", s."parentId" AS "instituteId",
             row_number() OVER (PARTITION BY s."parentId" ORDER BY (SELECT count(*) FROM "FamilyOutreach" o WHERE o."familyId" = f."id") DESC, f."id") AS "rank"
      FROM "Family" f JOIN "Site" s ON s."id" = f."siteId"
    )
    UPDATE "ServiceMenuItem" m SET "familyId" = t."id", "name" = '文明家庭宣讲（' || t."name" || '）',
           "description" = t."name" || '讲家风家教、文明家庭事迹，可预约进社区、学校、单位。'
    FROM "talkers" t
    WHERE m."category" = 'CIVIC_EDUCATION' AND m."name" = '文明家庭宣讲' AND t."instituteId" = m."siteId" AND t."rank" = 1`;
  await tx.$executeRaw`
    WITH "top" AS (
      SELECT f."id", f."name", s."parentId" AS "instituteId" FROM "Family" f JOIN "Site" s ON s."id" = f."siteId"
      ORDER BY (SELECT count(*) FROM "FamilyOutreach" o WHERE o."familyId" = f."id") DESC, f."id" LIMIT 1
    )
    INSERT INTO "ServiceMenuItem" ("name", "description", "category", "siteId", "familyId", "createdAt")
    SELECT '文明家庭宣讲（' || t."name" || '）', t."name" || '二十多年坚持宣讲好家风，可预约进社区、学校、单位。', 'CIVIC_EDUCATION', t."instituteId", t."id", ${now}
    FROM "top" t
    WHERE t."instituteId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "ServiceMenuItem" m WHERE m."familyId" = t."id")`;
  return tx.serviceMenuItem.count({ where: { familyId: { not: null } } });
}
