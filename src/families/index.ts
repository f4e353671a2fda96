/** The civilised-families domain's GraphQL types, queries and mutations; src/schema.ts imports this file. */
import './schema.js';
import './mutations.js';
