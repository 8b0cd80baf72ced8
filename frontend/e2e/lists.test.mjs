// Filters on lists in the browser: a process's proposals by status, field and organisation, and
// the deliveries by status and department; the filters live in the URL (a reload or a shared
// link keeps them) and the server does the filtering; axe on each view at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, screenshot, startServer, waitForHeading } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let processId = '';

/**
 * A signed-in page of the demo coordinator.
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
 * Picks `option` in the filter labelled `label`.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 * @param {string | RegExp} option
 */
async function choose(page, label, option) {
  await filter(page, label).locator('.select-button').click();
  await page.getByRole('option', { name: option }).click();
}

/**
 * The filter labelled `label`.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
function filter(page, label) {
  return page.locator('.filter-grid .field').filter({ has: page.getByText(label, { exact: true }) });
}

/**
 * Waits until the list within `scope` answers the filters as `chosen` (label → the option each
 * filter shows). Neither the URL nor the count is enough: the router renders a navigation in a
 * transition, so the previous list stays on screen for a moment after the URL changed, and then
 * while the new rows load. The filters read the chosen options only in the render that asks for
 * the new rows, and the count is empty until they are there; both in one look at the page.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} scope holds the filters and the count
 * @param {Record<string, string | RegExp>} chosen
 */
async function settled(page, scope, chosen) {
  let shown = scope.filter({ has: page.locator('.result-count').filter({ hasText: /\S/ }) });
  for (const [label, option] of Object.entries(chosen)) {
    shown = shown.filter({ has: filter(page, label).locator('.react-aria-SelectValue').getByText(option, { exact: true }) });
  }
  await shown.waitFor();
}

describe('filters on lists', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: 'koordination@demo.teilhabe.example',
        p: DEMO_PASSWORD,
      })
    );
    const data = /** @type {{ leitbilder: { process: { id: string } | null }[] }} */ (
      await graphql(server.baseUrl, login.login.token, '{ leitbilder { process { id } } }')
    );
    processId = data.leitbilder.find((l) => l.process)?.process?.id ?? '';
    assert.ok(processId, 'the demo has a process');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const width of [1280, 375]) {
    it(`filters a process's proposals at ${width} px`, async () => {
      const page = await coordinator(width);
      await page.goto(`${server.baseUrl}/prozesse/${processId}`);
      await page.getByRole('heading', { level: 2, name: 'Vorschläge filtern' }).waitFor();
      await page.getByRole('status').filter({ hasText: '3 Vorschläge' }).waitFor();
      await expectAccessible(page, `process with filters (${width} px)`);

      await choose(page, 'Organisation', /^Caritasverband/);
      await page.getByRole('status').filter({ hasText: 'Ein Vorschlag' }).waitFor();
      assert.match(page.url(), /organisation=/);
      await page.getByRole('heading', { name: 'Alle Kinder lernen früh Deutsch und ihre Herkunftssprache' }).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Digitale Teilhabe' }).count(), 0);

      // The filter survives a reload: its state is the URL.
      await page.reload();
      await page.getByRole('status').filter({ hasText: 'Ein Vorschlag' }).waitFor();
      await expectAccessible(page, `filtered proposals (${width} px)`);

      // A field of action counts the goal amendment under its goal's field; combined with another
      // organisation nothing is left.
      await choose(page, 'Organisation', 'Alle');
      await choose(page, 'Handlungsfeld', 'Bildung und Sprache');
      await page.getByRole('status').filter({ hasText: '2 Vorschläge' }).waitFor();
      assert.match(page.url(), /feld=/);
      await choose(page, 'Organisation', /^Institut für Soziologie/);
      await page.getByText('Kein Vorschlag passt zu diesen Filtern.').waitFor();
      await choose(page, 'Handlungsfeld', 'Alle');
      await choose(page, 'Organisation', 'Alle');
      await choose(page, 'Status', 'Angenommen');
      // The message is still there from the filters before: wait for the answer to these.
      await settled(page, page.locator('section.proposal-filters'), { Status: 'Angenommen', Handlungsfeld: 'Alle', Organisation: 'Alle' });
      await page.getByText('Kein Vorschlag passt zu diesen Filtern.').waitFor();
      await expectAccessible(page, `empty filter result (${width} px)`);
      await screenshot(page, `lists-proposals-${width}`);
      await page.context().close();
    });

    it(`filters deliveries by status and department at ${width} px`, async () => {
      const page = await coordinator(width);
      await page.goto(`${server.baseUrl}/lieferungen`);
      await waitForHeading(page, 'Datenlieferungen');
      const all = page.getByRole('status').filter({ hasText: /Lieferung/ });
      await all.waitFor();
      const total = Number((await all.textContent())?.match(/\d+/)?.[0] ?? 0);
      assert.ok(total >= 4, `the demo has deliveries (${total})`);
      await expectAccessible(page, `deliveries (${width} px)`);

      const list = page.locator('section[aria-labelledby="deliveries-list"]');
      await choose(page, 'Status', 'angefordert');
      await page.waitForURL(/status=REQUESTED/);
      await settled(page, list, { Status: 'angefordert' });
      const rows = page.locator('tbody tr');
      await rows.first().waitFor();
      const badges = await page.locator('tbody tr .badge:not(.badge-overdue)').allTextContents();
      assert.ok(badges.length > 0 && badges.length < total, `${badges.length} of ${total}`);
      assert.ok(badges.every((b) => b === 'angefordert'), badges.join(', '));

      await choose(page, 'Status', 'Alle');
      await choose(page, 'Fachbereich', /^Jobcenter/);
      await page.waitForURL(/abteilung=/);
      await settled(page, list, { Status: 'Alle', Fachbereich: /^Jobcenter/ });
      const owners = await page.locator('tbody tr td:nth-child(3)').allTextContents();
      assert.ok(owners.length > 0 && owners.every((o) => o.startsWith('Jobcenter')), owners.join(', '));
      await page.reload();
      await page.locator('tbody tr').first().waitFor();
      assert.equal(await page.locator('tbody tr').count(), owners.length, 'the department filter survives a reload');
      await expectAccessible(page, `deliveries of a department (${width} px)`);
      await screenshot(page, `lists-deliveries-${width}`);
      await page.context().close();
    });
  }
});
