// GraphiQL at GET /graphql: built from npm into dist/ (graphiql.html and fingerprinted assets),
// served by the server with a strict Content-Security-Policy; it runs a query with the session
// cookie, opens subscriptions on the same origin, and nothing it loads comes from elsewhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiToken,
  axeViolations,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
  waitForHeading,
  waitUntil,
} from './harness.mjs';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

describe('GraphiQL page in dist/', () => {
  const html = readFileSync(join(dist, 'graphiql.html'), 'utf8');

  it('loads only fingerprinted same-origin scripts and styles, none inline', () => {
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, 'graphiql.html has its entry script');
    for (const [, attrs, body] of scripts) {
      assert.match(String(attrs), /\ssrc="\/assets\/[\w.-]+-[\w-]{8}\.js"/, `script ${attrs}`);
      assert.equal(String(body).trim(), '', 'no inline script');
    }
    for (const [, href] of html.matchAll(/\shref="([^"]*)"/g)) {
      assert.match(String(href), /^\/assets\/[\w.-]+-[\w-]{8}\.(js|css|svg)$/, `link ${href}`);
    }
    assert.ok(!/\son\w+=/.test(html), 'no inline event handler');
  });

  it('ships GraphiQL’s fonts and images as files, not data: URIs its CSP would block', () => {
    const css = [...html.matchAll(/href="\/assets\/([^"]+\.css)"/g)].map((m) => readFileSync(join(dist, 'assets', String(m[1])), 'utf8'));
    assert.ok(css.length > 0, 'graphiql.html links its stylesheet');
    for (const sheet of css) {
      assert.ok(sheet.includes('.graphiql-container'), 'the stylesheet is GraphiQL’s');
      const urls = [...sheet.matchAll(/url\(\s*["']?([^"')]+)/g)].map((m) => String(m[1]));
      assert.ok(urls.length > 0, 'the fonts are referenced');
      for (const u of urls) assert.match(u, /^[\w.-]+\.(woff2?|png|svg)$/, `url(${u}) is a file next to the stylesheet`);
    }
  });
});

describe('GraphiQL at /graphql', { timeout: 180_000 }, () => {
  /** @type {import('./harness.mjs').RunningServer} */
  let server;
  /** @type {import('playwright-core').Browser} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let page;
  /** @type {string[]} */
  const requests = [];
  /** @type {string[]} */
  const sockets = [];
  /** @type {string[]} */
  const socketFrames = [];
  /** @type {string[]} */
  const problems = [];

  /**
   * Puts `query` into GraphiQL's editor and waits until GraphiQL has parsed it (the tab is named
   * after the operation), so that Execute runs this operation and not the one before.
   * @param {string} query
   * @param {string} operationName
   */
  async function setQuery(query, operationName) {
    await page.evaluate((text) => {
      const editor = /** @type {{ CodeMirror: { setValue: (v: string) => void } } | null} */ (
        /** @type {unknown} */ (document.querySelector('.graphiql-query-editor .CodeMirror'))
      );
      editor?.CodeMirror.setValue(text);
    }, query);
    await page.locator('.graphiql-tab').getByText(operationName, { exact: true }).waitFor();
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('request', (req) => requests.push(req.url()));
    page.on('websocket', (ws) => {
      sockets.push(ws.url());
      ws.on('framereceived', (f) => socketFrames.push(String(f.payload)));
    });
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    page.on('pageerror', (err) => problems.push(String(err)));
    // A blocked eval, worker or font shows up here even when the page carries on.
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
    await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await waitForHeading(page, 'Meine Aufgaben');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves the bundled page under a CSP without inline or foreign scripts', async () => {
    requests.length = 0;
    const response = await page.goto(`${server.baseUrl}/graphql`);
    assert.equal(response?.status(), 200);
    const csp = (await response?.headerValue('content-security-policy')) ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, `CSP: ${csp}`);
    assert.match(csp, /default-src 'self'/, `CSP: ${csp}`);
    assert.equal(await page.title(), 'teilhabe GraphiQL');
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    // GraphiQL's tabs put a close button inside the tab (role=tab), which axe reports as nested
    // interactive controls; that is in GraphiQL's markup. Everything else must pass.
    const violations = (await axeViolations(page)).filter((v) => !v.includes('nested-interactive'));
    assert.deepEqual(violations, [], 'axe on GraphiQL');
  });

  it('runs a query with the session cookie', async () => {
    const token = await apiToken(server.baseUrl);
    const me = /** @type {{ me: { id: string } }} */ (await graphql(server.baseUrl, token, '{ me { id } }')).me.id;
    await setQuery('query WhoAmI { me { id } }', 'WhoAmI');
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    await page.locator('.graphiql-response').getByText(me).waitFor();
    await screenshot(page, 'graphiql');
  });

  it('runs a subscription over the same-origin socket with the session cookie', async () => {
    // A subscription needs something that exists: comments on a field of action of a new draft.
    const token = await apiToken(server.baseUrl);
    const edition = /** @type {{ createLeitbild: { id: string } }} */ (
      await graphql(server.baseUrl, token, 'mutation{createLeitbild(input:{title:"Leitbild GraphiQL",year:2031}){id}}')
    ).createLeitbild.id;
    const field = /** @type {{ addFieldOfAction: { id: string } }} */ (
      await graphql(server.baseUrl, token, 'mutation($l:UUID!){addFieldOfAction(input:{leitbildId:$l,title:"Wohnen"}){id}}', {
        l: edition,
      })
    ).addFieldOfAction.id;
    await setQuery(`subscription LiveComments { commentAdded(targetId: "${field}") { id } }`, 'LiveComments');
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).click();
    // While subscribed GraphiQL offers Stop; without the cookie the server would answer
    // UNAUTHENTICATED at once and end the subscription.
    const stop = page.getByRole('button', { name: 'Stop query (Ctrl-Enter)' });
    await stop.waitFor();
    // Stop can show as soon as GraphiQL starts the subscription, before the server has answered;
    // the checks below need that answer, and then a second in which no error follows it.
    await waitUntil(() => socketFrames.length, (n) => n > 0, 'the first frame from the server', { timeout: 20_000 });
    await page.waitForTimeout(1000);
    assert.deepEqual(sockets, [`${server.baseUrl.replace(/^http/, 'ws')}/graphql/ws`]);
    assert.deepEqual(socketFrames, ['{"type":"connection_ack"}']);
    assert.ok(await stop.isVisible(), 'the subscription is still running');
    await stop.click();
    await page.getByRole('button', { name: 'Execute query (Ctrl-Enter)' }).waitFor();
  });

  it('tells a visitor who is not logged in that the schema needs a login', async () => {
    const anonymous = await browser.newPage();
    await anonymous.goto(`${server.baseUrl}/graphql`);
    await anonymous.locator('.graphiql-response').getByText('The schema is shown to logged-in users only.', { exact: false }).waitFor();
    await anonymous.close();
  });

  it('sent no request to another origin and hit no CSP violation', () => {
    assert.ok(requests.some((u) => u.endsWith('/graphql')), 'the page posted to /graphql');
    const foreign = requests.filter((u) => new URL(u).origin !== server.baseUrl);
    assert.deepEqual(foreign, []);
    assert.deepEqual(problems, []);
  });
});
