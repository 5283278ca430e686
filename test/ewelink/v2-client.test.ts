import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountApikey } from '../../lib/ewelink/device-shape';
import { AccessTokenExpired, AuthFailed, BadRequest, DeviceTimeout, NotAvailableForApp, NotFound, RefreshTokenExpired } from '../../lib/ewelink/errors';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { EwelinkV2Client } from '../../lib/ewelink/v2-client';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, clientFor, credentialsFor, GARAGE, HEATER, httpLog, LAMP, rejection, STRIP, testSim } from './fixture';
import { REDIRECT_URL, signIn, submitLogin, v2ClientFor, v2Credentials } from './v2-fixture';

/*
 * The v2 client against the simulated cloud over real sockets: the login link the sim's page
 * accepts, the code exchange, refresh and unlink, homes, the thing list mapped onto the device
 * shape v1 gives, status read and write, many devices in one batch call, and the typed errors.
 */

let sim: Sim;
let v2: EwelinkV2Client;
let alice: Credentials & { rt: string };

beforeAll(async () => {
  sim = await testSim({ redirectUrls: [REDIRECT_URL] });
  v2 = v2ClientFor(sim);
  alice = await v2Credentials(v2, ALICE.email, ALICE.password);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => sim.stats.reset());

describe('loginUrl', () => {
  it('builds a link to the login page, signed so that the page shows its form', async () => {
    // Act
    const link = new URL(v2.loginUrl(REDIRECT_URL, 'st-42', Date.parse('2026-03-02T08:00:00Z')));

    // Assess
    expect(`${link.origin}${link.pathname}`).toBe(sim.loginPageUrl);
    expect(Object.fromEntries(link.searchParams)).toEqual({
      clientId: v2.appId,
      redirectUrl: REDIRECT_URL,
      grantType: 'authorization_code',
      state: 'st-42',
      nonce: expect.stringMatching(/^[A-Za-z0-9]{8}$/),
      seq: String(Date.parse('2026-03-02T08:00:00Z')),
      authorization: expect.any(String),
    });
    const landing = await submitLogin(link.toString(), { login: ALICE.email, password: ALICE.password });
    expect(landing.status).toBe(302);
    expect(landing.to?.searchParams.get('state')).toBe('st-42');
  });

  it('signed with another secret, is refused by the page', async () => {
    // Prepare
    const forged = v2ClientFor(sim, { appSecret: 'not-the-secret' });

    // Act
    const landing = await submitLogin(forged.loginUrl(REDIRECT_URL, 'st'), { login: ALICE.email, password: ALICE.password });

    // Assess
    expect(landing.status).toBe(400);
    expect(landing.to).toBeUndefined();
    expect(landing.html).toContain('authorization does not match');
  });
});

describe('exchangeCode', () => {
  it('trades the redirect’s code for tokens that work, with their expiry times', async () => {
    // Prepare
    const { code, region } = await signIn(v2, ALICE.email, ALICE.password);

    // Act
    const tokens = await v2.exchangeCode(code, REDIRECT_URL, 'eu');

    // Assess
    expect(region).toBe('eu');
    expect(tokens).toEqual({ at: expect.any(String), rt: expect.any(String), atExpiresAt: expect.any(Number), rtExpiresAt: expect.any(Number), region: 'eu' });
    expect(tokens.atExpiresAt).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);
    expect((await v2.families({ at: tokens.at, apikey: '', region: 'eu', api: 'v2' })).families).toHaveLength(1);
  });

  it('follows a 301 to the account’s region', async () => {
    // Prepare
    const { code } = await signIn(v2, BOB.phoneNumber, BOB.password);

    // Act
    const tokens = await v2.exchangeCode(code, REDIRECT_URL, 'eu');

    // Assess
    expect(tokens.region).toBe('cn');
    expect(httpLog(sim).filter((r) => r.path === '/v2/user/oauth/token').map((r) => r.region)).toEqual(['eu', 'cn']);
  });

  it('refuses a code used once already (AuthFailed) and another redirect URL (BadRequest)', async () => {
    // Prepare
    const { code } = await signIn(v2, ALICE.email, ALICE.password);
    const other = await signIn(v2, ALICE.email, ALICE.password);
    await v2.exchangeCode(code, REDIRECT_URL, 'eu');

    // Act
    const reused = await rejection(v2.exchangeCode(code, REDIRECT_URL, 'eu'));
    const elsewhere = await rejection(v2.exchangeCode(other.code, 'https://evil.example.com/cb', 'eu'));

    // Assess
    expect(reused).toBeInstanceOf(AuthFailed);
    expect(reused.message).toMatch(/^exchangeCode: /);
    expect(elsewhere).toBeInstanceOf(BadRequest);
  });
});

