// Indicators in the browser: create, request a delivery, confirm it as the owner, accept it as
// coordinator, and read the time series as a chart and as a table; a computed indicator with its
// inputs traced, and a comparison series in the chart's legend.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiToken, expectAccessible, fillDate, graphql, launchBrowser, screenshot, startServer } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let coordinator;
const PASSWORD = 'Indikator-Test-Passwort-2026';
const OWNER = { email: 'statistik@example.org', name: 'Kemal Statistiker' };
const ORG = 'Amt für Statistik und Wahlen';
const TERM = 'Einbürgerungsquote';
const CODE = 'E-01';
const NAME = 'Einbürgerungen je 100 ausländische Einwohner';
/** @type {string[]} */
const consoleErrors = [];
let indicatorUrl = '';

async function loginPage(/** @type {string} */ email, /** @type {string} */ password, path = '/') {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  return page;
}

describe('indicators', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const token = await apiToken(server.baseUrl);
    const org = /** @type {{ createOrganization: { id: string } }} */ (
      await graphql(server.baseUrl, token, 'mutation($i:CreateOrganizationInput!){createOrganization(input:$i){id}}', {
        i: { name: ORG, sector: 'ADMINISTRATION' },
      })
    ).createOrganization.id;
    await graphql(server.baseUrl, token, 'mutation($i:CreateUserInput!){createUser(input:$i){id}}', {
      i: { ...OWNER, password: PASSWORD, role: 'MEMBER', organizationIds: [org] },
    });
    await graphql(server.baseUrl, token, 'mutation($i:ProposeTermInput!){proposeTerm(input:$i){id}}', {
      i: { label: TERM, definition: 'Einbürgerungen im Jahr je 100 ausländische Einwohnerinnen und Einwohner.' },
    });
    coordinator = await loginPage(ADMIN_EMAIL, ADMIN_PASSWORD, '/indikatoren');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a coordinator create an indicator', async () => {
    const page = coordinator;
    await page.getByRole('heading', { level: 1, name: 'Indikatoren' }).waitFor();
    await expectAccessible(page, 'indicator list');
    await page.getByRole('button', { name: 'Indikator anlegen' }).click();
    await page.getByRole('textbox', { name: 'Kennung' }).fill(CODE);
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(NAME);
    await page.getByRole('textbox', { name: 'Einheit' }).fill('je 100');
    await page.getByRole('textbox', { name: 'Quelle' }).fill('Einbürgerungsstatistik des Amtes');
    await page.getByRole('textbox', { name: 'Zielwert' }).fill('3');
    await page.locator('label').filter({ hasText: 'höher ist besser' }).click();
    await page.locator('.create-panel .select-button').first().click();
    await page.getByRole('option', { name: ORG }).click();
    await page.locator('label').filter({ hasText: TERM }).click();
    await expectAccessible(page, 'create indicator form');
    await page.getByRole('button', { name: 'Indikator anlegen' }).last().click();
    await page.getByRole('status').filter({ hasText: `„${NAME}“ wurde angelegt` }).waitFor();
    await page.getByRole('link', { name: NAME }).waitFor();
    await page.getByRole('link', { name: 'Zum Indikator' }).click();
    await page.getByRole('heading', { level: 1, name: `${CODE} – ${NAME}` }).waitFor();
    indicatorUrl = page.url();
    // The term is only proposed, not agreed: the page warns.
    await page.getByText(`Diese Begriffe sind im Glossar noch nicht vereinbart: ${TERM}`).waitFor();
    await expectAccessible(page, 'indicator page');
  });

  it('lets a coordinator request a delivery', async () => {
    const page = coordinator;
    await page.getByRole('button', { name: 'Datenlieferung anfordern' }).click();
    await page.getByRole('textbox', { name: 'Zeitraum' }).fill('2025');
    await fillDate(page, 'Fällig am', '2027-01-31');
    await page.getByRole('button', { name: 'Anfordern', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Die Lieferung wurde angefordert.' }).waitFor();
    await page.getByRole('heading', { level: 3, name: /Lieferung 2025/ }).waitFor();
  });

  it('shows the owner the open delivery and lets them confirm it from the reminder link', async () => {
    const page = await loginPage(OWNER.email, PASSWORD);
    await page.getByRole('heading', { name: 'Offene Aufgaben' }).waitFor();
    await page.locator('.work-tasks li', { hasText: 'Daten liefern' }).getByRole('link', { name: `${CODE} – ${NAME}` }).click();
    await page.waitForURL(/\/lieferungen\/[0-9a-f-]+$/);
    const id = page.url().split('/').pop();
    // A reminder mail links to /lieferungen/<id>/bestaetigen?token=…; a wrong token is told, and
    // someone logged in is pointed to the delivery itself.
    await page.goto(`${server.baseUrl}/lieferungen/${id}/bestaetigen?token=falsch`);
    await page.getByRole('heading', { level: 1, name: 'Link ungültig oder abgelaufen' }).waitFor();
    await expectAccessible(page, 'invalid reminder link');
    await page.getByRole('link', { name: 'Zur Lieferung' }).click();
    await page.getByRole('heading', { level: 1, name: `Lieferung 2025: ${NAME}` }).waitFor();
    await expectAccessible(page, 'delivery confirm page');
    await page.getByRole('textbox', { name: 'Wert (je 100)' }).fill('2,4');
    await page.getByRole('button', { name: 'Zeile hinzufügen' }).click();
    await page.getByRole('textbox', { name: 'Merkmal 1' }).fill('Geschlecht');
    await page.getByRole('textbox', { name: 'Ausprägung 1' }).fill('weiblich');
    await page.getByRole('textbox', { name: 'Wert 1' }).fill('2,6');
    await page.getByRole('button', { name: 'Wert bestätigen' }).click();
    await page.getByRole('status').filter({ hasText: 'Vielen Dank, die Lieferung ist bestätigt.' }).waitFor();
    await page.locator('.badge').filter({ hasText: 'geliefert' }).waitFor();
    await screenshot(page, 'indicators-delivery-confirmed');
    await page.context().close();
  });

  it('lets the coordinator accept the delivery and shows the series as chart and table', async () => {
    const page = coordinator;
    await page.goto(indicatorUrl);
    await page.getByRole('button', { name: 'Lieferung 2025 annehmen' }).click();
    await page.getByRole('img', { name: `Liniendiagramm: ${NAME}` }).waitFor();
    const table = page.getByRole('table', { name: 'Werte als Tabelle' });
    await table.getByRole('row', { name: /2025/ }).waitFor();
    assert.match(await table.innerText(), /2025\s+2,4\s+3/);
    await page.getByText(`${NAME}: ein angenommener Wert für 2025: 2,4 je 100.`).first().waitFor();
    await expectAccessible(page, 'indicator page with series');
    await screenshot(page, 'indicators-series');
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'indicator page at 375 px');
    // The chart draws at the width it is shown: its labels keep their 12 px on a phone.
    await page.waitForFunction(() => {
      const label = document.querySelector('.chart-svg .chart-label');
      return label !== null && label.getBoundingClientRect().height >= 11;
    });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows on-time rates to coordinators', async () => {
    const page = coordinator;
    await page.goto(`${server.baseUrl}/indikatoren`);
    const rates = page.getByRole('table').filter({ hasText: 'Quote' });
    await rates.getByRole('row', { name: new RegExp(ORG) }).waitFor();
    await page.getByText('1 Indikator.').waitFor();
    await expectAccessible(page, 'indicator list with rates');
  });

  it('shows the outbox and the calendar feed in Koordination', async () => {
    const page = coordinator;
    await page.goto(`${server.baseUrl}/koordination?tab=benachrichtigungen`);
    await page.getByRole('heading', { name: 'Mein Kalender-Abo' }).waitFor();
    const href = await page.getByRole('link', { name: 'Kalender-Abo (iCalendar) öffnen' }).getAttribute('href');
    assert.match(href ?? '', /\/calendar\/.+\.ics$/);
    await page.getByRole('heading', { name: 'Postausgang' }).waitFor();
    await expectAccessible(page, 'notifications tab');
    await screenshot(page, 'coordination-notifications');
  });

  it('shows a computed indicator with both inputs and a comparison series', async () => {
    const token = await apiToken(server.baseUrl);
    const orgs = /** @type {{ organizations: { id: string, name: string }[] }} */ (
      await graphql(server.baseUrl, token, '{ organizations { id name } }')
    ).organizations;
    const ownerId = orgs.find((o) => o.name === ORG)?.id;
    const create = async (/** @type {string} */ code, /** @type {string} */ name) =>
      /** @type {{ createIndicator: { id: string, version: number } }} */ (
        await graphql(server.baseUrl, token, 'mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id version}}', {
          i: { code, name, unit: 'Personen', sourceKind: 'OFFICIAL_STATISTICS', sourceDescription: 'IT.NRW', periodicity: 'YEARLY', ownerId },
        })
      ).createIndicator;
    const value = async (/** @type {string} */ id, /** @type {string} */ period, /** @type {number} */ v) => {
      const d = /** @type {{ requestDelivery: { id: string } }} */ (
        await graphql(server.baseUrl, token, 'mutation($i:UUID!,$p:String!){requestDelivery(indicatorId:$i,period:$p,dueAt:"2030-01-01T00:00:00Z"){id}}', {
          i: id,
          p: period,
        })
      ).requestDelivery.id;
      await graphql(server.baseUrl, token, 'mutation($d:UUID!,$v:Float){confirmDelivery(deliveryId:$d,value:$v){id}}', { d, v });
      await graphql(server.baseUrl, token, 'mutation($d:UUID!){acceptDelivery(deliveryId:$d){id}}', { d });
    };
    const naturalised = await create('EINB', 'Einbürgerungen');
    const foreigners = await create('AUSL', 'Ausländische Einwohner');
    const quota = await create('EINB-Q', 'Einbürgerungsquote berechnet');
    await value(naturalised.id, '2024', 150);
    await value(foreigners.id, '2024', 6000);
    await value(naturalised.id, '2025', 180);
    await value(foreigners.id, '2025', 6000);
    await graphql(server.baseUrl, token, 'mutation($i:UUID!,$f:IndicatorFormulaInput!,$v:Int){setIndicatorFormula(indicatorId:$i,input:$f,expectedVersion:$v){id}}', {
      i: quota.id,
      f: { numeratorId: naturalised.id, denominatorId: foreigners.id, factor: 100 },
      v: quota.version,
    });
    await graphql(server.baseUrl, token, 'mutation($i:UUID!,$r:ReferenceSeriesInput!){setReferenceSeries(indicatorId:$i,input:$r){id}}', {
      i: quota.id,
      r: { label: 'NRW', kind: 'STATE', values: [{ period: '2024', value: 2.1 }, { period: '2025', value: 2.3 }] },
    });

    const page = coordinator;
    await page.goto(`${server.baseUrl}/indikatoren/${quota.id}`);
    await page.getByRole('heading', { name: 'Berechnung', exact: true }).waitFor();
    const computed = page.getByRole('table', { name: 'Berechnete Werte mit Zähler und Nenner' });
    assert.match(await computed.getByRole('row', { name: /2024/ }).innerText(), /2024\s+2,5\s+150\s+6\.000/);
    assert.match(await computed.getByRole('row', { name: /2025/ }).innerText(), /2025\s+3\s+180\s+6\.000/);
    await computed.getByRole('link', { name: '150' }).waitFor();
    await page.getByRole('link', { name: /EINB – Einbürgerungen/ }).waitFor();
    const legend = page.locator('figcaption.chart-legend');
    await legend.getByText('Vergleichswert NRW').waitFor();
    const table = page.getByRole('table', { name: 'Werte als Tabelle' });
    assert.match(await table.getByRole('row', { name: /2024/ }).innerText(), /2024\s+2,5\s+–\s+2,1/);
    await expectAccessible(page, 'computed indicator page');
    await screenshot(page, 'indicators-computed');
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'computed indicator page at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
