// The budget of issue 6: the JavaScript loaded before the first view (the entry script of the
// built index.html and the chunks it preloads) stays under 200 KB gzipped. `npm run e2e` builds
// dist/ first; `npm run bench` prints the same figures with the dashboard's render time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { INITIAL_JS_BUDGET, initialJsSizes } from '../bench/initialJs.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

describe('bundle budget', () => {
  it('keeps the initial JavaScript under 200 KB gzipped', () => {
    const sizes = initialJsSizes(dist);
    const list = sizes.files.map((f) => `${f.file} ${f.gzipped} B`).join(', ');
    assert.ok(sizes.files.length > 0, 'dist/index.html names its scripts');
    assert.ok(
      sizes.gzipped < INITIAL_JS_BUDGET,
      `initial JavaScript is ${sizes.gzipped} bytes gzipped (budget ${INITIAL_JS_BUDGET}): ${list}`,
    );
  });

  it('leaves the GraphQL operations of lazily loaded views out of the first chunks', () => {
    const initial = initialJsSizes(dist)
      .files.map((f) => readFileSync(join(dist, f.file.replace(/^\//, '')), 'utf8'))
      .join('\n');
    // The process view is loaded on demand; its query belongs in its own chunk.
    assert.ok(!initial.includes('query ProcessView('), 'the map of all operations (src/gql) is in the first chunks');
    assert.ok(initial.includes('query Me'), 'the session query is there');
  });
});
