import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './common/schema-base.js';
import './sites/schema.js';
import './volunteers/schema.js';
import './teams/schema.js';
import './brands/schema.js';
import './projects/schema.js';

/** The whole API, assembled from each domain module's types. */
export const schema = builder.toSchema();

/** The SDL committed as schema/schema.graphql. */
export function printSDL(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
