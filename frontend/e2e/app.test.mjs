// End-to-end tests of the web app against the real server (SQLite) in Chromium.
// Run with `npm run e2e`; the server binary comes from TEILHABE_BIN (default ../target/debug/teilhabe).
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
  waitForLoaded,
} from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];

const ORG = 'Amt für Statistik und Wahlen';
const CHILD_ORG = 'Abteilung Bevölkerungsstatistik';
const PERSON = 'Dilek Yılmaz-Schröder';
const PERSON_EMAIL = 'dilek.yilmaz@example.org';

/** @param {string} path */
const url = (path) => `${server.baseUrl}${path}`;

/**
 * Picks a React Aria radio or checkbox the way a user does: by clicking its label.
 * @param {import('playwright-core').Locator} scope
 * @param {'radio' | 'checkbox'} role
 * @param {string} name
 */
async function choose(scope, role, name) {
  const control = scope.getByRole(role, { name, exact: true });
  if (await control.isChecked()) return;
  await scope.locator('label').filter({ has: page.getByRole(role, { name, exact: true }) }).click();
  assert.ok(await control.isChecked(), `${name} is checked`);
}

describe('teilhabe web app', { timeout: 300_000 }, () => {
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
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends anonymous visitors to an accessible login page', async () => {
    await page.goto(url('/koordination'));
    await page.waitForURL(/\/login\?next=%2Fkoordination$/);
    await waitForHeading(page, 'Anmelden');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
    await expectAccessible(page, 'login');
    await screenshot(page, 'login');
  });

  it('tells in German when the password is wrong', async () => {
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
    await page.getByLabel('Passwort').fill('falsches-passwort-123');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'E-Mail-Adresse oder Passwort ist falsch.' }).waitFor();
    await expectAccessible(page, 'login with error');
  });

  it('logs in with the keyboard only and returns to the requested page', async () => {
    await page.reload();
    await waitForHeading(page, 'Anmelden');
    // The email field has the focus on arrival; Tab, typing and Enter do the rest.
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        return {
          name: el?.getAttribute('name') ?? null,
          outline: el ? getComputedStyle(el).outlineStyle : 'none',
        };
      });
    let f = await focused();
    for (let i = 0; i < 10 && f.name !== 'email'; i++) {
      await page.keyboard.press('Tab');
      f = await focused();
    }
    assert.equal(f.name, 'email');
    assert.notEqual(f.outline, 'none', 'focus must be visible');
    await page.keyboard.type(ADMIN_EMAIL);
    await page.keyboard.press('Tab');
    assert.equal((await focused()).name, 'password');
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/koordination$/);
    await waitForHeading(page, 'Koordination');
  });

  it('has a skip link to the main content', async () => {
    await page.goto(url('/'));
    await waitForHeading(page, 'Meine Aufgaben');
    await page.keyboard.press('Tab');
    const text = await page.evaluate(() => document.activeElement?.textContent);
    assert.equal(text, 'Zum Inhalt springen');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });

  it('renders every view without serious accessibility violations, also at 375 px', async () => {
    /** @type {[string, string, string][]} */
    const views = [
      ['/', 'Meine Aufgaben', 'tasks'],
      ['/leitbild', 'Leitbild', 'leitbild'],
      ['/prozesse', 'Beteiligungsprozesse', 'processes'],
      ['/glossar', 'Glossar', 'glossary'],
      ['/indikatoren', 'Indikatoren', 'indicators'],
      ['/koordination?tab=organisationen', 'Koordination', 'coordination-organizations'],
      ['/koordination?tab=personen', 'Koordination', 'coordination-users'],
      ['/koordination?tab=protokoll', 'Koordination', 'coordination-audit'],
    ];
    for (const width of [1280, 375]) {
      await page.setViewportSize({ width, height: width === 375 ? 740 : 900 });
      for (const [path, title, name] of views) {
        await page.goto(url(path));
        await waitForHeading(page, title);
        await page.waitForLoadState('networkidle');
        // The heading comes before the data: check the page as it ends up, not its loading notice.
        await waitForLoaded(page);
        await expectAccessible(page, `${path} at ${width}px`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${path} scrolls sideways at ${width}px (${overflow}px)`);
        await screenshot(page, `${name}-${width}`);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('creates an organisation and a sub-organisation', async () => {
    await page.goto(url('/koordination?tab=organisationen'));
    await waitForHeading(page, 'Koordination');
    const trigger = page.getByRole('button', { name: 'Neue Organisation' });
    assert.equal(await trigger.getAttribute('aria-expanded'), 'false');
    await trigger.click();
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Organisation anlegen' }) });
    await form.getByLabel('Name').fill(ORG);
    await choose(form, 'radio', 'Verwaltung');
    await form.getByRole('button', { name: 'Organisation anlegen' }).click();
    await page.getByRole('status').filter({ hasText: `Die Organisation „${ORG}“ wurde angelegt.` }).waitFor();
    await page.getByRole('rowheader', { name: ORG }).waitFor();

    await form.getByLabel('Name').fill(CHILD_ORG);
    await choose(form, 'radio', 'Wissenschaft');
    await form.getByRole('button', { name: /Übergeordnete Organisation/ }).click();
    await page.getByRole('option', { name: ORG }).click();
    await form.getByRole('button', { name: 'Organisation anlegen' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: CHILD_ORG }) });
    await row.waitFor();
    assert.match(await row.innerText(), /Wissenschaft/);
    assert.match(await row.innerText(), new RegExp(ORG));
  });

  it('shows a duplicate organisation name at the name field', async () => {
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Organisation anlegen' }) });
    await form.getByLabel('Name').fill(ORG);
    await form.getByRole('button', { name: 'Organisation anlegen' }).click();
    await form.getByText('Eine Organisation mit diesem Namen gibt es bereits.').waitFor();
    assert.equal(await form.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    await expectAccessible(page, 'organisation form with error');
  });

  it('creates a person, with the server’s field message first', async () => {
    await page.getByRole('tab', { name: 'Personen' }).click();
    await page.getByRole('button', { name: 'Neue Person' }).click();
    const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Person anlegen' }) });
    await form.getByLabel('Name').fill(PERSON);
    await form.getByLabel('E-Mail-Adresse').fill(PERSON_EMAIL);
    await form.getByLabel('Vorläufiges Passwort').fill('zu-kurz');
    await choose(form, 'radio', 'Koordination');
    await choose(form, 'checkbox', ORG);
    await form.getByRole('button', { name: 'Person anlegen' }).click();
    await form.getByText('Mindestens 12 Zeichen.', { exact: true }).waitFor();
    assert.equal(await form.getByLabel('Vorläufiges Passwort').getAttribute('aria-invalid'), 'true');
    await expectAccessible(page, 'person form with error');

    await form.getByLabel('Vorläufiges Passwort').fill('ein-langes-Passwort-42');
    await form.getByRole('button', { name: 'Person anlegen' }).click();
    await page.getByRole('status').filter({ hasText: `${PERSON} wurde angelegt.` }).waitFor();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: PERSON }) });
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(PERSON_EMAIL));
    assert.match(text, /Koordination/);
    assert.match(text, new RegExp(ORG));
    await screenshot(page, 'coordination-users-filled');
  });

  it('edits, deactivates, reactivates and erases a person', async () => {
    const renamed = `${PERSON} (Statistik)`;
    await page.getByRole('button', { name: `${PERSON} bearbeiten` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await expectAccessible(page, 'edit dialog');
    await dialog.getByLabel('Name').fill(renamed);
    await dialog.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('status').filter({ hasText: `Die Angaben zu ${renamed} wurden gespeichert.` }).waitFor();

    await page.getByRole('button', { name: `${renamed} deaktivieren` }).click();
    const confirm = page.getByRole('alertdialog');
    await confirm.waitFor();
    await expectAccessible(page, 'confirm dialog');
    await confirm.getByRole('button', { name: 'Deaktivieren' }).click();
    await page.getByRole('status').filter({ hasText: `${renamed} wurde deaktiviert.` }).waitFor();
    const row = page.getByRole('row').filter({ hasText: PERSON_EMAIL });
    await row.getByRole('cell', { name: 'deaktiviert', exact: true }).waitFor();

    await page.getByRole('button', { name: `${renamed} reaktivieren` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Reaktivieren' }).click();
    await page.getByRole('status').filter({ hasText: `${renamed} wurde wieder aktiviert.` }).waitFor();

    await page.getByRole('button', { name: `${renamed} löschen` }).click();
    const erase = page.getByRole('alertdialog');
    await erase.getByText('unwiderruflich').waitFor();
    // Cancelling keeps the person.
    await erase.getByRole('button', { name: 'Abbrechen' }).click();
    await erase.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: `${renamed} löschen` }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Endgültig löschen' }).click();
    await page.getByRole('status').filter({ hasText: `${renamed} wurde gelöscht.` }).waitFor();
    await page.getByRole('row').filter({ hasText: PERSON_EMAIL }).waitFor({ state: 'detached' });
  });

  it('shows the changes in the audit log, page by page', async () => {
    await page.getByRole('tab', { name: 'Protokoll' }).click();
    const table = page.getByRole('region', { name: 'Protokoll' });
    await table.getByRole('cell', { name: `Organisation „${ORG}“`, exact: false }).first().waitFor();
    const when = await table.locator('tbody tr').first().locator('td').first().innerText();
    assert.match(when, /^\d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}$/);
    assert.ok((await table.getByRole('cell', { name: 'Organisation angelegt' }).count()) >= 2);

    // Thirty more events push the first ones onto a second page.
    const token = await apiToken(server.baseUrl);
    for (let i = 1; i <= 30; i++) {
      await graphql(server.baseUrl, token, 'mutation($n:String!){createOrganization(input:{name:$n,sector:CIVIL_SOCIETY}){id}}', {
        n: `Verein ${String(i).padStart(2, '0')}`,
      });
    }
    await page.reload();
    await waitForHeading(page, 'Koordination');
    const rows = table.locator('tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 25);
    await page.getByRole('button', { name: 'Mehr laden' }).click();
    await table.getByRole('cell', { name: `Organisation „${ORG}“`, exact: false }).first().waitFor();
    assert.ok((await rows.count()) > 25);
    await expectAccessible(page, 'audit log');
    await screenshot(page, 'coordination-audit-filled');

    // The history of one organisation.
    await page.getByRole('tab', { name: 'Organisationen' }).click();
    await screenshot(page, 'coordination-organizations-filled');
    await page.getByRole('link', { name: `Verlauf von ${ORG}` }).click();
    await page.getByText('Es werden nur die Einträge zu einer Organisation oder Person gezeigt.').waitFor();
    await table.getByRole('cell', { name: `Organisation „${ORG}“`, exact: false }).waitFor();
    assert.equal(await rows.count(), 1);
    await expectAccessible(page, 'filtered audit log');
    await page.getByRole('link', { name: 'Alle Einträge zeigen' }).click();
    await page.getByRole('button', { name: 'Mehr laden' }).waitFor();
  });

  it('switches to English and back', async () => {
    // A single-selection toggle button group is a radio group to assistive technology.
    await page.getByRole('radio', { name: 'English' }).click();
    await waitForHeading(page, 'Coordination');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('link', { name: 'My tasks' }).waitFor();
    await page.getByRole('radio', { name: 'Deutsch' }).click();
    await waitForHeading(page, 'Koordination');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  });

  it('logs out', async () => {
    await page.getByRole('button', { name: 'Abmelden' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(url('/'));
    await page.waitForURL(/\/login/);
    await waitForHeading(page, 'Anmelden');
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
