// The JavaScript a browser loads before the first view: the entry script of dist/index.html and
// the chunks it preloads (lazy views come later), with their gzipped sizes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget of issue 6: the initial JavaScript under 200 KB gzipped (1 KB = 1000 bytes here). */
export const INITIAL_JS_BUDGET = 200_000;

/**
 * @param {string} distDir the built app (vite build output)
 * @returns {{ files: { file: string, bytes: number, gzipped: number }[], bytes: number, gzipped: number }}
 */
export function initialJsSizes(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const paths = new Set();
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) paths.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) paths.add(m[1]);
  const files = [...paths].map((p) => {
    const content = readFileSync(join(distDir, String(p).replace(/^\//, '')));
    return { file: String(p), bytes: content.length, gzipped: gzipSync(content, { level: 9 }).length };
  });
  return {
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipped: files.reduce((s, f) => s + f.gzipped, 0),
  };
}
