// Districts on a map (issue 17): the coordinator keeps the district list and uploads its
// GeoJSON in the coordination, a delivery broken down by district shows as a choropleth with
// legend, table and summary on the indicator page, and the public edition shows small numbers
// only as "•" with their footnote. Axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, screenshot, startServer } from './harness.mjs';

const COORDINATOR = 'koordination@demo.teilhabe.example';
const GEOJSON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'fixtures', 'geo', 'stadtbezirke.geojson');
const NOTE = 'Wert unter 3, aus Datenschutzgründen nicht ausgewiesen';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {string} */
let token;
/** @type {{ id: string, title: string }} */
let edition;
/** @type {{ id: string, name: string, code: string }} */
let indicator;
/** @type {string[]} */
const consoleErrors = [];

/** @param {string} query @param {Record<string, unknown>} [variables] */
const api = (query, variables) => graphql(server.baseUrl, token, query, variables);

/** @param {import('playwright-core').Page} p @param {string} label */
async function fitsNarrowScreen(p, label) {
  await p.setViewportSize({ width: 375, height: 800 });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${label} is ${overflow} px wider than a 375 px screen`);
  await expectAccessible(p, `${label} at 375 px`);
  await p.setViewportSize({ width: 1280, height: 900 });
}

/** @param {boolean} signedIn */
async function newPage(signedIn) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/status of 40[14]/.test(msg.text())) consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  if (signedIn) {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(COORDINATOR);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  }
  return page;
}

describe('districts on a map', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: COORDINATOR,
        p: DEMO_PASSWORD,
      })
    );
    token = login.login.token;
    const data = /** @type {{ leitbilder: { id: string, title: string, status: string }[] }} */ (
      await api('{ leitbilder { id title status } }')
    );
    const adopted = data.leitbilder.find((l) => l.status === 'ADOPTED');
    assert.ok(adopted, 'the demo has an adopted edition');
    edition = adopted;
    const report = /** @type {{ monitoringReport: { fields: { goals: { indicators: { id: string, code: string, name: string }[] }[] }[] } }} */ (
      await api('query($id:UUID!){ monitoringReport(leitbildId:$id){ fields { goals { indicators { id code name } } } } }', {
        id: edition.id,
      })
    );
    const first = report.monitoringReport.fields.flatMap((f) => f.goals).flatMap((g) => g.indicators)[0];
    assert.ok(first, 'the adopted edition has an indicator');
    indicator = first;
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    assert.deepEqual(consoleErrors, []);
  });

  it('keeps the district list and uploads its map in the coordination', async () => {
    for (const [code, name] of [
      ['02', 'Nord'],
      ['03', 'Süd'],
    ]) {
      await api('mutation($i:CreateDistrictInput!){ createDistrict(input:$i){ id } }', { i: { code, name } });
    }
    const page = await newPage(true);
    await page.goto(`${server.baseUrl}/koordination?tab=bezirke`);
    await page.getByRole('heading', { level: 2, name: 'Bezirke', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Bezirk anlegen' }).click();
    await page.getByRole('textbox', { name: 'Schlüssel', exact: true }).fill('01');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Mitte');
    await page.getByRole('button', { name: 'Bezirk speichern' }).click();
    await page.getByText('Der Bezirk wurde angelegt.').waitFor();
    await page.getByRole('rowheader', { name: '01' }).waitFor();

    await page.locator('#districts-file').setInputFiles(GEOJSON);
    await page.getByLabel('Eigenschaft mit dem Bezirksschlüssel').fill('BEZ_NR');
    await page.getByRole('button', { name: 'Karte hochladen' }).click();
    await page.getByText('Die Karte mit 5 Flächen wurde gespeichert.').waitFor();
    await page.getByText('Flächen ohne Bezirk: 04, 99').waitFor();
    await expectAccessible(page, 'the district panel');
    await fitsNarrowScreen(page, 'the district panel');
    await screenshot(page, 'districts-panel');
    await page.context().close();
  });

  it('draws a delivery by district as a map with legend, table and summary', async () => {
    const requested = /** @type {{ requestDelivery: { id: string } }} */ (
      await api('mutation($id:UUID!){ requestDelivery(indicatorId:$id, period:"2030", dueAt:"2031-03-31T10:00:00Z"){ id } }', {
        id: indicator.id,
      })
    );
    const id = requested.requestDelivery.id;
    const b = [
      ['Mitte', 2],
      ['02', 26],
      ['Süd', 13],
    ].map(([category, value]) => ({ dimension: 'Stadtbezirk', category, value }));
    await api('mutation($id:UUID!,$b:[BreakdownInput!]){ confirmDelivery(deliveryId:$id, value:41, breakdown:$b){ id } }', { id, b });
    await api('mutation($id:UUID!){ acceptDelivery(deliveryId:$id){ id } }', { id });
    await api('mutation($id:UUID!){ setIndicatorSuppression(indicatorId:$id, suppressBelow:3){ version } }', { id: indicator.id });

    const page = await newPage(true);
    await page.goto(`${server.baseUrl}/indikatoren/${indicator.id}`);
    const map = page.locator('figure.district-map');
    await map.waitFor();
    assert.equal(await map.locator('svg path.district-map-area').count(), 5);
    await map.locator('svg title').filter({ hasText: 'nach Stadtbezirken, 2030' }).waitFor({ state: 'attached' });
    await map.locator('p.chart-summary').filter({ hasText: /höchster Wert 26 .* in Nord, niedrigster 2 .* in Mitte/ }).waitFor();
    await map.getByRole('list', { name: 'Legende' }).waitFor();
    const mitte = map.getByRole('row', { name: /Mitte/ });
    assert.match(await mitte.innerText(), /2/, 'staff see the small value');
    await expectAccessible(page, 'the indicator page with its map');
    await fitsNarrowScreen(page, 'the indicator page with its map');
    await screenshot(page, 'district-map');
    await page.context().close();
  });

  it('shows small numbers to the public only as •', async () => {
    await api('mutation($id:UUID!){ setPublished(kind:LEITBILD, targetId:$id, published:true) }', { id: edition.id });
    const page = await newPage(false);
    await page.goto(`${server.baseUrl}/oeffentlich/leitbild/${edition.id}`);
    await page.getByRole('heading', { level: 1, name: edition.title }).waitFor();
    const map = page.locator('figure.district-map').first();
    await map.waitFor();
    const mitteRow = map.getByRole('row', { name: /Mitte/ });
    const mitte = (await mitteRow.textContent()) ?? '';
    assert.match(mitte, /•/);
    assert.doesNotMatch(mitte, /(^|\D)2(\D|$)/, 'the small value is not in the page');
    assert.match((await map.getByRole('row', { name: /Süd/ }).textContent()) ?? '', /•/, 'nor the cell that would reveal it');
    assert.match((await map.getByRole('row', { name: /Nord/ }).textContent()) ?? '', /26/);
    await map.getByText(`• ${NOTE}`).waitFor();
    await expectAccessible(page, 'the public edition with a map');
    await fitsNarrowScreen(page, 'the public edition with a map');
    await screenshot(page, 'public-district-map');
  });
});
