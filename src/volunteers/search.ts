/**
 * Volunteer name search, served by indexes on PGlite and PostgreSQL alike (no extension needed):
 *
 *   - The start of the name (a surname, 王 or 欧阳): a range of the (name, id) b-tree, which also
 *     yields those names already in name order.
 *   - Anywhere else: "nameChars" is a generated column holding the lower-cased characters after
 *     the first; its GIN index finds the names containing every character of the term there, and a
 *     case-insensitive LIKE on the name then checks they appear in order. A trigram index could not
 *     serve the 1-character terms people type most; leaving the first character out keeps a common
 *     surname (王 begins one name in fifteen) from matching tens of thousands of rows here.
 *   - Pinyin: "namePinyin" ("wangxiaoming") and "nameInitials" ("wxm") are written with every
 *     write of the name, from pinyin-pro. A term of Latin letters matches a prefix of either, so
 *     "wang", "wangxm" does not, but "wangxiaoming" and "wxm" find 王小明. Prefixes are b-tree
 *     ranges (term ≤ column < successor), which every collation orders alike for a–z strings.
 *     Latin letters of non-Chinese names are kept there too, lower-cased ("Anna Li" → "annali").
 *
 * A page in name order takes the first rows of each of these branches in name order and merges
 * them (volunteersInNameOrder), rather than sorting every match of a common surname. Counting every
 * match on each page would cost as much, so searches count at most SEARCH_COUNT_LIMIT matches.
 */
import { pinyin } from 'pinyin-pro';
import { escapeLike } from '../common/validation.js';
import type { PrismaClient } from '../db/index.js';
import type { Prisma } from '../generated/prisma/client.js';

/** totalCount of a search stops counting here (GitHub-style): the value means "at least this many". */
export const SEARCH_COUNT_LIMIT = 1000;

export interface NameSearchColumns {
  namePinyin: string;
  nameInitials: string;
}

/** Toneless lower-case syllables (ü as v) of a text; `surname: 'head'` reads its start as a surname. */
export function pinyinSyllables(text: string, surname: 'head' | 'off' = 'head'): string[] {
  return pinyin(text, { toneType: 'none', type: 'array', surname, v: true, nonZh: 'consecutive' })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ''))
    .filter(Boolean);
}

/** The stored pinyin columns of a name: toneless syllables (ü as v), surname readings for the head. */
export function nameSearchColumns(name: string): NameSearchColumns {
  const syllables = pinyinSyllables(name);
  return { namePinyin: syllables.join(''), nameInitials: syllables.map((s) => s[0]).join('') };
}

/** A b-tree range matching every a–z string that starts with `prefix`. */
function prefixRange(prefix: string): Prisma.StringNullableFilter<'Volunteer'> {
  const stem = prefix.replace(/z+$/, '');
  if (!stem) return { gte: prefix };
  const successor = stem.slice(0, -1) + String.fromCharCode(stem.charCodeAt(stem.length - 1) + 1);
  return { gte: prefix, lt: successor };
}

/** A range matching every name that starts with `prefix` (code-point order, as in C collations). */
export function namePrefixRange(prefix: string): Prisma.StringFilter<'Volunteer'> {
  const last = prefix.codePointAt(prefix.length - 1)!;
  const head = prefix.slice(0, prefix.length - String.fromCodePoint(last).length);
  return { gte: prefix, lt: head + String.fromCodePoint(last + 1) };
}

/**
 * The branches of a search term (already trimmed and non-empty), any of which matches: the name
 * starts with it; it appears in the name after the first character; or — for a term of Latin
 * letters — the pinyin or its initials start with it.
 */
