import { GraphQLObjectType, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './common/schema-base.js';
import './common/node.js';
import './sites/schema.js';
import './volunteers/schema.js';
import './teams/schema.js';
import './brands/schema.js';
import './projects/schema.js';
import './roster/schema.js';
import './roster/live.js';
import './auth/schema.js';
import './teams/joining-schema.js';
import './audit/schema.js';
import './auth/connection-schema.js';
import './boards/schema.js';
import './care/index.js';
import './families/index.js';
import './honours/schema.js';
import './certificates/schema.js';
import './stats/schema.js';
import './orders/index.js';
import './reports/index.js';
import './webhooks/schema.js';
import './calendar/schema.js';
import './notifications/index.js';

/** The whole API, assembled from each domain module's types. */
export const schema = builder.toSchema();

// The prisma plugin adds `totalCount` to connections without a description; give every one the same.
for (const type of Object.values(schema.getTypeMap())) {
  if (type instanceof GraphQLObjectType && type.name.endsWith('Connection')) {
    const totalCount = type.getFields().totalCount;
    if (totalCount && !totalCount.description) {
      totalCount.description = 'How many items match, across all pages.';
    }
  }
}

/** The SDL committed as schema/schema.graphql. */
export function printSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
