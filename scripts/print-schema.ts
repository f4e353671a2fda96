// npm run schema:print — writes the SDL printed from the code to schema/schema.graphql.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSDL } from '../src/schema.js';

const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
mkdirSync(fileURLToPath(new URL('../schema/', import.meta.url)), { recursive: true });
writeFileSync(target, printSDL());
console.log(`wrote ${target}`);
