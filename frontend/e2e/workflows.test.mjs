// Browser tests of the remaining workflows of issue 6 on the demo content (`teilhabe demo`):
// a member edits her comment and sees its history, withdraws a review, relates and unrelates
// terms, chooses the daily digest and renews her calendar feed; a coordinator records an
// Abwägung (with the server's validation message at the field), reorders fields of action with
// the keyboard, adopts an edition, deprecates a term, sets the agreement rule, and sees the term
// warning of an indicator (from Indicator.terms, without loading the whole glossary).
// axe on every new view and dialog, keyboard use, and the 375 px layout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEMO_PASSWORD,
  expectAccessible,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
  waitForHeading,
  waitUntil,
} from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {string[]} */
const consoleErrors = [];

const MEMBER = 'caritas@demo.teilhabe.example';
const COORDINATOR = 'koordination@demo.teilhabe.example';
const PROCESS = 'Fortschreibung des Leitbilds 2028 (Beispiel)';
const DRAFT = 'Leitbild Migration und Integration 2028 (Beispiel)';

/** @param {string} email */
async function token(email) {
  const data = /** @type {{ login: { token: string } }} */ (
    await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
      e: email,
      p: DEMO_PASSWORD,
    })
  );
  return data.login.token;
}

/**
 * @param {string} email
 * @param {{ width: number, height: number }} [viewport]
 */
