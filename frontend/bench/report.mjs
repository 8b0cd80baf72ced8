// Benchmark of the monitoring report (API + page) for a large edition: 10 fields of action,
// 60 goals, 200 indicators with ten years of accepted values (half broken down by districts).
//
//   npm run bench:report          starts target/debug/teilhabe (or TEILHABE_BIN, e.g. the release
//                                 binary) on a fresh SQLite DB and seeds the edition through GraphQL
//
// Measures (a) the `monitoringReport` query alone, from Node, and (b) in Chromium, from navigation
// start to the report fully rendered (200 indicators on the page, nothing loading). The first run
// warms the server and is not counted. Options: BENCH_RUNS (default 10).
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchBrowser, startServer } from '../e2e/harness.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const INDICATORS = 200;
const YEARS = 10;

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1))] ?? NaN;

/** @param {string} what @param {number[]} times */
function summary(what, times) {
  const s = [...times].sort((a, b) => a - b);
  const p95 = quantile(s, 0.95);
  console.log(
    `${what}: median ${quantile(s, 0.5).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${s[s.length - 1]?.toFixed(0)} ms (target < 1000 ms: ${p95 < 1000 ? 'ok' : 'OVER'})`,
  );
}

const server = await startServer({});
const base = server.baseUrl;
let token = '';

/** @param {string} query @param {Record<string, unknown>} [variables] @returns {Promise<Record<string, unknown>>} */
async function gql(query, variables = {}) {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  /** @type {unknown} */
  const answer = await res.json();
  const body = /** @type {{ data?: Record<string, unknown>; errors?: unknown[] }} */ (answer);
  if (body.errors || !body.data) throw new Error(`${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** The `key` of the operation's single root field, e.g. the id of what a mutation created. @param {string} query @param {Record<string, unknown>} [variables] @param {string} [key] */
async function field(query, variables = {}, key = 'id') {
  const data = await gql(query, variables);
  const root = /** @type {Record<string, unknown>} */ (Object.values(data)[0]);
  return String(root[key]);
}

try {
  token = await field('mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', { e: ADMIN_EMAIL, p: ADMIN_PASSWORD }, 'token');
  const seeding = performance.now();
  const org = await field('mutation{createOrganization(input:{name:"Amt für Statistik",sector:ADMINISTRATION}){id}}');
  const lb = await field('mutation{createLeitbild(input:{title:"Leitbild 2026",year:2026}){id}}');
  /** @type {string[]} */
  const goals = [];
  for (let f = 0; f < 10; f++) {
    const fieldId = await field('mutation($l:UUID!,$t:String!){addFieldOfAction(input:{leitbildId:$l,title:$t}){id}}', { l: lb, t: `Handlungsfeld ${f + 1}` });
    for (let g = 0; g < 6; g++) {
      goals.push(await field('mutation($f:UUID!,$t:String!){addGoal(input:{fieldOfActionId:$f,title:$t}){id}}', { f: fieldId, t: `Ziel ${f + 1}.${g + 1}` }));
    }
  }
  await gql('mutation($l:UUID!){adoptLeitbild(leitbildId:$l,resolutionReference:"Bench"){id}}', { l: lb });
  for (let n = 0; n < INDICATORS; n++) {
    const ind = await field('mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id}}', {
      i: {
        code: `B${String(n).padStart(3, '0')}`, name: `Indikator ${n}`, unit: '%', sourceKind: 'OFFICIAL_STATISTICS',
        sourceDescription: 'Statistikamt', periodicity: 'YEARLY', ownerId: org, goalIds: [goals[n % goals.length]],
        termIds: [], targetValue: 50, targetDirection: 'HIGHER_IS_BETTER',
      },
    });
    for (let y = 0; y < YEARS; y++) {
      const value = 30 + y * 1.5 + (n % 7);
      const breakdown = n % 2 === 0 ? ['Mitte', 'Nord', 'Süd', 'West'].map((c, i) => ({ dimension: 'Stadtbezirk', category: c, value: value + i })) : [];
      const d = await field('mutation($i:UUID!,$p:String!){requestDelivery(indicatorId:$i,period:$p,dueAt:"2027-06-30T10:00:00Z"){id}}', { i: ind, p: String(2016 + y) });
      await gql('mutation($d:UUID!,$v:Float,$b:[BreakdownInput!]){confirmDelivery(deliveryId:$d,value:$v,breakdown:$b){id}}', { d, v: value, b: breakdown });
      await gql('mutation($d:UUID!){acceptDelivery(deliveryId:$d){id}}', { d });
    }
  }
  console.log(`seeded ${INDICATORS} indicators × ${YEARS} years in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

  const REPORT = `query($l:UUID!){monitoringReport(leitbildId:$l){leitbildTitle fields{id title text textVersion goals{id title status
    indicators{id code name unit ownerName status latestValue trendPerYear targetValue targetDirection
    series{period value breakBefore definitionId deliveredBy deliveredAt acceptedBy acceptedAt breakdown{dimension category value}}
    terms{id label agreed}}}} gaps{kind message} definitions{id termLabel text}}}`;
  /** @type {number[]} */
  const api = [];
  for (let run = 0; run <= RUNS; run++) {
    const t = performance.now();
    await gql(REPORT, { l: lb });
    if (run > 0) api.push(performance.now() - t);
  }
  summary('monitoringReport API (200 indicators, 2,000 values)', api);

  const browser = await launchBrowser();
  /** @type {number[]} */
  const page = [];
  /** @type {number[]} */
  const rendering = [];
  try {
    for (let run = 0; run <= RUNS; run++) {
      const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
      await context.request.post(`${base}/graphql`, {
        headers: { 'Content-Type': 'application/json', 'X-Teilhabe-Csrf': '1' },
        data: { query: 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', variables: { e: ADMIN_EMAIL, p: ADMIN_PASSWORD } },
      });
      const tab = await context.newPage();
      await tab.goto(`${base}/bericht`, { waitUntil: 'commit' });
      const handle = await tab.waitForFunction(
        (count) =>
          document.querySelectorAll('.report-indicator').length >= count &&
          document.querySelector('.loading, [aria-busy="true"]') === null
            ? performance.now()
            : false,
        INDICATORS,
        { polling: 'raf', timeout: 60_000 },
      );
      const ms = /** @type {number} */ (await handle.jsonValue());
      // When the last GraphQL answer arrived: the rest is the browser's rendering.
      const answered = await tab.evaluate(() =>
        Math.max(
          0,
          ...performance
            .getEntriesByType('resource')
            .filter((e) => e.name.includes('/graphql'))
            .map((e) => /** @type {PerformanceResourceTiming} */ (e).responseEnd),
        ),
      );
      if (process.env.BENCH_TRACE && run === RUNS) {
        const entries = await tab.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .map((e) => `${e.startTime.toFixed(0).padStart(5)}–${/** @type {PerformanceResourceTiming} */ (e).responseEnd.toFixed(0).padStart(5)} ms  ${e.name.replace(location.origin, '')}`),
        );
        console.log(entries.join('\n'));
      }
      await context.close();
      if (run > 0) {
        page.push(ms);
        rendering.push(ms - answered);
      }
      console.log(`${run === 0 ? 'warm-up' : `run ${run}`}: page ${ms.toFixed(0)} ms (data there at ${answered.toFixed(0)} ms)`);
    }
  } finally {
    await browser.close();
  }
  summary('/bericht fully rendered (API + page, cold browser context)', page);
  summary('  of which rendering after the last answer', rendering);
} finally {
  await server.stop();
}
