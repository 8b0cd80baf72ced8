import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

const DATA_URI = /url\(\s*(["']?)data:(font\/woff2|font\/woff|image\/png|image\/svg\+xml);base64,([A-Za-z0-9+/=]+)\1\s*\)/g;
const EXTENSION: Record<string, string> = {
  'font/woff2': 'woff2',
  'font/woff': 'woff',
  'image/png': 'png',
  'image/svg+xml': 'svg',
};

/**
 * Replaces each base64 `data:` font or image in `css` by `url(<file>)`, where `write` stores the
 * bytes under the given content-addressed name (next to the stylesheet) and returns the name
 * to use. Other URLs are left alone.
 */
export function moveDataUris(css: string, write: (fileName: string, bytes: Buffer) => string): string {
  return css.replace(DATA_URI, (_whole, _quote, mime: string, base64: string) => {
    const bytes = Buffer.from(base64, 'base64');
    const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
    return `url(${write(`inline-${hash}.${EXTENSION[mime]}`, bytes)})`;
  });
}

/**
 * Moves base64 `data:` fonts and images out of the built CSS into fingerprinted files next to it.
 * GraphiQL's stylesheet inlines its fonts that way, and the page's Content-Security-Policy
 * (`default-src 'self'`, no `data:`) would block them; as files under /assets/ they are
 * same-origin, cached for good, and only the fonts the browser picks are downloaded.
 */
export function extractCssDataUris(): Plugin {
  return {
    name: 'teilhabe-extract-css-data-uris',
    apply: 'build',
    generateBundle(_options, bundle) {
      for (const asset of Object.values(bundle)) {
        if (asset.type !== 'asset' || !asset.fileName.endsWith('.css') || typeof asset.source !== 'string') continue;
        const dir = asset.fileName.includes('/') ? asset.fileName.slice(0, asset.fileName.lastIndexOf('/') + 1) : '';
        asset.source = moveDataUris(asset.source, (name, source) => {
          const ref = this.emitFile({ type: 'asset', fileName: `${dir}${name}`, source });
          // The file sits in the stylesheet's folder, so its bare name resolves.
          return this.getFileName(ref).slice(dir.length);
        });
      }
    },
  };
}
