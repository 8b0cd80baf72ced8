// Every link in every mail resolves: the scenario makes the server send each kind of mail
// (comment replies on every kind of item, the vote-closing reminder, the delivery reminder with
// its signed link, owner assigned, delivery returned), reads the .eml files the server wrote,
// and opens every distinct link kind in the browser; none may end on "Seite nicht gefunden".
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiToken,
  expectAccessible,
  graphql,
  launchBrowser,
  startServer,
  waitForLoaded,
} from './harness.mjs';

/** @type {import('./harness.mjs').RunningServer} */
let server;
/** @type {import('playwright-core').Browser} */
let browser;
const MEMBER_EMAIL = 'link-test@example.org';
const MEMBER_PASSWORD = 'Link-Test-Passwort-2026';

/** Decodes quoted-printable text (soft line breaks, =XX bytes as UTF-8). */
function decodeQuotedPrintable(/** @type {string} */ s) {
  const bytes = [];
  const unfolded = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unfolded.charAt(i), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Every link into the app in a raw mail, whatever its transfer encoding. */
function linksIn(/** @type {string} */ raw) {
  // Decoding a part that is not quoted-printable would garble `token=18…`; read each mail in
  // the encoding it declares.
  const texts = [/quoted-printable/i.test(raw) ? decodeQuotedPrintable(raw) : raw];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const b64 = block.replace(/\s+/g, '');
    if (b64.length > 20 && /^[A-Za-z0-9+/=]+$/.test(b64)) texts.push(Buffer.from(b64, 'base64').toString('utf8'));
  }
  /** @type {Set<string>} */
  const found = new Set();
  // Mails link to TEILHABE_PUBLIC_URL (here its default host); the test opens the same paths
  // on the server it started.
  const pattern = /https?:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?(\/[A-Za-z0-9/_.~%?=&#-]*)/g;
  for (const text of texts) for (const m of text.matchAll(pattern)) found.add((m[1] ?? '').replace(/[.)]+$/, ''));
  return [...found];
}

/**
 * A string deep inside a GraphQL answer.
 * @param {unknown} data
 * @param {(string | number)[]} path
 */
function pick(data, ...path) {
  let v = data;
  for (const k of path) v = /** @type {Record<string | number, unknown>} */ (v)[k];
  return String(v);
}

/** A link's kind: its path with ids, tokens and the query taken out. */
const kindOf = (/** @type {string} */ path) =>
  (path.split(/[?#]/)[0] ?? '')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/^\/abbestellen\/[0-9a-f]{32}-[0-9a-f]{64}$/, '/abbestellen/:token');

/** All mails written so far: subject line and links. */
function mails() {
  if (!existsSync(server.mailDir)) return [];
  return readdirSync(server.mailDir)
    .filter((n) => n.endsWith('.eml'))
    .map((n) => readFileSync(join(server.mailDir, n), 'utf8'))
    .map((raw) => ({ raw, links: linksIn(raw) }));
}

const KINDS = [
  '/prozesse/:id',
  '/leitbild/:id/ziele/:id',
  '/leitbild/:id',
  '/glossar/:id',
  '/indikatoren/:id',
  '/lieferungen/:id',
  '/lieferungen/:id/bestaetigen',
  '/einstellungen',
  // List-Unsubscribe (RFC 8058): opened in a browser it asks first, so opening it here changes nothing.
  '/abbestellen/:token',
];

/** Waits until the mails hold a link of every kind in KINDS. */
async function waitForAllKinds() {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const kinds = new Set(mails().flatMap((m) => m.links.map(kindOf)));
    if (KINDS.every((k) => kinds.has(k))) return;
    if (Date.now() > deadline) throw new Error(`mail link kinds seen: ${[...kinds].join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('links in mails', { timeout: 300_000 }, () => {
  before(async () => {
    server = await startServer({ env: { TEILHABE_SCHEDULER_INTERVAL_SECS: '1' } });
    browser = await launchBrowser();
    const admin = await apiToken(server.baseUrl);
    const gql = (/** @type {string} */ q, /** @type {Record<string, unknown>} */ v = {}, token = admin) =>
      graphql(server.baseUrl, token, q, v);
    const org = pick(
      await gql('mutation{createOrganization(input:{name:"Amt für Integration",sector:ADMINISTRATION}){id}}'),
      'createOrganization',
      'id',
    );
    const me = pick(await gql('{me{id}}'), 'me', 'id');
    await gql('mutation($id:UUID!,$o:[UUID!]!){updateUser(id:$id,input:{organizationIds:$o}){id}}', { id: me, o: [org] });
    const member = pick(await gql('mutation($i:CreateUserInput!){createUser(input:$i){id}}', {
        i: { email: MEMBER_EMAIL, name: 'Lina Link', password: MEMBER_PASSWORD, role: 'MEMBER', organizationIds: [org] },
      }), 'createUser', 'id');
    const memberToken = pick(await gql('mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', { e: MEMBER_EMAIL, p: MEMBER_PASSWORD }, ''), 'login', 'token');

    // Leitbild, field, goal, process with a proposal.
    const edition = pick(await gql('mutation{createLeitbild(input:{title:"Leitbild 2031",year:2031}){id}}'), 'createLeitbild', 'id');
    const field = pick(
      await gql('mutation($l:UUID!){addFieldOfAction(input:{leitbildId:$l,title:"Bildung"}){id}}', { l: edition }),
      'addFieldOfAction',
      'id',
    );
    const goal = pick(await gql('mutation($f:UUID!){addGoal(input:{fieldOfActionId:$f,title:"Sprache",description:"Alle lernen Deutsch."}){id}}', {
        f: field,
      }), 'addGoal', 'id');
    const day = 24 * 3600 * 1000;
    const at = (/** @type {number} */ days) => new Date(Date.now() + days * day).toISOString();
    const process = pick(await gql('mutation($i:StartProcessInput!){startProcess(input:$i){id}}', {
        i: {
          leitbildId: edition,
          title: 'Fortschreibung 2031',
          phases: [
            { kind: 'DRAFTING', startsAt: at(-1), endsAt: at(10) },
            { kind: 'CONSULTATION', startsAt: at(10), endsAt: at(20) },
            { kind: 'VOTING', startsAt: at(20), endsAt: at(30) },
            { kind: 'RESOLUTION', startsAt: at(30), endsAt: at(40) },
          ],
          votingRule: { eligibility: 'PERSON', quorum: 0.1, threshold: 0.5 },
          participantOrganizationIds: [org],
        },
      }), 'startProcess', 'id');
    const proposal = pick(await gql('mutation($i:SubmitProposalInput!){submitProposal(input:$i){id}}', {
        i: { processId: process, kind: 'AMEND_GOAL', goalId: goal, title: 'Mehr Sprache', text: 'Alle lernen früh Deutsch.' },
      }), 'submitProposal', 'id');

    // Glossary and indicator with deliveries.
    const termData = await gql('mutation($i:ProposeTermInput!){proposeTerm(input:$i){id definitions{id}}}', {
        i: { label: 'Sprachkurs', definition: 'Ein Kurs, der Deutsch lehrt.' },
      });
    const term = pick(termData, 'proposeTerm', 'id');
    const definition = pick(termData, 'proposeTerm', 'definitions', 0, 'id');
    const indicator = pick(await gql('mutation($i:CreateIndicatorInput!){createIndicator(input:$i){id}}', {
        i: {
          code: 'L-01',
          name: 'Sprachkursabschlüsse',
          unit: '%',
          sourceKind: 'DEPARTMENT',
          sourceDescription: 'Kursträger',
          periodicity: 'YEARLY',
          ownerId: org,
          responsibleUserId: member,
          termIds: [term],
        },
      }), 'createIndicator', 'id');

    // A reply on every kind of item: the admin comments, the member answers.
    for (const target of [proposal, goal, field, definition, indicator]) {
      const parent = pick(await gql('mutation($t:UUID!){addComment(input:{targetId:$t,body:"Eine Frage."}){id}}', { t: target }), 'addComment', 'id');
      await gql('mutation($t:UUID!,$p:UUID!){addComment(input:{targetId:$t,parentId:$p,body:"Eine Antwort."}){id}}', { t: target, p: parent }, memberToken);
    }

    // Due in two days: the reminder with the signed link is due now.
    await gql('mutation($i:UUID!,$d:DateTime!){requestDelivery(indicatorId:$i,period:"2025",dueAt:$d){id}}', { i: indicator, d: at(2) });
    const returned = pick(await gql('mutation($i:UUID!,$d:DateTime!){requestDelivery(indicatorId:$i,period:"2024",dueAt:$d){id}}', { i: indicator, d: at(40) }), 'requestDelivery', 'id');
    await gql('mutation($d:UUID!){confirmDelivery(deliveryId:$d,value:12.5){id}}', { d: returned }, memberToken);
    await gql('mutation($d:UUID!){returnDelivery(deliveryId:$d,reason:"Bitte die Quelle nennen."){id}}', { d: returned });

    // Into the vote, which closes within 48 hours: the reminder is due at once.
    await gql('mutation($p:UUID!){advanceProcess(processId:$p){id}}', { p: process });
    await gql('mutation($p:UUID!){advanceProcess(processId:$p){id}}', { p: process });
    await waitForAllKinds();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens every kind of link from the mails, none is "Seite nicht gefunden"', async () => {
    /** @type {Map<string, string>} */
    const byKind = new Map();
    for (const m of mails()) for (const link of m.links) if (!byKind.has(kindOf(link))) byKind.set(kindOf(link), link);
    assert.ok(byKind.size >= KINDS.length, `link kinds: ${[...byKind.keys()].join(', ')}`);

    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN_EMAIL);
    await page.getByLabel('Passwort').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Meine Aufgaben' }).waitFor();

    const opened = [];
    for (const [kind, link] of byKind) {
      await page.goto(`${server.baseUrl}${link}`);
      const heading = page.getByRole('heading', { level: 1 }).first();
      await heading.waitFor();
      // Pages load their data after the shell: wait until the heading is no longer a spinner's.
      await page.waitForLoadState('networkidle');
      // A quiet network is a guess; the page says itself when it is done.
      await waitForLoaded(page);
      const text = (await heading.innerText()).trim();
      assert.notEqual(text, 'Seite nicht gefunden', `${link} (${kind}) leads nowhere`);
      opened.push(`${kind} → ${text}`);
    }
    console.log(`opened ${opened.length} link kinds:\n  ${opened.join('\n  ')}`);
    await context.close();
  });

  it('unsubscribes with the link of a mail, signed out, on a phone', async () => {
    const memberMail = mails().find((m) => m.raw.includes(MEMBER_EMAIL) && /^List-Unsubscribe-Post:/m.test(m.raw));
    assert.ok(memberMail, 'a mail to the member offers one-click unsubscribe');
    const header = memberMail.raw.match(/^List-Unsubscribe: <https?:\/\/[^/]+(\/abbestellen\/[0-9a-f-]+)>/m);
    assert.ok(header?.[1], 'List-Unsubscribe names the one-click URL');
    const memberToken = pick(
      await graphql(server.baseUrl, '', 'mutation($e:String!,$p:String!){login(email:$e,password:$p){token}}', {
        e: MEMBER_EMAIL,
        p: MEMBER_PASSWORD,
      }),
      'login',
      'token',
    );
    const mode = async () =>
      pick(await graphql(server.baseUrl, memberToken, '{myNotificationSettings{mailMode}}'), 'myNotificationSettings', 'mailMode');
    assert.equal(await mode(), 'SINGLE', 'opening the link in the first test changed nothing');

    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 375, height: 812 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.baseUrl}${header[1]}`);
    await page.getByRole('heading', { level: 1, name: 'E-Mails abbestellen' }).waitFor();
    await expectAccessible(page, 'unsubscribe');
    await page.getByRole('button', { name: 'Keine E-Mails mehr senden' }).click();
    await page.getByText('Erledigt: Sie erhalten keine E-Mails mehr von teilhabe.').waitFor();
    await expectAccessible(page, 'unsubscribe-done');
    assert.equal(await mode(), 'OFF');
    await context.close();
  });
});