export function nameSearchBranches(term: string): Prisma.VolunteerWhereInput[] {
  const chars = [...new Set(term.toLowerCase())];
  const branches: Prisma.VolunteerWhereInput[] = [
    { name: namePrefixRange(term) },
    // The one place the term becomes a LIKE pattern (contains): escape it here.
    { nameChars: { hasEvery: chars }, name: { contains: escapeLike(term), mode: 'insensitive' } },
  ];
  const letters = term.toLowerCase().replace(/[\s'’]/g, '');
  if (/^[a-z]+$/.test(letters)) branches.push({ namePinyin: prefixRange(letters) }, { nameInitials: prefixRange(letters) });
  return branches;
}

export function nameSearchWhere(term: string): Prisma.VolunteerWhereInput {
  return { OR: nameSearchBranches(term) };
}

/** PostgreSQL's C-collation order of names (UTF-8 bytes, i.e. code points), then id. */
function compareNameId(a: { name: string; id: number }, b: { name: string; id: number }): number {
  return Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)) || a.id - b.id;
}

/** What Pothos asks of a connection page: a selection, and take/skip/cursor in Prisma's terms. */
type PageQuery = { take: number; skip?: number; cursor?: Prisma.VolunteerWhereUniqueInput; include?: Prisma.VolunteerInclude; select?: Prisma.VolunteerSelect };

/**
 * A page of volunteers matching `where` and any of `branches`, in (name, id) order — the same page
 * findMany({ where: { AND: [where, { OR: branches }] }, orderBy: name, id, ...query }) returns, but
 * each branch reads only its first rows from its own index and the pages are merged.
 */
export async function volunteersInNameOrder<T extends { id: number; name: string }>(
  prisma: PrismaClient,
  where: Prisma.VolunteerWhereInput,
  branches: Prisma.VolunteerWhereInput[],
  query: PageQuery,
  direction: 'asc' | 'desc',
): Promise<T[]> {
  const { take, skip: _skip, cursor, ...selection } = query;
  const forward = take >= 0;
  const scan = (direction === 'asc') === forward ? 'asc' : 'desc';
  let after: Prisma.VolunteerWhereInput = {};
  if (cursor) {
    // The page starts beyond the cursor row (which Pothos skips), in the direction of the scan.
    const at = await prisma.volunteer.findUnique({ where: cursor, select: { id: true, name: true } });
    if (!at) return [];
    const beyond = scan === 'asc' ? 'gt' : 'lt';
    after = { OR: [{ name: { [beyond]: at.name } }, { name: at.name, id: { [beyond]: at.id } }] };
  }
  const n = Math.abs(take);
  // Each branch yields only ids and names (the name index covers its prefix branch)...
  const pages = await Promise.all(
    branches.map((branch) =>
      prisma.volunteer.findMany({
        where: { AND: [where, branch, after] },
        select: { id: true, name: true },
        orderBy: [{ name: scan }, { id: scan }],
        take: n,
      }),
    ),
  );
  const seen = new Set<number>();
  const merged = pages
    .flat()
    .filter((row) => !seen.has(row.id) && seen.add(row.id))
    .sort((a, b) => (scan === 'asc' ? compareNameId(a, b) : compareNameId(b, a)))
    .slice(0, n);
  const ids = (forward ? merged : merged.reverse()).map((row) => row.id);
  // ...and the page's rows are then read once, with what the client selected.
  const rows = (await prisma.volunteer.findMany({ ...selection, where: { id: { in: ids } } })) as unknown as T[];
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id)!).filter(Boolean);
}

/**
 * Fills the pinyin columns of volunteers that have none (rows written before they existed), a
 * batch per statement, leaving updatedAt alone. Returns how many it filled; one indexed lookup
 * when there is nothing to do.
 */
export async function backfillNameSearch(prisma: PrismaClient, batchSize = 2000): Promise<number> {
  let filled = 0;
  for (;;) {
    const rows = await prisma.volunteer.findMany({
      where: { namePinyin: null },
      select: { id: true, name: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (rows.length === 0) return filled;
    const columns = rows.map((row) => nameSearchColumns(row.name));
    await prisma.$executeRawUnsafe(
      `UPDATE "Volunteer" AS v SET "namePinyin" = x.p, "nameInitials" = x.i
         FROM unnest($1::int[], $2::text[], $3::text[]) AS x(id, p, i) WHERE v."id" = x.id`,
      rows.map((row) => row.id),
      columns.map((c) => c.namePinyin),
      columns.map((c) => c.nameInitials),
    );
    filled += rows.length;
  }
}
