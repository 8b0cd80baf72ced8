// GraphQL over HTTP, checked with the reference audit of the spec's authors (graphql-http's
// auditServer) against the real server: no error, no warning; the only notices are the GET
// requests the CSRF policy refuses and the 200 that legacy `application/json` clients keep.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { auditServer } from 'graphql-http';
import { startServer } from './harness.mjs';

/** Notices the design explains (README, "API in brief"). */
const EXPLAINED = [
  // CSRF: GET never executes operations.
  'MAY accept application/x-www-form-urlencoded formatted GET requests',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
  // §7.4.1: clients that accept only application/json get 200 with errors and no data.
  'MAY use 4xx or 5xx status codes if parameters are invalid',
  'MAY use 400 status code if parameters are invalid',
];

describe('GraphQL over HTTP audit (graphql-http)', () => {
  /** @type {import('./harness.mjs').RunningServer} */
  let server;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it('passes every audit item but those the CSRF policy and legacy JSON clients explain', async () => {
    const results = await auditServer({ url: `${server.baseUrl}/graphql` });
    const failing = results.flatMap((r) => (r.status === 'error' || r.status === 'warn' ? [`${r.name}: ${r.reason}`] : []));
    assert.deepEqual(failing, []);
    const notices = results.filter((r) => r.status === 'notice').map((r) => r.name);
    assert.deepEqual(notices.filter((n) => !EXPLAINED.includes(n)), []);
    assert.ok(results.filter((r) => r.status === 'ok').length >= 50, `${results.length} audit items ran`);
  });
});
