import { describe, expect, it } from 'vitest';
import { buildCity } from '../src/seed/city/index.js';
import { buildCare } from '../src/seed/care.js';
import { buildFamilies } from '../src/seed/families.js';
import { shanghaiDateOf } from '../src/roster/time.js';

/*
 * The care demo data, built in memory (src/seed/care.ts writes exactly these rows): the report's
 * shape — 17 veteran-care teams, hundreds of hardship families visited across several winters —
 * and the rules the API enforces hold for every row.
 */
describe('care demo data', () => {
  const city = buildCity();
  const offsets = { team: city.teams.length, membership: city.memberships.length, project: city.projects.length, serviceRecord: 12 };
  const care = buildCare(city, offsets);

  it('is deterministic', () => {
    expect(JSON.stringify(buildCare(buildCity(), offsets))).toBe(JSON.stringify(care));
  });

  it('has the report’s shape: 17 veteran-care teams, two veterans each, 300 hardship families over seven winters', () => {
    expect(care.teams).toHaveLength(17);
    expect(care.teams.every((t) => t.name.endsWith('老兵关爱小分队') && t.leaderId != null)).toBe(true);
    const kinds = care.beneficiaries.reduce<Record<string, number>>((n, b) => ({ ...n, [b.kind]: (n[b.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ VETERAN: 34, HARDSHIP_FAMILY: 300 });
    const winterIds = new Set([...care.projects.map((p) => p.id), city.projectByKey['nuandong-2026']!.id]);
    expect(winterIds.size).toBe(7);
    const winterVisits = care.visits.filter((v) => v.projectId != null);
    expect(new Set(winterVisits.map((v) => v.projectId))).toEqual(winterIds);
    expect(new Set(winterVisits.map((v) => v.beneficiaryId)).size).toBeGreaterThan(250);
    // Every veteran has a caring veteran-care team.
    const careTeamIds = new Set(care.teams.map((t) => t.id));
    expect(care.beneficiaries.filter((b) => b.kind === 'VETERAN').every((b) => careTeamIds.has(b.careTeamId!))).toBe(true);
  });

  it('keeps the API’s rules: volunteers present had joined the caring team, no future visits, one record each, one current assignment', () => {
    const memberships = [...city.memberships, ...care.memberships];
    const joined = new Map(memberships.map((m) => [`${m.teamId}:${m.volunteerId}`, m.joinedAt]));
    const visits = new Map(care.visits.map((v) => [v.id, v]));
    const asOf = shanghaiDateOf(city.asOf);
    for (const p of care.present) {
      const visit = visits.get(p.visitId as number)!;
      const since = joined.get(`${visit.teamId}:${p.volunteerId}`);
      expect(since, `visit ${visit.id}`).toBeDefined();
      expect(shanghaiDateOf(since!) <= (visit.visitedOn as Date)).toBe(true);
    }
    expect(care.visits.every((v) => (v.visitedOn as Date) <= asOf)).toBe(true);
    expect(new Set(care.present.map((p) => p.serviceRecordId)).size).toBe(care.records.length);
    const records = new Map(care.records.map((r) => [r.id, r]));
    for (const p of care.present) {
      const visit = visits.get(p.visitId as number)!;
      expect(records.get(p.serviceRecordId as number)).toMatchObject({ volunteerId: p.volunteerId, teamId: visit.teamId, minutes: visit.minutes });
    }
    const open = care.assignments.filter((a) => a.endedAt == null).map((a) => a.beneficiaryId);
    expect(new Set(open).size).toBe(open.length);
    expect(care.beneficiaries.filter((b) => b.status === 'ACTIVE').length).toBe(open.length);
    expect(care.records.some((r) => r.status === 'PENDING')).toBe(true);
  });
});

describe('honours and civilised-families demo data', () => {
  const built = buildFamilies(buildCity());
  it('has the report’s shape', () => {
    const count = (pred: (h: (typeof built.honors)[number]) => boolean) => built.honors.filter(pred).length;
    expect(count((h) => h.title === '全国道德模范')).toBe(7);
    expect(count((h) => h.title === '中国好人')).toBe(47);
    expect(count((h) => h.title === '市好人')).toBe(135);
    expect(count((h) => h.title === '省道德模范')).toBe(37);
    expect(count((h) => h.title === '市道德模范')).toBe(204);
    expect(count((h) => h.recipientKind === 'FAMILY' && h.level === 'CITY')).toBe(163);
    expect(count((h) => h.recipientKind === 'FAMILY' && h.level === 'PROVINCIAL')).toBe(13);
    expect(count((h) => h.recipientKind === 'FAMILY' && h.level === 'NATIONAL')).toBe(1);
    expect(new Set(built.honors.map((h) => h.level))).toEqual(new Set(['NATIONAL', 'PROVINCIAL', 'CITY', 'DISTRICT']));
    expect(built.batches).toHaveLength(2);
    expect(new Set(built.nominations.map((n) => n.batchId))).toEqual(new Set([1, 2]));
    expect(built.outreach.filter((o) => o.familyId === 1).length).toBeGreaterThan(800);
    // Every announced nomination became exactly one honour.
    expect(new Set(built.honors.flatMap((h) => (h.nominationId ? [h.nominationId] : []))).size).toBe(built.nominations.length);
  });
});
