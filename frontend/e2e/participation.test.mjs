// Browser tests of the participation views: start a process, submit a proposal, comment,
// reply and hide, advance to voting, vote and watch the tally change live (another
// organisation votes through the API), close and see the result; the task list; axe on each.
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
let processUrl = '';
let otherToken = '';

const ORG_A = 'Amt für Integration';
const ORG_B = 'Migrantenbeirat';
const PROCESS = 'Fortschreibung 2030';
const PROPOSAL = 'Sprachförderung für alle';
const OTHER_PASSWORD = 'Ein-langes-Passwort-2030';

/** @param {string} path */
const url = (path) => `${server.baseUrl}${path}`;

/**
 * Opens a collapsible form section by its trigger's text, within `scope`.
 * @param {string} name
 * @param {import('playwright-core').Locator | import('playwright-core').Page} [scope]
 */
async function expand(name, scope = page) {
  const trigger = scope.getByRole('button', { name, exact: true }).first();
  if ((await trigger.getAttribute('aria-expanded')) !== 'true') await trigger.click();
  return scope
    .locator('.create-section')
    .filter({ has: page.getByRole('button', { name, exact: true }) })
    .locator('form')
    .first();
}

/** @param {string} phase */
async function advanceTo(phase) {
  await page.getByRole('button', { name: phase }).click();
  const dialog = page.getByRole('alertdialog');
  await dialog.getByRole('button', { name: 'Phase beenden' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * A value deep inside a GraphQL answer, as a string.
 * @param {unknown} data
 * @param {string[]} path
 */
function pick(data, ...path) {
  let v = data;
  for (const k of path) v = /** @type {Record<string, unknown>} */ (v)[k];
  return String(v);
}

const proposalCard = () => page.locator('article.card').filter({ has: page.getByRole('heading', { level: 3, name: PROPOSAL }) });

describe('participation views', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    const admin = await apiToken(server.baseUrl);
    const gql = (/** @type {string} */ q, /** @type {Record<string, unknown>} */ v = {}, token = admin) =>
      graphql(server.baseUrl, token, q, v);
    const orgA = pick(
      await gql('mutation{createOrganization(input:{name:"' + ORG_A + '",sector:ADMINISTRATION}){id}}'),
      'createOrganization',
      'id',
    );
    const orgB = pick(
      await gql('mutation{createOrganization(input:{name:"' + ORG_B + '",sector:CIVIL_SOCIETY}){id}}'),
      'createOrganization',
      'id',
    );
    const me = pick(await gql('{me{id}}'), 'me', 'id');
    await gql('mutation($id:UUID!,$o:[UUID!]!){updateUser(id:$id,input:{organizationIds:$o}){id}}', { id: me, o: [orgA] });
    await gql(
      'mutation($o:[UUID!]!,$p:String!){createUser(input:{email:"beirat@example.org",name:"Aylin Demir",password:$p,role:MEMBER,organizationIds:$o}){id}}',
      { o: [orgB], p: OTHER_PASSWORD },
    );
    otherToken = pick(
      await gql('mutation($p:String!){login(email:"beirat@example.org",password:$p){token}}', { p: OTHER_PASSWORD }, ''),
      'login',
      'token',
    );
    const edition = pick(
      await gql('mutation{createLeitbild(input:{title:"Leitbild 2030",year:2030}){id}}'),
      'createLeitbild',
      'id',
    );
    const field = pick(
      await gql('mutation($l:UUID!){addFieldOfAction(input:{leitbildId:$l,title:"Sprache und Bildung"}){id}}', { l: edition }),
      'addFieldOfAction',
      'id',
    );
    await gql('mutation($f:UUID!){addGoal(input:{fieldOfActionId:$f,title:"Sprachförderung",description:"Alle Kinder lernen früh Deutsch."}){id}}', {
      f: field,
    });

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

  it('starts a process on the draft edition', async () => {
    await page.goto(url('/prozesse'));
    await waitForHeading(page, 'Beteiligungsprozesse');
    await page.getByText('Noch keine Beteiligungsprozesse.').waitFor();
    const form = await expand('Prozess starten');
    await form.getByLabel('Titel des Prozesses').fill(PROCESS);
    for (const org of [ORG_A, ORG_B]) await form.locator('label').filter({ hasText: org }).click();
    await expectAccessible(page, 'process list with start form');
    await form.getByRole('button', { name: 'Prozess starten' }).click();
    await waitForHeading(page, PROCESS);
    processUrl = page.url();
    const current = page.locator('.timeline li[aria-current="step"]');
    assert.match(await current.innerText(), /Entwurf \(aktuell\)/);
  });

  it('submits an amendment and shows it beside the current text', async () => {
    const form = await expand('Vorschlag einreichen');
    await form.getByLabel('Titel').fill(PROPOSAL);
    await form.getByLabel('Text', { exact: true }).fill('Alle Kinder und Erwachsene lernen Deutsch.');
    await form.getByLabel('Begründung').fill('Erwachsene fehlen.');
    await form.getByRole('button', { name: 'Vorschlag einreichen' }).click();
    await page.getByRole('status').filter({ hasText: 'Ihr Vorschlag wurde eingereicht.' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Eingereicht (1)' }).waitFor();
    const card = proposalCard();
    await card.getByText('Geltender Text').waitFor();
    assert.match((await card.locator('ins').allTextContents()).join(' '), /Erwachsene/);
    assert.match((await card.locator('del').allTextContents()).join(' '), /früh/);
  });

  it('edits and withdraws own proposals', async () => {
    const card = proposalCard();
    let form = await expand('Vorschlag bearbeiten', card);
    await form.getByLabel('Begründung').fill('Erwachsene fehlen bisher.');
    await form.getByRole('button', { name: 'Speichern' }).click();
    await card.getByText('Erwachsene fehlen bisher.', { exact: true }).waitFor();

    form = await expand('Vorschlag einreichen');
    await form.locator('label').filter({ hasText: 'Neues Handlungsfeld' }).click();
    await form.getByLabel('Titel').fill('Wohnen');
    await form.getByRole('button', { name: 'Vorschlag einreichen' }).click();
    const other = page.locator('article.card').filter({ has: page.getByRole('heading', { level: 3, name: 'Wohnen' }) });
    await other.getByRole('button', { name: 'Zurückziehen' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Zurückziehen' }).click();
    await page.getByRole('heading', { level: 2, name: 'Zurückgezogen (1)' }).waitFor();
    await expectAccessible(page, 'process with proposals');
  });

  it('comments with stance and quoted passage, replies and hides', async () => {
    await advanceTo('Zur Phase „Konsultation“ wechseln');
    await page.locator('.timeline li[aria-current="step"]', { hasText: 'Konsultation (aktuell)' }).waitFor();
    const card = proposalCard();
    let form = await expand('Kommentieren', card);
    await form.getByLabel('Ihr Kommentar').fill('**Dafür**, mit einer Ergänzung.');
    await form.locator('label').filter({ hasText: 'Zustimmung' }).click();
    await form.getByLabel('Zitierte Stelle (optional)').fill('Erwachsene');
    await form.getByRole('button', { name: 'Kommentar senden' }).click();
    const comment = card.locator('article.comment').first();
    await comment.locator('strong', { hasText: 'Dafür' }).waitFor();
    await comment.getByText('Zustimmung').waitFor();
    await comment.locator('blockquote', { hasText: 'Erwachsene' }).waitFor();

    form = await expand('Antworten', card);
    await form.getByLabel('Ihre Antwort').fill('Einverstanden.');
    await form.getByRole('button', { name: 'Antwort senden' }).click();
    await card.locator('.comment-list .comment-list').getByText('Einverstanden.').waitFor();

    form = await expand('Ausblenden', card.locator('.comment-list .comment-list article.comment'));
    await form.getByLabel('Grund für das Ausblenden').fill('Doppelt');
    await form.getByRole('button', { name: 'Kommentar ausblenden' }).click();
    await card.getByText('Ausgeblendet: Doppelt').waitFor();
    await expectAccessible(page, 'process with comments');
    await screenshot(page, 'participation-comments');

    // A comment from someone else appears without reloading (commentAdded over the WebSocket).
    await page.waitForTimeout(500);
    const proposalId = pick(
      await graphql(server.baseUrl, await apiToken(server.baseUrl), 'query($id:UUID!){process(id:$id){proposals{id}}}', {
        id: processUrl.split('/').pop(),
      }),
      'process',
      'proposals',
      '0',
      'id',
    );
    await graphql(server.baseUrl, otherToken, 'mutation($t:UUID!){addComment(input:{targetId:$t,body:"Aus dem Beirat: ja.",stance:SUPPORT}){id}}', {
      t: proposalId,
    });
    await card.getByText('Aus dem Beirat: ja.').waitFor();
  });

  it('comments on a goal of the draft while the process runs', async () => {
    await page.getByRole('link', { name: /Leitbild 2030/ }).click();
    await waitForHeading(page, 'Leitbild 2030 (2030)');
    await page.getByRole('link', { name: 'Sprachförderung' }).click();
    await waitForHeading(page, 'Sprachförderung');
    const form = await expand('Kommentieren');
    await form.getByLabel('Ihr Kommentar').fill('Bitte auch Senioren nennen.');
    await form.getByRole('button', { name: 'Kommentar senden' }).click();
    await page.locator('article.comment').getByText('Bitte auch Senioren nennen.').waitFor();
    await expectAccessible(page, 'goal with comments');
    await page.goto(processUrl);
    await waitForHeading(page, PROCESS);
  });

  it('lists the open vote in my tasks once voting starts', async () => {
    await advanceTo('Zur Phase „Abstimmung“ wechseln');
    await page.getByRole('heading', { level: 2, name: 'In Abstimmung (1)' }).waitFor();
    await page.getByRole('link', { name: 'Meine Aufgaben' }).click();
    await waitForHeading(page, 'Meine Aufgaben');
    const votes = page.locator('section[aria-labelledby="tasks-open"]');
    await votes.getByRole('link', { name: PROPOSAL }).waitFor();
    await votes.getByText(/endet am/).waitFor();
    await expectAccessible(page, 'tasks');
    await votes.getByRole('link', { name: PROPOSAL }).click();
    await waitForHeading(page, PROCESS);
  });

  it('votes, and the tally changes live when another organisation votes', async () => {
    const card = proposalCard();
    const yes = card.locator('[data-testid="tally-yes"]');
    assert.equal(await yes.innerText(), '0');
    await card.getByText('Sie haben noch nicht abgestimmt.').waitFor();
    await card.locator('label').filter({ hasText: /^Ja$/ }).click();
    await card.getByRole('button', { name: 'Stimme abgeben' }).click();
    await card.getByText('Meine Stimme: Ja').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="tally-yes"]')?.textContent === '1');
    // Give the subscription a moment to be registered, then vote from the other organisation.
    await page.waitForTimeout(500);
    const processId = processUrl.split('/').pop();
    const proposalId = pick(
      await graphql(server.baseUrl, await apiToken(server.baseUrl), 'query($id:UUID!){process(id:$id){proposals{id}}}', {
        id: processId,
      }),
      'process',
      'proposals',
      '0',
      'id',
    );
    await graphql(server.baseUrl, otherToken, 'mutation($p:UUID!){castVote(proposalId:$p,choice:YES){choice}}', { p: proposalId });
    // No reload: the number comes over the WebSocket.
    await page.waitForFunction(() => document.querySelector('[data-testid="tally-yes"]')?.textContent === '2');
    assert.equal(await card.locator('[aria-live="polite"]').count(), 1);
    await expectAccessible(page, 'voting');
    await screenshot(page, 'participation-voting');
  });

  it('closes the vote and shows the result', async () => {
    await advanceTo('Zur Phase „Beschluss“ wechseln');
    await page.getByRole('heading', { level: 2, name: 'Angenommen (1)' }).waitFor();
    const card = proposalCard();
    await card.getByText('Endergebnis').waitFor();
    await card.getByText(/Quorum erreicht · angenommen/).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Abwägungstabelle' }).waitFor();
    assert.ok(
      (await page.getByRole('link', { name: 'Als CSV herunterladen' }).getAttribute('href'))?.endsWith('/dispositions.csv'),
    );
    const csv = await page.evaluate(async (href) => (await fetch(href)).status, new URL(processUrl).pathname.replace('/prozesse/', '/api/processes/') + '/dispositions.csv');
    assert.equal(csv, 200);
    await expectAccessible(page, 'closed vote');
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'process at 375 px');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, 'no horizontal scrolling at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
    await screenshot(page, 'participation-result');
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
