import { builder } from '../builder.js';
import { OrderDirection } from './schema-base.js';

/** A Prisma sort direction. */
export type SortDirection = 'asc' | 'desc';

interface SortField<OrderBy> {
  description: string;
  /** The Prisma orderBy for this field in a direction (ties are broken by id afterwards). */
  orderBy: (direction: SortDirection) => OrderBy;
}

/**
 * The project's ordering convention, as one helper: an enum `<Name>Field` of what a list can be
 * sorted by and an input `<Name> { field, direction }` (like TeamOrder, ProjectOrder,
 * VolunteerOrder), with a default. `orderBy(arg)` is the Prisma orderBy: the chosen field, then the
 * id in the same direction, so the order is total and id cursors stay correct under every order.
 */
export function sortOrder<const Field extends string, OrderBy>(
  name: string,
  what: string,
  fields: Record<Field, SortField<OrderBy>>,
  defaults: { field: Field; direction: 'ASC' | 'DESC' },
) {
  const fieldEnum = builder.enumType(`${name}Field`, {
    description: `What ${what} can be sorted by.`,
    values: Object.fromEntries(
      Object.entries<SortField<OrderBy>>(fields).map(([key, field]) => [key, { description: field.description }]),
    ) as Record<Field, { description: string }>,
  });
  const input = builder.inputType(name, {
    description: `Sort order for ${what}; ties are broken by ID (in the same direction).`,
    fields: (t) => ({
      field: t.field({ type: fieldEnum, required: true, description: 'What to sort by.' }),
      direction: t.field({ type: OrderDirection, required: true, description: 'Which way.' }),
    }),
  });
  const orderBy = (arg: { field: Field; direction: 'ASC' | 'DESC' } | null | undefined): [OrderBy, { id: SortDirection }] => {
    const { field, direction } = arg ?? defaults;
    const dir: SortDirection = direction === 'DESC' ? 'desc' : 'asc';
    return [fields[field].orderBy(dir), { id: dir }];
  };
  return { input, orderBy, defaultDescription: `Sort order; default ${defaults.field} ${defaults.direction === 'ASC' ? 'ascending' : 'descending'}.` };
}
