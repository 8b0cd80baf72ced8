// Benchmark of the dashboard ("Meine Aufgaben") against a real server with the demo content.
//
//   npm run bench                       starts target/debug/teilhabe (or TEILHABE_BIN, e.g. the
//                                       release binary) on a fresh SQLite DB with `teilhabe demo`
//   BENCH_URL=http://host:port npm run bench    uses a running server that has the demo loaded
//
// It builds nothing: it serves the existing frontend/dist (embedded in a release binary, read from
// disk by a debug one). Each run opens a fresh browser context (empty cache, so the JavaScript is
// downloaded again), logs in through the API (session cookie), then measures from navigation start
// to the moment the view is fully rendered: the heading "Meine Aufgaben" is there and no section
// is still loading. Prints every run, the median and p95, and the gzipped initial JavaScript.
// Options: BENCH_RUNS (default 15), BENCH_USER (default the demo's coordinator).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD, launchBrowser, startServer } from '../e2e/harness.mjs';
import { INITIAL_JS_BUDGET, initialJsSizes } from './initialJs.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const USER = process.env.BENCH_USER ?? 'koordination@demo.teilhabe.example';
const PASSWORD = process.env.BENCH_PASSWORD ?? DEMO_PASSWORD;

/** @param {number[]} sorted @param {number} q */
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.max(0, i)] ?? NaN;
}

const kb = (/** @type {number} */ n) => `${(n / 1000).toFixed(1)} KB`;

const sizes = initialJsSizes(join(here, '..', 'dist'));
console.log('initial JavaScript (entry + modulepreload), gzipped:');
for (const f of sizes.files) console.log(`  ${f.file}  ${kb(f.bytes)} → ${kb(f.gzipped)}`);
console.log(
  `  total ${kb(sizes.bytes)} → ${kb(sizes.gzipped)} gzipped (budget ${kb(INITIAL_JS_BUDGET)}: ${
    sizes.gzipped < INITIAL_JS_BUDGET ? 'ok' : 'OVER'
  })`,
);

/** @type {import('../e2e/harness.mjs').RunningServer | null} */
let server = null;
let baseUrl = process.env.BENCH_URL ?? '';
if (!baseUrl) {
  process.stdout.write('starting the server with the demo content … ');
  server = await startServer({ demo: true });
  baseUrl = server.baseUrl;
  console.log(baseUrl);
}

const browser = await launchBrowser();
/** @type {number[]} */
const times = [];
try {
  for (let run = 0; run <= RUNS; run++) {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    // Log in through the API of this context, so that the session cookie is set.
    const res = await context.request.post(`${baseUrl}/graphql`, {
      headers: { 'Content-Type': 'application/json', 'X-Teilhabe-Csrf': '1' },
      data: {
        query: 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}',
        variables: { e: USER, p: PASSWORD },
      },
    });
    /** @type {unknown} */
    const answer = await res.json();
    const login = /** @type {{ errors?: unknown[] }} */ (answer);
    if (login.errors) throw new Error(`login failed: ${JSON.stringify(login.errors)}`);
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`, { waitUntil: 'commit' });
    // Milliseconds since navigation start, taken in the page when the view is complete.
    const handle = await page.waitForFunction(
      () => {
        const h1 = document.querySelector('h1');
        const done =
          h1?.textContent === 'Meine Aufgaben' &&
          document.querySelector('.loading') === null &&
          document.querySelectorAll('main section').length >= 2;
        return done ? performance.now() : false;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    const ms = /** @type {number} */ (await handle.jsonValue());
    // Where the time went: scripts loaded, and the slowest GraphQL answer (request to response end).
    const parts = await page.evaluate(() => {
      const entries = /** @type {PerformanceResourceTiming[]} */ (performance.getEntriesByType('resource'));
      const scripts = entries.filter((e) => e.name.endsWith('.js'));
      const api = entries.filter((e) => e.name.endsWith('/graphql'));
      return {
        scriptsEnd: Math.max(0, ...scripts.map((e) => e.responseEnd)),
        slowestApi: Math.max(0, ...api.map((e) => e.responseEnd - e.startTime)),
        apiCalls: api.length,
      };
    });
    await context.close();
    const detail = `scripts loaded at ${parts.scriptsEnd.toFixed(0)} ms, ${parts.apiCalls} GraphQL requests, slowest ${parts.slowestApi.toFixed(0)} ms`;
    if (run === 0) {
      console.log(`warm-up run (server caches): ${ms.toFixed(0)} ms (not counted; ${detail})`);
      continue;
    }
    times.push(ms);
    console.log(`run ${run}: ${ms.toFixed(0)} ms (${detail})`);
  }
} finally {
  await browser.close();
  await server?.stop();
}

const sorted = [...times].sort((a, b) => a - b);
const median = quantile(sorted, 0.5);
const p95 = quantile(sorted, 0.95);
console.log(
  `"Meine Aufgaben" fully rendered (${USER}, ${RUNS} cold loads): median ${median.toFixed(0)} ms, p95 ${p95.toFixed(
    0,
  )} ms, min ${sorted[0]?.toFixed(0)} ms, max ${sorted[sorted.length - 1]?.toFixed(0)} ms (target < 1000 ms: ${
    p95 < 1000 ? 'ok' : 'OVER'
  })`,
);
