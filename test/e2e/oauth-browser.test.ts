import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoSeed } from '../../sim';
import { launchBrowser } from '../support/browser';
import { ACCOUNT, httpCalls, startHarness, warmSocket, type Harness } from '../support/bridge';
import { scanTable } from '../support/dynamo';
import { cloudTraffic } from '../support/refusals';

/*
 * The whole OAuth 2.0 dance in a real headless Chromium against the simulated cloud with a
 * personal app id (every v1 path answers 407, as the real cloud answers such an app id): the
 * bridge's start route sends the browser to the sim's login page, the person signs in there,
 * the page sends the browser back to the bridge's callback, which links the account on the v2
 * API. Then the account is used through the HTTP API: devices, every family of the demo
 * account, a timer the simulated device fires by itself, a scene, a refresh; the operations v2
 * lacks answer 501 without a call to the cloud. And the ways a sign-in goes wrong: a bad
 * state, a code used twice, a denied sign-in, each a clear page with nothing stored.
 */

const HOUR = 3_600_000;
const DEMO = demoSeed({});
const LOGIN = DEMO.email as string;

let browser: Browser;
let h: Harness;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => browser?.close());

beforeEach(async () => {
  // The cloud's clock is a manual one at the top of the next hour: timers fire only when the test
  // moves it. Never behind real time: DynamoDB Local deletes items whose TTL has passed, and the
  // bridge gives a sign-in's state its TTL by this clock.
  h = await startHarness({ account: DEMO, link: false, sim: { appKind: 'personal', clock: { mode: 'manual', start: Math.ceil(Date.now() / HOUR) * HOUR } } });
  context = await browser.newContext();
  page = await context.newPage();
  // The start route wants the API key; the browser sends it to that route only, never on to eWeLink.
  await page.route(`${h.url}/ewelink/oauth/start`, (route) => route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${h.apiKey}` } }));
});
afterEach(async () => {
  await context?.close();
  await h?.close();
});

/** Opens the start route, which must land on the login page; then signs in (or denies) and answers the callback's status and page. */
async function signIn(decision: 'allow' | 'deny', password = DEMO.password): Promise<{ status: number; main: string | null; text: string; landedAt: string }> {
  await page.goto(`${h.url}/ewelink/oauth/start`);
  expect(page.url().startsWith(h.sim.loginPageUrl)).toBe(true);
  await page.fill('#login', LOGIN);
  await page.fill('#password', password);
  const [landing] = await Promise.all([page.waitForResponse((r) => r.url().startsWith(`${h.url}/ewelink/oauth/callback`)), page.click(`#${decision}`)]);
  await page.waitForLoadState();
  return { status: landing.status(), main: await page.locator('main').getAttribute('id'), text: (await page.locator('main').textContent()) ?? '', landedAt: page.url() };
}

/** Every item of the table but the API key's bookkeeping and the sign-ins started: what a failed link must leave as it was. */
async function linkState(): Promise<string> {
  const items = await scanTable(h.table);
  return JSON.stringify(items.filter((item) => !String(item.pk).startsWith('ONCE#ewelink-state#') && !String(item.pk).startsWith('APIKEY#') && !String(item.sk).startsWith('APIKEY#')));
}

describe('linking through the eWeLink login page in a browser (personal app id, v2)', { timeout: 60_000 }, () => {
  it('links the account, then serves it on v2 alone: devices, every family, a timer the device fires, a scene, a refresh', async () => {
    // Act: the dance
    const landed = await signIn('allow');
    // Assess: the page, and the tokens stored as a v2 link with the account's apikey
    expect(landed.status, landed.text).toBe(200);
    expect(landed.main).toBe('linked');
    expect(landed.text).toContain(`"${ACCOUNT}" is linked`);
    const record = await h.parts.store.tokens.get(ACCOUNT);
    expect(record).toMatchObject({ api: 'v2', region: 'eu', apikey: h.sim.device('1000000001').ownerApikey });
    expect(record!.atExpiresAt).toBeGreaterThan(Date.now());
    expect(httpCalls(h.sim, 'POST /api/user/login')).toBe(0);

    // Act + Assess: the device list, from the thing list
    const listed = await h.call('GET', '/devices');
    expect(listed.status).toBe(200);
    expect(listed.body.devices.map((d: { deviceid: string }) => d.deviceid).sort()).toEqual(DEMO.devices!.map((d) => d.deviceid).sort());

    // Act + Assess: one command for each family of the demo account, over the socket (opened first, as on a warm instance)
    await warmSocket(h);
    const commands: [string, object, (params: Record<string, unknown>) => void][] = [
      ['1000000001', { power: 'on' }, (p) => expect(p.switch).toBe('on')],
      ['1000000004', { power: 'on', channel: 2 }, (p) => expect((p.switches as { outlet: number; switch: string }[]).find((s) => s.outlet === 2)?.switch).toBe('on')],
      ['1000000044', { brightness: 40 }, (p) => expect(p.brightness).toBe(40)],
      ['1000000059', { color: '#ff0000' }, (p) => expect(p).toMatchObject({ colorR: 255, colorG: 0, colorB: 0 })],
      ['1000000013', { colorTemperature: 2700 }, (p) => expect(p.ltype).toBe('white')],
      ['1000000014', { color: '#00ff00' }, (p) => expect(p.ltype).toBe('color')],
      ['1000000015', { power: 'on' }, (p) => expect(p.switch).toBe('on')],
      ['1000000005', { power: 'on' }, (p) => expect(p.switch).toBe('on')],
    ];
    for (const [deviceid, command, check] of commands) {
      const res = await h.call('POST', `/devices/${deviceid}/control`, { body: command });
      expect(res.status, `${deviceid}: ${res.text}`).toBe(200);
      expect(res.body.via).toBe('socket');
      check(h.sim.device(deviceid).params);
    }
    const state = await h.call('GET', '/devices/1000000001');
    expect(state.body).toMatchObject({ power: 'on', online: true });

    // Act + Assess: a timer, pushed as the device's timers param and fired by the device itself
    const at = new Date(h.sim.clock.now() + 2 * HOUR).toISOString().slice(0, 16);
    const timer = await h.call('POST', '/devices/1000000001/timers', { body: { schedule: { type: 'once', at }, timeZone: 'UTC', action: { power: 'off' } } });
    expect(timer.status, timer.text).toBe(201);
    expect(timer.body.push.status).toBe('done');
    await h.sim.clock.advance(2 * HOUR + 60_000);
    expect(h.sim.device('1000000001').params.switch).toBe('off');
    expect(h.sim.timerLog.map((f) => f.deviceid)).toEqual(['1000000001']);

    // Act + Assess: a scene, run over the socket
    const scene = await h.call('POST', '/scenes', { body: { name: 'All on', actions: ['1000000001', '1000000015', '1000000005'].map((deviceid) => ({ deviceid, command: { power: 'on' } })) } });
    const run = await h.call('POST', `/scenes/${scene.body.scene.id}/run`);
    expect(run.body).toMatchObject({ ok: 3, failed: 0 });

    // Act + Assess: the same scene with no socket to be had goes in ONE batch-status call
    h.sim.faults.refuseSockets = true;
    h.parts.channel.close();
    await h.call('POST', '/devices/1000000001/control', { body: { power: 'off' } });
    h.sim.stats.reset();
    const fallback = await h.call('POST', `/scenes/${scene.body.scene.id}/run`);
    expect(fallback.body).toMatchObject({ ok: 3, failed: 0 });
    expect(fallback.body.results.map((r: { result: { via: string } }) => r.result.via)).toEqual(['http', 'http', 'http']);
    expect(httpCalls(h.sim, 'POST /v2/device/thing/batch-status')).toBe(1);
    expect(httpCalls(h.sim, 'POST /v2/device/thing/status')).toBe(0);
    expect(h.sim.device('1000000001').params.switch).toBe('on');

    // Act + Assess: the schedule's refresh, through /v2/user/refresh
    h.sim.stats.reset();
    const report = await h.bridge.accounts.refreshExpiring(365 * 24 * HOUR);
    expect(report.refreshed).toEqual([ACCOUNT]);
    expect(httpCalls(h.sim, 'POST /v2/user/refresh')).toBe(1);
    const refreshed = await h.parts.store.tokens.get(ACCOUNT);
    expect(refreshed!.at).not.toBe(record!.at);
    expect((await h.call('GET', '/devices/1000000004')).status).toBe(200);
    // No v1 path was ever called: the personal app id would have been refused.
    expect(h.sim.stats.log.filter((r) => r.kind === 'http' && r.service === 'api')).toEqual([]);
  });

  it('answers 501 not_available_for_app for every operation v2 lacks, without a call to the cloud', async () => {
    // Prepare
    const linked = await signIn('allow');
    expect(linked.status, linked.text).toBe(200);
    const v1Only: [string, string, unknown?][] = [
      ['GET', '/groups'],
      ['POST', '/groups', { name: 'Kitchen' }],
      ['PATCH', '/devices/1000000001', { name: 'Hall lamp' }],
      ['PUT', '/devices/1000000004/channels', { names: { '0': 'Kettle' } }],
      ['GET', '/devices/1000000001/history'],
      ['POST', '/devices/1000000001/shares', { uid: 'friend@example.com' }],
      ['DELETE', '/devices/1000000001'],
      ['POST', '/devices/gsm', { id: 'gsm0123456789', name: 'Gate' }],
    ];
    for (const [method, path, body] of v1Only) {
      h.sim.stats.reset();
      // Act
      const res = await h.call(method, path, { body });
      // Assess
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(501);
      expect(res.body.error.code).toBe('not_available_for_app');
      expect(res.body.error.message).toMatch(/enterprise app id/);
      expect(cloudTraffic(h), `${method} ${path}`).toBe(0);
    }
  });

  it('a bad state, a code used twice and a denied sign-in each show a clear page and store nothing', async () => {
    // Prepare: nothing linked yet
    const before = await linkState();

    // Act + Assess: a state the bridge never handed out
    const bogus = await page.goto(`${h.url}/ewelink/oauth/callback?state=not-a-state-we-made&code=abc&region=eu`);
    expect(bogus?.status()).toBe(400);
    expect(await page.locator('main').getAttribute('data-code')).toBe('link_refused');
    expect(await page.locator('#message').textContent()).toMatch(/unknown, was finished already/);

    // Act + Assess: a denied sign-in
    const denied = await signIn('deny');
    expect(denied.status).toBe(400);
    expect(denied.text).toMatch(/not completed \("access_denied"\)/);
    expect(await linkState()).toBe(before);

    // Act + Assess: a sign-in, its address opened again (state spent), then its code with a new state (code spent)
    const first = await signIn('allow');
    expect(first.status).toBe(200);
    const linked = await linkState();
    const again = await page.goto(first.landedAt);
    expect(again?.status()).toBe(400);
    const code = new URL(first.landedAt).searchParams.get('code') as string;
    await page.goto(`${h.url}/ewelink/oauth/start`);
    const state = new URL(page.url()).searchParams.get('state') as string;
    const reused = await page.goto(`${h.url}/ewelink/oauth/callback?state=${encodeURIComponent(state)}&code=${code}&region=eu`);
    expect(reused?.status()).toBe(400);
    expect(await page.locator('#message').textContent()).toMatch(/did not take the sign-in code/);
    expect(await linkState()).toBe(linked);
  });
});
