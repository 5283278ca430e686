import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AUTHORIZATION_CODE_LIFETIME_MS } from '../../lib/accounts/assistant-links';
import { answerDirective } from '../../lib/adapters/alexa/answer';
import type { AlexaResponse } from '../../lib/adapters/alexa/responses';
import { demoSeed } from '../../sim';
import { addClient, pkcePair, tokenRequest, type TestClient } from '../support/assistant-oauth';
import { alexaSample, alexaSchemaErrors, googleSchemaErrors } from '../support/assistant-schemas';
import { launchBrowser } from '../support/browser';
import { ACCOUNT, startHarness, type Harness } from '../support/bridge';
import { scanTable } from '../support/dynamo';

/*
 * Account linking of the voice assistants as a person does it, in a real headless Chromium: the
 * assistant's app opens the bridge's authorize page, the person types an API key or a link code
 * and approves, the browser is sent back to the assistant's redirect URI (caught here by a route,
 * so nothing leaves the machine), and the assistant trades the code at the token endpoint. Then
 * the tokens drive the assistants' own code paths: the Alexa skill's directive handler (Alexa
 * calls the Lambda directly) and Google's fulfillment route over HTTP, against the simulated
 * cloud's devices. And the ways a link goes wrong: a denial, a foreign redirect URI, a code used
 * twice or too late, a refresh token used after rotation, a link ended.
 *
 * The bridge's clock runs `ahead` of real time, never behind it: DynamoDB Local deletes items
 * whose TTL (set by that clock) has passed.
 */

const DEMO = demoSeed({});
const LAMP = '1000000001';
const STRIP = '1000000004';
const ALEXA_REDIRECT = 'https://alexa.example.com/link';
const GOOGLE_REDIRECT = 'https://google.example.com/link';

let browser: Browser;
let ahead = 0;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

/**
 * A browser tab whose requests to the assistants' hosts are answered on the machine and noted.
 *
 * The Chromium of these machines (Debian's, driven by playwright-core) does not hand the target
 * of a redirect to `page.route`: a 302 to https://alexa.example.com/… would go to DNS and fail.
 * So the form's POST to the bridge, which the browser makes itself from the real page, is sent
 * on by Playwright (`route.fetch`, no redirects followed), the bridge's real answer noted, and a
 * redirect to an assistant handed to the browser as the navigation it would have made
 * (`page.goto` of the Location, which the assistants' route does catch). Any other answer goes
 * to the browser as the bridge gave it.
 */
interface Tab {
  page: Page;
  context: BrowserContext;
  /** Every URL the browser asked of an assistant's host. */
  reached: URL[];
  /** The bridge's answers to the form's POSTs, as it gave them. */
  answers: { status: number; location?: string }[];
}

const ASSISTANT_HOSTS = ['https://alexa.example.com/', 'https://google.example.com/'];

async function openTab(h: Harness): Promise<Tab> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const tab: Tab = { page, context, reached: [], answers: [] };
  for (const host of ASSISTANT_HOSTS) {
    await page.route(`${host}**`, (route) => {
      tab.reached.push(new URL(route.request().url()));
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>assistant</title><main id="assistant">back at the assistant</main>' });
    });
  }
  await page.route(`${h.url}/oauth/authorize`, async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    const answer = await route.fetch({ maxRedirects: 0 });
    const location = answer.headers().location;
    tab.answers.push({ status: answer.status(), location });
    if (answer.status() === 302 && location && ASSISTANT_HOSTS.some((host) => location.startsWith(host))) {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>redirect</title><main id="handoff"></main>' });
    }
    return route.fulfill({ response: answer });
  });
  return tab;
}

/** The authorize URL an assistant opens. */
function authorizeUrl(h: Harness, client: TestClient, state: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ response_type: 'code', client_id: client.client.id, redirect_uri: client.client.redirectUris[0] as string, state, ...extra });
  return `${h.url}/oauth/authorize?${query}`;
}

