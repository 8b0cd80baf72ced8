// Starts the real teilhabe server on a free port with a fresh SQLite database, and drives
// Debian's Chromium through playwright-core. Used by the *.test.mjs files in this folder.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const ARTIFACTS = join(here, 'artifacts');
export const ADMIN_EMAIL = 'admin@example.org';
export const ADMIN_PASSWORD = 'Sehr-geheimes-Passwort-2026';
/** The password of the people `teilhabe demo` creates. */
export const DEMO_PASSWORD = 'demo-passwort-2026';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** @returns {Promise<number>} */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  srv.close();
  await once(srv, 'close');
  return port;
}

/**
 * @typedef {{ baseUrl: string, stop: () => Promise<void>, logFile: string, mailDir: string }} RunningServer
 */

/**
 * @param {{ demo?: boolean, env?: Record<string, string>, port?: number }} [options] `demo`: load the example content
 *   (`teilhabe demo`) into the database first; its people log in with DEMO_PASSWORD. `env`: more
 *   server settings, e.g. `TEILHABE_SIGNED_LINK_LOGIN`. Mails land as .eml files in `mailDir`.
 * @returns {Promise<RunningServer>}
 */
export async function startServer(options = {}) {
  const bin = resolve(here, '..', process.env.TEILHABE_BIN ?? '../target/debug/teilhabe');
  if (!existsSync(bin)) {
    throw new Error(`server binary not found at ${bin} (build it with cargo, or set TEILHABE_BIN)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'teilhabe-e2e-'));
  // A fixed port lets a test tell another service (an OpenID provider) where the server is.
  const port = options.port ?? (await freePort());
  const logFile = join(ARTIFACTS, 'server.log');
  const log = createWriteStream(logFile);
  const env = {
    ...process.env,
    TEILHABE_DATABASE_URL: `sqlite://${dir}/t.db?mode=rwc`,
    TEILHABE_BIND: `127.0.0.1:${port}`,
    TEILHABE_MAIL_DIR: join(dir, 'mail'),
    TEILHABE_ADMIN_EMAIL: ADMIN_EMAIL,
    TEILHABE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    RUST_LOG: process.env.RUST_LOG ?? 'info',
    ...options.env,
  };
  if (options.demo) {
    const demo = spawnSync(bin, ['demo'], { env, encoding: 'utf8', timeout: 120_000 });
    log.write(demo.stdout ?? '');
    log.write(demo.stderr ?? '');
    if (demo.status !== 0) throw new Error(`teilhabe demo failed (${demo.status}); see ${logFile}`);
  }
  const child = spawn(bin, ['serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`server exited before it was ready; see ${logFile}`);
    try {
      const res = await fetch(`${baseUrl}/readyz`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within 60 s; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    baseUrl,
    logFile,
    mailDir: env.TEILHABE_MAIL_DIR,
    async stop() {
      if (!exited) {
        const gone = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }
      log.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and returns the serious and critical
 * violations, as readable lines.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<string[]>}
 */
export async function axeViolations(page) {
  // page.evaluate is not bound by the app's Content-Security-Policy, a script tag would be.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    /** @typedef {{ id: string, impact: string | null, help: string, nodes: { target: unknown[] }[] }} Violation */
    const { axe } = /** @type {{ axe: { run: (c: object, o: object) => Promise<{ violations: Violation[] }> } }} */ (
      /** @type {unknown} */ (window)
    );
    // React Aria's live announcer region holds transient messages that point at buttons which
    // may be gone already; it is not part of the page's content.
    const result = await axe.run({ exclude: [['[data-live-announcer]']] }, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return result.violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/**
 * A screenshot kept as a test artefact.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Logs in through the GraphQL API (for setting up data quickly) and returns the bearer token.
 * @param {string} baseUrl
 */
export async function apiToken(baseUrl) {
  const data = await graphql(baseUrl, null, 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
    e: ADMIN_EMAIL,
    p: ADMIN_PASSWORD,
  });
  return /** @type {{ login: { token: string } }} */ (data).login.token;
}

/**
 * @param {string} baseUrl
 * @param {string | null} token
 * @param {string} query
 * @param {Record<string, unknown>} [variables]
 * @returns {Promise<unknown>}
 */
export async function graphql(baseUrl, token, query, variables = {}) {
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  /** @type {unknown} */
  const json = await res.json();
  const body = /** @type {{ data?: unknown, errors?: unknown[] }} */ (json);
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Fails the test when axe finds serious or critical violations on the page.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 */
export async function expectAccessible(page, label) {
  assert.deepEqual(await axeViolations(page), [], `axe found serious/critical violations on ${label}`);
}

/**
 * Waits until the page's level-1 heading reads `name`.
 * @param {import('playwright-core').Page} page
 * @param {string} name
 */
export async function waitForHeading(page, name) {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/** How long a wait lasts at most: the `page.setDefaultTimeout(15_000)` the tests set. */
export const TIMEOUT = 15_000;

/**
 * Reads `read()` again until `ok` accepts the value, and returns it. For one-shot reads (a count,
 * a list of texts, the focused element) whose answer comes with a later render: a waited-for
 * heading or URL can be there before it, e.g. while a list still shows the rows of the previous
 * filter. Fails after `timeout` ms with the last value read.
 * @template T
 * @param {() => T | Promise<T>} read
 * @param {(value: T) => boolean} ok
 * @param {string} what what is awaited, for the failure message
 * @param {{ timeout?: number }} [options]
 * @returns {Promise<T>}
 */
export async function waitUntil(read, ok, what, { timeout = TIMEOUT } = {}) {
  const deadline = Date.now() + timeout;
  for (let pause = 25; ; pause = Math.min(pause * 2, 250)) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeout} ms for ${what}; last read: ${JSON.stringify(value)}`);
    }
    await new Promise((r) => setTimeout(r, pause));
  }
}

/**
 * Waits until no part of the page shows the app's loading notice: its heading (a generic one
 * until the data is there) and the network going quiet do not say that the data has arrived.
 * @param {import('playwright-core').Page} page
 */
export async function waitForLoaded(page) {
  await waitUntil(() => page.locator('.loading').count(), (n) => n === 0, 'the page to finish loading');
}

/**
 * Types a date into the app's DateField labelled `label` (segments TT.MM.JJJJ, whatever the
 * browser's language), as a person would with the keyboard.
 * @param {import('playwright-core').Page} page
 * @param {string} label
 * @param {string} iso `YYYY-MM-DD`
 */
export async function fillDate(page, label, iso) {
  const [y, m, d] = iso.split('-');
  const field = page.locator('.date-field').filter({ hasText: label });
  await field.getByRole('spinbutton').first().click();
  await page.keyboard.type(`${d}${m}${y}`);
}
