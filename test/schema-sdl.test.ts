import { readFileSync } from 'node:fs';
import {
  type GraphQLArgument,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedDirective,
  isSpecifiedScalarType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSDL, schema } from '../src/schema.js';

describe('the GraphQL schema', () => {
  it('matches the committed schema/schema.graphql', () => {
    const printed = printSDL();
    expect(printed).toMatch(/^type Query \{/m);
    const committed = readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8');
    expect(
      committed,
      'schema/schema.graphql is out of date with the code: run `npm run schema:print` and commit the result',
    ).toBe(printed);
  });

  it('documents every type, field, argument, input field and enum value', () => {
    const offenders: string[] = [];
    const check = (path: string, description: string | null | undefined) => {
      if (!description?.trim()) offenders.push(path);
    };
    const checkArgs = (path: string, args: readonly GraphQLArgument[]) => {
      for (const arg of args) check(`${path}(${arg.name}:)`, arg.description);
    };

    const types = Object.values(schema.getTypeMap())
      .filter((type) => !type.name.startsWith('__') && !isSpecifiedScalarType(type))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(types.length).toBeGreaterThan(0);
    for (const type of types) {
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
          checkArgs(`${type.name}.${field.name}`, field.args);
        }
      } else if (isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
      } else if (isEnumType(type)) {
        for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
      }
    }
    for (const directive of schema.getDirectives().filter((d) => !isSpecifiedDirective(d))) {
      check(`@${directive.name}`, directive.description);
      checkArgs(`@${directive.name}`, directive.args);
    }

    expect(offenders, `${offenders.length} schema elements have no description:\n  ${offenders.join('\n  ')}`).toEqual([]);
  });
});
