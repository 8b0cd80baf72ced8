// The persona bench: drives Chromium through the five personas' main tasks on the demo city,
// counting every click (a text selection counts as one) and every keystroke (typed characters
// and pressed keys), prints them beside issue 15's "today" figures, and fails when a figure
// grows past its budget in personas.budget.json. Runs with the e2e suite, or alone:
//   npm run build && cargo build && node --test e2e/personas.test.mjs
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, graphql, launchBrowser, startServer, waitForHeading } from './harness.mjs';

/** @type {unknown} */
const budgetFile = JSON.parse(readFileSync(new URL('./personas.budget.json', import.meta.url), 'utf8'));
const BUDGET = /** @type {Record<string, { clicks: number, keys: number, today: { clicks: number, keys: number | null } | null }>} */ (budgetFile);
const LINK_SECRET = 'persona-bench-link-secret';
/** The new edition's year: the form proposes next year. */
const YEAR = new Date().getFullYear() + 1;

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Map<string, { clicks: number, keys: number }>} */
const measured = new Map();

/** Counts what a person does on a page; every action of the bench goes through it. */
class Person {
  /** @param {import('playwright-core').Page} page */
  constructor(page) {
    this.page = page;
    this.clicks = 0;
    this.keys = 0;
  }

  /** @param {import('playwright-core').Locator} target */
  async click(target) {
    this.clicks += 1;
    await target.click();
  }

  /** Typed character by character into the focused or given field. @param {import('playwright-core').Locator | null} target @param {string} text */
  async type(target, text) {
    if (target) await target.focus();
    this.keys += [...text].length;
    await this.page.keyboard.type(text);
  }

  /** @param {string} key */
  async press(key) {
    this.keys += 1;
    await this.page.keyboard.press(key);
  }

  /** Selects the contents of `target` with the mouse: one gesture. @param {import('playwright-core').Locator} target */
  async select(target) {
    this.clicks += 1;
    await target.evaluate((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const sel = document.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
    });
  }

  /** Starts counting a task afresh. */
  reset() {
    this.clicks = 0;
    this.keys = 0;
  }

  /** @param {string} task */
  record(task) {
    measured.set(task, { clicks: this.clicks, keys: this.keys });
    this.reset();
  }

  /** Signs in through the form (counted: the person types both). @param {string} email */
  async signIn(email) {
    await this.type(this.page.getByLabel('E-Mail-Adresse'), email);
    await this.type(this.page.getByLabel('Passwort'), DEMO_PASSWORD);
    await this.click(this.page.getByRole('button', { name: 'Anmelden', exact: true }));
  }
}

