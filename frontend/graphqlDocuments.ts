import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Replaces each `graphql(\`query Name …\`)` call by the generated document itself (with its
 * fragments), as graphql-codegen's client preset recommends for production ("reducing bundle
 * size"). Without it, `src/gql/gql.ts` holds every operation of the app, twice, in the first chunk
 * everyone downloads. Types are unaffected: TypeScript still sees `graphql()` and its overloads.
 */
export function inlineGraphqlDocuments(): Plugin {
  let documents = new Map<string, { text: string; meta: string | undefined }>();
  const generated = resolve(import.meta.dirname, 'src/gql/graphql.ts');
  const runtime = resolve(import.meta.dirname, 'src/lib/typedDocument.ts');

  return {
    name: 'teilhabe-inline-graphql-documents',
    apply: 'build',
    enforce: 'pre',
    buildStart() {
      documents = new Map();
      const source = readFileSync(generated, 'utf8');
      const re = /export const (\w+) = new TypedDocumentString\(`([\s\S]*?)`(?:, (\{[^}]*\}))?\) as unknown as/g;
      for (const m of source.matchAll(re)) {
        const [, name, text, meta] = m;
        if (name && text !== undefined) documents.set(name, { text, meta });
      }
      if (documents.size === 0) this.error(`no documents found in ${generated}; run npm run codegen`);
    },
    transform(code, id) {
      const file = id.split('?')[0] ?? id;
      if (!/\.(ts|tsx)$/.test(file) || file.includes('/src/gql/') || !code.includes('graphql(`')) return null;
      let replaced = 0;
      const out = code.replace(/\bgraphql\(\s*`([^`]*)`\s*\)/g, (whole, body: string) => {
        const m = /^\s*(query|mutation|subscription|fragment)\s+(\w+)/.exec(body);
        if (!m?.[2]) return whole;
        const key = m[1] === 'fragment' ? `${m[2]}FragmentDoc` : `${m[2]}Document`;
        const doc = documents.get(key);
        if (!doc) this.error(`${file}: no generated document ${key}; run npm run codegen`);
        replaced++;
        return `new __InlineDocument(${JSON.stringify(doc.text)}${doc.meta ? `, ${doc.meta}` : ''})`;
      });
      if (replaced === 0) return null;
      // The import of `graphql` would keep src/gql (all documents) in the bundle; it is unused now.
      const withoutImport = out.replace(/^import \{ graphql \} from '(?:\.\.?\/)+gql';\n/m, '');
      return {
        code: `import { InlineDocument as __InlineDocument } from ${JSON.stringify(runtime)};\n${withoutImport}`,
        map: null,
      };
    },
  };
}