describe('refresh and unlink', () => {
  it('refresh gives a new at that works, and the old one stops', async () => {
    // Prepare
    const creds = await v2Credentials(v2, ALICE.email, ALICE.password);

    // Act
    const fresh = await v2.refresh(creds.rt, 'eu');

    // Assess
    expect(fresh).toEqual({ at: expect.any(String), rt: creds.rt, region: 'eu' });
    expect(await rejection(v2.devices(creds))).toBeInstanceOf(AuthFailed);
    expect(await v2.devices({ ...creds, at: fresh.at })).toHaveLength(4);
    alice = { ...creds, at: fresh.at };
  });

  it('refresh with a dead rt is a RefreshTokenExpired', async () => {
    expect(await rejection(v2.refresh('f'.repeat(40), 'eu'))).toBeInstanceOf(RefreshTokenExpired);
  });

  it('unlink ends the pair: the at is refused, the rt dead', async () => {
    // Prepare
    const creds = await v2Credentials(v2, BOB.phoneNumber, BOB.password);

    // Act
    await v2.unlink(creds);

    // Assess
    expect(await rejection(v2.families(creds))).toBeInstanceOf(AuthFailed);
    expect(await rejection(v2.refresh(creds.rt, 'cn'))).toBeInstanceOf(RefreshTokenExpired);
  });

  it('an expired at is an AccessTokenExpired, as on v1', async () => {
    // Prepare
    const creds = await v2Credentials(v2, BOB.phoneNumber, BOB.password);
    sim.expireAccessToken(creds.at);

    // Act
    const err = await rejection(v2.devices(creds));

    // Assess
    expect(err).toBeInstanceOf(AccessTokenExpired);
  });
});

