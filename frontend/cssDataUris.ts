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
        asset.source = asset.source.replace(DATA_URI, (_whole, _quote, mime: string, base64: string) => {
          const source = Buffer.from(base64, 'base64');
          const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
          const ref = this.emitFile({ type: 'asset', fileName: `assets/inline-${hash}.${EXTENSION[mime]}`, source });
          // The CSS lives in assets/ too, so the bare file name resolves next to it.
          const fileName = this.getFileName(ref).split('/').pop() ?? '';
          return `url(${fileName})`;
        });
      }
    },
  };
}
