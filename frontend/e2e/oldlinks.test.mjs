// Links older mails wrote (`/vorschlaege/<id>#kommentar-…`, `/ziele/<id>`, `/handlungsfelder/<id>`,
// `/definitionen/<id>`) open the current pages, from a fresh load and from inside the app; an
// unknown id is "Seite nicht gefunden"; axe at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, startServer, waitForHeading, waitForLoaded } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {{ process: string, processTitle: string, proposal: string, edition: string, field: string, goal: string, goalTitle: string, term: string, termLabel: string, definition: string }} */
let ids;

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

describe('old mail links', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: 'koordination@demo.teilhabe.example',
        p: DEMO_PASSWORD,
      })
    );
    /** @typedef {{ id: string, fieldsOfAction: { id: string, goals: { id: string, title: string }[] }[], process: { id: string, title: string, proposals: { id: string }[] } | null }} Edition */
    const data = /** @type {{ leitbilder: Edition[], terms: { id: string, label: string, definitions: { id: string }[] }[] }} */ (
      await graphql(
        server.baseUrl,
        login.login.token,
        '{ leitbilder { id fieldsOfAction { id goals { id title } } process { id title proposals { id } } } terms(first: 50) { id label definitions { id } } }',
      )
    );
    const withProcess = data.leitbilder.find((l) => l.process);
    const edition = data.leitbilder[0];
    const term = data.terms.find((t) => t.definitions.length > 0);
    const process = withProcess?.process;
    const field = edition?.fieldsOfAction[0];
    const goal = field?.goals[0];
    assert.ok(process && edition && field && goal && term);
    ids = {
      process: process.id,
      processTitle: process.title,
      proposal: process.proposals[0]?.id ?? '',
      edition: edition.id,
      field: field.id,
      goal: goal.id,
      goalTitle: goal.title,
      term: term.id,
      termLabel: term.label,
      definition: term.definitions[0]?.id ?? '',
    };
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const width of [1280, 375]) {
    it(`opens every old link kind at ${width} px`, async () => {
      const page = await coordinator(width);
      const cases = [
        [`/vorschlaege/${ids.proposal}#kommentar-1`, `/prozesse/${ids.process}#proposal-${ids.proposal}`, ids.processTitle],
        [`/ziele/${ids.goal}`, `/leitbild/${ids.edition}/ziele/${ids.goal}`, ids.goalTitle],
        [`/handlungsfelder/${ids.field}`, `/leitbild/${ids.edition}#handlungsfeld-${ids.field}`, null],
        [`/definitionen/${ids.definition}`, `/glossar/${ids.term}#definition-${ids.definition}`, ids.termLabel],
      ];
      for (const [old, current, heading] of cases) {
        await page.goto(`${server.baseUrl}${old}`);
        await page.waitForURL(`${server.baseUrl}${current}`);
        if (heading) await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        else await page.getByRole('heading', { level: 1 }).waitFor();
        // Any heading will do, also the one shown while the page loads: check the page it ends up as.
        await waitForLoaded(page);
        await expectAccessible(page, `${old} (${width} px)`);
      }
      // Inside the app (a notification stored with an old link): client-side navigation too.
      await page.goto(`${server.baseUrl}/`);
      await waitForHeading(page, 'Meine Aufgaben');
      await page.evaluate((path) => {
        window.history.pushState({}, '', path);
        window.dispatchEvent(new PopStateEvent('popstate'));
      }, `/ziele/${ids.goal}`);
      await page.waitForURL(`${server.baseUrl}/leitbild/${ids.edition}/ziele/${ids.goal}`);
      await page.getByRole('heading', { level: 1, name: ids.goalTitle }).waitFor();

      // An item that does not exist: the app's "not found", no reload loop.
      await page.goto(`${server.baseUrl}/ziele/01a2445f-0000-7000-8000-000000000000`);
      await waitForHeading(page, 'Seite nicht gefunden');
      assert.ok(page.url().endsWith('/ziele/01a2445f-0000-7000-8000-000000000000'));
      await expectAccessible(page, `unknown old link (${width} px)`);
      await page.context().close();
    });
  }
});