async function loginPage(email, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ locale: 'de-DE', viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.goto(`${server.baseUrl}/`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  return page;
}

/**
 * Fails when the page is wider than the window (content cut off or scrolling sideways on phones).
 * Tables scroll inside their own region, which is allowed.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
async function expectNoSidewaysScroll(page, label) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  assert.ok(scroll <= width + 1, `${label} is ${scroll}px wide in a ${width}px window`);
}

/**
 * Opens the page, taking the client-side route when possible.
 * @param {import('playwright-core').Page} page
 * @param {string} path
 */
async function open(page, path) {
  await page.goto(`${server.baseUrl}${path}`);
}

/**
 * @param {string} query
 * @param {Record<string, unknown>} vars
 * @param {string} tok
 * @returns {Promise<unknown>}
 */
const api = (query, vars, tok) => graphql(server.baseUrl, tok, query, vars);

describe('workflows of coordinators and members', { timeout: 400_000 }, () => {
  /** @type {string} */ let processId = '';
  /** @type {string} */ let draftId = '';
  /** @type {string} */ let coordToken = '';
  /** @type {Record<string, string>} */ const termIds = {};
  /** @type {Record<string, string>} */ const indicatorIds = {};

  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    coordToken = await token(COORDINATOR);
    const data = /** @type {{ leitbilder: { id: string, title: string, process: { id: string, title: string } | null }[], terms: { id: string, label: string }[], indicators: { id: string, code: string }[] }} */ (
      await api('{leitbilder{id title process{id title}} terms(first:500){id label} indicators{id code}}', {}, coordToken)
    );
    for (const lb of data.leitbilder) {
      if (lb.process?.title === PROCESS) processId = lb.process.id;
      if (lb.title === DRAFT) draftId = lb.id;
    }
    for (const t of data.terms) termIds[t.label] = t.id;
    for (const i of data.indicators) indicatorIds[i.code] = i.id;
    assert.ok(processId && draftId, 'the demo has its process and draft');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a member chooses the daily digest and renews her calendar feed on the settings page', async () => {
    const page = await loginPage(MEMBER);
    await page.getByRole('link', { name: 'Einstellungen' }).click();
    await waitForHeading(page, 'Einstellungen');
    await page.getByText('Maria Nowak (Beispiel)').first().waitFor();
    await expectAccessible(page, 'settings');

    // Keyboard only: focus the radio group, pick the digest with the arrow key, submit.
    await page.getByRole('radio', { name: 'Einzelne E-Mails, sobald etwas ansteht' }).focus();
    await page.keyboard.press('ArrowDown');
    assert.ok(await page.getByRole('radio', { name: 'Eine tägliche Zusammenfassung' }).isChecked());
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByText('Gespeichert: Sie erhalten eine tägliche Zusammenfassung.').waitFor();
    const mine = await token(MEMBER);
    const settings = /** @type {{ myNotificationSettings: { digest: boolean } }} */ (
      await api('{myNotificationSettings{digest calendarUrl}}', {}, mine)
    );
    assert.equal(settings.myNotificationSettings.digest, true);

    // The feed link works, and a new address replaces it.
    const link = page.getByRole('link', { name: 'Kalender-Feed (iCalendar) öffnen' });
    const href = (await link.getAttribute('href')) ?? '';
    assert.match(href, /\/calendar\/.+\.ics$/);
    // The address is built from the configured public URL; the test server runs elsewhere.
    const feedUrl = (/** @type {string} */ h) => new URL(new URL(h, server.baseUrl).pathname, server.baseUrl);
    const feed = await fetch(feedUrl(href));
    assert.equal(feed.status, 200);
    assert.match(await feed.text(), /BEGIN:VCALENDAR/);
    await page.getByRole('button', { name: 'Neue Kalenderadresse erzeugen' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await expectAccessible(page, 'rotate calendar dialog');
    await dialog.getByRole('button', { name: 'Neue Adresse erzeugen' }).click();
    await page.getByText('Eine neue Adresse wurde erzeugt; die alte funktioniert nicht mehr.').waitFor();
    assert.notEqual(await link.getAttribute('href'), href);
    assert.ok((await fetch(feedUrl(href))).status >= 400, 'the old feed address stops working');
    await screenshot(page, 'settings');

    // English is loaded on demand, also when the stored choice is English on the next visit.
    await page.getByRole('radio', { name: 'English' }).click();
    await waitForHeading(page, 'Settings');
    await page.reload();
    await waitForHeading(page, 'Settings');
    await page.getByRole('radio', { name: 'One daily digest' }).waitFor({ state: 'attached' });
    await expectAccessible(page, 'settings in English');
    await page.getByRole('radio', { name: 'Deutsch' }).click();
    await waitForHeading(page, 'Einstellungen');

    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoSidewaysScroll(page, 'settings at 375 px');
    await page.context().close();
  });

  it('a member edits her comment and sees its history; withdraws a review; relates terms', async () => {
    const page = await loginPage(MEMBER);
    await open(page, `/prozesse/${processId}`);
    await waitForHeading(page, PROCESS);
    const card = page
      .locator('article.card')
      .filter({ has: page.getByRole('heading', { level: 3, name: 'Elternarbeit ist mehrsprachig' }) });
    await card.getByRole('button', { name: 'Kommentieren', exact: true }).click();
    await card.getByLabel('Ihr Kommentar').fill('Mehrsprachige Elternabende gibt es schon in drei Stadtteilen.');
    await card.getByRole('button', { name: 'Kommentar senden' }).click();
    const comment = card.locator('article.comment').filter({ hasText: 'Mehrsprachige Elternabende' });
    await comment.waitFor();

    await comment.getByRole('button', { name: 'Kommentar bearbeiten' }).click();
    const body = comment.getByLabel('Neuer Text');
    await body.fill('');
    await comment.getByRole('button', { name: 'Änderung speichern' }).click();
    // The server refuses an empty text; the message is German and sits at the field.
    await comment.getByText('Bitte ausfüllen.').waitFor();
    await body.fill('Mehrsprachige Elternabende gibt es schon in vier Stadtteilen.');
    await comment.getByRole('button', { name: 'Änderung speichern' }).click();
    await comment.getByText('vier Stadtteilen').first().waitFor();
    await comment.getByText(/bearbeitet am/).waitFor();
    await comment.getByRole('button', { name: 'Versionsverlauf (2 Versionen)' }).click();
    await comment.getByText('Mehrsprachige Elternabende gibt es schon in drei Stadtteilen.').waitFor();
    await expectAccessible(page, 'comment with edit history');
    await screenshot(page, 'comment-history');

    // The disposition table is readable for participants, without the coordinators' buttons.
    await page.getByRole('heading', { level: 2, name: 'Abwägungstabelle' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Abwägung festlegen/ }).count(), 0);

    // Withdraw my objection to the second definition of "Einbürgerungsquote".
    await open(page, `/glossar/${termIds['Einbürgerungsquote']}`);
    await waitForHeading(page, 'Einbürgerungsquote');
    const withdraw = page.getByRole('button', { name: 'Meine Prüfung zurückziehen' });
    assert.equal(await withdraw.count(), 1, 'one of the definitions has my review');
    await withdraw.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Ihre Prüfung wurde zurückgezogen.').waitFor();
    await page.getByRole('button', { name: 'Meine Prüfung zurückziehen' }).waitFor({ state: 'detached' });
    const reviews = /** @type {{ term: { definitions: { reviews: { reviewer: { name: string } | null }[] }[] } }} */ (
      await api(
        'query($id:UUID!){term(id:$id){definitions{reviews{reviewer{name}}}}}',
        { id: termIds['Einbürgerungsquote'] },
        coordToken,
      )
    );
    const reviewers = reviews.term.definitions.flatMap((d) => d.reviews.map((r) => r.reviewer?.name));
    assert.ok(!reviewers.includes('Maria Nowak (Beispiel)'));

    // Relate "Einwanderungsgeschichte" to "Migrationshintergrund", then remove the relation.
    await open(page, `/glossar/${termIds['Einwanderungsgeschichte']}`);
    await waitForHeading(page, 'Einwanderungsgeschichte');
    await page.getByRole('button', { name: 'Beziehungen bearbeiten' }).click();
    await page.getByText('Dieser Begriff steht noch mit keinem anderen in Beziehung.').waitFor();
    await page.locator('label').filter({ hasText: 'Verwandter Begriff' }).click();
    await page.getByRole('button', { name: /Anderer Begriff/ }).click();
    await page.getByRole('option', { name: 'Migrationshintergrund' }).click();
    await expectAccessible(page, 'relations editor');
    await page.getByRole('button', { name: 'Beziehung anlegen' }).click();
    await page.getByText('Die Beziehung wurde angelegt.').waitFor();
    await page.locator('dl.facts').getByRole('link', { name: 'Migrationshintergrund' }).waitFor();
    const remove = page.getByRole('button', { name: 'Beziehung zu „Migrationshintergrund“ entfernen' });
    await remove.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Die Beziehung zu „Migrationshintergrund“ wurde entfernt.').waitFor();
    await page.locator('dl.facts').getByRole('link', { name: 'Migrationshintergrund' }).waitFor({ state: 'detached' });
    await page.context().close();
  });

  it('a coordinator records an Abwägung in a dialog, with the server message at the field', async () => {
    const page = await loginPage(COORDINATOR);
    await open(page, `/prozesse/${processId}`);
    await waitForHeading(page, PROCESS);
    const trigger = page.getByRole('button', { name: 'Abwägung festlegen für Vorschlag: Digitale Teilhabe' });
    await trigger.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Abwägung' }).waitFor();
    await expectAccessible(page, 'disposition dialog');
    // Escape closes it and gives focus back to the button.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await trigger.evaluate((el) => el === document.activeElement), true);

    await trigger.click();
    await dialog.locator('label').filter({ hasText: 'Teilweise übernommen' }).click();
    assert.ok(await dialog.getByRole('radio', { name: 'Teilweise übernommen' }).isChecked());
    await dialog.getByRole('button', { name: 'Abwägung speichern' }).click();
    await dialog.getByText('Bitte begründen Sie die Entscheidung.').waitFor();
    await dialog.getByText('Bitte prüfen Sie die markierten Felder.').waitFor();
    await expectAccessible(page, 'disposition dialog with error');
    await dialog.getByLabel('Begründung').fill('Digitale Teilhabe wird als Ziel im Handlungsfeld Bildung aufgenommen.');
    await dialog.getByLabel('Verweis auf die Änderung').fill('https://example.org/leitbild-2028#digital');
    await dialog.getByRole('button', { name: 'Abwägung speichern' }).click();
    await dialog.waitFor({ state: 'detached' });
    const row = page.locator('tr').filter({ hasText: 'Digitale Teilhabe' });
    await row.getByText('Teilweise übernommen').waitFor();
    await row.getByRole('link', { name: 'Zur Änderung' }).waitFor();
    await row.getByRole('button', { name: 'Abwägung ändern für Vorschlag: Digitale Teilhabe' }).waitFor();
    const table = /** @type {{ dispositions: { text: string, disposition: { decision: string, link: string | null } | null }[] }} */ (
      await api('query($p:UUID!){dispositions(processId:$p){text disposition{decision link}}}', { p: processId }, coordToken)
    );
    const saved = table.dispositions.find((r) => r.text === 'Digitale Teilhabe');
    assert.deepEqual(saved?.disposition, { decision: 'PARTLY_TAKEN_UP', link: 'https://example.org/leitbild-2028#digital' });
    assert.match(
      (await page.getByRole('link', { name: 'Als Excel-Datei herunterladen' }).getAttribute('href')) ?? '',
      /\/api\/processes\/.+\/dispositions\.xlsx$/,
    );
    const xlsx = await page.evaluate(
      async (href) => {
        const r = await fetch(href);
        return [r.status, r.headers.get('content-type')];
      },
      `/api/processes/${processId}/dispositions.xlsx`,
    );
    assert.equal(xlsx[0], 200);
    await expectAccessible(page, 'process with dispositions');
    await screenshot(page, 'dispositions');

    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoSidewaysScroll(page, 'process page at 375 px');
    await page.context().close();
  });

  it('a coordinator reorders fields of action with the keyboard', async () => {
    const page = await loginPage(COORDINATOR);
    await open(page, `/leitbild/${draftId}`);
    await waitForHeading(page, `${DRAFT} (2028)`);
    const firstField = () => page.getByRole('heading', { level: 2 }).filter({ hasText: /^1\. / }).first().textContent();
    assert.equal(await firstField(), '1. Rechtliche Beratung und Integrationsbegleitung');
    const up = page.getByRole('button', { name: 'Handlungsfeld „Bildung und Sprache“ nach oben' });
    await up.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: '„Bildung und Sprache“ steht jetzt an Position 1.' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '1. Bildung und Sprache' }).waitFor();
    // The moved field's button keeps the focus ("up" is disabled at the top, so "down" has it).
    // The focus moves in an effect after the new order is drawn: read it until it has.
    await waitUntil(
      () => page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      (label) => label === 'Handlungsfeld „Bildung und Sprache“ nach unten',
      'the focus on the moved field’s "down" button',
    );
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: '2. Bildung und Sprache' }).waitFor();
    await page.getByRole('heading', { level: 2, name: '1. Rechtliche Beratung und Integrationsbegleitung' }).waitFor();
    const order = /** @type {{ leitbild: { fieldsOfAction: { title: string }[] } }} */ (
      await api('query($id:UUID!){leitbild(id:$id){fieldsOfAction{title}}}', { id: draftId }, coordToken)
    );
    assert.equal(order.leitbild.fieldsOfAction[1]?.title, 'Bildung und Sprache');
    await expectAccessible(page, 'draft with move buttons');
    // A draft under a running process is adopted by the process, not by hand.
    assert.equal(await page.getByRole('button', { name: 'Ausgabe beschließen' }).count(), 0);
    await page.setViewportSize({ width: 375, height: 800 });
    await expectNoSidewaysScroll(page, 'draft at 375 px');
    await screenshot(page, 'reorder-375');
    await page.context().close();
  });

  it('an indicator shows its terms with status and warns when one is not agreed', async () => {
    const page = await loginPage(COORDINATOR);
    /** @type {string[]} */
    const operations = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/graphql')) operations.push(r.postData() ?? '');
    });
    await open(page, `/indikatoren/${indicatorIds['FB-1']}`);
    await page.getByRole('heading', { level: 1, name: /^FB-1/ }).waitFor();
    const note = page.getByRole('note').filter({ hasText: 'noch nicht vereinbart' });
    await note.getByText('Migrationshintergrund, Einwanderungsgeschichte').waitFor();
    await page.getByRole('link', { name: 'Einwanderungsgeschichte' }).waitFor();
    assert.ok(operations.some((o) => o.includes('IndicatorDetail')));
    assert.ok(!operations.some((o) => o.includes('IndicatorTerms')), 'the page does not load the whole glossary');
    await expectAccessible(page, 'indicator with unagreed terms');

    await open(page, `/indikatoren/${indicatorIds['AW-1']}`);
    await page.getByRole('heading', { level: 1, name: /^AW-1/ }).waitFor();
    await page.getByText('(Vereinbart)').waitFor();
    assert.equal(await page.getByRole('note').filter({ hasText: 'noch nicht vereinbart' }).count(), 0);

    await open(page, '/indikatoren');
    await page.getByRole('link', { name: /^Anteil der Kinder aus Familien/ }).waitFor();
    const row = page.locator('tr').filter({ hasText: 'FB-1' });
    await row.getByText('Begriff nicht vereinbart').waitFor();
    assert.equal(await page.locator('tr').filter({ hasText: 'AW-1' }).getByText('Begriff nicht vereinbart').count(), 0);
    await page.context().close();
  });

  it('a coordinator deprecates a term and sets the agreement rule', async () => {
    const page = await loginPage(COORDINATOR);
    await open(page, `/glossar/${termIds['Neuzugewanderte']}`);
    await waitForHeading(page, 'Neuzugewanderte');
    await page.getByRole('button', { name: 'Als veraltet markieren' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    await expectAccessible(page, 'deprecate dialog');
    // Pick the replacement with the keyboard.
    await dialog.getByRole('button', { name: /Ersetzt durch/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('option', { name: 'Geflüchtete' }).waitFor();
    await page.keyboard.type('Gef');
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: /Geflüchtete/ }).waitFor();
    await dialog.getByRole('button', { name: 'Als veraltet markieren' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.lead').getByText('Veraltet').waitFor();
    await page.locator('dl.facts').getByRole('link', { name: 'Geflüchtete' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Als veraltet markieren' }).count(), 0);

    await open(page, '/glossar');
    await waitForHeading(page, 'Glossar');
    const rule = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Regel für vereinbarte Definitionen' }) });
    await rule.getByText(/mindestens 1 Zustimmung hat/).waitFor();
    const count = rule.getByLabel('Zustimmungen je Bereich');
    await count.fill('0');
    await rule.getByRole('button', { name: 'Regel speichern' }).click();
    await rule.getByText('Bitte eine Zahl zwischen 1 und 20 angeben.').waitFor();
    await expectAccessible(page, 'agreement rule with error');
    await count.fill('2');
    await rule.locator('label').filter({ hasText: 'Politik' }).click();
    await rule.getByRole('button', { name: 'Regel speichern' }).click();
    await rule.getByText('Die Regel wurde gespeichert.').waitFor();
    await rule.getByText(/mindestens 2 Zustimmungen/).waitFor();
    const g = /** @type {{ glossary: { agreementRule: { requiredSectors: string[], minApprovalsPerSector: number } } }} */ (
      await api('{glossary{agreementRule{requiredSectors minApprovalsPerSector}}}', {}, coordToken)
    );
    assert.equal(g.glossary.agreementRule.minApprovalsPerSector, 2);
    assert.ok(g.glossary.agreementRule.requiredSectors.includes('POLITICS'));
    await screenshot(page, 'glossary-rule');
    await page.context().close();
  });

  it('a coordinator adopts a draft edition after confirming, with the server message naming the field', async () => {
    const created = /** @type {{ createLeitbild: { id: string } }} */ (
      await api(
        'mutation($i:CreateLeitbildInput!){createLeitbild(input:$i){id}}',
        { i: { title: 'Leitbild Testausgabe', year: 2031 } },
        coordToken,
      )
    );
    const id = created.createLeitbild.id;
    const page = await loginPage(COORDINATOR);
    await open(page, `/leitbild/${id}`);
    await waitForHeading(page, 'Leitbild Testausgabe (2031)');
    await page.getByRole('button', { name: 'Ausgabe beschließen' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('heading', { name: 'Ausgabe beschließen?' }).waitFor();
    await expectAccessible(page, 'adopt dialog');
    const reference = dialog.getByLabel('Beschluss (z. B. Drucksachennummer)');
    await reference.fill('V'.repeat(301));
    await dialog.getByRole('button', { name: 'Beschließen' }).click();
    await dialog.getByText('Beschluss (Drucksachennummer): Höchstens 300 Zeichen.').waitFor();
    await reference.fill('V/42/2031');
    await dialog.getByRole('button', { name: 'Beschließen' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText(/^Beschlossen am \d\d\.\d\d\.\d{4}$/).waitFor();
    await page.getByText(/V\/42\/2031/).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Ausgabe beschließen' }).count(), 0);
    const lb = /** @type {{ leitbild: unknown }} */ (
      await api('query($id:UUID!){leitbild(id:$id){status resolutionReference}}', { id }, coordToken)
    );
    assert.deepEqual(lb.leitbild, { status: 'ADOPTED', resolutionReference: 'V/42/2031' });
    await page.context().close();
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
