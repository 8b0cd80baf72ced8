// Single sign-on in the browser against a real OpenID provider (the npm package oidc-provider,
// started here on loopback): the login page offers the city's login, Chromium goes through the
// provider's login and consent pages and lands signed in with the role its group maps to; a
// provider without a verified email brings the person back to a German explanation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  apiToken,
  expectAccessible,
  freePort,
  graphql,
  launchBrowser,
  screenshot,
  startServer,
  waitForHeading,
} from './harness.mjs';
import { CLIENT_ID, CLIENT_SECRET, startProvider } from './oidc-provider.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {{ stop: () => Promise<void> }} */
let provider;
/** @type {import('playwright-core').Browser} */
let browser;
let appUrl = '';
let issuer = '';
const LABEL = 'Mit dem Stadtkonto anmelden';

/**
 * Signs in at the provider's development pages as `login`.
 * @param {import('playwright-core').Page} page
 * @param {string} login
 */
async function signInAtProvider(page, login) {
  await page.getByRole('link', { name: LABEL }).click();
  await page.waitForURL((u) => u.origin === issuer);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('beliebig');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((u) => u.origin === appUrl);
}

describe('single sign-on', () => {
  before(async () => {
    const [appPort, providerPort] = [await freePort(), await freePort()];
    appUrl = `http://127.0.0.1:${appPort}`;
    issuer = `http://127.0.0.1:${providerPort}`;
    server = await startServer({
      port: appPort,
      env: {
        TEILHABE_PUBLIC_URL: appUrl,
        TEILHABE_OIDC_ISSUER: issuer,
        TEILHABE_OIDC_CLIENT_ID: CLIENT_ID,
        TEILHABE_OIDC_CLIENT_SECRET: CLIENT_SECRET,
        TEILHABE_OIDC_SCOPES: 'email profile groups',
        TEILHABE_OIDC_GROUPS_CLAIM: 'groups',
        TEILHABE_OIDC_GROUP_MAP: 'integration=COORDINATOR:Integrationsbüro',
      },
    });
    provider = await startProvider({ issuer, appUrl });
    const admin = await apiToken(server.baseUrl);
    await graphql(server.baseUrl, admin, 'mutation($i:CreateOrganizationInput!){createOrganization(input:$i){id}}', {
      i: { name: 'Integrationsbüro', sector: 'ADMINISTRATION' },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await provider?.stop();
    await server?.stop();
  });

  it('offers the city login on an accessible login page', async () => {
    const page = await browser.newPage();
    await page.goto(`${appUrl}/login`);
    await waitForHeading(page, 'Anmelden');
    await page.getByRole('link', { name: LABEL }).waitFor();
    await expectAccessible(page, 'the login page with single sign-on');
    await screenshot(page, 'oidc-login');
    await page.close();
  });

  it('signs in through the provider with the mapped role', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/login?next=${encodeURIComponent('/einstellungen')}`);
    await signInAtProvider(page, 'koordination@stadt.example');
    assert.equal(new URL(page.url()).pathname, '/einstellungen');
    // The session cookie the browser holds is a teilhabe session token like any other.
    const session = (await context.cookies()).find((c) => c.name === 'teilhabe_session');
    assert.ok(session, 'the browser holds a teilhabe session cookie');
    assert.ok(session.httpOnly, 'the session cookie is HttpOnly');
    const data = /** @type {{ me: unknown }} */ (
      await graphql(server.baseUrl, session.value, '{ me { email name role organizations { name } } }')
    );
    const me = data.me;
    assert.deepEqual(me, {
      email: 'koordination@stadt.example',
      name: 'Kora Koordination',
      role: 'COORDINATOR',
      organizations: [{ name: 'Integrationsbüro' }],
    });
    await context.close();
  });

  it('explains in German when the provider has not verified the email', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${appUrl}/login`);
    await signInAtProvider(page, 'unbestaetigt@stadt.example');
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.getByRole('alert').filter({ hasText: 'keine bestätigte E-Mail-Adresse' }).waitFor();
    await expectAccessible(page, 'the login page with an SSO error');
    await context.close();
  });
});
