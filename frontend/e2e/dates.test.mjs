// German date entry everywhere, in an English browser too: the delivery request's due date, the
// "no new data" date of a delivery and a definition's validity are typed as TT.MM.JJJJ, submit
// as ISO dates, and a far-off year gets a hint; axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, fillDate, graphql, launchBrowser, startServer, waitForHeading } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let indicatorId = '';
let termId = '';

/**
 * The demo coordinator in an English-speaking browser (whose native date input would ask for
 * mm/dd/yyyy), with the app in German.
 * @param {number} width
 */
async function coordinator(width) {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('E-Mail-Adresse').fill('koordination@demo.teilhabe.example');
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await waitForHeading(page, 'Meine Aufgaben');
  return page;
}

/**
 * What a DateField shows and what its form would submit.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function shownAndSubmitted(page, label) {
  const field = page.locator('.date-field').filter({ hasText: label });
  const shown = (await field.locator('.date-input').innerText()).replace(/[^\d.]/g, '');
  const submitted = await field.evaluate((el) => {
    const input = el.querySelector('input[type="hidden"]');
    return input instanceof HTMLInputElement ? input.value : '';
  });
  return { shown, submitted, field };
}

describe('German dates everywhere', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: 'koordination@demo.teilhabe.example',
        p: DEMO_PASSWORD,
      })
    );
    const data = /** @type {{ indicators: { id: string }[], terms: { id: string }[] }} */ (
      await graphql(server.baseUrl, login.login.token, '{ indicators { id } terms(first: 5) { id } }')
    );
    indicatorId = data.indicators[0]?.id ?? '';
    termId = data.terms[0]?.id ?? '';
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const width of [1280, 375]) {
    it(`takes TT.MM.JJJJ on every date input at ${width} px`, async () => {
      const page = await coordinator(width);

      // A delivery's due date.
      await page.goto(`${server.baseUrl}/indikatoren/${indicatorId}`);
      await page.getByRole('button', { name: 'Datenlieferung anfordern' }).click();
      await fillDate(page, 'Fällig am', '2027-02-15');
      let got = await shownAndSubmitted(page, 'Fällig am');
      assert.equal(got.shown, '15.02.2027');
      assert.equal(got.submitted, '2027-02-15');
      await got.field.getByRole('spinbutton').last().click();
      await page.keyboard.type('2207');
      await got.field.getByText(/Jahre in der Zukunft\. Bitte prüfen Sie die Jahreszahl\./).waitFor();
      await expectAccessible(page, `due date with hint (${width} px)`);

      // "No new data yet": when the data are expected.
      await page.goto(`${server.baseUrl}/lieferungen?status=REQUESTED`);
      await page.locator('tbody tr a').first().click();
      await page.locator('label').filter({ hasText: 'Keine neuen Daten' }).click();
      await fillDate(page, 'Neue Daten erwartet am', '2027-03-01');
      got = await shownAndSubmitted(page, 'Neue Daten erwartet am');
      assert.equal(got.shown, '01.03.2027');
      assert.equal(got.submitted, '2027-03-01');
      await expectAccessible(page, `no new data date (${width} px)`);

      // A definition's validity in the glossary.
      await page.goto(`${server.baseUrl}/glossar/${termId}`);
      await page.getByRole('button', { name: 'Weitere Definition vorschlagen' }).click();
      await fillDate(page, 'Gültig ab', '2026-01-01');
      got = await shownAndSubmitted(page, 'Gültig ab');
      assert.equal(got.shown, '01.01.2026');
      assert.equal(got.submitted, '2026-01-01');
      // React Aria keeps an aria-hidden date input per field for autofill; no visible one is left.
      const native = await page.evaluate(
        () =>
          [...document.querySelectorAll('input[type="date"]')].filter((el) => !el.closest('[data-testid="hidden-dateinput-container"]'))
            .length,
      );
      assert.equal(native, 0, 'no native date input is left');
      await expectAccessible(page, `definition validity (${width} px)`);
      await page.context().close();
    });
  }
});
