// Browser tests of the Leitbild views: editions, fields of action, goals, editing with
// history and word diff, the stale-edit conflict, and the printable adopted edition.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiToken,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
  expectAccessible,
  waitForHeading,
} from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
let editionUrl = '';
let goalUrl = '';

const EDITION = 'Leitbild Integration 2030';
const FIELD = 'Sprache und Bildung';
const GOAL = 'Sprachförderung';
const GOAL_TEXT = 'Alle Kinder lernen früh Deutsch.';
const GOAL_TEXT_2 = 'Alle Kinder und Erwachsene lernen Deutsch.';

/** @param {string} path */
const url = (path) => `${server.baseUrl}${path}`;

/** Opens a collapsible form section by its trigger's text. @param {string} name */
async function expand(name) {
  const trigger = page.getByRole('button', { name, exact: true });
  if ((await trigger.getAttribute('aria-expanded')) !== 'true') await trigger.click();
  return page.locator('.create-section').filter({ has: trigger }).locator('form');
}

describe('Leitbild views', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(url('/login'));
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
    await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await waitForHeading(page, 'Meine Aufgaben');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists editions and creates a new one', async () => {
    await page.goto(url('/leitbild'));
    await waitForHeading(page, 'Leitbild');
    await page.getByText('Noch keine Ausgaben.').waitFor();
    await expectAccessible(page, 'edition list');
    const form = await expand('Neue Ausgabe anlegen');
    await form.getByLabel('Titel').fill(EDITION);
    await form.getByLabel('Jahr').fill('2030');
    await form.getByRole('button', { name: 'Ausgabe anlegen' }).click();
    await waitForHeading(page, `${EDITION} (2030)`);
    editionUrl = page.url();
    await page.getByText('Entwurf', { exact: true }).waitFor();
  });

  it('adds a field of action and a goal', async () => {
    let form = await expand('Handlungsfeld hinzufügen');
    await form.getByLabel('Titel des Handlungsfelds').fill(FIELD);
    await form.getByRole('button', { name: 'Handlungsfeld hinzufügen' }).click();
    await page.getByRole('heading', { level: 2, name: `1. ${FIELD}` }).waitFor();
    form = await expand(`Ziel hinzufügen zu „${FIELD}“`);
    await form.getByLabel('Titel des Ziels').fill(GOAL);
    await form.getByLabel('Beschreibung').fill(GOAL_TEXT);
    await form.getByRole('button', { name: 'Ziel hinzufügen' }).click();
    await page.getByRole('link', { name: GOAL }).waitFor();
    await expectAccessible(page, 'edition page');
    await screenshot(page, 'leitbild-edition');
  });

  it('edits the goal and shows the change as a word diff', async () => {
    await page.getByRole('link', { name: GOAL }).click();
    await waitForHeading(page, GOAL);
    goalUrl = page.url();
    const form = await expand('Ziel bearbeiten');
    await form.getByLabel('Beschreibung').fill(GOAL_TEXT_2);
    await form.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    await page.getByRole('heading', { name: 'Änderungen von Fassung 1 zu Fassung 2' }).waitFor();
    const diff = page.locator('.word-diff');
    await diff.locator('ins').first().waitFor();
    const inserted = (await diff.locator('ins').allTextContents()).join(' ');
    const deleted = (await diff.locator('del').allTextContents()).join(' ');
    assert.match(inserted, /eingefügt: .*Erwachsene/);
    assert.match(deleted, /gelöscht: .*früh/);
    // Not by colour alone: insertions are underlined, deletions struck through.
    const styles = await diff.evaluate((el) => ({
      ins: getComputedStyle(/** @type {Element} */ (el.querySelector('ins'))).textDecorationLine,
      del: getComputedStyle(/** @type {Element} */ (el.querySelector('del'))).textDecorationLine,
    }));
    assert.equal(styles.ins, 'underline');
    assert.equal(styles.del, 'line-through');
    await expectAccessible(page, 'goal history');
    await screenshot(page, 'leitbild-goal-diff');
  });

  it('shows the current text when someone else saved meanwhile', async () => {
    const goalId = goalUrl.split('/').pop();
    const token = await apiToken(server.baseUrl);
    await graphql(
      server.baseUrl,
      token,
      'mutation($id:UUID!){updateGoal(input:{goalId:$id,title:"Sprachförderung für alle",description:"Von jemand anderem.",expectedVersion:2}){version}}',
      { id: goalId },
    );
    // The page still holds version 2.
    const form = await expand('Ziel bearbeiten');
    await form.getByLabel('Beschreibung').fill('Mein veralteter Text.');
    await form.getByRole('button', { name: 'Speichern' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'inzwischen von jemand anderem geändert' });
    await alert.waitFor();
    await alert.getByText('Von jemand anderem.').waitFor();
    await alert.getByText('Aktueller Text (Fassung 3)', { exact: false }).waitFor();
    await expectAccessible(page, 'goal conflict');
  });

  it('shows an adopted edition as a printable document', async () => {
    const id = editionUrl.split('/').pop();
    const token = await apiToken(server.baseUrl);
    await graphql(server.baseUrl, token, 'mutation($id:UUID!){adoptLeitbild(leitbildId:$id,resolutionReference:"V/42/2030"){status}}', {
      id,
    });
    await page.goto(editionUrl);
    await waitForHeading(page, `${EDITION} (2030)`);
    await page.getByRole('button', { name: 'Drucken' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Handlungsfeld hinzufügen' }).count(), 0);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.site-header').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Drucken' }).isVisible(), false);
    assert.ok(await page.getByRole('heading', { name: `1. ${FIELD}` }).isVisible());
    await screenshot(page, 'leitbild-print');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'adopted edition at 375 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, 'no horizontal scrolling at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
