import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../sim/index';
import { ALICE, LAMP, loginAlice, regionBase, seeds, testSim, wsUrl } from './fixture';
import { APP_ID, APP_SECRET, del, get, onlineSocket, post, put, type Reply, type SocketClient } from './wire';
import { REDIRECT_URL, v2Base, v2Post, v2Query, v2Tokens } from './v2-wire';

/*
 * The kind of the sim's app id: a personal one gets error 407 on every v1 path (login
 * included), as the real cloud answers such app ids, and is served v2, the login page and the
 * socket; an enterprise one (the default) is served both. Every request is counted by path,
 * refused or not.
 */

const NOT_ALLOWED = { error: 407, msg: `the path of request is not allowed with appid:${APP_ID}` };

/** One call of each kind of v1 route, as a client would make it (signed or with a token). */
const V1_CALLS: ReadonlyArray<[string, (sim: Sim) => Promise<Reply>]> = [
  ['GET /api/user/region', (sim) => get(sim.url, '/api/user/region', { country_code: '44' }, { sign: true })],
  ['POST /api/user/login', (sim) => post(regionBase(sim, 'eu'), '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true })],
  ['GET /api/user/refresh', (sim) => get(regionBase(sim, 'eu'), '/api/user/refresh', { grantType: 'refresh', rt: 'x' }, { sign: true })],
  ['POST /api/sms', (sim) => post(regionBase(sim, 'eu'), '/api/sms', { sendType: '0', email: 'new@example.com' }, { sign: true })],
  ['POST /api/user/register', (sim) => post(regionBase(sim, 'eu'), '/api/user/register', { email: 'new@example.com', password: 'pw', verificationCode: '1' }, { sign: true })],
  ['POST /api/user/password', (sim) => post(regionBase(sim, 'eu'), '/api/user/password', { oldPassword: 'a', newPassword: 'b' }, { bearer: 'at' })],
  ['GET /api/user/device', (sim) => get(regionBase(sim, 'eu'), '/api/user/device', { lang: 'en' }, { bearer: 'at' })],
  ['GET /api/user/device/status', (sim) => get(regionBase(sim, 'eu'), '/api/user/device/status', { deviceid: LAMP }, { bearer: 'at' })],
  ['POST /api/user/device/status', (sim) => post(regionBase(sim, 'eu'), '/api/user/device/status', { deviceid: LAMP, params: { switch: 'on' } }, { bearer: 'at' })],
  [`POST /api/user/device/${LAMP}`, (sim) => post(regionBase(sim, 'eu'), `/api/user/device/${LAMP}`, { deviceid: LAMP, name: 'x', group: '' }, { bearer: 'at' })],
  [`DELETE /api/user/device/${LAMP}`, (sim) => del(regionBase(sim, 'eu'), `/api/user/device/${LAMP}`, { deviceid: LAMP, isSub: 0 }, { bearer: 'at' })],
  ['POST /api/user/tags', (sim) => post(regionBase(sim, 'eu'), '/api/user/tags', { deviceid: LAMP, key: 'ck_channel_name', value: {} }, { bearer: 'at' })],
  ['POST /api/user/deviceHistory', (sim) => post(regionBase(sim, 'eu'), '/api/user/deviceHistory', { deviceid: LAMP }, { bearer: 'at' })],
  ['GET /api/group', (sim) => get(regionBase(sim, 'eu'), '/api/group', { groupType: 0 }, { bearer: 'at' })],
  ['PUT /api/group', (sim) => put(regionBase(sim, 'eu'), '/api/group', { id: 'g', index: 0, name: 'n', groupType: 0 }, { bearer: 'at' })],
  ['POST /api/user/device/add', (sim) => post(regionBase(sim, 'eu'), '/api/user/device/add', { deviceid: '1', apikey: 'k', name: 'n' }, { bearer: 'at' })],
  ['POST /dispatch/app', (sim) => post(regionBase(sim, 'eu'), '/dispatch/app', { accept: 'ws' }, { bearer: 'at' })],
  ['GET /api/no/such/path', (sim) => get(regionBase(sim, 'eu'), '/api/no/such/path', {}, { bearer: 'at' })],
];

describe('a personal app id', () => {
  let sim: Sim;
  const opened: SocketClient[] = [];

  beforeAll(async () => {
    sim = await testSim({ appKind: 'personal', redirectUrls: [REDIRECT_URL] });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.stats.reset());
  afterEach(() => {
    for (const client of opened.splice(0)) client.close();
  });

  it('says so', () => {
    expect(sim.appKind).toBe('personal');
  });

  it.each(V1_CALLS)('gets HTTP 200 with error 407 on %s, and the call is counted', async (key, call) => {
    // Act
    const reply = await call(sim);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(NOT_ALLOWED);
    expect(sim.stats.byPath).toEqual({ [key]: 1 });
  });

  it('is refused on v1 even with tokens that work on v2, and nothing changes', async () => {
    // Prepare
    const { at } = await v2Tokens(sim, ALICE.email, ALICE.password);
    const before = sim.device(LAMP).params;

    // Act
    const reply = await post(regionBase(sim, 'eu'), '/api/user/device/status', { deviceid: LAMP, params: { switch: 'on' } }, { bearer: at });

    // Assess
    expect(reply.body).toEqual(NOT_ALLOWED);
    expect(sim.device(LAMP).params).toEqual(before);
  });

  it('is served the login page, v2 and the socket', async () => {
    // Prepare
    const { at } = await v2Tokens(sim, ALICE.email, ALICE.password);

    // Act
    const things = await v2Query('GET', v2Base(sim, 'eu'), '/v2/device/thing', { num: 0 }, { bearer: at });
    const apikey = things.body.data.thingList.find((t: { itemType: number }) => t.itemType === 1).itemData.apikey;
    const socket = await onlineSocket(wsUrl(sim), at, apikey);
    opened.push(socket);
    const write = await v2Post(v2Base(sim, 'eu'), '/v2/device/thing/status', { type: 1, id: LAMP, params: { switch: 'on' } }, { bearer: at });

    // Assess
    expect(things.body.error).toBe(0);
    expect(write.body.error).toBe(0);
    expect(await socket.next((m) => m.action === 'update')).toMatchObject({ deviceid: LAMP, params: { switch: 'on' } });
    expect(Object.keys(sim.stats.byPath).filter((key) => key.includes('/api/'))).toEqual([]);
  });
});

describe('an enterprise app id (the default)', () => {
  let sim: Sim;

  beforeAll(async () => {
    sim = await testSim({ redirectUrls: [REDIRECT_URL] });
  });
  afterAll(() => sim.close());
  beforeEach(() => sim.stats.reset());

  it('is served v1 (login, device list) and v2 alike', async () => {
    // Act
    const v1 = await loginAlice(sim);
    const list = await get(regionBase(sim, 'eu'), '/api/user/device', { lang: 'en' }, { bearer: v1.at });
    const v2 = await v2Tokens(sim, ALICE.email, ALICE.password);
    const things = await v2Query('GET', v2Base(sim, 'eu'), '/v2/device/thing', {}, { bearer: v2.at });

    // Assess
    expect(sim.appKind).toBe('enterprise');
    expect(list.body.devicelist).toHaveLength(4);
    expect(things.body.data.total).toBe(4);
    expect(sim.stats.byPath).toMatchObject({ 'POST /api/user/login': 1, 'GET /api/user/device': 1, 'POST /v2/user/oauth/token': 1, 'GET /v2/device/thing': 1 });
  });
});

describe('the configuration', () => {
  const base = { appId: APP_ID, appSecret: APP_SECRET, accounts: seeds() };

  it('refuses an unknown app kind', async () => {
    await expect(startSim({ ...base, appKind: 'free' as never })).rejects.toThrow(/appKind/);
  });

  it.each(['http://bridge.example.com/callback', 'ftp://localhost/callback', 'not a url'])('refuses to register %s as a redirect URL', async (url) => {
    await expect(startSim({ ...base, redirectUrls: [url] })).rejects.toThrow(/redirect URL/);
  });

  it('registers https URLs and local http ones', async () => {
    // Act
    const sim = await startSim({ ...base, redirectUrls: ['https://bridge.example.com/cb', 'http://localhost:8787/cb', 'http://127.0.0.1/cb'] });

    // Assess
    expect(sim.loginPageUrl).toBe(`${sim.url}/oauth/index.html`);
    await sim.close();
  });
});
