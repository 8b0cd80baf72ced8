// The signed link of a reminder mail under the policy "no login needed"
// (TEILHABE_SIGNED_LINK_LOGIN=not_required): the scheduler sends the "due in 3 days" reminder as
// an .eml file; its link opens the delivery without login, and the value is confirmed there.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiToken, expectAccessible, fillDate, graphql, launchBrowser, screenshot, startServer, waitForHeading } from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
let adminToken = '';
let deliveryId = '';
let linkPath = '';
const ORG = 'Amt für Soziales';
const CODE = 'S-07';
const NAME = 'Anteil Sprachkursabschlüsse';
const TERM = 'Sprachkursabschluss';
const MEMBER_EMAIL = 'soziales@example.org';
const MEMBER_PASSWORD = 'Sozialamt-Passwort-2026';
/** @type {string[]} */
const consoleErrors = [];

/** Decodes quoted-printable text (soft line breaks, =XX bytes as UTF-8). */
function decodeQuotedPrintable(/** @type {string} */ s) {
  const bytes = [];
  const unfolded = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unfolded.charAt(i), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The `/lieferungen/<id>/bestaetigen?token=…` path in a raw mail, whatever its transfer encoding. */
function linkIn(/** @type {string} */ raw) {
  const pattern = /\/lieferungen\/([0-9a-f-]{36})\/bestaetigen\?token=([A-Za-z0-9_.~%-]+)/;
  const texts = [raw, decodeQuotedPrintable(raw)];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const b64 = block.replace(/\s+/g, '');
    if (b64.length > 20 && /^[A-Za-z0-9+/=]+$/.test(b64)) texts.push(Buffer.from(b64, 'base64').toString('utf8'));
  }
  for (const text of texts) {
    const m = pattern.exec(text);
    if (m) return { id: m[1], path: m[0] };
  }
  return null;
}

