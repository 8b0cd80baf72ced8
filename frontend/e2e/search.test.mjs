// Search in the browser on the example city: from the header, "Auslander" (no umlaut, no "ae")
// finds the term "Ausländerin/Ausländer" and more; a kind filter narrows the list; a hit opens
// its page; axe on the search page at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, expectAccessible, launchBrowser, startServer, waitForHeading, waitUntil } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;

describe('search', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds "Ausländer" typed as "Auslander" and opens the term', async () => {
    for (const width of [375, 1280]) {
      const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${server.baseUrl}/login`);
      await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
      await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await waitForHeading(page, 'Meine Aufgaben');
      await page.getByRole('link', { name: 'Suche', exact: true }).click();
      await waitForHeading(page, 'Suche');
      await page.getByLabel('Suchbegriff').fill('Auslander');
      await page.getByRole('button', { name: 'Suchen' }).click();
      await page.getByRole('heading', { level: 2, name: /Treffer für „Auslander“/ }).waitFor();
      const hits = page.locator('.search-hits li');
      assert.ok((await hits.count()) >= 2, 'more than the term');
      const term = hits.filter({ hasText: 'Begriff:' }).filter({ hasText: 'Ausländerin/Ausländer' });
      await term.first().waitFor();
      await expectAccessible(page, `search results at ${width}px`);
      if (width === 1280) {
        await page.getByLabel('Nur in').selectOption('TERM');
        await page.getByRole('button', { name: 'Suchen' }).click();
        await page.waitForURL(/art=TERM/);
        // The unfiltered hits stay on screen until the filtered ones arrive, marked busy; and
        // for a moment after the URL changed they are not even busy yet (the router renders the
        // navigation in a transition), so the hits are read until they are the filtered ones.
        await page.locator('section[aria-labelledby="search-results"][aria-busy="false"]').waitFor();
        await waitUntil(
          () => page.locator('.search-hits li .task-kind').allInnerTexts(),
          (kinds) => kinds.length >= 1 && kinds.every((k) => k === 'Begriff:'),
          'the hits to be terms only',
        );
        await page.locator('.search-hits li', { hasText: 'Ausländerin/Ausländer' }).getByRole('link').first().click();
        await waitForHeading(page, 'Ausländerin/Ausländer');
      }
      await context.close();
    }
  });
});
