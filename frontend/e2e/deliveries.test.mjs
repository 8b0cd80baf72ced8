// A delivery's own page in the browser: the data owner's form takes breakdown rows pasted from a
// spreadsheet (tab-separated, German decimal comma); the page then shows breakdown and note, and
// the coordinator accepts or returns the value there; axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, launchBrowser, screenshot, startServer, waitForHeading } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

/** What Excel puts on the clipboard for three columns with a header row (the unit is %). */
const SHEET = 'Merkmal\tAusprägung\tWert\r\nGeschlecht\tweiblich\t12,5\r\nGeschlecht\tmännlich\t10,25\r\nAlter\tunter 25\t8\r\n';

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

/**
 * Pastes `text` into the paste area as a spreadsheet's copy would arrive (a paste event with
 * clipboard data; headless Chromium has no clipboard to copy from).
 * @param {import('playwright-core').Page} page
 * @param {string} text
 */
async function pasteSheet(page, text) {
  const area = page.getByLabel('Zeilen aus einer Tabelle einfügen');
  await area.focus();
  await area.evaluate((el, t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

describe('a delivery page', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const [width, decision] of /** @type {const} */ ([
    [1280, 'accept'],
    [375, 'return'],
  ])) {
    it(`takes pasted breakdown rows, shows them and lets the coordinator ${decision} at ${width} px`, async () => {
      const page = await coordinator(width);
      await page.goto(`${server.baseUrl}/lieferungen?status=REQUESTED`);
      await page.locator('tbody tr a').first().click();
      await page.getByRole('heading', { level: 2, name: /^Lieferung .* bestätigen$/ }).waitFor();
      await page.getByRole('textbox', { name: /^Wert \(/ }).fill('10,3');
      if (width === 1280) {
        // A row the server refuses (a share above 100 %) is marked at that row, not at the total.
        await pasteSheet(page, 'Alter\tüber 65\t120');
        await page.getByRole('button', { name: 'Wert bestätigen' }).click();
        await page.getByRole('textbox', { name: 'Wert 1', exact: true, disabled: false }).and(page.locator('[aria-invalid="true"]')).waitFor();
        assert.equal(await page.getByRole('textbox', { name: /^Wert \(/ }).getAttribute('aria-invalid'), null, 'the total is fine');
        await page.getByRole('button', { name: 'Zeile 1 entfernen' }).click();
      }
      await pasteSheet(page, SHEET);
      await page.getByText('3 Zeilen übernommen.').waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'Merkmal 1', exact: true }).inputValue(), 'Geschlecht');
      assert.equal(await page.getByRole('textbox', { name: 'Ausprägung 2', exact: true }).inputValue(), 'männlich');
      assert.equal(await page.getByRole('textbox', { name: 'Wert 2', exact: true }).inputValue(), '10,25');
      assert.equal(await page.getByRole('textbox', { name: 'Merkmal 3', exact: true }).inputValue(), 'Alter');
      await page.getByRole('textbox', { name: 'Anmerkung' }).fill('Vorläufige Zahlen der Meldestatistik.');
      await expectAccessible(page, `delivery form with pasted rows (${width} px)`);
      await page.getByRole('button', { name: 'Wert bestätigen' }).click();
      await page.getByText('Vielen Dank, die Lieferung ist bestätigt.').waitFor();

      // Breakdown and note on the page, and the coordinator's decision right there.
      await page.getByRole('heading', { level: 2, name: 'Prüfen: annehmen oder zurückgeben' }).waitFor();
      await page.getByRole('cell', { name: '10,25' }).waitFor();
      await page.getByRole('cell', { name: 'unter 25' }).waitFor();
      await page.getByText('Vorläufige Zahlen der Meldestatistik.').waitFor();
      await expectAccessible(page, `delivered value to review (${width} px)`);
      if (decision === 'accept') {
        await page.getByRole('button', { name: /^Lieferung .* annehmen$/ }).click();
        await page.locator('.badge-accepted').first().waitFor();
      } else {
        await page.getByRole('textbox', { name: 'Grund der Rückgabe' }).fill('Bitte die Summe prüfen.');
        await page.getByRole('button', { name: 'Zur Korrektur zurückgeben' }).click();
        await page.locator('.badge-returned').first().waitFor();
        await page.getByText('Bitte die Summe prüfen.').first().waitFor();
      }
      await page.getByRole('heading', { level: 2, name: 'Prüfen: annehmen oder zurückgeben' }).waitFor({ state: 'detached' });
      await expectAccessible(page, `delivery after the decision (${width} px)`);
      await screenshot(page, `delivery-${decision}-${width}`);
      await page.context().close();
    });
  }
});
