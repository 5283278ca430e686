import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, HEATER, LAMP, regionBase, testSim, wsUrl } from './fixture';
import { bySequence, control, get, onlineSocket, post, sequence, SocketClient, updateMessage, userOnline } from './wire';

let sim: Sim;
let eu: string;
let at: string;
let apikey: string;

beforeAll(async () => {
  sim = await testSim();
  eu = regionBase(sim, 'eu');
  ({ at, apikey } = sim.issueTokens(ALICE.email));
});
afterAll(() => sim.close());
afterEach(() => {
  Object.assign(sim.faults, { latencyMs: 0, dispatchFailing: false, refuseSockets: false, dropSocketBeforeReply: false });
  sim.faults.silentDevices.clear();
});

describe('faults', () => {
  it('refuseSockets: the upgrade gets HTTP 503', async () => {
    sim.faults.refuseSockets = true;
    await expect(SocketClient.open(wsUrl(sim))).rejects.toThrow(/503/);
    expect(sim.stats.connections).toBe(0);
  });

  it('dropSocketBeforeReply: the socket closes instead of a reply and nothing changes', async () => {
    // Prepare
    const client = await onlineSocket(wsUrl(sim), at, apikey);
    sim.faults.dropSocketBeforeReply = true;

    // Act
    client.send(updateMessage(apikey, LAMP, { switch: 'on' }, sequence()));
    const closed = await client.closed;

    // Assess
    expect(closed.code).toBe(1006);
    expect(client.pending()).toEqual([]);
    expect(sim.device(LAMP).params['switch']).toBe('off');
  });

  it('dispatchFailing: /dispatch/app answers HTTP 503 with error 500', async () => {
    sim.faults.dispatchFailing = true;
    const reply = await post(eu, '/dispatch/app', { accept: 'ws' }, { bearer: at });
    expect(reply.status).toBe(503);
    expect(reply.body).toMatchObject({ error: 500 });
  });

  it('latencyMs: added to HTTP answers and socket replies, pong included', async () => {
    // Prepare
    const client = await onlineSocket(wsUrl(sim), at, apikey);
    const fast = await get(eu, '/api/user/device', {}, { bearer: at });
    sim.faults.latencyMs = 150;

    // Act
    const slow = await get(eu, '/api/user/device', {}, { bearer: at });
    let started = Date.now();
    client.send('ping');
    await client.next((m) => m === 'pong');
    const pongMs = Date.now() - started;
    const seq = sequence();
    started = Date.now();
    client.send(updateMessage(apikey, LAMP, { switch: 'off' }, seq));
    await client.next(bySequence(seq));
    const replyMs = Date.now() - started;
    client.close();

    // Assess
    expect(fast.body.error).toBe(0);
    expect(slow.body.error).toBe(0);
    expect(slow.ms).toBeGreaterThanOrEqual(145);
    expect(pongMs).toBeGreaterThanOrEqual(145);
    expect(replyMs).toBeGreaterThanOrEqual(145);
  });
});

describe('stats', () => {
  it('counts requests by path, socket messages by action, connections, and logs them', async () => {
    // Prepare
    sim.stats.reset();

    // Act
    await get(regionBase(sim, 'eu'), '/api/user/device', {}, { bearer: at });
    await post(regionBase(sim, 'eu'), '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true });
    ({ at, apikey } = sim.issueTokens(ALICE.email));
    const client = await SocketClient.open(wsUrl(sim));
    client.send(userOnline(at, apikey, { sequence: 'hello' }));
    await client.next();
    client.send('ping');
    await client.next();
    await control(sim.url, 'GET', '/_sim/stats');
    client.close();

    // Assess
    expect(sim.stats).toMatchObject({
      http: 2,
      socketMessages: 2,
      connections: 1,
      byPath: { 'GET /api/user/device': 1, 'POST /api/user/login': 1 },
      byAction: { userOnline: 1, ping: 1 },
    });
    const [list, login, hello, ping] = sim.stats.log;
    expect(list).toMatchObject({ kind: 'http', method: 'GET', path: '/api/user/device', region: 'eu', query: { appid: expect.any(String) }, body: '' });
    expect(list?.kind === 'http' && list.headers['authorization']).toMatch(/^Bearer [0-9a-f]{40}$/);
    expect(login).toMatchObject({ kind: 'http', method: 'POST', region: 'eu', body: expect.stringContaining(ALICE.email) });
    expect(hello).toMatchObject({ kind: 'socket', action: 'userOnline', message: { sequence: 'hello' } });
    expect(ping).toMatchObject({ kind: 'socket', action: 'ping', message: 'ping' });
  });

  it('reset zeroes everything', () => {
    sim.stats.reset();
    expect(sim.stats).toMatchObject({ http: 0, socketMessages: 0, connections: 0, byPath: {}, byAction: {}, log: [] });
  });
});

describe('/_sim control routes', () => {
  it('read stats and a device, set faults and online state, and reset', async () => {
    // Act
    const faults = await control(sim.url, 'POST', '/_sim/faults', { latencyMs: 5, silentDevices: [HEATER] });
    const device = await control(sim.url, 'GET', `/_sim/devices/${LAMP}`);
    const offline = await control(sim.url, 'POST', `/_sim/devices/${LAMP}/online`, { online: false });
    const stats = await control(sim.url, 'GET', '/_sim/stats');
    const reset = await control(sim.url, 'POST', '/_sim/stats/reset');
    const unknown = await control(sim.url, 'GET', '/_sim/devices/nope');
    const badFault = await control(sim.url, 'POST', '/_sim/faults', { latencyMs: 'slow' });

    // Assess
    expect(faults.body).toMatchObject({ latencyMs: 5, silentDevices: [HEATER] });
    expect(sim.faults.silentDevices.has(HEATER)).toBe(true);
    expect(device.body).toMatchObject({ deviceid: LAMP, uiid: 1, online: true, params: { switch: expect.any(String) }, ownerApikey: apikey });
    expect(offline.body).toMatchObject({ online: false });
    expect(sim.device(LAMP).online).toBe(false);
    expect(stats.body).toMatchObject({ http: expect.any(Number), log: expect.any(Array) });
    expect(reset.status).toBe(200);
    expect(sim.stats.http).toBe(0);
    expect(unknown.status).toBe(404);
    expect(badFault.status).toBe(400);
    sim.setDeviceOnline(LAMP, true);
  });

  it('issue and expire tokens', async () => {
    const issued = await control(sim.url, 'POST', '/_sim/tokens', { login: ALICE.email });
    await control(sim.url, 'POST', '/_sim/tokens/expire', { at: issued.body.at });
    const reply = await get(eu, '/api/user/device', {}, { bearer: issued.body.at });
    ({ at, apikey } = sim.issueTokens(ALICE.email));
    expect(issued.body).toMatchObject({ at: expect.any(String), rt: expect.any(String), region: 'eu' });
    expect(reply.body.error).toBe(402);
  });
});