/** Clicks a button of the authorize page's form; answers the bridge's answer to the POST. */
async function submit(tab: Tab, h: Harness, decision: 'approve' | 'deny'): Promise<{ status: number; location?: string }> {
  const count = tab.answers.length;
  await Promise.all([tab.page.waitForResponse((r) => r.url() === `${h.url}/oauth/authorize` && r.request().method() === 'POST'), tab.page.click(`button[value="${decision}"]`)]);
  expect(tab.answers).toHaveLength(count + 1);
  return tab.answers[count] as { status: number; location?: string };
}

/**
 * Opens the authorize page in the tab, types the proof and clicks a button; answers the URL the
 * browser was sent to at the assistant (code or error, and state, in its query).
 */
async function decideInBrowser(tab: Tab, h: Harness, client: TestClient, options: { proof: string; decision: 'approve' | 'deny'; state: string; challenge?: string }): Promise<URL> {
  const pkce: Record<string, string> = options.challenge ? { code_challenge: options.challenge, code_challenge_method: 'S256' } : {};
  const shown = await tab.page.goto(authorizeUrl(h, client, options.state, pkce));
  expect(shown?.status()).toBe(200);
  expect(await tab.page.locator('main').getAttribute('id')).toBe('consent');
  expect(await tab.page.locator('main').textContent()).toContain(`"${client.client.name}" asks to use your bridge account`);
  await tab.page.fill('#proof', options.proof);
  const redirect = client.client.redirectUris[0] as string;
  const answer = await submit(tab, h, options.decision);
  expect(answer.status).toBe(302);
  expect(answer.location?.startsWith(`${redirect}?`)).toBe(true);
  // The navigation the browser makes on the 302, caught at the assistant's host.
  await tab.page.goto(answer.location as string);
  expect(await tab.page.locator('#assistant').textContent()).toBe('back at the assistant');
  const landed = new URL(tab.page.url());
  expect(`${landed.origin}${landed.pathname}`).toBe(redirect);
  expect(tab.reached.map(String)).toContain(landed.toString());
  return landed;
}

/** A whole link in the browser, then the code traded for tokens as the assistant's server does. */
async function linkInBrowser(tab: Tab, h: Harness, client: TestClient, proof: string): Promise<{ access_token: string; refresh_token: string }> {
  const pkce = pkcePair();
  const state = `state-${randomUUID()}`;
  const landed = await decideInBrowser(tab, h, client, { proof, decision: 'approve', state, challenge: pkce.challenge });
  expect(landed.searchParams.get('state')).toBe(state);
  const code = landed.searchParams.get('code');
  expect(code).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{43}$/);
  const tokens = await tokenRequest(h.url, client, { grant_type: 'authorization_code', code: code as string, redirect_uri: client.client.redirectUris[0] as string, code_verifier: pkce.verifier });
  expect(tokens.status, tokens.text).toBe(200);
  expect(tokens.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), refresh_token: expect.any(String) });
  return tokens.body;
}

/** An Alexa sample directive with the skill's token, a fresh messageId and our endpoint. */
function directive(path: string, token: string, endpointId?: string): any {
  const message = alexaSample(path);
  message.directive.header.messageId = randomUUID();
  if (message.directive.endpoint) Object.assign(message.directive.endpoint, { endpointId, scope: { type: 'BearerToken', token } });
  if (message.directive.payload.scope) message.directive.payload.scope.token = token;
  return message;
}

/** The skill's Lambda answering a directive; the answer must be one of Alexa's messages. */
async function alexa(h: Harness, message: unknown): Promise<AlexaResponse> {
  const answer = await answerDirective(h.bridge, message, { tokens: h.bridge.assistantLinks });
  expect(alexaSchemaErrors(answer), JSON.stringify(answer)).toEqual([]);
  return answer;
}

const GOOGLE_RESPONSE: Record<string, string> = {
  'action.devices.SYNC': 'intents/sync/sync.response.schema.json',
  'action.devices.EXECUTE': 'intents/execute/execute.response.schema.json',
  'action.devices.DISCONNECT': 'intents/disconnect/disconnect.response.schema.json',
};

/** Google calling the fulfillment route with the token; the answer must match the intent's response schema. */
async function google(h: Harness, token: string, intent: string, payload?: unknown): Promise<{ status: number; body: any }> {
  const request = { requestId: randomUUID(), inputs: [{ intent, ...(payload === undefined ? {} : { payload }) }] };
  const { status, body, text } = await h.call('POST', '/google/fulfillment', { body: request, auth: token });
  expect(googleSchemaErrors(GOOGLE_RESPONSE[intent] as string, body), text).toEqual([]);
  return { status, body };
}

