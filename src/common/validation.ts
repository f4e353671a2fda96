import { z } from 'zod';
import { ValidationError } from './errors.js';

/**
 * Parses input with a zod schema inside a business rule. Failures become one ValidationError with
 * a message per field, paths prefixed by `prefix` (the GraphQL argument, usually "input").
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = 'input'): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map((issue) => ({
      path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
      message: issue.message,
    })),
  );
}

/** A trimmed, non-empty string of at most `max` characters. */
export const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `${label} must not be empty`)
    .max(max, `${label} may be at most ${max} characters`);

/** An optional free-text field; blank becomes null. */
export const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} may be at most ${max} characters`)
    .transform((s) => (s === '' ? null : s))
    .nullish();

/** A short list of short labels (skills, services), trimmed and de-duplicated. */
export const labelList = (label: string, maxItems: number, maxLength: number) =>
  z
    .array(text(label, maxLength))
    .max(maxItems, `at most ${maxItems} ${label}s`)
    .transform((items) => [...new Set(items)]);

/**
 * A search string for a substring match (Prisma `contains`, i.e. ILIKE '%term%'); blank means no
 * filter. LIKE's wildcards and its escape character are escaped, so "%" finds a percent sign,
 * not everything. Every `search` argument goes through here.
 */
export function searchTerm(search: string | null | undefined): string | undefined {
  const text = searchText(search);
  return text && escapeLike(text);
}

/** A search string as typed (trimmed, at most 100 characters), for searches that are not LIKE patterns; blank means no filter. */
export function searchText(search: string | null | undefined): string | undefined {
  const term = search?.trim();
  return term ? term.slice(0, 100) : undefined;
}

/** A literal text for a LIKE pattern: its wildcards (`%`, `_`) and escape character (`\`) escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
