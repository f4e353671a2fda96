/**
 * Volunteer name search, served by indexes on PGlite and PostgreSQL alike (no extension needed):
 *
 *   - Chinese (or any) substrings: "nameChars" is a generated column holding the lower-cased name's
 *     characters; its GIN index finds the names containing every character of the term, and a
 *     case-insensitive LIKE on the name then checks they appear in order. A trigram index could
 *     not serve the 1-character terms (a surname) people type most.
 *   - Pinyin: "namePinyin" ("wangxiaoming") and "nameInitials" ("wxm") are written with every
 *     write of the name, from pinyin-pro. A term of Latin letters matches a prefix of either, so
 *     "wang", "wangxm" does not, but "wangxiaoming" and "wxm" find 王小明. Prefixes are b-tree
 *     ranges (term ≤ column < successor), which every collation orders alike for a–z strings.
 *   - Surnames: the (name, id) b-tree serves name-ordered pages and surname prefixes (namePrefix).
 *
 * Counting every match of a common surname (王 is about one name in fifteen) on each page would cost
 * as much as the page itself, so searches count at most SEARCH_COUNT_LIMIT matches.
 */
import { pinyin } from 'pinyin-pro';
import type { PrismaClient } from '../db/index.js';
import type { Prisma } from '../generated/prisma/client.js';

/** totalCount of a search stops counting here (GitHub-style): the value means "at least this many". */
export const SEARCH_COUNT_LIMIT = 1000;

export interface NameSearchColumns {
  namePinyin: string;
  nameInitials: string;
}

/** The stored pinyin columns of a name: toneless syllables (ü as v), surname readings for the head. */
export function nameSearchColumns(name: string): NameSearchColumns {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', surname: 'head', v: true, nonZh: 'removed' })
    .map((s) => s.toLowerCase().replace(/[^a-z]/g, ''))
    .filter(Boolean);
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
 * The condition for a search term (already trimmed and non-empty): the name contains it, or — for
 * a term of Latin letters — its pinyin or initials start with it.
 */
export function nameSearchWhere(term: string): Prisma.VolunteerWhereInput {
  const chars = [...new Set(term.toLowerCase())];
  // The one place the term becomes a LIKE pattern (contains): escape it here.
  const substring: Prisma.VolunteerWhereInput = {
    nameChars: { hasEvery: chars },
    name: { contains: term, mode: 'insensitive' },
  };
  const letters = term.toLowerCase().replace(/[\s'’]/g, '');
  if (!/^[a-z]+$/.test(letters)) return substring;
  return { OR: [substring, { namePinyin: prefixRange(letters) }, { nameInitials: prefixRange(letters) }] };
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