const onOff = (ids: string[], on: boolean) => ({ commands: [{ devices: ids.map((id) => ({ id })), execution: [{ command: 'action.devices.commands.OnOff', params: { on } }] }] });

const linkIds = async (h: Harness) => (await h.bridge.assistantLinks.links(ACCOUNT)).map((l) => l.linkId).sort();

describe('linking the assistants in a browser, then using them', { timeout: 60_000 }, () => {
  let h: Harness;
  let tab: Tab;
  beforeAll(async () => {
    h = await startHarness({ account: DEMO, tuning: { now: () => Date.now() + ahead } });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    tab = await openTab(h);
  });
  afterEach(async () => tab?.context.close());

  it('Alexa: a link code on the page, the code traded with PKCE, one refresh, then Discover and TurnOn switch the lamp', async () => {
    // Prepare
    const skill = await addClient(h.bridge, { name: 'Alexa', redirectUris: [ALEXA_REDIRECT] });
    const { code: linkCode } = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    expect(h.sim.device(LAMP).params.switch).toBe('off');

    // Act: the link, then one refresh
    const first = await linkInBrowser(tab, h, skill, linkCode);
    const refreshed = await tokenRequest(h.url, skill, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    const stale = await tokenRequest(h.url, skill, { grant_type: 'refresh_token', refresh_token: first.refresh_token });

    // Assess: rotation
    expect(refreshed.status, refreshed.text).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
    expect(refreshed.body.access_token).not.toBe(first.access_token);
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');
    const links = (await h.bridge.assistantLinks.links(ACCOUNT)).filter((l) => l.clientId === skill.client.id);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ accountId: ACCOUNT, clientId: skill.client.id, refreshedAt: expect.any(Number) });

    // Act + Assess: Discover with the new access token
    const token = refreshed.body.access_token as string;
    const discovered = await alexa(h, directive('Discovery/Discovery.request.json', token));
    expect(discovered.event.header).toMatchObject({ namespace: 'Alexa.Discovery', name: 'Discover.Response' });
    const endpoints = (discovered.event.payload as { endpoints: { endpointId: string }[] }).endpoints.map((e) => e.endpointId);
    expect(endpoints).toContain(LAMP);
    expect(endpoints).toContain(`${STRIP}-2`);

    // Act + Assess: TurnOn switches the simulated lamp
    const on = await alexa(h, directive('PowerController/PowerController.TurnOn.request.json', token, LAMP));
    expect(on.event.header.name).toBe('Response');
    expect(on.context?.properties?.find((p) => p.namespace === 'Alexa.PowerController')?.value).toBe('ON');
    expect(h.sim.device(LAMP).params.switch).toBe('on');

    // The link code was spent on the page: it cannot link a second time.
    await tab.page.goto(authorizeUrl(h, skill, 'again'));
    await tab.page.fill('#proof', linkCode);
    const again = await submit(tab, h, 'approve');
    expect(again).toEqual({ status: 401, location: undefined });
    expect(await tab.page.locator('#proof').count()).toBe(1);
    expect(tab.reached.filter((u) => u.searchParams.get('state') === 'again')).toEqual([]);
  });

  it('Google: the API key on the page, then SYNC and EXECUTE through the fulfillment route switch a channel of the strip', async () => {
    // Prepare
    const home = await addClient(h.bridge, { name: 'Google Home', redirectUris: [GOOGLE_REDIRECT] });
    const before = await linkIds(h);

    // Act
    const { access_token } = await linkInBrowser(tab, h, home, h.apiKey);

    // Assess: one link more, of this client
    const after = await h.bridge.assistantLinks.links(ACCOUNT);
    expect(after).toHaveLength(before.length + 1);
    expect(after.filter((l) => !before.includes(l.linkId))).toMatchObject([{ accountId: ACCOUNT, clientId: home.client.id, clientName: 'Google Home' }]);

    // Act + Assess: SYNC lists the devices and the strip's channels
    const sync = await google(h, access_token, 'action.devices.SYNC');
    expect(sync.status).toBe(200);
    expect(sync.body.payload.agentUserId).toBe(ACCOUNT);
    const ids = (sync.body.payload.devices as { id: string }[]).map((d) => d.id);
    expect(ids).toEqual(expect.arrayContaining([LAMP, `${STRIP}-0`, `${STRIP}-3`]));

    // Act + Assess: EXECUTE OnOff on one channel switches that channel alone
    const execute = await google(h, access_token, 'action.devices.EXECUTE', onOff([`${STRIP}-2`], true));
    expect(execute.status).toBe(200);
    expect(execute.body.payload).toEqual({ commands: [{ ids: [`${STRIP}-2`], status: 'SUCCESS', states: { online: true, on: true } }] });
    expect(googleSchemaErrors('traits/onoff/onoff.states.schema.json', execute.body.payload.commands[0].states)).toEqual([]);
    const switches = h.sim.device(STRIP).params.switches as { outlet: number; switch: string }[];
    expect([...switches].sort((a, b) => a.outlet - b.outlet).map((s) => s.switch)).toEqual(['off', 'off', 'on', 'off']);
  });
});

