// Glossary in the browser: propose a term, review it from another sector, see the agreement state.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiToken, expectAccessible, graphql, launchBrowser, screenshot, startServer } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
const PASSWORD = 'Glossar-Test-Passwort-2026';
const AUTHOR = { email: 'autorin@example.org', name: 'Aylin Autorin' };
const REVIEWER = { email: 'pruefer@example.org', name: 'Jörg Prüfer' };
const SCIENTIST = { email: 'forscherin@example.org', name: 'Wiebke Forscherin' };
const TERM = 'Migrationshintergrund';
/** @type {string[]} */
const consoleErrors = [];

/** Logs in through the login form in a fresh browser context. */
async function loginPage(/** @type {{ email: string }} */ who, path = '/', password = PASSWORD) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await page.goto(`${server.baseUrl}${path}`);
  await page.getByLabel('E-Mail-Adresse').fill(who.email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  return page;
}

describe('glossary', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const token = await apiToken(server.baseUrl);
    const org = async (/** @type {string} */ name, /** @type {string} */ sector) =>
      /** @type {{ createOrganization: { id: string } }} */ (
        await graphql(server.baseUrl, token, 'mutation($i:CreateOrganizationInput!){createOrganization(input:$i){id}}', {
          i: { name, sector },
        })
      ).createOrganization.id;
    const adm = await org('Amt für Integration', 'ADMINISTRATION');
    const civ = await org('Integrationsrat', 'CIVIL_SOCIETY');
    const sci = await org('Hochschule für Sozialforschung', 'SCIENCE');
    for (const [who, orgId] of /** @type {const} */ ([
      [AUTHOR, adm],
      [REVIEWER, civ],
      [SCIENTIST, sci],
    ])) {
      await graphql(server.baseUrl, token, 'mutation($i:CreateUserInput!){createUser(input:$i){id}}', {
        i: { ...who, password: PASSWORD, role: 'MEMBER', organizationIds: [orgId] },
      });
    }
    await graphql(
      server.baseUrl,
      token,
      'mutation{setAgreementRule(requiredSectors:[CIVIL_SOCIETY, SCIENCE], minApprovalsPerSector:1){id}}',
    );
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lets a member propose a term with a first definition', async () => {
    const page = await loginPage(AUTHOR, '/glossar');
    await page.getByRole('heading', { level: 1, name: 'Glossar' }).waitFor();
    await expectAccessible(page, 'glossary list');
    await page.getByRole('button', { name: 'Begriff vorschlagen' }).click();
    await page.getByRole('textbox', { name: 'Begriff', exact: true }).fill(TERM);
    await page.getByLabel('Synonyme').fill('MHG');
    await page
      .getByLabel('Erste Definition (optional)')
      .fill('Eine Person hat einen Migrationshintergrund, wenn sie oder ein Elternteil nicht durch Geburt deutsch ist.');
    await page.getByLabel('Quelle: Herausgeber').fill('Statistisches Bundesamt');
    await page.getByRole('button', { name: 'Begriff vorschlagen' }).last().click();
    await page.getByRole('status').filter({ hasText: `„${TERM}“ wurde vorgeschlagen` }).waitFor();
    await page.getByRole('link', { name: TERM }).waitFor();
    await page.getByRole('link', { name: 'Zum Begriff' }).click();
    await page.getByRole('heading', { level: 1, name: TERM }).waitFor();
    // The author may not approve their own text, and is told why.
    const approve = page.getByRole('button', { name: 'Zustimmen' });
    assert.equal(await approve.isDisabled(), true);
    await page.getByText('Sie haben die aktuelle Fassung verfasst').waitFor();
    await expectAccessible(page, 'term page (author)');
    await screenshot(page, 'glossary-term-author');
    await page.context().close();
  });

  it('lets another sector find the term (umlaut-tolerant) and approve it', async () => {
    const page = await loginPage(REVIEWER, '/glossar');
    await page.getByLabel('Suche nach Begriff oder Synonym').fill('mhg');
    await page.getByRole('button', { name: 'Suchen' }).click();
    await page.getByRole('status').filter({ hasText: '1 Begriff gefunden.' }).waitFor();
    await page.getByRole('link', { name: TERM }).click();
    await page.getByRole('heading', { level: 1, name: TERM }).waitFor();
    // An objection needs a reason.
    await page.getByRole('button', { name: 'Einwand erheben' }).click();
    // The field is marked once the answer is in; waiting for the mark, not reading it at once,
    // keeps this from racing the request on a loaded machine.
    await page.getByLabel('Begründung des Einwands').and(page.locator('[aria-invalid="true"]')).waitFor();
    await page.getByRole('button', { name: 'Zustimmen' }).click();
    await page.getByRole('status').filter({ hasText: 'Ihre Zustimmung wurde gespeichert.' }).waitFor();
    await page.getByText('Zugestimmt haben: Zivilgesellschaft').waitFor();
    await page.getByText('Es fehlen Zustimmungen aus: Wissenschaft').waitFor();
    await page.getByText('Noch keine Einigung.').waitFor();
    await expectAccessible(page, 'term page (reviewer)');

    // The science sector approves too (through the API); the term is then agreed.
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: SCIENTIST.email,
        p: PASSWORD,
      })
    );
    const id = page.url().split('/').pop();
    const term = /** @type {{ term: { definitions: { id: string }[] } }} */ (
      await graphql(server.baseUrl, login.login.token, 'query($id:UUID!){term(id:$id){definitions{id}}}', { id })
    );
    await graphql(
      server.baseUrl,
      login.login.token,
      'mutation($d:UUID!){reviewDefinition(definitionId:$d,decision:APPROVE){id}}',
      { d: term.term.definitions[0]?.id },
    );
    await page.reload();
    await page.getByText('Einigung erreicht.').waitFor();
    await page.locator('.lead .badge').filter({ hasText: 'Vereinbart' }).waitFor();
    await screenshot(page, 'glossary-term-agreed');
    await page.context().close();
  });

  it('shows the version history as a word diff after an edit', async () => {
    const page = await loginPage(REVIEWER, '/glossar?status=AGREED');
    await page.getByRole('link', { name: TERM }).click();
    await page.getByRole('button', { name: 'Definition bearbeiten' }).click();
    const text = page.getByLabel('Text der Definition').first();
    await text.fill('Eine Person hat einen Migrationshintergrund, wenn sie oder ein Elternteil nicht durch Geburt deutsch ist, auch in dritter Generation.');
    await page.getByRole('button', { name: 'Änderung speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Die Änderung wurde gespeichert.' }).waitFor();
    await page.getByRole('button', { name: /Versionsgeschichte/ }).click();
    await page.getByRole('button', { name: 'Fassung 1 mit der aktuellen vergleichen' }).click();
    await page.locator('.word-diff ins').first().waitFor();
    assert.match((await page.locator('.word-diff ins').allTextContents()).join(' '), /dritter Generation/);
    await expectAccessible(page, 'term page with diff');
    await page.getByRole('button', { name: 'Zuordnung hinzufügen' }).click();
    await page.getByRole('textbox', { name: /Adresse \(URI\)/ }).fill('https://example.org/vokabular/migrationshintergrund');
    await page.getByRole('textbox', { name: 'Wie weit sind Zahlen vergleichbar?' }).fill('gleiche Abgrenzung');
    await page.getByRole('button', { name: 'Zuordnung speichern' }).click();
    await page.getByRole('status').filter({ hasText: 'Die Zuordnung wurde gespeichert.' }).waitFor();
    await page.getByText('entspricht weitgehend: https://example.org/vokabular/migrationshintergrund – gleiche Abgrenzung').waitFor();
    await screenshot(page, 'glossary-diff');
    await page.context().close();
  });

  it('lets a coordinator import CSV after a dry run', async () => {
    const page = await loginPage({ email: ADMIN_EMAIL }, '/glossar', ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Glossar importieren' }).click();
    await page.locator('label').filter({ hasText: /^CSV$/ }).click();
    await page.getByRole('textbox', { name: 'Inhalt' }).fill('label,synonyms\nAusländerin,Ausländer|Nichtdeutsche\n');
    await page.getByRole('button', { name: 'Probelauf' }).click();
    await page.getByText('Probelauf – noch nichts geändert:').waitFor();
    await page.getByText('1 neu, 0 geändert').waitFor();
    await expectAccessible(page, 'import dry run');
    await page.getByRole('button', { name: 'Import übernehmen' }).click();
    await page.getByText('Import übernommen:').waitFor();
    await page.getByLabel('Suche nach Begriff oder Synonym').fill('Auslaender');
    await page.getByRole('button', { name: 'Suchen' }).click();
    // The full list, which has the new term too, stays on screen (busy) while the search loads.
    const terms = page.locator('section[aria-labelledby="glossary-terms"]');
    await terms
      .filter({ has: page.getByRole('status').filter({ hasText: '1 Begriff gefunden.' }) })
      .filter({ has: page.locator('ul[aria-busy="false"]').getByRole('link', { name: 'Ausländerin' }) })
      .waitFor();
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'glossary at 375 px');
    await page.context().close();
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
