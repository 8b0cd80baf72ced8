// The public pages (issue 7): what coordinators published can be read without login — the
// overview, an adopted edition with its figures and the public status per indicator, a frozen
// report with its downloads, and the glossary with its SKOS export. Axe and 375 px on each.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_PASSWORD, expectAccessible, graphql, launchBrowser, screenshot, startServer } from './harness.mjs';

const COORDINATOR = 'koordination@demo.teilhabe.example';

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
/** @type {{ id: string, title: string, year: number }} */
let edition;
/** @type {string} */
let glossaryId;
/** @type {{ id: string, number: number }} */
let frozen;
/**
 * @type {{ fields: { title: string, goals: { title: string, indicators: { code: string, name: string, latestValue: number | null, series: { period: string }[] }[] }[] }[] }}
 */
let report;

/** @param {string} s */
const literal = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/** @param {string} query @param {Record<string, unknown>} [variables] */
const api = (query, variables) => graphql(server.baseUrl, token, query, variables);

/** @param {import('playwright-core').Page} p @param {string} label */
async function fitsNarrowScreen(p, label) {
  await p.setViewportSize({ width: 375, height: 800 });
  const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${label} is ${overflow} px wider than a 375 px screen`);
  await expectAccessible(p, `${label} at 375 px`);
  await p.setViewportSize({ width: 1280, height: 900 });
}

describe('public pages without login', { timeout: 300_000 }, () => {
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
    const data = /** @type {{ leitbilder: { id: string, title: string, year: number, status: string }[], glossary: { id: string } }} */ (
      await api('{ leitbilder { id title year status } glossary { id } }')
    );
    const adopted = data.leitbilder.find((l) => l.status === 'ADOPTED');
    assert.ok(adopted, 'the demo has an adopted edition');
    edition = adopted;
    glossaryId = data.glossary.id;
    report = /** @type {{ monitoringReport: typeof report }} */ (
      await api(
        `query($id:UUID!){ monitoringReport(leitbildId:$id){
           fields { title goals { title indicators { code name latestValue series { period } } } } } }`,
        { id: edition.id },
      )
    ).monitoringReport;

    // a fresh context: no session cookie at all
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of 404/.test(msg.text())) consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('says what is not published yet, and the login page links to the public pages', async () => {
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('link', { name: 'Öffentliche Informationen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Öffentliche Informationen' }).waitFor();
    await page.getByText('Noch ist keine Ausgabe des Leitbilds veröffentlicht.').waitFor();
    await page.getByText('Noch ist kein Bericht veröffentlicht.').waitFor();
    await page.getByText('Das Glossar ist noch nicht veröffentlicht.').waitFor();
    await expectAccessible(page, 'the empty public overview');
    await page.goto(`${server.baseUrl}/oeffentlich/leitbild/${edition.id}`);
    await page.getByText('Dieser Inhalt ist nicht (mehr) veröffentlicht.').waitFor();
    await expectAccessible(page, 'an unpublished edition');
  });

  it('lists the published edition, report and glossary', async () => {
    const fr = /** @type {{ freezeReport: { id: string, number: number } }} */ (
      await api('mutation($id:UUID!){ freezeReport(leitbildId:$id, title:"Integrationsbericht 2024"){ id number } }', {
        id: edition.id,
      })
    );
    frozen = fr.freezeReport;
    const publish = 'mutation($k:PublicationKind!,$id:UUID!){ setPublished(kind:$k, targetId:$id, published:true) }';
    await api(publish, { k: 'LEITBILD', id: edition.id });
    await api(publish, { k: 'GLOSSARY', id: glossaryId });
    await api(publish, { k: 'REPORT', id: frozen.id });

    await page.goto(`${server.baseUrl}/oeffentlich`);
    await page.getByRole('heading', { level: 1, name: 'Öffentliche Informationen' }).waitFor();
    await page.getByRole('link', { name: `${edition.title} (${edition.year})` }).waitFor();
    await page.getByRole('link', { name: `Bericht Nr. ${frozen.number}: Integrationsbericht 2024` }).waitFor();
    await page.getByRole('link', { name: 'Begriffe und Definitionen lesen' }).waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'Glossar als SKOS (Turtle) herunterladen' }).getAttribute('href'),
      '/glossary.ttl',
    );
    await expectAccessible(page, 'the public overview');
    await fitsNarrowScreen(page, 'the public overview');
    await screenshot(page, 'public-overview');
  });

  it('shows the edition with goals, figures and the public status per indicator', async () => {
    await page.getByRole('link', { name: `${edition.title} (${edition.year})` }).click();
    await page.getByRole('heading', { level: 1, name: edition.title }).waitFor();
    for (const goal of report.fields.flatMap((f) => f.goals).slice(0, 4)) {
      await page.getByRole('heading', { level: 3, name: goal.title, exact: true }).first().waitFor();
    }
    const indicator = report.fields
      .flatMap((f) => f.goals)
      .flatMap((g) => g.indicators)
      .find((i) => i.series.length > 0 && i.latestValue != null);
    assert.ok(indicator, 'the demo has an indicator with values');
    const block = page
      .locator('.report-indicator')
      .filter({ has: page.getByRole('heading', { level: 4, name: literal(indicator.code) }) })
      .first();
    const table = block.getByRole('table', { name: 'Werte als Tabelle' });
    assert.equal(await table.locator('tbody tr').count(), indicator.series.length);
    const latest = new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2 }).format(indicator.latestValue ?? 0);
    await block.getByText(latest, { exact: false }).first().waitFor();
    await block.getByText('Zuletzt geliefert').waitFor();
    await block.getByText('Nächste Lieferung erwartet').waitFor();
    // what the figures mean, in sentences beside the chart: the latest value with its period
    const last = indicator.series[indicator.series.length - 1];
    assert.ok(last);
    const note = block.getByRole('note', { name: `Was die Zahlen zu ${indicator.code} ${indicator.name} bedeuten` });
    await note.getByText(new RegExp(`^${last.period} lag der Wert bei ${literal(latest).source}`)).waitFor();
    const goals = report.fields.flatMap((f) => f.goals).length;
    assert.equal(await page.locator('.report-explain-goal').count(), goals, 'a sentence on every goal');
    // no internal links, no gap list, no staff names
    assert.equal(await page.getByRole('region', { name: 'Lücken im Monitoring' }).count(), 0);
    assert.equal(await page.getByRole('link', { name: /^Indikatorseite/ }).count(), 0);
    await expectAccessible(page, 'the public edition');
    await fitsNarrowScreen(page, 'the public edition');
  });

  it('shows the frozen report with its banner and downloads', async () => {
    await page.goto(`${server.baseUrl}/oeffentlich/bericht/${frozen.id}`);
    await page.getByRole('heading', { level: 1, name: `Bericht Nr. ${frozen.number}: Integrationsbericht 2024` }).waitFor();
    // words a citizen understands: "Bericht Nr. 1 vom …", and what the date means
    const about = page.getByRole('note', { name: 'Über diesen Bericht' });
    await about.getByText(new RegExp(`^Bericht Nr\\. ${frozen.number} vom \\d`)).waitFor();
    await about.getByText(/Die Zahlen geben den Stand vom \d/).waitFor();
    assert.equal(await page.getByText('Eingefrorener Bericht', { exact: false }).count(), 0);
    assert.ok((await page.getByRole('note', { name: /^Was die Zahlen zu / }).count()) > 0, 'sentences beside the charts');
    for (const goal of report.fields.flatMap((f) => f.goals).slice(0, 4)) {
      await page.getByRole('heading', { level: 3, name: goal.title, exact: true }).first().waitFor();
    }
    const csv = await page.getByRole('link', { name: 'Daten als CSV herunterladen' }).getAttribute('href');
    assert.equal(csv, `/api/reports/frozen/${frozen.id}/bericht.csv`);
    const res = await page.request.get(`${server.baseUrl}${csv}`);
    assert.equal(res.status(), 200, 'the published report downloads without login');
    const xlsx = await page.getByRole('link', { name: 'Daten als XLSX herunterladen' }).getAttribute('href');
    assert.equal((await page.request.get(`${server.baseUrl}${xlsx}`)).status(), 200);
    await expectAccessible(page, 'the public report');
    await fitsNarrowScreen(page, 'the public report');
    await screenshot(page, 'public-report');
  });

  it('shows the agreed glossary and its SKOS export', async () => {
    const terms = /** @type {{ publicGlossary: { label: string }[] }} */ (
      await graphql(server.baseUrl, null, '{ publicGlossary { label } }')
    ).publicGlossary;
    await page.goto(`${server.baseUrl}/oeffentlich`);
    await page.getByRole('link', { name: 'Begriffe und Definitionen lesen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Glossar' }).waitFor();
    const first = terms[0];
    if (first) await page.getByText(first.label, { exact: true }).first().waitFor();
    else await page.getByText('Noch keine abgestimmten Begriffe.').waitFor();
    const ttl = await page.request.get(`${server.baseUrl}/glossary.ttl`);
    assert.equal(ttl.status(), 200);
    await expectAccessible(page, 'the public glossary');
    await fitsNarrowScreen(page, 'the public glossary');
  });

  it('no longer shows a withdrawn report', async () => {
    await api('mutation($id:UUID!){ setPublished(kind:REPORT, targetId:$id, published:false) }', { id: frozen.id });
    await page.goto(`${server.baseUrl}/oeffentlich/bericht/${frozen.id}`);
    await page.getByText('Dieser Inhalt ist nicht (mehr) veröffentlicht.').waitFor();
    const res = await page.request.get(`${server.baseUrl}/api/reports/frozen/${frozen.id}/bericht.csv`);
    assert.notEqual(res.status(), 200, 'a withdrawn report no longer downloads without login');
  });

  it('logs no console errors', () => {
    assert.deepEqual(consoleErrors, []);
  });
});