/** Waits for the reminder mail of `id` among the .eml files and returns its link path. */
async function waitForReminderLink(/** @type {string} */ id) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (existsSync(server.mailDir)) {
      for (const name of readdirSync(server.mailDir).filter((n) => n.endsWith('.eml'))) {
        const link = linkIn(readFileSync(join(server.mailDir, name), 'utf8'));
        if (link && link.id === id) return link.path;
      }
    }
    if (Date.now() > deadline) throw new Error(`no reminder mail for delivery ${id} in ${server.mailDir}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A fresh browser context without any login. */
async function anonymousPage(width = 1280) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  return page;
}

/** As admin: an organisation with a member, an indicator it owns, and a delivery due in two days;
 * waits for the scheduler's reminder mail and keeps its link. */
async function setupDeliveryWithReminder() {
  adminToken = await apiToken(server.baseUrl);
  const api = (/** @type {string} */ q, /** @type {Record<string, unknown>} */ v) => graphql(server.baseUrl, adminToken, q, v);
  const org = /** @type {{ createOrganization: { id: string } }} */ (
    await api('mutation($i:CreateOrganizationInput!){createOrganization(input:$i){id}}', {
      i: { name: ORG, sector: 'ADMINISTRATION' },
    })
  ).createOrganization.id;
  await api('mutation($i:CreateUserInput!){createUser(input:$i){id}}', {
    i: {
      email: MEMBER_EMAIL,
      name: 'Birgit Sozial',
      password: MEMBER_PASSWORD,
      role: 'MEMBER',
      organizationIds: [org],
    },
  });
  const term = /** @type {{ proposeTerm: { id: string } }} */ (
    await api('mutation($i:ProposeTermInput!){proposeTerm(input:$i){id}}', {
      i: { label: TERM, definition: 'Bestandene Abschlussprüfung eines Integrationskurses (B1).' },
    })
  ).proposeTerm.id;
  const indicator = /** @type {{ createIndicator: { id: string } }} */ (
    await api('mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id}}', {
      i: {
        code: CODE,
        name: NAME,
        unit: '%',
        sourceKind: 'DEPARTMENT',
        sourceDescription: 'Kursträgerstatistik',
        periodicity: 'YEARLY',
        ownerId: org,
        termIds: [term],
      },
    })
  ).createIndicator.id;
  // Due in two days: the scheduler's "due in 3 days" reminder is the one due now.
  const dueAt = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
  deliveryId = /** @type {{ requestDelivery: { id: string } }} */ (
    await api('mutation($i:UUID!,$p:String!,$d:DateTime!){requestDelivery(indicatorId:$i,period:$p,dueAt:$d){id}}', {
      i: indicator,
      p: '2025',
      d: dueAt,
    })
  ).requestDelivery.id;
  linkPath = await waitForReminderLink(deliveryId);
}

describe('signed reminder link without login', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({
      env: { TEILHABE_SIGNED_LINK_LOGIN: 'not_required', TEILHABE_SCHEDULER_INTERVAL_SECS: '1' },
    });
    browser = await launchBrowser();
    await setupDeliveryWithReminder();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells a visitor without login that a wrong link is invalid', async () => {
    const page = await anonymousPage();
    await page.goto(`${server.baseUrl}/lieferungen/${deliveryId}/bestaetigen?token=falsch`);
    await waitForHeading(page, 'Link ungültig oder abgelaufen');
    await page.getByRole('link', { name: 'Anmelden und die Lieferung öffnen' }).waitFor();
    await expectAccessible(page, 'invalid signed link');
    await page.context().close();
  });

  it('opens the delivery from the mail without login and confirms it', async () => {
    const page = await anonymousPage();
    await page.goto(`${server.baseUrl}${linkPath}`);
    await waitForHeading(page, `Lieferung 2025: ${NAME}`);
    assert.match(page.url(), /\/bestaetigen\?token=/, 'stays on the link, no login');
    const facts = await page.locator('dl.facts').innerText();
    assert.match(facts, new RegExp(`${CODE} – ${NAME}`));
    assert.match(facts, /Fällig am\s+\d{2}\.\d{2}\.\d{4}/);
    await page.getByText('Zum Bestätigen ist keine Anmeldung nötig').waitFor();
    await expectAccessible(page, 'signed link confirm form');
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at 375 px (${overflow} px too wide)`);
    await expectAccessible(page, 'signed link confirm form at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // An invalid number is told in an alert, before anything is sent.
    await page.getByRole('textbox', { name: 'Wert (%)' }).fill('viel');
    await page.getByRole('button', { name: 'Wert bestätigen' }).click();
    await page.getByRole('alert').filter({ hasText: 'Zahl' }).waitFor();

    await page.getByRole('textbox', { name: 'Wert (%)' }).fill('61,5');
    await page.locator('.select-button').first().click();
    await page.getByRole('option', { name: new RegExp(`^${TERM}: Bestandene`) }).click();
    await page.getByRole('button', { name: 'Zeile hinzufügen' }).click();
    await page.getByRole('textbox', { name: 'Merkmal 1' }).fill('Geschlecht');
    await page.getByRole('textbox', { name: 'Ausprägung 1' }).fill('weiblich');
    await page.getByRole('textbox', { name: 'Wert 1' }).fill('64');
    await page.getByRole('textbox', { name: 'Anmerkung' }).fill('Stichtag 31.12.');
    await page.getByRole('button', { name: 'Wert bestätigen' }).click();
    await page.getByRole('status').filter({ hasText: 'Vielen Dank, die Lieferung ist bestätigt.' }).waitFor();
    await page.locator('.badge').filter({ hasText: 'geliefert' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Wert bestätigen' }).count(), 0, 'the form is gone');
    await expectAccessible(page, 'signed link confirmed');
    await screenshot(page, 'signedlink-confirmed');

    // The value arrived as confirmed by the owning department.
    const data = /** @type {{ delivery: { status: string, value: number, note: string | null } }} */ (
      await graphql(server.baseUrl, adminToken, 'query($id:UUID!){delivery(id:$id){status value note}}', { id: deliveryId })
    );
    assert.equal(data.delivery.status, 'DELIVERED');
    assert.equal(data.delivery.value, 61.5);
    assert.equal(data.delivery.note, 'Stichtag 31.12.');

    // Opened again, the link says the delivery is no longer open.
    await page.reload();
    await waitForHeading(page, `Lieferung 2025: ${NAME}`);
    await page.getByText('Diese Lieferung ist nicht mehr offen').waitFor();
    await page.context().close();
  });

  it('had no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});

describe('signed reminder link when the policy needs a login', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ env: { TEILHABE_SIGNED_LINK_LOGIN: 'required', TEILHABE_SCHEDULER_INTERVAL_SECS: '1' } });
    browser = await launchBrowser();
    await setupDeliveryWithReminder();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sends a visitor to the login and back to the link, then confirms "no new data"', async () => {
    const page = await anonymousPage();
    await page.goto(`${server.baseUrl}${linkPath}`);
    // The link first says who sent it, what it is for and why a login is needed.
    await waitForHeading(page, `Lieferung 2025: ${NAME}`);
    await page.getByText(/schickt im Auftrag der Koordination des Integrationsmonitorings Erinnerungen/).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Warum eine Anmeldung?' }).waitFor();
    await expectAccessible(page, 'signed link explains the login');
    await page.setViewportSize({ width: 375, height: 800 });
    await expectAccessible(page, 'signed link explains the login (375 px)');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByRole('link', { name: 'Anmelden und bestätigen' }).click();
    await waitForHeading(page, 'Anmelden');
    const next = new URL(page.url()).searchParams.get('next');
    assert.equal(next, linkPath, 'the login keeps the link with its token');
    await page.getByLabel('E-Mail-Adresse').fill(MEMBER_EMAIL);
    await page.getByLabel('Passwort').fill(MEMBER_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await waitForHeading(page, `Lieferung 2025: ${NAME}`);
    assert.ok(page.url().endsWith(linkPath), 'back on the link after login');
    await page.getByText('Zum Bestätigen müssen Sie als Mitglied der zuständigen Stelle angemeldet sein.').waitFor();
    await page.locator('label').filter({ hasText: 'Keine neuen Daten' }).click();
    await page.getByRole('textbox', { name: 'Grund, warum es noch keine neuen Daten gibt' }).fill('Die Kursträger liefern erst im Frühjahr.');
    const later = new Date(Date.now() + 60 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    await fillDate(page, 'Neue Daten erwartet am', later);
    await expectAccessible(page, 'signed link with login, no new data');
    await page.getByRole('button', { name: 'Keine neuen Daten melden' }).click();
    await page.getByRole('status').filter({ hasText: 'noch keine neuen Daten vorliegen' }).waitFor();
    await expectAccessible(page, 'signed link, no new data noted');
    await page.context().close();
  });

  it('had no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
