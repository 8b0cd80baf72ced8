// Browser tests of the flows that lost people (issue 15): a comment sent once after a corrected
// error, quoting by selection, an amendment proposed from the goal itself with its text filled in,
// a vote without a preselected answer reached by a deep link, the tally by sector and by
// organisation, and the adopted change still shown as a change. axe on each view.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiToken,
  expectAccessible,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
  waitForHeading,
} from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} coordinator */
let coord;
/** @type {import('playwright-core').Page} a member of the civil-society organisation */
let member;
/** @type {string[]} */
const consoleErrors = [];
let admin = '';
let processId = '';
let editionId = '';
let goalId = '';
let proposalId = '';

const MEMBER_EMAIL = 'beirat@example.org';
const MEMBER_PASSWORD = 'Ein-langes-Passwort-2030';
const PROCESS = 'Fortschreibung 2030';
const GOAL = 'Sprachförderung';
const GOAL_TEXT = 'Alle Kinder lernen früh Deutsch.';

/** @param {string} path */
const url = (path) => `${server.baseUrl}${path}`;

/**
 * @param {string} q
 * @param {Record<string, unknown>} [v]
 * @param {string} [token]
 */
const gql = (q, v = {}, token = admin) => graphql(server.baseUrl, token, q, v);

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

/**
 * @param {import('playwright-core').Page} page
 * @param {string} email
 * @param {string} password
 */
async function login(page, email, password) {
  await page.goto(url('/login'));
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await waitForHeading(page, 'Meine Aufgaben');
}

/** @param {import('playwright-core').Page} page */
function newPage(page) {
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return page;
}

/** @param {import('playwright-core').Page} page */
const proposalCard = (page) => page.locator('article.card').filter({ has: page.getByRole('heading', { level: 3, name: 'Auch Erwachsene' }) });

/**
 * Opens a collapsible form section by its trigger's text, within `scope`.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 * @param {import('playwright-core').Locator | import('playwright-core').Page} scope
 */
async function expand(page, name, scope) {
  const trigger = scope.getByRole('button', { name, exact: true }).first();
  if ((await trigger.getAttribute('aria-expanded')) !== 'true') await trigger.click();
  return scope
    .locator('.create-section')
    .filter({ has: page.getByRole('button', { name, exact: true }) })
    .locator('form')
    .first();
}

