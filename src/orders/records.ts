import { builder } from '../builder.js';

/*
 * The link between a completed service order and the service records its completion credited
 * (ServiceRecord.serviceOrderId), both ways; and the menu items a civilised family offers.
 */

builder.prismaObjectFields('ServiceRecord', (t) => ({
  serviceOrder: t.relation('serviceOrder', {
    nullable: true,
    description:
      'The service order whose completion credited this record; null for records entered otherwise. Null (with a FORBIDDEN error) when you may not see the order.',
  }),
}));

builder.prismaObjectFields('ServiceOrder', (t) => ({
  serviceRecords: t.relatedConnection(
    'serviceRecords',
    {
      cursor: 'id',
      totalCount: true,
      description: 'The service records its completion credited, one per volunteer who served (PENDING until reviewed).',
      query: () => ({ orderBy: [{ id: 'asc' }] }),
    },
    { name: 'ServiceOrderServiceRecordsConnection', description: 'A page of the service records a service order credited.' },
    { name: 'ServiceOrderServiceRecordsEdge', description: 'A service record on a page.' },
  ),
}));

// ---------------------------------------------------------------- civilised families' talks on the menu

builder.prismaObjectFields('ServiceMenuItem', (t) => ({
  family: t.relation('family', {
    nullable: true,
    description: 'The civilised family (文明家庭) that gives this service — its talk on family values (宣讲) — if any.',
  }),
}));

builder.prismaObjectFields('Family', (t) => ({
  menuItems: t.relation('menuItems', {
    description: 'The services the family offers on service menus (its talks), which residents can order, by name.',
    query: { orderBy: [{ name: 'asc' }, { id: 'asc' }] },
  }),
}));
