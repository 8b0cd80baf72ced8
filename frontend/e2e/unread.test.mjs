// The header's unread count follows without a reload: a reply to the coordinator's comment
// arrives while the page stays open, and the count grows at the next poll (30 s, run on a fake
// clock) or at once when the tab becomes visible again; axe on the header at 1280 and 375 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, startServer, waitForHeading } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let coordToken = '';
let partnerToken = '';
let proposal = '';

/** @param {string} email */
async function token(email) {
  const login = /** @type {{ login: { token: string } }} */ (
    await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
      e: email,
      p: DEMO_PASSWORD,
    })
  );
  return login.login.token;
}

/** A reply by the partner to a fresh comment of the coordinator: one new notification. */
async function replyToCoordinator() {
  const add = 'mutation($i:AddCommentInput!){addComment(input:$i){id}}';
  const mine = /** @type {{ addComment: { id: string } }} */ (
    await graphql(server.baseUrl, coordToken, add, { i: { targetId: proposal, body: 'Was meinen die Verbände?' } })
  );
  await graphql(server.baseUrl, partnerToken, add, {
    i: { targetId: proposal, parentId: mine.addComment.id, body: 'Wir unterstützen den Vorschlag.' },
  });
}

/**
 * The number beside the bell.
 * @param {import('playwright-core').Page} page
 */
async function shownCount(page) {
  const badge = page.locator('.bell-count');
  if ((await badge.count()) === 0) return 0;
  return Number((await badge.innerText()).match(/\d+/)?.[0] ?? 0);
}

describe('live unread count', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    coordToken = await token('koordination@demo.teilhabe.example');
    partnerToken = await token('caritas@demo.teilhabe.example');
    const data = /** @type {{ leitbilder: { process: { proposals: { id: string }[] } | null }[] }} */ (
      await graphql(server.baseUrl, coordToken, '{ leitbilder { process { proposals { id } } } }')
    );
    proposal = data.leitbilder.find((l) => l.process)?.process?.proposals[0]?.id ?? '';
    assert.ok(proposal);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const width of [1280, 375]) {
    it(`updates the header's count without a reload at ${width} px`, async () => {
      const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.clock.install();
      await page.goto(`${server.baseUrl}/login`);
      await page.getByLabel('E-Mail-Adresse').fill('koordination@demo.teilhabe.example');
      await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await waitForHeading(page, 'Meine Aufgaben');
      await page.waitForLoadState('networkidle');
      const before = await shownCount(page);

      // By the poll: nothing before 30 s, the new count right after.
      await replyToCoordinator();
      await page.clock.runFor(20_000);
      await page.waitForLoadState('networkidle');
      assert.equal(await shownCount(page), before, 'no request before the interval');
      await page.clock.runFor(11_000);
      await page.waitForFunction((n) => Number(document.querySelector('.bell-count')?.textContent?.match(/\d+/)?.[0] ?? 0) === n, before + 1);
      await expectAccessible(page, `header with the new count (${width} px)`);

      // By coming back to the tab: at once, without waiting for the interval.
      await replyToCoordinator();
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      await page.waitForFunction((n) => Number(document.querySelector('.bell-count')?.textContent?.match(/\d+/)?.[0] ?? 0) === n, before + 2);
      assert.equal(new URL(page.url()).pathname, '/', 'still the same page, no reload');
      await context.close();
    });
  }
});