describe('families and devices', () => {
  it('families names the account’s home as current', async () => {
    // Act
    const { families, currentFamilyId } = await v2.families(alice);

    // Assess
    expect(families).toEqual([{ id: expect.any(String), name: 'My Home', index: 0, rooms: [] }]);
    expect(currentFamilyId).toBe(families[0]?.id);
  });

  it('devices gives the same device shape v1’s device list gives', async () => {
    // Prepare: the same account over v1 (this sim's app id is an enterprise one)
    const v1Devices = await clientFor(sim.apiUrlTemplate).devices(credentialsFor(sim, ALICE.email), { getTags: true });
    alice = await v2Credentials(v2, ALICE.email, ALICE.password);
    const common = (d: { deviceid: string; name: string; uiid: number; apikey: string; online: boolean; params: unknown; tags?: unknown }) => ({
      deviceid: d.deviceid,
      name: d.name,
      uiid: d.uiid,
      apikey: d.apikey,
      online: d.online,
      params: d.params,
      tags: d.tags,
    });

    // Act
    const devices = await v2.devices(alice);

    // Assess
    expect(devices.map(common)).toEqual(v1Devices.map(common));
    expect(devices.map((d) => d.uiid)).toEqual([1, 4, 1, 1]);
    expect(accountApikey(devices)).toBe(ALICE.apikey);
  });

  it('devices lists every home, since v2 lists one at a time (the current one unless named); familyid lists one', async () => {
    // Prepare: an account with a device in a second home
    const carol = { email: 'carol@example.com', password: 'carol-pw', region: 'eu' as const };
    const devices = [
      { deviceid: '30000000a1', name: 'Hall', uiid: 1 },
      { deviceid: '30000000a2', name: 'Shed', uiid: 1, home: 'Cottage' },
    ];
    const homes = await testSim({ redirectUrls: [REDIRECT_URL], accounts: [{ ...carol, devices }] });
    try {
      const client = v2ClientFor(homes);
      const creds = await v2Credentials(client, carol.email, carol.password);
      homes.stats.reset();

      // Act
      const all = await client.devices(creds);
      const calls = { ...homes.stats.byPath };
      const { families } = await client.families(creds);
      const cottage = await client.devices(creds, { familyid: families[1]?.id });

      // Assess
      expect(all.map((d) => d.deviceid)).toEqual(['30000000a1', '30000000a2']);
      expect(calls).toEqual({ 'GET /v2/family': 1, 'GET /v2/device/thing': 2 });
      expect(families.map((f) => f.name)).toEqual(['My Home', 'Cottage']);
      expect(cottage.map((d) => d.deviceid)).toEqual(['30000000a2']);
    } finally {
      await homes.close();
    }
  });

  it('devices follows the pages when the thing list comes in parts', async () => {
    // Prepare
    const paged = v2ClientFor(sim, { thingPageSize: 3 });

    // Act
    const devices = await paged.devices(alice);

    // Assess
    expect(devices.map((d) => d.deviceid)).toEqual([LAMP, STRIP, GARAGE, HEATER]);
    expect(httpLog(sim).map((r) => `${r.method} ${r.path} ${r.query['num'] ?? '-'} ${r.query['beginIndex'] ?? '-'}`)).toEqual([
      'GET /v2/family - -',
      'GET /v2/device/thing 3 -',
      'GET /v2/device/thing 3 -1',
    ]);
  });

  it('device reads one device (one call), and an unknown one is NotFound', async () => {
    // Act
    const lamp = await v2.device(alice, LAMP);
    const missing = await rejection(v2.device(alice, '9999999999'));

    // Assess
    expect(lamp).toMatchObject({ deviceid: LAMP, name: 'Lamp', uiid: 1, online: true, apikey: ALICE.apikey, params: sim.device(LAMP).params });
    expect(missing).toBeInstanceOf(NotFound);
    expect(httpLog(sim).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/device/thing', 'POST /v2/device/thing']);
  });
});

describe('status', () => {
  it('setStatus changes the virtual device, getStatus reads it back', async () => {
    // Prepare
    const next = sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';

    // Act
    await v2.setStatus(alice, LAMP, { switch: next });
    const read = await v2.getStatus(alice, LAMP, ['switch']);

    // Assess
    expect(sim.device(LAMP).params['switch']).toBe(next);
    expect(read).toEqual({ switch: next });
  });

  it('setStatus sends a timers array the device then holds', async () => {
    // Prepare
    const timers = [{ enabled: 1, mId: 'v2-timer', type: 'repeat', coolkit_timer_type: 'repeat', at: '0 7 * * 1', do: { switch: 'on' } }];

    // Act
    await v2.setStatus(alice, LAMP, { timers });

    // Assess
    expect(sim.device(LAMP).params['timers']).toEqual(timers);
    expect(await v2.getStatus(alice, LAMP, ['timers'])).toEqual({ timers });
  });

  it('an offline device is a DeviceTimeout', async () => {
    expect(await rejection(v2.setStatus(alice, GARAGE, { switch: 'on' }))).toBeInstanceOf(DeviceTimeout);
    expect(await rejection(v2.getStatus(alice, GARAGE))).toBeInstanceOf(DeviceTimeout);
  });

  it('setStatuses changes several devices in one call, each answering for itself', async () => {
    // Act
    const results = await v2.setStatuses(alice, [
      { deviceid: LAMP, params: { switch: 'on' } },
      { deviceid: HEATER, params: { switch: 'on' } },
      { deviceid: STRIP, params: { switches: [{ switch: 'on', outlet: 1 }] } },
      { deviceid: GARAGE, params: { switch: 'on' } },
    ]);

    // Assess
    expect(httpLog(sim).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/device/thing/batch-status']);
    expect(results.slice(0, 3)).toEqual([
      { deviceid: LAMP, ok: true },
      { deviceid: HEATER, ok: true },
      { deviceid: STRIP, ok: true },
    ]);
    expect(results[3]).toMatchObject({ deviceid: GARAGE, ok: false, error: expect.any(DeviceTimeout) });
    expect(sim.device(LAMP).params['switch']).toBe('on');
    expect(sim.device(HEATER).params['switch']).toBe('on');
    expect((sim.device(STRIP).params['switches'] as { switch: string; outlet: number }[]).find((s) => s.outlet === 1)?.switch).toBe('on');
  });

  it('setStatuses with nothing to send makes no call', async () => {
    expect(await v2.setStatuses(alice, [])).toEqual([]);
    expect(httpLog(sim)).toEqual([]);
  });
});

describe('dispatch', () => {
  it('names the socket host, from the region’s dispatch host', async () => {
    // Act
    const target = await v2.dispatch(alice);

    // Assess
    expect(target).toEqual({ domain: '127.0.0.1', ip: '127.0.0.1', port: sim.port });
    expect(v2.socketUrl(target)).toBe(`ws://127.0.0.1:${sim.port}/api/ws`);
    expect(httpLog(sim).map((r) => `${r.service} ${r.region} ${r.method} ${r.path}`)).toEqual(['dispa eu GET /dispatch/app']);
  });
});

describe('a personal app id', () => {
  let personal: Sim;

  beforeAll(async () => {
    personal = await testSim({ appKind: 'personal', redirectUrls: [REDIRECT_URL] });
  });
  afterAll(() => personal.close());

  it('makes every v1 call a NotAvailableForApp that says what the app may do instead', async () => {
    // Prepare
    const v1 = clientFor(personal.apiUrlTemplate);
    const creds = credentialsFor(personal, ALICE.email);

    // Act
    const login = await rejection(v1.login({ email: ALICE.email }, ALICE.password, 'eu'));
    const list = await rejection(v1.devices(creds));
    const status = await rejection(v1.setStatus(creds, LAMP, { switch: 'on' }));

    // Assess
    for (const err of [login, list, status]) {
      expect(err).toBeInstanceOf(NotAvailableForApp);
      expect(err).toMatchObject({ code: 407 });
      expect(err.message).toMatch(/personal app id .*OAuth 2\.0 .*v2 API/);
    }
    expect(login.message).toMatch(/^login: /);
    expect(personal.stats.byPath).toMatchObject({ 'POST /api/user/login': 1, 'GET /api/user/device': 1, 'POST /api/user/device/status': 1 });
  });

  it('serves the v2 client', async () => {
    // Prepare
    const client = v2ClientFor(personal);
    const creds = await v2Credentials(client, ALICE.email, ALICE.password);

    // Act
    const devices = await client.devices(creds);
    await client.setStatus(creds, HEATER, { switch: 'off' });

    // Assess
    expect(devices).toHaveLength(4);
    expect(personal.device(HEATER).params['switch']).toBe('off');
  });
});
