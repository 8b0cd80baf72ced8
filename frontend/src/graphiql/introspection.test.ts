import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildClientSchema, buildSchema, getIntrospectionQuery, graphqlSync, printSchema, type IntrospectionQuery } from 'graphql';
import { limitTypeRefDepth, TYPE_REF_DEPTH } from './introspection';

const ofTypeLevels = (query: string) => (/fragment TypeRef[\s\S]*/.exec(query)?.[0].match(/ofType/g) ?? []).length;

describe('limitTypeRefDepth', () => {
  it('cuts graphql-js’s nine levels of ofType to four and leaves the rest alone', () => {
    const full = getIntrospectionQuery({ inputValueDeprecation: true });
    expect(ofTypeLevels(full)).toBeGreaterThan(TYPE_REF_DEPTH);
    const limited = limitTypeRefDepth(full);
    expect(ofTypeLevels(limited)).toBe(TYPE_REF_DEPTH);
    expect(limited).toContain('includeDeprecated: true');
    expect(limited).toContain('fragment FullType on __Type');
  });

  it('still describes the whole teilhabe schema', () => {
    const sdl = readFileSync(resolve(import.meta.dirname, '../../../graphql/schema.graphql'), 'utf8');
    const schema = buildSchema(sdl);
    const result = graphqlSync({ schema, source: limitTypeRefDepth(getIntrospectionQuery({ inputValueDeprecation: true })) });
    expect(result.errors).toBeUndefined();
    // buildClientSchema throws on a type nested deeper than the query asked for.
    const rebuilt = buildClientSchema(result.data as unknown as IntrospectionQuery);
    expect(printSchema(rebuilt)).toBe(printSchema(schema));
  });
});