describe('linking that goes wrong, in a browser', { timeout: 60_000 }, () => {
  let h: Harness;
  let tab: Tab;
  let skill: TestClient;
  let home: TestClient;
  beforeAll(async () => {
    h = await startHarness({ account: DEMO, tuning: { now: () => Date.now() + ahead } });
    skill = await addClient(h.bridge, { name: 'Alexa', redirectUris: [ALEXA_REDIRECT] });
    home = await addClient(h.bridge, { name: 'Google Home', redirectUris: [GOOGLE_REDIRECT] });
  });
  afterAll(async () => h?.close());
  beforeEach(async () => {
    tab = await openTab(h);
  });
  afterEach(async () => tab?.context.close());

  it('a denial goes back to the assistant as access_denied with the state; no code and no link are stored', async () => {
    // Prepare
    const codes = async () => (await scanTable(h.table)).filter((item) => String(item.sk).startsWith('CODE#') || String(item.pk).startsWith('CODE#'));
    expect(await linkIds(h)).toEqual([]);
    const codesBefore = await codes();

    // Act
    const landed = await decideInBrowser(tab, h, skill, { proof: '', decision: 'deny', state: 'deny-state' });

    // Assess
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe('deny-state');
    expect(landed.searchParams.has('code')).toBe(false);
    expect(await linkIds(h)).toEqual([]);
    expect(await codes()).toEqual(codesBefore);
  });

  it('a redirect URI the client did not register is a 400 page, and the browser is sent nowhere', async () => {
    // Act
    const shown = await tab.page.goto(authorizeUrl(h, skill, 'stray', { redirect_uri: 'https://alexa.example.com/elsewhere' }));

    // Assess
    expect(shown?.status()).toBe(400);
    expect(await tab.page.locator('main').getAttribute('id')).toBe('failed');
    expect(await tab.page.locator('main').getAttribute('data-code')).toBe('link_refused');
    expect(await tab.page.locator('#proof').count()).toBe(0);
    expect(tab.page.url().startsWith(`${h.url}/oauth/authorize`)).toBe(true);
    expect(tab.reached).toEqual([]);
    expect(tab.answers).toEqual([]);
  });

  it('a code traded twice is invalid_grant the second time', async () => {
    // Prepare
    const pkce = pkcePair();
    const landed = await decideInBrowser(tab, h, skill, { proof: h.apiKey, decision: 'approve', state: 'twice', challenge: pkce.challenge });
    const form = { grant_type: 'authorization_code', code: landed.searchParams.get('code') as string, redirect_uri: ALEXA_REDIRECT, code_verifier: pkce.verifier };

    // Act
    const first = await tokenRequest(h.url, skill, form);
    const second = await tokenRequest(h.url, skill, form);

    // Assess
    expect(first.status, first.text).toBe(200);
    expect(second.status).toBe(400);
    expect(second.body.error).toBe('invalid_grant');
  });

  it('a code traded after its five minutes is invalid_grant', async () => {
    // Prepare
    const pkce = pkcePair();
    const landed = await decideInBrowser(tab, h, home, { proof: h.apiKey, decision: 'approve', state: 'late', challenge: pkce.challenge });
    const links = await linkIds(h);
    ahead += AUTHORIZATION_CODE_LIFETIME_MS + 1_000;

    // Act
    const late = await tokenRequest(h.url, home, { grant_type: 'authorization_code', code: landed.searchParams.get('code') as string, redirect_uri: GOOGLE_REDIRECT, code_verifier: pkce.verifier });

    // Assess
    expect(late.status).toBe(400);
    expect(late.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
    expect(await linkIds(h)).toEqual(links);
  });

  it('a refresh token used after its rotation is invalid_grant; the rotated one still works', async () => {
    // Prepare
    const tokens = await linkInBrowser(tab, h, home, h.apiKey);
    const rotated = await tokenRequest(h.url, home, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(rotated.status, rotated.text).toBe(200);

    // Act
    const old = await tokenRequest(h.url, home, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    const next = await tokenRequest(h.url, home, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token });

    // Assess
    expect(old.status).toBe(400);
    expect(old.body.error).toBe('invalid_grant');
    expect(next.status, next.text).toBe(200);
  });

  it('an Alexa link revoked by the admin: INVALID_AUTHORIZATION_CREDENTIAL, the device untouched, the refresh token refused', async () => {
    // Prepare
    const { code } = await h.bridge.assistantLinks.newLinkCode(ACCOUNT);
    const tokens = await linkInBrowser(tab, h, skill, code);
    const check = await h.bridge.assistantLinks.verify(tokens.access_token);
    if (check.status !== 'valid') throw new Error(`preparing: the new token is ${check.status}`);
    const working = await alexa(h, directive('Discovery/Discovery.request.json', tokens.access_token));
    expect(working.event.header.name).toBe('Discover.Response');
    const lampBefore = h.sim.device(LAMP).params.switch;

    // Act: what `npx ewelink-bridge oauth-revoke <linkId>` does
    await h.bridge.assistantLinks.revoke(check.linkId);
    const discover = await alexa(h, directive('Discovery/Discovery.request.json', tokens.access_token));
    const toggle = await alexa(h, directive(`PowerController/PowerController.${lampBefore === 'on' ? 'TurnOff' : 'TurnOn'}.request.json`, tokens.access_token, LAMP));
    const refresh = await tokenRequest(h.url, skill, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });

    // Assess
    for (const answer of [discover, toggle]) {
      expect(answer.event.header.name).toBe('ErrorResponse');
      expect(answer.event.payload.type).toBe('INVALID_AUTHORIZATION_CREDENTIAL');
    }
    expect(h.sim.device(LAMP).params.switch).toBe(lampBefore);
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect(await linkIds(h)).not.toContain(check.linkId);
  });

  it('a Google link ended by DISCONNECT: every later request is 401 authFailure, the device untouched, the refresh token refused', async () => {
    // Prepare
    const tokens = await linkInBrowser(tab, h, home, h.apiKey);
    const check = await h.bridge.assistantLinks.verify(tokens.access_token);
    if (check.status !== 'valid') throw new Error(`preparing: the new token is ${check.status}`);
    const strip = () => JSON.stringify(h.sim.device(STRIP).params.switches);
    const stripBefore = strip();

    // Act
    const disconnect = await google(h, tokens.access_token, 'action.devices.DISCONNECT');
    const sync = await google(h, tokens.access_token, 'action.devices.SYNC');
    const execute = await google(h, tokens.access_token, 'action.devices.EXECUTE', onOff([`${STRIP}-0`, `${STRIP}-1`, `${STRIP}-2`, `${STRIP}-3`], true));
    const refresh = await tokenRequest(h.url, home, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });

    // Assess
    expect(disconnect).toEqual({ status: 200, body: {} });
    for (const refused of [sync, execute]) {
      expect(refused.status).toBe(401);
      expect(refused.body.payload.errorCode).toBe('authFailure');
    }
    expect(strip()).toBe(stripBefore);
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    expect(await linkIds(h)).not.toContain(check.linkId);
  });
});