/** @param {number} [width] */
async function newPerson(width = 1280) {
  const context = await browser.newContext({ locale: 'de-DE', viewport: { width, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  return new Person(page);
}

/** Signed in without counting: the task starts on "Meine Aufgaben". @param {string} email */
async function signedIn(email) {
  const p = await newPerson();
  await p.page.goto(`${server.baseUrl}/login`);
  await p.signIn(email);
  await waitForHeading(p.page, 'Meine Aufgaben');
  p.reset();
  return p;
}

/** The signed link of a reminder mail, as src/indicators/links.rs signs it. @param {string} deliveryId */
function signedLink(deliveryId) {
  const exp = BigInt(Math.floor(Date.now() / 1000) + 7 * 24 * 3600);
  const expBytes = Buffer.alloc(8);
  expBytes.writeBigInt64BE(exp);
  const idBytes = Buffer.from(deliveryId.replace(/-/g, ''), 'hex');
  const mac = createHmac('sha256', LINK_SECRET)
    .update('confirm-delivery|')
    .update(idBytes)
    .update('|')
    .update(expBytes)
    .digest('hex');
  return `/lieferungen/${deliveryId}/bestaetigen?token=${exp}.${mac}`;
}

/** @param {string} email */
async function apiToken(email) {
  const r = /** @type {{ login: { token: string } }} */ (
    await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', { e: email, p: DEMO_PASSWORD })
  );
  return r.login.token;
}

describe('persona bench', { timeout: 600_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true, env: { TEILHABE_LINK_SECRET: LINK_SECRET } });
    browser = await launchBrowser();
  });

  after(async () => {
    const rows = Object.entries(BUDGET)
      .filter(([task]) => !task.startsWith('_'))
      .map(([task, b]) => {
        const m = measured.get(task);
        const today = b.today ? `${b.today.clicks} clicks${b.today.keys != null ? ` + ${b.today.keys} keys` : ''}` : '–';
        return {
          task,
          now: m ? `${m.clicks} clicks + ${m.keys} keys` : 'not measured',
          today,
          budget: `${b.clicks} + ${b.keys}`,
        };
      });
    console.log('\nPersona bench (clicks + keystrokes per main task)');
    console.table(rows);
    await browser?.close();
    await server?.stop();
  });

  it('coordinator: starts the five-yearly update (new edition, then its process)', async () => {
    const p = await signedIn('koordination@demo.teilhabe.example');
    const nav = p.page.getByRole('navigation', { name: 'Hauptnavigation' });
    await p.click(nav.getByRole('link', { name: 'Leitbild' }));
    await p.click(p.page.getByRole('button', { name: 'Neue Ausgabe anlegen' }));
    // Year (next year) and "take over from" (the adopted edition) come filled in; only the title is typed.
    await p.type(p.page.getByRole('textbox', { name: 'Titel' }), `Leitbild ${YEAR}`);
    const year = p.page.getByRole('spinbutton', { name: 'Jahr' }).or(p.page.getByRole('textbox', { name: 'Jahr' }));
    if ((await year.inputValue()) !== String(YEAR)) {
      await year.selectText();
      await p.type(null, String(YEAR));
    }
    await p.click(p.page.getByRole('button', { name: 'Ausgabe anlegen', exact: true }));
    await p.page.getByRole('heading', { level: 1, name: new RegExp(`^Leitbild ${YEAR}`) }).waitFor();
    // Taken over from the adopted edition: its fields of action are there to be updated.
    await p.page.locator('main a[href*="/ziele/"]').first().waitFor();
    p.record('coordinator: new edition');

    await p.click(nav.getByRole('link', { name: 'Prozesse' }));
    await p.click(p.page.getByRole('button', { name: 'Prozess starten', exact: true }).first());
    await p.type(p.page.getByRole('textbox', { name: 'Titel des Prozesses' }), `Fortschreibung ${YEAR}`);
    await p.click(p.page.getByRole('button', { name: 'Alle auswählen' }));
    await p.click(p.page.locator('form').getByRole('button', { name: 'Prozess starten', exact: true }));
    await waitForHeading(p.page, `Fortschreibung ${YEAR}`);
    p.record('coordinator: start the process');
    await p.page.context().close();
  });

  it('data owner: confirms a delivery from the reminder mail', async () => {
    const coord = await apiToken('koordination@demo.teilhabe.example');
    const data = /** @type {{ deliveries: { id: string, period: string, indicator: { name: string }, owner: { name: string } }[] }} */ (
      await graphql(server.baseUrl, coord, '{ deliveries(status: REQUESTED, first: 50) { id period indicator { name } owner { name } } }')
    );
    const d = data.deliveries.find((x) => x.owner.name.startsWith('Sozialamt'));
    assert.ok(d, 'the demo asks the Sozialamt for a value');
    const p = await newPerson();
    // The mail's link opens the page; the city's policy (default) asks for a login first.
    await p.page.goto(`${server.baseUrl}${signedLink(d.id)}`);
    await waitForHeading(p.page, `Lieferung ${d.period}: ${d.indicator.name}`);
    await p.click(p.page.getByRole('link', { name: 'Anmelden und bestätigen' }));
    await p.signIn('sozialamt@demo.teilhabe.example');
    await p.page.getByRole('heading', { level: 2, name: `Lieferung ${d.period} bestätigen` }).waitFor();
    await p.type(p.page.getByRole('textbox', { name: /^Wert \(/ }), '7,4');
    await p.click(p.page.getByRole('button', { name: 'Wert bestätigen' }));
    await p.page.getByText('Vielen Dank, die Lieferung ist bestätigt.').waitFor();
    p.record('data owner: confirm from the mail');
    await p.page.context().close();
  });

  it('partner: proposes an amendment on a goal and comments on a passage', async () => {
    const p = await signedIn('caritas@demo.teilhabe.example');
    const nav = p.page.getByRole('navigation', { name: 'Hauptnavigation' });
    await p.click(nav.getByRole('link', { name: 'Leitbild' }));
    await p.click(p.page.getByRole('link', { name: new RegExp(`^Leitbild ${YEAR}`) }));
    await p.click(p.page.locator('main a[href*="/ziele/"]').first());
    await p.click(p.page.getByRole('link', { name: 'Änderung vorschlagen' }));
    const form = p.page.locator('#vorschlag-einreichen form');
    const text = form.getByLabel('Text', { exact: true });
    await text.focus();
    await p.press('End');
    await p.type(null, ' Das gilt auch für Erwachsene.');
    await p.click(form.getByRole('button', { name: 'Vorschlag einreichen' }));
    await p.page.getByRole('status').filter({ hasText: 'Ihr Vorschlag wurde eingereicht.' }).waitFor();
    p.record('partner: amendment');

    const card = p.page.locator('article.card').filter({ has: p.page.locator('[data-quotable] ins') }).first();
    await p.click(card.getByRole('button', { name: 'Kommentieren', exact: true }));
    const comment = card
      .locator('.create-section')
      .filter({ has: p.page.getByRole('button', { name: 'Kommentieren', exact: true }) })
      .locator('form')
      .first();
    await p.type(comment.getByLabel('Ihr Kommentar'), 'Gut, bitte mit Sprachkursen.');
    await p.select(card.locator('[data-quotable] ins').first());
    await p.click(comment.getByRole('button', { name: 'Markierte Stelle zitieren' }));
    await p.click(comment.getByRole('button', { name: 'Kommentar senden' }));
    await card.locator('article.comment blockquote').first().waitFor();
    p.record('partner: comment on a passage');
    await p.page.context().close();
  });

  it('council: votes, and reads the tally by sector once the vote is closed', async () => {
    const p = await signedIn('rat@demo.teilhabe.example');
    const nav = p.page.getByRole('navigation', { name: 'Hauptnavigation' });
    await p.click(nav.getByRole('link', { name: 'Prozesse' }));
    await p.click(p.page.getByRole('link', { name: /^Fortschreibung des Leitbilds 2028/ }));
    // A proposal the council's organisation has not voted on yet.
    const open = p.page
      .getByRole('region', { name: /^Abstimmung über/ })
      .filter({ has: p.page.getByRole('button', { name: 'Stimme abgeben' }) })
      .first();
    const ballot = p.page.getByRole('region', { name: (await open.getAttribute('aria-label')) ?? '', exact: true });
    await p.click(ballot.locator('label').filter({ hasText: 'Ja' }).first());
    await p.click(ballot.getByRole('button', { name: 'Stimme abgeben' }));
    await ballot.getByText('Meine Stimme: Ja').waitFor();
    p.record('council: vote');

    // The coordinator closes the vote; the council member comes back to the result.
    const coord = await apiToken('koordination@demo.teilhabe.example');
    const data = /** @type {{ leitbilder: { process: { id: string, currentPhase: { kind: string } | null } | null }[] }} */ (
      await graphql(server.baseUrl, coord, '{ leitbilder { process { id currentPhase { kind } } } }')
    );
    const voting = data.leitbilder.find((l) => l.process?.currentPhase?.kind === 'VOTING')?.process;
    assert.ok(voting);
    await graphql(server.baseUrl, coord, 'mutation($id:UUID!){advanceProcess(processId:$id, acceptOpenContributions:true){id}}', { id: voting.id });
    await p.page.goto(`${server.baseUrl}/`);
    await waitForHeading(p.page, 'Meine Aufgaben');
    p.reset();
    await p.click(nav.getByRole('link', { name: 'Prozesse' }));
    await p.click(p.page.getByRole('link', { name: /^Fortschreibung des Leitbilds 2028/ }));
    await p.page.getByTestId('tally-by-sector').first().waitFor();
    p.record('council: read the sector tally');
    await p.page.context().close();
  });

  it('citizen: finds the published report', async () => {
    const coord = await apiToken('koordination@demo.teilhabe.example');
    const eds = /** @type {{ leitbilder: { id: string, status: string }[] }} */ (
      await graphql(server.baseUrl, coord, '{ leitbilder { id status } }')
    );
    const adopted = eds.leitbilder.find((l) => l.status === 'ADOPTED');
    const fr = /** @type {{ freezeReport: { id: string, number: number } }} */ (
      await graphql(server.baseUrl, coord, 'mutation($id:UUID!){freezeReport(leitbildId:$id, title:"Integrationsbericht"){id number}}', { id: adopted?.id })
    );
    await graphql(server.baseUrl, coord, 'mutation($id:UUID!){setPublished(kind:REPORT, targetId:$id, published:true)}', { id: fr.freezeReport.id });
    const p = await newPerson(375);
    await p.page.goto(`${server.baseUrl}/`);
    await p.click(p.page.getByRole('link', { name: 'Öffentliche Informationen' }));
    await p.click(p.page.getByRole('link', { name: `Bericht Nr. ${fr.freezeReport.number}: Integrationsbericht` }));
    await waitForHeading(p.page, `Bericht Nr. ${fr.freezeReport.number}: Integrationsbericht`);
    p.record('citizen: find the report');
    await p.page.context().close();
  });

  it('stays within the budget and below the figures of today', () => {
    const over = [];
    for (const [task, b] of Object.entries(BUDGET)) {
      if (task.startsWith('_')) continue;
      const m = measured.get(task);
      assert.ok(m, `${task} was measured`);
      if (m.clicks > b.clicks || m.keys > b.keys) over.push(`${task}: ${m.clicks} clicks + ${m.keys} keys > budget ${b.clicks} + ${b.keys}`);
      if (b.today && (m.clicks > b.today.clicks || (b.today.keys != null && m.keys > b.today.keys))) {
        over.push(`${task}: not fewer than today (${b.today.clicks} + ${b.today.keys})`);
      }
    }
    assert.deepEqual(over, []);
  });
});
