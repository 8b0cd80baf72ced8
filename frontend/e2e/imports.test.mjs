// Official statistics in the browser: the coordinator maps an indicator to a GENESIS table, uploads
// the flat file (dry run, then import), and imports the same table's values for another region
// as a comparison series ("Vergleichswert") that the chart's legend names.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiToken, expectAccessible, graphql, launchBrowser, startServer } from './harness.mjs';

const FLAT = fileURLToPath(new URL('../../tests/fixtures/genesis/12411-03-03-4_de_flat.csv', import.meta.url));
const NAME = 'Ausländeranteil';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let indicatorId = '';
let token = '';

describe('imports from official statistics', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    token = await apiToken(server.baseUrl);
    const gql = (/** @type {string} */ q, /** @type {Record<string, unknown>} */ v) => graphql(server.baseUrl, token, q, v);
    const org = /** @type {{ createOrganization: { id: string } }} */ (
      await gql('mutation($i:CreateOrganizationInput!){createOrganization(input:$i){id}}', {
        i: { name: 'Amt für Statistik', sector: 'ADMINISTRATION' },
      })
    ).createOrganization.id;
    indicatorId = /** @type {{ createIndicator: { id: string } }} */ (
      await gql('mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id}}', {
        i: {
          code: 'B-01',
          name: NAME,
          unit: '%',
          sourceKind: 'OFFICIAL_STATISTICS',
          sourceDescription: 'Landesdatenbank NRW',
          periodicity: 'YEARLY',
          ownerId: org,
        },
      })
    ).createIndicator.id;
    await gql('mutation($id:UUID!,$i:GenesisMappingInput!){setGenesisMapping(indicatorId:$id,input:$i){version}}', {
      id: indicatorId,
      i: {
        tableCode: '12411-03-03-4',
        valueVariable: 'ANT001',
        filters: [{ variable: 'GEMEIN', attribute: '05515000' }],
        source: 'Landesdatenbank NRW',
      },
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('uploads the table with a dry run first, then a comparison series from the same table', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
    await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await page.goto(`${server.baseUrl}/indikatoren/${indicatorId}`);
    await page.getByRole('button', { name: 'Aus der amtlichen Statistik (GENESIS) übernehmen' }).click();

    // The city's own values: a dry run lists the periods and changes nothing, then the import.
    const own = page.getByRole('region', { name: 'Datei hochladen' }).first();
    await own.getByLabel('Flatfile-CSV oder ZIP').setInputFiles(FLAT);
    await own.getByRole('button', { name: 'Probelauf' }).click();
    await own.getByText('Probelauf – noch nichts übernommen:').waitFor();
    await expectAccessible(page, 'GENESIS dry run');
    await own.getByRole('button', { name: 'Jetzt übernehmen' }).click();
    await own.getByText('Übernommen:').waitFor();

    // The same table, read for Gelsenkirchen as a comparison value.
    const reference = page.getByRole('region', { name: 'Vergleichswerte aus derselben Tabelle importieren' });
    await reference.getByLabel('Bezeichnung des Vergleichswerts').fill('Gelsenkirchen');
    await reference.getByRole('button', { name: /Art/ }).click();
    await page.getByRole('option', { name: 'Vergleichsstadt' }).click();
    await reference.getByLabel('Filter der Vergleichsregion').fill('GEMEIN=05513000');
    await reference.getByLabel('Tabelle (CSV oder ZIP) mit den Vergleichswerten').setInputFiles(FLAT);
    await reference.getByRole('button', { name: 'Probelauf' }).click();
    await reference.getByText('Probelauf – noch nichts übernommen:').waitFor();
    await expectAccessible(page, 'reference dry run');
    await reference.getByRole('button', { name: 'Jetzt übernehmen' }).click();
    await reference.getByText('Übernommen:').waitFor();

    // Imported values arrive as delivered; once accepted, the chart draws them beside the comparison.
    const data = /** @type {{ indicator: { deliveries: { id: string, status: string }[] } }} */ (
      await graphql(server.baseUrl, token, 'query($id:UUID!){indicator(id:$id){deliveries{id status}}}', { id: indicatorId })
    );
    const delivered = data.indicator.deliveries.filter((d) => d.status === 'DELIVERED');
    assert.ok(delivered.length > 0, 'the import delivered values');
    for (const d of delivered) {
      await graphql(server.baseUrl, token, 'mutation($d:UUID!){acceptDelivery(deliveryId:$d){id}}', { d: d.id });
    }
    await page.reload();
    await page.getByRole('img', { name: `Liniendiagramm: ${NAME}` }).waitFor();
    const legend = await page.locator('figcaption.chart-legend').innerText();
    assert.match(legend, /Vergleichswert Gelsenkirchen/);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'indicator with comparison series at 375 px');
    await context.close();
  });
});
