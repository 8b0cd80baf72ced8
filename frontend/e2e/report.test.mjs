// The monitoring report in the browser, on the demo content (`teilhabe demo`): goal status as
// text, a chart with its data table, the gaps, axe, and a print to PDF whose text holds the goal
// titles (needs `pdftotext` from poppler-utils).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ARTIFACTS, DEMO_PASSWORD, axeViolations, graphql, launchBrowser, screenshot, startServer } from './harness.mjs';

const COORDINATOR = 'koordination@demo.teilhabe.example';
const STATUS_DE = {
  REACHED: 'erreicht',
  ON_TRACK: 'auf gutem Weg',
  OFF_TRACK: 'nicht auf Kurs',
  INSUFFICIENT_DATA: 'zu wenige Daten',
  NO_TARGET: 'ohne Zielwert',
  NO_DATA: 'keine Daten',
};

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const consoleErrors = [];
/**
 * @typedef {{ title: string, status: keyof typeof STATUS_DE, indicators: { code: string, name: string, series: unknown[] }[] }} Goal
 * @type {{ leitbildTitle: string, gaps: { message: string }[], fields: { title: string, goals: Goal[] }[] }}
 */
let report;

/** @param {string} s */
const literal = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

describe('monitoring report', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const login = /** @type {{ login: { token: string } }} */ (
      await graphql(server.baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: COORDINATOR,
        p: DEMO_PASSWORD,
      })
    );
    const token = login.login.token;
    const editions = /** @type {{ leitbilder: { id: string, status: string }[] }} */ (
      await graphql(server.baseUrl, token, '{ leitbilder { id status } }')
    );
    const adopted = editions.leitbilder.find((l) => l.status === 'ADOPTED');
    assert.ok(adopted, 'the demo has an adopted edition');
    report = /** @type {{ monitoringReport: typeof report }} */ (
      await graphql(
        server.baseUrl,
        token,
        `query($id:UUID!){ monitoringReport(leitbildId:$id){ leitbildTitle gaps { message }
           fields { title goals { title status indicators { code name series { period } } } } } }`,
        { id: adopted.id },
      )
    ).monitoringReport;

    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await page.goto(`${server.baseUrl}/`);
    await page.getByLabel('E-Mail-Adresse').fill(COORDINATOR);
    await page.getByLabel('Passwort').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows goals with their status, charts with data tables and the gaps', async () => {
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Bericht' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitoringbericht' }).waitFor();
    await page.getByRole('heading', { level: 2, name: literal(report.leitbildTitle) }).waitFor();

    const goals = report.fields.flatMap((f) => f.goals);
    const goal = goals[0];
    assert.ok(goal, 'the demo edition has goals');
    const goalSection = page.locator('section.report-goal').filter({
      has: page.getByRole('heading', { level: 3, name: goal.title, exact: true }),
    });
    await goalSection.first().getByText(STATUS_DE[goal.status], { exact: true }).first().waitFor();

    // a chart with its data table
    const withSeries = goals.flatMap((g) => g.indicators).find((i) => i.series.length > 0);
    assert.ok(withSeries, 'the demo has an indicator with values');
    const block = page.locator('.report-indicator').filter({
      has: page.getByRole('heading', { level: 4, name: literal(withSeries.code) }),
    });
    await block.first().getByRole('img', { name: literal(withSeries.name) }).waitFor();
    const table = block.first().getByRole('table', { name: 'Werte als Tabelle' });
    await table.waitFor();
    assert.equal(await table.locator('tbody tr').count(), withSeries.series.length);

    // the gaps
    const gaps = page.getByRole('region', { name: 'Lücken im Monitoring' });
    await gaps.waitFor();
    const firstGap = report.gaps[0];
    if (firstGap) {
      assert.equal(await gaps.getByRole('listitem').count(), report.gaps.length);
      await gaps.getByText(firstGap.message, { exact: false }).first().waitFor();
    }

    // downloads and print
    const csv = await page.getByRole('link', { name: 'Daten als CSV herunterladen' }).getAttribute('href');
    assert.match(csv ?? '', /^\/api\/reports\/[0-9a-f-]+\/monitoring\.csv$/);
    await page.getByRole('button', { name: 'Drucken oder als PDF speichern' }).waitFor();

    assert.deepEqual(await axeViolations(page), [], 'axe found serious/critical violations on the report');
    await screenshot(page, 'report');
  });

  it('narrows the span of periods for the download links', async () => {
    await page.getByRole('textbox', { name: 'Von (Zeitraum)' }).fill('2020');
    await page.getByRole('textbox', { name: 'Bis (Zeitraum)' }).fill('2030');
    await page.getByRole('button', { name: 'Bericht anzeigen' }).click();
    await page.getByText('Zeitraum 2020 bis 2030').waitFor();
    const xlsx = await page.getByRole('link', { name: 'Daten als XLSX herunterladen' }).getAttribute('href');
    assert.match(xlsx ?? '', /\/monitoring\.xlsx\?from=2020&to=2030$/);
    const csv = await page.getByRole('link', { name: 'Daten als CSV herunterladen' }).getAttribute('href');
    const res = await page.request.get(`${server.baseUrl}${csv}`);
    assert.equal(res.status(), 200, 'the CSV download answers');
    assert.match(res.headers()['content-type'] ?? '', /csv/);
  });

  it('fits a 375 px wide screen', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow} px wider than the screen`);
    assert.deepEqual(await axeViolations(page), [], 'axe found serious/critical violations at 375 px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('prints to a PDF that holds the goal titles', async () => {
    const file = join(ARTIFACTS, 'report.pdf');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('.report-form').isVisible(), false, 'the form is hidden in print');
    assert.equal(await page.getByRole('navigation', { name: 'Hauptnavigation' }).isVisible(), false);
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    for (const goal of report.fields.flatMap((f) => f.goals).slice(0, 5)) {
      const words = goal.title.replace(/\s+/g, ' ').slice(0, 40);
      assert.ok(text.includes(words), `PDF text lacks the goal title "${goal.title}"`);
    }
    assert.ok(text.includes('Lücken im Monitoring'));
    assert.ok(!text.includes('Bericht anzeigen'), 'the form is not printed');
  });

  it('logs no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
