// The monitoring report in the browser, on the demo content (`teilhabe demo`): goal status as
// text, a chart with its data table, the gaps, axe, and a print to PDF whose text holds the goal
// titles (needs `pdftotext` from poppler-utils). Then the coordinator's part of issue 7: a text per
// field of action (with a conflicting save), freezing a report, a new delivery that changes the
// live report but not the frozen one, the changes since the last report, publication, and the
// published pages in a fresh browser without login.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ARTIFACTS,
  DEMO_PASSWORD,
  axeViolations,
  expectAccessible,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
} from './harness.mjs';

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
/** @type {string} */
let token;
/** @type {string} */
let leitbildId;
/**
 * @typedef {{ title: string, status: keyof typeof STATUS_DE, indicators: { id: string, code: string, name: string, series: unknown[] }[] }} Goal
 * @type {{ leitbildTitle: string, gaps: { message: string }[], fields: { id: string, title: string, goals: Goal[] }[] }}
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
    token = login.login.token;
    const editions = /** @type {{ leitbilder: { id: string, status: string }[] }} */ (
      await graphql(server.baseUrl, token, '{ leitbilder { id status } }')
    );
    const adopted = editions.leitbilder.find((l) => l.status === 'ADOPTED');
    assert.ok(adopted, 'the demo has an adopted edition');
    leitbildId = adopted.id;
    report = /** @type {{ monitoringReport: typeof report }} */ (
      await graphql(
        server.baseUrl,
        token,
        `query($id:UUID!){ monitoringReport(leitbildId:$id){ leitbildTitle gaps { message }
           fields { id title goals { title status indicators { id code name series { period } } } } } }`,
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
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
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
    assert.ok(text.includes('Abgenommen von'), 'the vintages are printed although their disclosures were closed');
    assert.ok(!text.includes('Bericht anzeigen'), 'the form is not printed');
  });

  it('lets the coordinator write the text of a field of action, and resolves a conflicting save', async () => {
    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${server.baseUrl}/bericht`);
    await page.getByRole('heading', { level: 2, name: literal(report.leitbildTitle) }).waitFor();
    const field = report.fields[0];
    assert.ok(field);
    const section = page.locator('section.report-field').filter({
      has: page.getByRole('heading', { level: 2, name: field.title, exact: true }),
    });
    const editButton = section.getByRole('button', { name: `Text zu „${field.title}“ bearbeiten` });
    await editButton.click();
    const box = section.getByRole('textbox', { name: `Text der Koordination zu „${field.title}“` });
    await box.fill('Die Beratung ist gut erreichbar.\n\nDie Wartezeiten sind gesunken.');
    await expectAccessible(page, 'the report with the text editor open');
    await section.getByRole('button', { name: 'Text speichern' }).click();
    await section.getByText('Der Text wurde gespeichert.').waitFor();
    await section.getByText('Die Wartezeiten sind gesunken.').waitFor();

    // someone else saves meanwhile (version 1 → 2); our next save meets a conflict
    await graphql(
      server.baseUrl,
      token,
      'mutation($f:UUID!,$t:String!){ setReportText(fieldOfActionId:$f, text:$t, expectedVersion:1){ version } }',
      { f: field.id, t: 'Text aus der Abteilung: Beratung ausbauen.' },
    );
    await editButton.click();
    await box.fill('Mein zweiter Entwurf.');
    await section.getByRole('button', { name: 'Text speichern' }).click();
    const alert = section.getByRole('alert');
    await alert.getByText('Jemand hat den Text inzwischen geändert').waitFor();
    await alert.getByText('Text aus der Abteilung: Beratung ausbauen.').waitFor();
    await expectAccessible(page, 'the text conflict');
    await alert.getByRole('button', { name: 'Beide Texte zusammenführen' }).click();
    assert.match(await box.inputValue(), /Mein zweiter Entwurf\.\s+Text aus der Abteilung/);
    await section.getByRole('button', { name: 'Text speichern' }).click();
    await section.getByText('Der Text wurde gespeichert.').waitFor();
    await section.getByText('Mein zweiter Entwurf.', { exact: false }).first().waitFor();
  });

  /** @type {string} */
  let frozenId = '';
  /** @type {{ id: string, code: string, name: string, series: unknown[] }} */
  let tracked;
  let frozenRows = 0;

  it('freezes a report, lists it and opens it with its banner and downloads', async () => {
    const indicator = report.fields.flatMap((f) => f.goals).flatMap((g) => g.indicators).find((i) => i.series.length > 0);
    assert.ok(indicator);
    tracked = indicator;
    await page.getByRole('navigation', { name: 'Bereiche des Berichts' }).getByRole('link', { name: 'Eingefrorene Berichte' }).click();
    await page.getByRole('heading', { level: 1, name: 'Eingefrorene Berichte' }).waitFor();
    await page.getByText('Es gibt noch keinen eingefrorenen Bericht.').waitFor();
    const form = page.getByRole('region', { name: 'Bericht einfrieren' });
    await form.getByRole('textbox', { name: 'Titel des Berichts' }).fill('Integrationsbericht 2021 ff.');
    await form.getByRole('textbox', { name: 'Von (Zeitraum)' }).fill('2021');
    await form.getByRole('button', { name: 'Bericht einfrieren' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Bericht wirklich einfrieren?' });
    await dialog.getByText('festgeschrieben').waitFor();
    await expectAccessible(page, 'the freeze confirmation');
    await dialog.getByRole('button', { name: 'Bericht einfrieren' }).click();
    await page.getByText('Bericht Nr. 1 wurde eingefroren.').waitFor();
    const table = page.getByRole('table', { name: 'Liste der eingefrorenen Berichte' });
    const row = table.getByRole('row').filter({ hasText: 'Integrationsbericht 2021 ff.' });
    await row.getByText('Zeitraum 2021 bis …').waitFor();
    await expectAccessible(page, 'the list of frozen reports');
    await screenshot(page, 'report-frozen-list');

    await row.getByRole('link', { name: 'Integrationsbericht 2021 ff.' }).click();
    await page.getByRole('heading', { level: 1, name: /^Eingefrorener Bericht Nr\. 1 vom / }).waitFor();
    frozenId = page.url().split('/').pop() ?? '';
    const banner = page.getByRole('note', { name: 'Eingefrorener Bericht' });
    await banner.getByText(/^Eingefrorener Bericht Nr\. 1 vom \d/).waitFor();
    const csv = await page.getByRole('link', { name: 'Daten als CSV herunterladen' }).getAttribute('href');
    assert.equal(csv, `/api/reports/frozen/${frozenId}/bericht.csv`);
    const res = await page.request.get(`${server.baseUrl}${csv}`);
    assert.equal(res.status(), 200);
    assert.match(await res.text(), new RegExp(literal(tracked.code).source));
    const goal = report.fields.flatMap((f) => f.goals)[0];
    assert.ok(goal);
    await page.getByRole('heading', { level: 3, name: goal.title, exact: true }).first().waitFor();
    const block = page.locator('.report-indicator').filter({ has: page.getByRole('heading', { level: 4, name: literal(tracked.code) }) });
    frozenRows = await block.first().getByRole('table', { name: 'Werte als Tabelle' }).locator('tbody tr').count();
    assert.ok(frozenRows > 0);
    await expectAccessible(page, 'the frozen report');

    // the same print stylesheet: banner and goal titles on paper, no navigation
    const file = join(ARTIFACTS, 'report-frozen.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    await page.emulateMedia({ media: 'screen' });
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    // on paper the title page names the report instead of the screen's banner
    assert.match(text, /Integrationsbericht 2021 ff\..*Nummer des Berichts 1/);
    assert.ok(text.includes(goal.title.replace(/\s+/g, ' ').slice(0, 40)), 'the frozen PDF holds the goal titles');
    assert.ok(!text.includes('Aktueller Bericht'), 'the report navigation is not printed');
  });

  it('keeps the frozen report unchanged when a new delivery changes the live one', async () => {
    const due = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const requested = /** @type {{ requestDelivery: { id: string } }} */ (
      await graphql(
        server.baseUrl,
        token,
        'mutation($i:UUID!,$d:DateTime!){ requestDelivery(indicatorId:$i, period:"2031", dueAt:$d){ id } }',
        { i: tracked.id, d: due },
      )
    );
    const deliveryId = requested.requestDelivery.id;
    await graphql(
      server.baseUrl,
      token,
      `mutation($d:UUID!){ confirmDelivery(deliveryId:$d, value:42.5, breakdown:[
         {dimension:"Stadtteil", category:"Nordstadt", value:47.25},
         {dimension:"Stadtteil", category:"Südstadt", value:38.5}]){ id } }`,
      { d: deliveryId },
    );
    await graphql(server.baseUrl, token, 'mutation($d:UUID!){ acceptDelivery(deliveryId:$d){ id } }', { d: deliveryId });

    // the frozen report: the same rows, no 2031
    await page.reload();
    const frozenBlock = page.locator('.report-indicator').filter({ has: page.getByRole('heading', { level: 4, name: literal(tracked.code) }) }).first();
    const frozenTable = frozenBlock.getByRole('table', { name: 'Werte als Tabelle' });
    await frozenTable.waitFor();
    assert.equal(await frozenTable.locator('tbody tr').count(), frozenRows);
    assert.equal(await frozenTable.getByRole('rowheader', { name: '2031' }).count(), 0);

    // the live report: one more row, the breakdown as a chart with its table, the vintage
    await page.getByRole('navigation', { name: 'Bereiche des Berichts' }).getByRole('link', { name: 'Aktueller Bericht' }).click();
    await page.getByRole('heading', { level: 1, name: 'Monitoringbericht' }).waitFor();
    const block = page.locator('.report-indicator').filter({ has: page.getByRole('heading', { level: 4, name: literal(tracked.code) }) }).first();
    const table = block.getByRole('table', { name: 'Werte als Tabelle' });
    await table.getByRole('rowheader', { name: '2031' }).waitFor();
    assert.equal(await table.locator('tbody tr').count(), frozenRows + 1);
    await block.getByRole('img', { name: /^Balkendiagramm: .* nach Stadtteil, 2031$/ }).waitFor();
    const breakdown = block.getByRole('table', { name: 'Aufschlüsselung nach Stadtteil (2031)' });
    await breakdown.getByRole('row', { name: /Nordstadt 47,25/ }).waitFor();
    await breakdown.getByRole('row', { name: /Südstadt 38,5/ }).waitFor();
    await block.getByText(/höchster Wert 47,25 .*\(Nordstadt\), niedrigster Wert 38,5 .*\(Südstadt\)/).first().waitFor();
    await block.locator('figure.breakdown').screenshot({ path: join(ARTIFACTS, 'report-breakdown.png') });
    await block.getByText('Herkunft der Werte (Lieferung und Abnahme)').click();
    const vintage = block.getByRole('table', { name: /^Herkunft der Werte von / });
    const vintageRow = vintage.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '2031' }) });
    await vintageRow.getByText(/Kerstin Albers/).first().waitFor();
    assert.equal(
      await vintageRow.getByRole('link', { name: 'Lieferung 2031 öffnen' }).getAttribute('href'),
      `/lieferungen/${deliveryId}`,
    );
    // from the indicator to its page, and from the goal to the indicator
    assert.equal(
      await block.getByRole('link', { name: `Indikatorseite: ${tracked.code} ${tracked.name}` }).getAttribute('href'),
      `/indikatoren/${tracked.id}`,
    );
    const goalLink = page.getByRole('navigation', { name: /^Indikatoren zum Ziel / }).getByRole('link', { name: literal(tracked.code) }).first();
    assert.match((await goalLink.getAttribute('href')) ?? '', /^#ind-/);
    await expectAccessible(page, 'the live report with a breakdown');
    await screenshot(page, 'report-live-breakdown');
  });

  it('lists what changed since the last report, grouped by kind', async () => {
    const data = /** @type {{ reportChanges: { since: { number: number } | null, items: { kind: string, message: string }[] } }} */ (
      await graphql(
        server.baseUrl,
        token,
        'query($id:UUID!){ reportChanges(leitbildId:$id){ since { number } items { kind message } } }',
        { id: leitbildId },
      )
    );
    assert.equal(data.reportChanges.since?.number, 1);
    await page.getByRole('navigation', { name: 'Bereiche des Berichts' }).getByRole('link', { name: 'Änderungen seit dem letzten Bericht' }).click();
    await page.getByRole('heading', { level: 1, name: 'Was hat sich seit dem letzten Bericht geändert?' }).waitFor();
    await page.getByText(/Verglichen mit dem eingefrorenen Bericht Nr\. 1 „Integrationsbericht 2021 ff\.“/).waitFor();
    /** @type {Record<string, string>} */
    const headings = {
      GOAL_STATUS_CHANGED: 'Geänderter Stand der Ziele',
      VALUE_ADDED: 'Neue Werte',
      INDICATOR_ADDED: 'Neue Indikatoren',
      INDICATOR_DROPPED: 'Weggefallene Indikatoren',
      TERM_CHANGED: 'Geänderte Begriffe',
      DEFINITION_CHANGED: 'Geänderte Definitionen',
      SERIES_BREAK: 'Reihenbrüche',
      DELIVERY_LATE: 'Verspätete Lieferungen',
      DELIVERY_MISSING: 'Fehlende Lieferungen',
    };
    const kinds = [...new Set(data.reportChanges.items.map((i) => i.kind))];
    if (data.reportChanges.items.length === 0) await page.getByText('Keine Änderungen.').waitFor();
    for (const kind of kinds) {
      const count = data.reportChanges.items.filter((i) => i.kind === kind).length;
      const group = page.getByRole('region', { name: `${headings[kind]} (${count})` });
      await group.waitFor();
      assert.equal(await group.getByRole('listitem').count(), count);
    }
    const first = data.reportChanges.items[0];
    // A status change also names both statuses after the API's sentence.
    if (first) await page.getByText(first.message).first().waitFor();
    await expectAccessible(page, 'the changes since the last report');

    // English headings; the messages stay the API's German sentences
    /** @type {Record<string, string>} */
    const english = {
      GOAL_STATUS_CHANGED: 'Goals whose status changed',
      VALUE_ADDED: 'New values',
      INDICATOR_ADDED: 'Indicators added',
      INDICATOR_DROPPED: 'Indicators dropped',
      TERM_CHANGED: 'Terms changed',
      DEFINITION_CHANGED: 'Definitions changed',
      SERIES_BREAK: 'Series breaks',
      DELIVERY_LATE: 'Late deliveries',
      DELIVERY_MISSING: 'Missing deliveries',
    };
    await page.getByRole('radio', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'What changed since the last report?' }).waitFor();
    const kind = kinds[0];
    if (kind) await page.getByRole('heading', { level: 2, name: new RegExp(`^${english[kind]} \\(`) }).waitFor();
    await page.getByText(/Compared with frozen report no\. 1/).waitFor();
    await page.getByRole('radio', { name: 'Deutsch' }).click();
    await page.getByRole('heading', { level: 1, name: 'Was hat sich seit dem letzten Bericht geändert?' }).waitFor();
  });

  it('publishes the edition, the glossary and the frozen report', async () => {
    await page.getByRole('navigation', { name: 'Bereiche des Berichts' }).getByRole('link', { name: 'Veröffentlichung' }).click();
    await page.getByRole('heading', { level: 1, name: 'Veröffentlichung' }).waitFor();
    const table = page.getByRole('table', { name: 'Was veröffentlicht ist' });
    await table.waitFor();
    await expectAccessible(page, 'the publication page');
    for (const name of [/^Leitbild „.*“ \(\d{4}\) veröffentlichen$/, /^Glossar \(abgestimmte Begriffe\) veröffentlichen$/, /^Bericht Nr\. 1 „Integrationsbericht 2021 ff\.“ .* veröffentlichen$/]) {
      await table.getByRole('button', { name }).first().click();
      // Publishing asks first, in an accessible dialog; cancelling publishes nothing.
      const dialog = page.getByRole('alertdialog', { name: /veröffentlichen\?$/ });
      await dialog.waitFor();
      if (name.source.startsWith('^Leitbild')) {
        await expectAccessible(page, 'the publish confirmation');
        await dialog.getByRole('button', { name: 'Abbrechen' }).click();
        await dialog.waitFor({ state: 'detached' });
        assert.equal(await table.getByRole('button', { name }).count(), 1, 'nothing published on cancel');
        await table.getByRole('button', { name }).first().click();
      }
      await dialog.getByRole('button', { name: 'Veröffentlichen', exact: true }).click();
      await page.getByRole('status').filter({ hasText: /ist jetzt veröffentlicht\./ }).waitFor();
      await table.getByRole('button', { name: new RegExp(name.source.replace('veröffentlichen$', 'zurückziehen$')) }).first().waitFor();
    }
    assert.equal(await table.getByText('nicht veröffentlicht', { exact: true }).count(), 0);
    await screenshot(page, 'report-publication');
  });

  it('shows the published pages in a fresh browser without login', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    const anon = await context.newPage();
    anon.setDefaultTimeout(15_000);
    anon.on('pageerror', (err) => consoleErrors.push(String(err)));
    await anon.goto(`${server.baseUrl}/login`);
    await anon.getByRole('link', { name: 'Öffentliche Informationen' }).click();
    await anon.getByRole('heading', { level: 1, name: 'Öffentliche Informationen' }).waitFor();
    await anon.getByRole('link', { name: literal(report.leitbildTitle) }).click();
    await anon.getByRole('heading', { level: 1, name: report.leitbildTitle }).waitFor();
    for (const goal of report.fields.flatMap((f) => f.goals).slice(0, 3)) {
      await anon.getByRole('heading', { level: 3, name: goal.title, exact: true }).first().waitFor();
    }
    const block = anon.locator('.report-indicator').filter({ has: anon.getByRole('heading', { level: 4, name: literal(tracked.code) }) }).first();
    await block.getByRole('table', { name: 'Werte als Tabelle' }).getByRole('row', { name: /2031 42,5/ }).waitFor();
    await block.getByText('Nächste Lieferung erwartet').waitFor();
    await expectAccessible(anon, 'the public edition');

    await anon.goto(`${server.baseUrl}/oeffentlich/bericht/${frozenId}`);
    await anon.getByRole('heading', { level: 1, name: 'Bericht Nr. 1: Integrationsbericht 2021 ff.' }).waitFor();
    const frozenBlock = anon.locator('.report-indicator').filter({ has: anon.getByRole('heading', { level: 4, name: literal(tracked.code) }) }).first();
    assert.equal(await frozenBlock.getByRole('table', { name: 'Werte als Tabelle' }).locator('tbody tr').count(), frozenRows);
    await context.close();
  });

  it('logs no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
