import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import optimizeLocales from '@react-aria/optimize-locales-plugin';
import { inlineGraphqlDocuments } from './graphqlDocuments';
import { extractCssDataUris } from './cssDataUris';

const backend = process.env.TEILHABE_DEV_BACKEND ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [
    // Each view's chunk carries its own GraphQL documents (not the map of all in the first chunk).
    inlineGraphqlDocuments(),
    react(),
    // React Aria ships strings for ~35 locales; keep only the two the app offers.
    { ...optimizeLocales.vite({ locales: ['de-DE', 'en-US', 'en-GB'] }), enforce: 'pre' },
    // GraphiQL's CSS inlines fonts as data: URIs, which its page's CSP does not allow.
    extractCssDataUris(),
  ],
  server: {
    proxy: {
      '/graphql': { target: backend, changeOrigin: false },
      '/api': { target: backend, changeOrigin: false },
    },
  },
  build: {
    target: 'es2022',
    sourcemap: false,
    // No data: URIs: GraphiQL's page allows images and fonts from its own origin only.
    assetsInlineLimit: 0,
    rolldownOptions: {
      // The app, and GraphiQL (served at GET /graphql) as a page of its own that the app's first
      // load never touches.
      input: { index: resolve(import.meta.dirname, 'index.html'), graphiql: resolve(import.meta.dirname, 'graphiql.html') },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
  },
});
