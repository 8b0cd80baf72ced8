// Words in the app: no doubled words on any main view ("Beschlossen beschlossen am"), changes of
// rates in percentage points on a delivery, and publishing that asks first in an accessible
// dialog; axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, startServer, waitForHeading, waitForLoaded } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {string[]} */
let views = [];
let rateDelivery = '';

/**
 * A word said twice in a row on one line, ignoring case ("Beschlossen beschlossen"); German's
 * "Sie sie" and "die die" are grammar, not doubling.
 */
const DOUBLED = /(?<![\p{L}])(?!(?:sie|die|der|das)[ \t\u00a0])(\p{L}{3,})[ \t\u00a0]+\1(?![\p{L}])/iu;

/**
 * @param {number} width
 */
async function coordinator(width) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('E-Mail-Adresse').fill('koordination@demo.teilhabe.example');
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await waitForHeading(page, 'Meine Aufgaben');
  return page;
}

describe('words', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: 'koordination@demo.teilhabe.example',
        p: DEMO_PASSWORD,
      })
    );
    const data = /** @type {{ leitbilder: { id: string, process: { id: string } | null }[], indicators: { id: string, unit: string, deliveries: { id: string, status: string }[] }[], terms: { id: string }[] }} */ (
      await graphql(
        server.baseUrl,
        login.login.token,
        '{ leitbilder { id process { id } } indicators { id unit deliveries { id status } } terms(first: 1) { id } }',
      )
    );
    const rate = data.indicators.find((i) => i.unit === '%' && i.deliveries.filter((d) => d.status === 'ACCEPTED').length >= 2);
    assert.ok(rate, 'the demo has a rate with two accepted values');
    const accepted = rate.deliveries.filter((d) => d.status === 'ACCEPTED');
    rateDelivery = accepted[accepted.length - 1]?.id ?? '';
    views = [
      '/',
      '/leitbild',
      ...data.leitbilder.map((l) => `/leitbild/${l.id}`),
      '/prozesse',
      ...data.leitbilder.flatMap((l) => (l.process ? [`/prozesse/${l.process.id}`] : [])),
      '/glossar',
      `/glossar/${data.terms[0]?.id}`,
      '/indikatoren',
      `/indikatoren/${rate.id}`,
      '/lieferungen',
      `/lieferungen/${rateDelivery}`,
      '/bericht',
      '/bericht/veroeffentlichung',
      '/koordination',
      '/benachrichtigungen',
      '/einstellungen',
      '/oeffentlich',
    ];
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says no word twice in a row on any main view', async () => {
    const page = await coordinator(1280);
    /** @type {string[]} */
    const found = [];
    for (const view of views) {
      await page.goto(`${server.baseUrl}${view}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.waitForLoadState('networkidle');
      // The heading is there before the data; a page still loading has no words to check.
      await waitForLoaded(page);
      const text = await page.locator('main').first().innerText();
      const m = text.match(DOUBLED);
      if (m) found.push(`${view}: „${m[0]}“`);
    }
    assert.deepEqual(found, []);
    await page.context().close();
  });

  for (const width of [1280, 375]) {
    it(`counts a rate's change in percentage points and asks before publishing at ${width} px`, async () => {
      const page = await coordinator(width);
      await page.goto(`${server.baseUrl}/lieferungen/${rateDelivery}`);
      const change = page.locator('dt', { hasText: /^Veränderung zu / });
      await change.waitFor();
      const value = await change.locator('xpath=following-sibling::dd[1]').innerText();
      assert.match(value, /^[+−±]\d+(,\d+)? Prozentpunkte?$/, value);
      await expectAccessible(page, `delivery with change (${width} px)`);

      await page.goto(`${server.baseUrl}/bericht/veroeffentlichung`);
      await waitForHeading(page, 'Veröffentlichung');
      const button = page.getByRole('button', { name: /veröffentlichen$/ }).first();
      await button.click();
      const dialog = page.getByRole('alertdialog', { name: /veröffentlichen\?$/ });
      await dialog.waitFor();
      await dialog.getByText('Danach kann jede Person es ohne Anmeldung lesen').waitFor();
      await expectAccessible(page, `publish confirmation (${width} px)`);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.getByText('ist jetzt veröffentlicht').count(), 0, 'Escape publishes nothing');
      await page.context().close();
    });
  }
});
