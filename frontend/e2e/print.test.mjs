// The printed report as a council receives it (issue 16): the coordinator narrows the monitoring
// to the fields of action that have indicators (in the report's "Umfang des Monitorings" panel),
// freezes the demo's report, and Chromium prints it with the report's own @page rules. poppler
// (`pdfinfo`, `pdftotext -layout`) then checks the order of the parts, the running heads and page
// numbers on every page but the title page, and that no page is blank.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, startServer } from './harness.mjs';

const COORDINATOR = 'koordination@demo.teilhabe.example';
const CITY = 'Beispielstadt';
const TITLE = 'Integrationsbericht 2025';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string} */
let token;
/** @type {string} */
let leitbildId;
/** @typedef {{ id: string, title: string, goals: { title: string, indicators: { code: string }[] }[] }} Field */
/** @type {Field[]} */
let fields;

/** @param {string} file @param {number} n */
const pageText = (file, n) =>
  execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), file, '-'], { encoding: 'utf8' });

/** @param {string} file */
const pageCount = (file) => {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const m = /^Pages:\s+(\d+)/m.exec(info);
  assert.ok(m, info);
  return Number(m[1]);
};

describe('printed report', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true, env: { TEILHABE_CITY: CITY } });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: COORDINATOR,
        p: DEMO_PASSWORD,
      })
    );
    token = login.login.token;
    const editions = /** @type {{ leitbilder: { id: string, status: string }[] }} */ (
      await graphql(server.baseUrl, token, '{ leitbilder { id status } }')
    );
    const adopted = editions.leitbilder.find((l) => l.status === 'ADOPTED');
    assert.ok(adopted, 'the demo has an adopted edition');
    leitbildId = adopted.id;
    fields = /** @type {{ monitoringReport: { fields: Field[] } }} */ (
      await graphql(
        server.baseUrl,
        token,
        'query($id:UUID!){ monitoringReport(leitbildId:$id){ fields { id title goals { title indicators { code } } } } }',
        { id: leitbildId },
      )
    ).monitoringReport.fields;
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('E-Mail-Adresse').fill(COORDINATOR);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** @type {Field[]} */
  let covered = [];
  /** @type {Field[]} */
  let uncovered = [];

  it('lets the coordinator narrow the monitoring to the fields with indicators', async () => {
    covered = fields.filter((f) => f.goals.some((g) => g.indicators.length > 0));
    uncovered = fields.filter((f) => !covered.includes(f));
    assert.ok(covered.length > 0 && uncovered.length > 0, 'the demo has fields with and without indicators');
    await page.goto(`${server.baseUrl}/bericht`);
    await page.getByText('Das Monitoring umfasst alle 10 Handlungsfelder des Leitbilds.', { exact: false }).waitFor();
    await page.getByText('Umfang des Monitorings').click();
    const group = page.getByRole('group', { name: 'Handlungsfelder im Monitoring' });
    for (const f of covered) {
      // React Aria's checkbox is picked by its label, as a user does.
      const box = group.getByRole('checkbox', { name: f.title, exact: true });
      await group.locator('label').filter({ has: page.getByRole('checkbox', { name: f.title, exact: true }) }).click();
      assert.ok(await box.isChecked(), `${f.title} is checked`);
    }
    await expectAccessible(page, 'the scope panel');
    await page.getByRole('button', { name: 'Umfang speichern' }).click();
    await page.getByText('Der Umfang wurde gespeichert.').waitFor();
    await page
      .getByText(`Das Monitoring umfasst bisher ${covered.length} von ${fields.length} Handlungsfeldern.`, { exact: false })
      .waitFor();
    const gaps = page.getByRole('region', { name: 'Lücken im Monitoring' });
    for (const g of uncovered.flatMap((f) => f.goals)) {
      assert.equal(await gaps.getByText(`„${g.title}“`, { exact: false }).count(), 0, `no gap about "${g.title}"`);
    }
  });

  it('prints the frozen report as a document: title page, contents, summary, fields, appendix', async () => {
    const frozen = /** @type {{ freezeReport: { id: string } }} */ (
      await graphql(
        server.baseUrl,
        token,
        'mutation($id:UUID!,$t:String!){ freezeReport(leitbildId:$id, title:$t){ id } }',
        { id: leitbildId, t: TITLE },
      )
    ).freezeReport;
    await page.goto(`${server.baseUrl}/bericht/eingefroren/${frozen.id}`);
    await page.locator('.report-indicator').first().waitFor();
    await page.emulateMedia({ media: 'print' });
    const file = join(ARTIFACTS, 'report-council.pdf');
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });

    const pages = pageCount(file);
    console.log(`printed report: ${pages} pages (${covered.length} of ${fields.length} fields covered)`);
    const texts = Array.from({ length: pages }, (_, i) => pageText(file, i + 1));
    const number = /Seite (\d+) von (\d+)/;
    const head = `${CITY} · ${TITLE}`;

    // the title page: city, title, edition, period, number, date; no head, no page number
    const title = texts[0] ?? '';
    for (const part of [CITY, TITLE, 'Leitbild', 'Berichtszeitraum', 'Alle Zeiträume', 'Nummer des Berichts', 'Stand']) {
      assert.ok(title.includes(part), `the title page lacks "${part}":\n${title}`);
    }
    assert.doesNotMatch(title, number, 'the title page has no page number');
    assert.ok(!title.includes('Eingefrorener Bericht'), 'no screen banner on paper');

    // every other page: the running head, its page number, and more than head and number
    texts.slice(1).forEach((text, i) => {
      const n = i + 2;
      assert.equal(number.exec(text)?.slice(1).join('/'), `${n}/${pages}`, `page ${n} lacks "Seite ${n} von ${pages}"`);
      assert.ok(text.includes(head), `page ${n} lacks the running head`);
      const body = text
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.includes(head) && !number.test(l));
      assert.ok(body.length > 0, `page ${n} is blank apart from head and number`);
    });
    assert.ok(title.trim() !== '', 'the title page is not blank');

    // the parts in order
    const all = texts.join('\n').replace(/[ \t]+/g, ' ');
    const order = [
      TITLE,
      'Inhalt',
      '1 Zusammenfassung',
      ...covered.map((f, i) => `${i + 2} ${f.title}`),
      `${covered.length + 2} Handlungsfelder, die das Monitoring noch nicht umfasst`,
      'Anhang A: Herkunft der Werte',
      'Anhang B: Lücken im Monitoring',
    ];
    let at = 0;
    for (const part of order) {
      // Headings come after the table of contents, which names them first.
      const found = all.indexOf(part, at);
      assert.ok(found >= 0, `"${part}" is missing or out of order`);
      at = found + part.length;
    }
    assert.ok(texts.findIndex((t) => t.includes('Inhalt')) === 1, 'the contents are on page 2');
    const summaryPage = texts.findIndex((t) => t.includes('Das Monitoring umfasst'));
    assert.equal(summaryPage, 2, 'the summary is on page 3');
    assert.match(texts[2] ?? '', new RegExp(`umfasst bisher ${covered.length} von ${fields.length} Handlungsfeldern`));
    assert.match(texts[2] ?? '', /erreicht/);
    assert.match(texts[2] ?? '', /keine Daten/);

    // the uncovered fields are named once, without their goals' status pages
    const uncoveredPage = texts.findIndex((t) => t.includes('Handlungsfelder, die das Monitoring noch nicht umfasst') && !t.includes('Inhalt'));
    for (const f of uncovered) assert.ok((texts[uncoveredPage] ?? '').includes(f.title.slice(0, 30)), `${f.title} is listed`);

    // provenance in the appendix, several tables to a page
    const provenance = texts.findIndex((t, i) => i > 1 && t.includes('Anhang A: Herkunft der Werte'));
    const tablesThere = ((texts[provenance] ?? '').match(/Herkunft der Werte von/g) ?? []).length;
    assert.ok(tablesThere >= 2, `the provenance tables share a page (found ${tablesThere} on page ${provenance + 1})`);
    assert.ok(all.includes('Abgenommen von'));
  });
});
