// A real OpenID provider (the npm package oidc-provider) for the browser tests of single sign-on:
// one static client, accounts with a verified email and groups, and the package's development
// login pages (any login, any password) so that Chromium can sign in. Loopback only.
import Provider from 'oidc-provider';

export const CLIENT_ID = 'teilhabe-e2e';
export const CLIENT_SECRET = 'e2e-client-secret-not-for-production';

/** The people the provider knows; the login name typed on its page picks one. */
export const ACCOUNTS = {
  'koordination@stadt.example': { name: 'Kora Koordination', groups: ['integration'] },
  'unbestaetigt@stadt.example': { name: 'Uwe Unbestätigt', groups: [], unverified: true },
};

/**
 * Starts the provider at `issuer` (http://127.0.0.1:PORT) for the teilhabe server at `appUrl`.
 * @param {{ issuer: string, appUrl: string }} options
 * @returns {Promise<{ stop: () => Promise<void> }>}
 */
export async function startProvider({ issuer, appUrl }) {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appUrl}/auth/oidc/callback`],
        post_logout_redirect_uris: [`${appUrl}/login`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount(_ctx, sub) {
      const known = ACCOUNTS[/** @type {keyof typeof ACCOUNTS} */ (sub)];
      if (!known) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          email: sub,
          email_verified: !('unverified' in known),
          name: known.name,
          groups: known.groups,
        }),
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
    // The claims go into the ID token itself, where teilhabe reads them.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['e2e-cookie-key-not-for-production'] },
  });
  const { port } = new URL(issuer);
  const server = provider.listen(Number(port), '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    async stop() {
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
