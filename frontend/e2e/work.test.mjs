// "What needs me now" in the browser: the coordinator's task list with "Erneut erinnern" on an
// overdue delivery, the data owner's tasks, the unread count in the header and the notification
// centre (mark one read, mark all read); axe on each view at 1280 and 375 px.
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
const OWNER_EMAIL = 'daten@example.org';
const OWNER_PASSWORD = 'Daten-Passwort-2026';
const INDICATOR = 'Einbürgerungsquote';

/**
 * A string deep inside a GraphQL answer.
 * @param {unknown} data
 * @param {string[]} path
 */
function pick(data, ...path) {
  let v = data;
  for (const k of path) v = /** @type {Record<string, unknown>} */ (v)[k];
  return String(v);
}

/**
 * A signed-in page of its own.
 * @param {string} email
 * @param {string} password
 * @param {number} width
 */
async function signedIn(email, password, width = 1280) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
  await waitForHeading(page, 'Meine Aufgaben');
  return page;
}

describe('what needs me now', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ env: { TEILHABE_SCHEDULER_INTERVAL_SECS: '1' } });
    browser = await launchBrowser();
    const admin = await apiToken(server.baseUrl);
    const gql = (/** @type {string} */ q, /** @type {Record<string, unknown>} */ v = {}) =>
      graphql(server.baseUrl, admin, q, v);
    const org = pick(
      await gql('mutation{createOrganization(input:{name:"Amt für Bürgerdienste",sector:ADMINISTRATION}){id}}'),
      'createOrganization',
      'id',
    );
    const owner = pick(
      await gql('mutation($i:CreateUserInput!){createUser(input:$i){id}}', {
        i: { email: OWNER_EMAIL, name: 'Dana Daten', password: OWNER_PASSWORD, role: 'MEMBER', organizationIds: [org] },
      }),
      'createUser',
      'id',
    );
    const indicator = pick(
      await gql('mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id}}', {
        i: {
          code: 'E-01',
          name: INDICATOR,
          unit: '%',
          sourceKind: 'DEPARTMENT',
          sourceDescription: 'Einbürgerungsstatistik',
          periodicity: 'YEARLY',
          ownerId: org,
          responsibleUserId: owner,
        },
      }),
      'createIndicator',
      'id',
    );
    const past = new Date(Date.now() - 5 * 24 * 3600 * 1000).toISOString();
    await gql('mutation($i:UUID!,$d:DateTime!){requestDelivery(indicatorId:$i,period:"2025",dueAt:$d){id}}', {
      i: indicator,
      d: past,
    });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the coordinator the overdue delivery first and reminds again', async () => {
    for (const width of [1280, 375]) {
      const page = await signedIn(ADMIN_EMAIL, ADMIN_PASSWORD, width);
      const first = page.locator('.work-tasks li').first();
      await first.getByText('Lieferung überfällig').waitFor();
      assert.match(await first.innerText(), new RegExp(INDICATOR));
      assert.match(await first.innerText(), /überfällig seit/);
      await expectAccessible(page, `tasks of the coordinator at ${width}px`);
      if (width === 1280) {
        await first.getByRole('button', { name: 'Erneut erinnern' }).click();
        await first.getByText('Die Erinnerung wurde erneut verschickt.').waitFor();
        await first.getByRole('button', { name: 'Erneut erinnern' }).click();
        await first.getByText('Heute wurde bereits erneut erinnert.').waitFor();
        // The link leads to where it is done: the delivery's page.
        await first.getByRole('link', { name: new RegExp(INDICATOR) }).click();
        await page.waitForURL(/\/lieferungen\//);
      }
      await page.context().close();
    }
  });

  it('gives the data owner the delivery, an unread count and the notification centre', async () => {
    for (const width of [375, 1280]) {
      const page = await signedIn(OWNER_EMAIL, OWNER_PASSWORD, width);
      await page.locator('.work-tasks li').first().getByText('Daten liefern').waitFor();
      const bell = page.locator('a.bell-link[href="/benachrichtigungen"]');
      await bell.locator('.bell-count').waitFor();
      assert.match((await bell.textContent()) ?? '', /Benachrichtigungen\s*[1-9]\d* ungelesen/);
      await bell.click();
      await waitForHeading(page, 'Benachrichtigungen');
      const items = page.locator('.inbox-item');
      await items.first().waitFor();
      await expectAccessible(page, `notification centre at ${width}px`);
      await screenshot(page, `notifications-${width}`);
      if (width === 1280) {
        const unreadBefore = await page.locator('.inbox-item.unread').count();
        assert.ok(unreadBefore >= 1);
        await page.locator('.inbox-item.unread').first().getByRole('button', { name: /als gelesen markieren/ }).click();
        await page.getByRole('status').filter({ hasText: 'Als gelesen markiert.' }).waitFor();
        if (unreadBefore > 1) {
          await page.getByRole('button', { name: 'Alle als gelesen markieren' }).click();
          await page.getByRole('status').filter({ hasText: /als gelesen markiert/ }).waitFor();
        }
        await page.locator('.inbox-item.unread').first().waitFor({ state: 'detached' });
        await bell.locator('.bell-count').waitFor({ state: 'detached' });
        assert.doesNotMatch((await bell.textContent()) ?? '', /ungelesen/);
        // The email settings sit beside the list.
        await page.getByRole('link', { name: 'E-Mail-Einstellungen ändern' }).click();
        await waitForHeading(page, 'Einstellungen');
      }
      await page.context().close();
    }
  });
});