describe('flows that lost people', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer();
    admin = await apiToken(server.baseUrl);
    const orgA = pick(
      await gql('mutation{createOrganization(input:{name:"Amt für Integration",sector:ADMINISTRATION}){id}}'),
      'createOrganization',
      'id',
    );
    const orgB = pick(
      await gql('mutation{createOrganization(input:{name:"Migrantenbeirat",sector:CIVIL_SOCIETY}){id}}'),
      'createOrganization',
      'id',
    );
    const me = pick(await gql('{me{id}}'), 'me', 'id');
    await gql('mutation($id:UUID!,$o:[UUID!]!){updateUser(id:$id,input:{organizationIds:$o}){id}}', { id: me, o: [orgA] });
    await gql(
      'mutation($o:[UUID!]!,$p:String!,$e:String!){createUser(input:{email:$e,name:"Aylin Demir",password:$p,role:MEMBER,organizationIds:$o}){id}}',
      { o: [orgB], p: MEMBER_PASSWORD, e: MEMBER_EMAIL },
    );
    editionId = pick(await gql('mutation{createLeitbild(input:{title:"Leitbild 2030",year:2030}){id}}'), 'createLeitbild', 'id');
    const addField = 'mutation($l:UUID!,$t:String!){addFieldOfAction(input:{leitbildId:$l,title:$t}){id}}';
    const f1 = pick(await gql(addField, { l: editionId, t: 'Sprache und Bildung' }), 'addFieldOfAction', 'id');
    const f2 = pick(await gql(addField, { l: editionId, t: 'Wohnen' }), 'addFieldOfAction', 'id');
    goalId = pick(
      await gql('mutation($f:UUID!,$t:String!,$d:String!){addGoal(input:{fieldOfActionId:$f,title:$t,description:$d}){id}}', {
        f: f1,
        t: GOAL,
        d: GOAL_TEXT,
      }),
      'addGoal',
      'id',
    );
    await gql('mutation($f:UUID!){addGoal(input:{fieldOfActionId:$f,title:"Bezahlbarer Wohnraum",description:"Mehr Wohnungen."}){id}}', {
      f: f2,
    });
    const day = 24 * 3600 * 1000;
    const at = (/** @type {number} */ d) => new Date(Date.now() + d * day).toISOString();
    processId = pick(
      await gql(
        'mutation($i:StartProcessInput!){startProcess(input:$i){id}}',
        {
          i: {
            leitbildId: editionId,
            title: PROCESS,
            phases: [
              { kind: 'DRAFTING', startsAt: at(-1), endsAt: at(7) },
              { kind: 'CONSULTATION', startsAt: at(7), endsAt: at(14) },
              { kind: 'VOTING', startsAt: at(14), endsAt: at(21) },
              { kind: 'RESOLUTION', startsAt: at(21), endsAt: at(28) },
            ],
            votingRule: { eligibility: 'ORGANIZATION', quorum: 0.5, threshold: 0.5, sectorMajority: true },
            participantOrganizationIds: [orgA, orgB],
          },
        },
      ),
      'startProcess',
      'id',
    );

    browser = await launchBrowser();
    const opts = { locale: 'de-DE', viewport: { width: 1280, height: 900 } };
    coord = newPage(await (await browser.newContext(opts)).newPage());
    member = newPage(await (await browser.newContext(opts)).newPage());
    await login(coord, ADMIN_EMAIL, ADMIN_PASSWORD);
    await login(member, MEMBER_EMAIL, MEMBER_PASSWORD);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('proposes a change on the goal itself, its current text filled in', async () => {
    await member.goto(url(`/leitbild/${editionId}/ziele/${goalId}`));
    await waitForHeading(member, GOAL);
    await member.getByRole('link', { name: 'Änderung vorschlagen' }).click();
    await waitForHeading(member, PROCESS);
    const form = member.locator(`#vorschlag-einreichen form`);
    await form.waitFor();
    assert.equal(await form.getByLabel('Titel').inputValue(), GOAL);
    assert.equal(await form.getByLabel('Text', { exact: true }).inputValue(), GOAL_TEXT);
    // The goal picker groups the goals by field of action.
    await form.getByRole('button', { name: /Ziel/ }).first().click();
    const listbox = member.getByRole('listbox');
    await listbox.getByText('Sprache und Bildung').waitFor();
    await listbox.getByText('Wohnen', { exact: true }).waitFor();
    await expectAccessible(member, 'goal picker grouped by field');
    await member.keyboard.press('Escape');
    // Only the change is typed: the title, and two words before the full stop.
    await form.getByLabel('Titel').fill('Auch Erwachsene');
    const text = form.getByLabel('Text', { exact: true });
    await text.focus();
    await member.keyboard.press('End');
    await member.keyboard.press('ArrowLeft');
    await member.keyboard.type(' und Erwachsene');
    await form.getByRole('button', { name: 'Vorschlag einreichen' }).click();
    await member.getByRole('status').filter({ hasText: 'Ihr Vorschlag wurde eingereicht.' }).waitFor();
    const card = proposalCard(member);
    await card.locator('ins', { hasText: 'Erwachsene' }).first().waitFor();
    await expectAccessible(member, 'process with the new amendment');
    const data = /** @type {{ process: { proposals: { id: string, title: string }[] } }} */ (
      await gql('query($id:UUID!){process(id:$id){proposals{id title}}}', { id: processId })
    );
    proposalId = data.process.proposals.find((p) => p.title === 'Auch Erwachsene')?.id ?? '';
  });

  it('sends a comment with the first press after a corrected error, and quotes a selection', async () => {
    const card = proposalCard(member);
    const form = await expand(member, 'Kommentieren', card);
    // A quote that is not in the text: the server refuses it at the field.
    await form.getByLabel('Ihr Kommentar').fill('**Bitte** auch Senioren.');
    await form.getByLabel('Zitierte Stelle (optional)').fill('steht nirgends');
    await form.getByRole('button', { name: 'Kommentar senden' }).click();
    await form.getByText('Das Zitat muss eine Stelle aus dem kommentierten Text wörtlich wiedergeben.').waitFor();
    // Select words of the proposal's text and take them over.
    await card.locator('[data-quotable] ins').first().evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = document.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    });
    await form.getByRole('button', { name: 'Markierte Stelle zitieren' }).click();
    const quoted = await form.getByLabel('Zitierte Stelle (optional)').inputValue();
    assert.equal(quoted, 'Auch Erwachsene');
    // The field error went with the correction, so that nothing moves under the pointer.
    assert.equal(await form.getByText('Das Zitat muss').count(), 0);
    await form.getByRole('button', { name: 'Kommentar senden' }).click();
    await card.locator('article.comment blockquote', { hasText: 'Erwachsene' }).waitFor({ timeout: 5_000 });

    // Second case: an empty comment is refused; the corrected one goes out with one press.
    const again = await expand(member, 'Kommentieren', card);
    await again.getByRole('button', { name: 'Kommentar senden' }).click();
    await again.locator('.field-error').first().waitFor();
    await again.getByLabel('Ihr Kommentar').fill('Zweiter Gedanke.');
    await again.getByRole('button', { name: 'Kommentar senden' }).click();
    await card.locator('article.comment').getByText('Zweiter Gedanke.').waitFor({ timeout: 5_000 });
    assert.equal(await card.locator('article.comment').getByText('Zweiter Gedanke.').count(), 1);
    await expectAccessible(member, 'comments');
  });

  it('opens a deep link at the proposal, with no answer preselected', async () => {
    await gql('mutation($p:UUID!){advanceProcess(processId:$p){status}}', { p: processId });
    await gql('mutation($p:UUID!){advanceProcess(processId:$p){status}}', { p: processId });
    await member.goto(url(`/prozesse/${processId}#proposal-${proposalId}`));
    const heading = member.getByRole('heading', { level: 3, name: 'Auch Erwachsene' });
    await heading.waitFor();
    await member.waitForFunction((id) => document.activeElement?.id === `proposal-${id}`, proposalId);
    const card = proposalCard(member);
    await card.getByText('Sie haben noch nicht abgestimmt.').waitFor();
    assert.equal(await card.getByRole('radio', { checked: true }).count(), 0, 'no answer is preselected');
    await card.getByText(/Jede Organisation hat eine Stimme\. Stimmt eine Kollegin oder ein Kollege/).waitFor();
    await card.getByRole('button', { name: 'Stimme abgeben' }).click();
    await card.getByRole('alert').filter({ hasText: 'Bitte wählen Sie zuerst' }).waitFor();
    await card.locator('label').filter({ hasText: /^Ja$/ }).click();
    await card.getByRole('button', { name: 'Stimme abgeben' }).click();
    await card.getByText('Meine Stimme: Ja').waitFor();
    // Members do not see the running tally.
    assert.equal(await card.locator('[data-testid="tally-by-sector"]').count(), 0);
    await expectAccessible(member, 'voting');
  });

  it('shows coordinators the tally by sector and organisation while voting runs', async () => {
    await gql('mutation($p:UUID!){castVote(proposalId:$p,choice:NO){choice}}', { p: proposalId });
    await coord.goto(url(`/prozesse/${processId}`));
    await waitForHeading(coord, PROCESS);
    const card = proposalCard(coord);
    const sectors = card.locator('[data-testid="tally-by-sector"]');
    await sectors.getByRole('row', { name: /Verwaltung 0 1 0 nein/ }).waitFor();
    await sectors.getByRole('row', { name: /Zivilgesellschaft 1 0 0 ja/ }).waitFor();
    const orgs = card.locator('[data-testid="tally-by-organization"]');
    await orgs.getByRole('row', { name: /Migrantenbeirat Zivilgesellschaft 1 0 0/ }).waitFor();
    await orgs.getByRole('row', { name: /Amt für Integration Verwaltung 0 1 0/ }).waitFor();
    await card.getByText('Quorum: 2 von 2 Stimmberechtigten haben abgestimmt, nötig sind 1.').waitFor();
    await expectAccessible(coord, 'running tally for coordinators');
    await coord.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(coord, 'tally at 375 px');
    const overflow = await coord.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, 'the tally tables reflow at 375 px');
    await screenshot(coord, 'flows-tally-375');
    await coord.setViewportSize({ width: 1280, height: 900 });
  });

  it('keeps the Abwägung table in step with the process, with Markdown and links to each row', async () => {
    await gql('mutation($p:UUID!){castVote(proposalId:$p,choice:YES){choice}}', { p: proposalId });
    await coord.reload();
    await waitForHeading(coord, PROCESS);
    const table = coord.locator('table.dispositions-table');
    const row = table.getByRole('row').filter({ hasText: 'Auch Erwachsene' });
    await row.getByText('In Abstimmung').waitFor();
    // Closing the vote in the page updates the table without reloading.
    await coord.getByRole('button', { name: 'Zur Phase „Beschluss“ wechseln' }).click();
    const dialog = coord.getByRole('alertdialog');
    await dialog.getByRole('button', { name: 'Phase beenden' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Angenommen').waitFor();
    await table.locator('strong', { hasText: 'Bitte' }).waitFor();
    for (const link of await table.getByRole('link', { name: /^(Vorschlag|Kommentar)$/ }).all()) {
      const href = (await link.getAttribute('href')) ?? '';
      assert.equal(await coord.locator(href).count(), 1, `row link ${href} leads to its contribution`);
    }
    await expectAccessible(coord, 'Abwägung table');
    await coord.setViewportSize({ width: 375, height: 800 });
    const overflow = await coord.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false, 'the Abwägung table reflows at 375 px');
    await coord.setViewportSize({ width: 1280, height: 900 });
  });

  it('after the vote shows everyone the tally, and the adopted change as a change', async () => {
    await member.goto(url(`/prozesse/${processId}`));
    await waitForHeading(member, PROCESS);
    const card = proposalCard(member);
    await card.getByText('Endergebnis').waitFor();
    await card.locator('[data-testid="tally-by-sector"]').getByRole('row', { name: /Verwaltung 1 0 0 ja/ }).waitFor();
    await card.locator('[data-testid="tally-by-organization"]').getByRole('row', { name: /Migrantenbeirat/ }).waitFor();
    await card.getByRole('heading', { name: 'Übernommene Änderung' }).waitFor();
    await card.locator('ins', { hasText: 'Erwachsene' }).first().waitFor();
    assert.match((await card.locator('ins').allTextContents()).join(' '), /Erwachsene/);
    await card.getByText(GOAL_TEXT).waitFor();
    await expectAccessible(member, 'decided proposal');
    await screenshot(member, 'flows-decided');
  });

  it('selects all participating organisations at once', async () => {
    // The edition was adopted with the process; a new draft can get the next one.
    await gql('mutation{createLeitbild(input:{title:"Leitbild 2035",year:2035}){id}}');
    await coord.getByRole('link', { name: 'Prozesse', exact: true }).click();
    await waitForHeading(coord, 'Beteiligungsprozesse');
    await coord.waitForFunction(() => document.activeElement?.id === 'page-title');
    await coord.getByRole('button', { name: 'Prozess starten', exact: true }).first().click();
    await coord.getByRole('button', { name: 'Alle auswählen' }).click();
    assert.equal(await coord.getByRole('checkbox', { name: /Amt für Integration|Migrantenbeirat/, checked: true }).count(), 2);
    await coord.getByRole('button', { name: 'Keine auswählen' }).click();
    assert.equal(await coord.getByRole('checkbox', { name: /Amt für Integration|Migrantenbeirat/, checked: true }).count(), 0);
    await expectAccessible(coord, 'start form');
  });

  it('takes German dates in an English browser and questions far-off years', async () => {
    await gql('mutation{createLeitbild(input:{title:"Leitbild 2036",year:2036}){id}}');
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1280, height: 900 } });
    const page = newPage(await context.newPage());
    await login(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto(url('/prozesse'));
    await waitForHeading(page, 'Beteiligungsprozesse');
    await page.getByRole('button', { name: 'Prozess starten', exact: true }).first().click();
    const field = page.locator('.date-field').first();
    await field.getByRole('spinbutton').first().click();
    await page.keyboard.type('15022027');
    const shown = (await field.locator('.date-input').innerText()).replace(/[^\d.]/g, '');
    assert.equal(shown, '15.02.2027');
    // What the form submits (FormData's first value of the name), as a native date input would.
    const submitted = await page.locator('.date-field').first().evaluate((el) => new FormData(/** @type {HTMLFormElement} */ (el.closest('form'))).get('day0'));
    assert.equal(submitted, '2027-02-15');
    await field.getByRole('spinbutton').last().click();
    await page.keyboard.type('2207');
    await field.getByText(/Jahre in der Zukunft\. Bitte prüfen Sie die Jahreszahl\./).waitFor();
    await field.getByRole('button', { name: 'Kalender öffnen' }).click();
    await page.getByRole('dialog', { name: 'Kalender' }).waitFor();
    await expectAccessible(page, 'date field with calendar');
    await page.keyboard.press('Escape');
    await context.close();
  });

  it('tells the audit log in words', async () => {
    await coord.goto(url('/koordination?tab=protokoll'));
    const table = coord.getByRole('region', { name: 'Protokoll' });
    await table.getByRole('cell', { name: 'Stimme abgegeben' }).first().waitFor();
    await table.getByRole('cell', { name: 'Kommentar zu einem Vorschlag' }).first().waitFor();
    const text = await coord.locator('table').filter({ hasText: 'Stimme abgegeben' }).innerText();
    assert.doesNotMatch(text, /vote\.cast|comment\.add|Kommentar zu Proposal|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}/);
    await expectAccessible(coord, 'audit log in words');
  });

  it('keeps the header to a sliver of a phone screen', async () => {
    await coord.setViewportSize({ width: 375, height: 812 });
    await coord.goto(url(`/prozesse/${processId}`));
    await waitForHeading(coord, PROCESS);
    const box = await coord.locator('header.site-header').boundingBox();
    const share = (box?.height ?? 812) / 812;
    console.log(`header at 375 px: ${Math.round(box?.height ?? 0)} px = ${(share * 100).toFixed(1)} %`);
    assert.ok(share <= 0.15, `the header takes ${(share * 100).toFixed(1)} % of the screen`);
    const overflow = await coord.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(overflow, false);
    await expectAccessible(coord, 'header at 375 px');
    await coord.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no errors in the browser console', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
