import { Client, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, HEATER, LAMP, regionBase, testSim, wsUrl } from './fixture';
import { bySequence, commonFields, control, get, onlineSocket, post, sequence, SocketClient, updateMessage, userOnline } from './wire';

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
afterEach(() => sim.clearFaults());

/** The lamp's switch, and the other value it could take. */
function lampSwitch(): { now: string; other: 'on' | 'off' } {
  const now = String(sim.device(LAMP).params['switch']);
  return { now, other: now === 'on' ? 'off' : 'on' };
}

/** A device list over one undici Client (one connection, kept alive), timed from send to the end of the body. */
async function timedDeviceList(client: Client): Promise<number> {
  const query = new URLSearchParams(Object.entries(commonFields()).map(([k, v]): [string, string] => [k, String(v)]));
  const started = performance.now();
  const res = await client.request({ method: 'GET', path: `/eu/api/user/device?${query}`, headers: { authorization: `Bearer ${at}` } });
  const body = (await res.body.json()) as { error: number };
  if (body.error !== 0) throw new Error(`the device list failed: ${JSON.stringify(body)}`);
  return performance.now() - started;
}

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

  it('dropSocketAfterApply: the update is applied and pushed, then the socket closes instead of the reply', async () => {
    // Prepare
    const client = await onlineSocket(wsUrl(sim), at, apikey);
    const watcher = await onlineSocket(wsUrl(sim), at, apikey);
    const lamp = lampSwitch();
    sim.faults.dropSocketAfterApply = true;

    // Act
    client.send(updateMessage(apikey, LAMP, { switch: lamp.other }, sequence()));
    const closed = await client.closed;
    const pushed = await watcher.next((m) => m.action === 'update' && m.deviceid === LAMP);
    watcher.close();

    // Assess
    expect(closed.code).toBe(1006);
    expect(client.pending()).toEqual([]);
    expect(sim.device(LAMP).params['switch']).toBe(lamp.other);
    expect(pushed).toMatchObject({ userAgent: 'device', params: { switch: lamp.other } });
  });

  it('silentHandshake: the upgrade is accepted, userOnline is taken in but never answered, and the socket stays open', async () => {
    // Prepare: bob, who has no other socket in this file
    const bob = sim.issueTokens(BOB.phoneNumber);
    sim.stats.reset();
    const switched = await control(sim.url, 'POST', '/_sim/faults', { silentHandshake: true });
    const client = await SocketClient.open(wsUrl(sim));

    // Act
    client.send(userOnline(bob.at, bob.apikey));
    await vi.waitFor(() => expect(sim.stats.byAction['userOnline']).toBe(1));
    await control(sim.url, 'GET', '/_sim/faults'); // a round trip after the handshake arrived, for any answer to come
    const unanswered = client.pending();
    const onlineDuringSilence = sim.openSockets(BOB.phoneNumber);
    sim.faults.silentHandshake = false;
    const again = userOnline(bob.at, bob.apikey);
    client.send(again);
    const reply = await client.next((m) => m.sequence === again['sequence']);
    client.close();
    await client.closed;

    // Assess
    expect(switched.body).toMatchObject({ silentHandshake: true });
    expect(unanswered).toEqual([]);
    expect(onlineDuringSilence).toBe(0);
    expect(reply).toMatchObject({ error: 0, apikey: bob.apikey });
  });

  it('dropHttpAfterApply: an HTTP command is carried out, then its connection closes instead of the answer', async () => {
    // Prepare
    sim.stats.reset();
    const lamp = lampSwitch();
    const set = await control(sim.url, 'POST', '/_sim/faults', { dropHttpAfterApply: true });

    // Act
    const lost = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: lamp.other } }, { bearer: at }).then(
      () => undefined,
      (err: unknown) => err as Error & { code?: string },
    );
    const between = sim.device(LAMP).params['switch'];
    sim.faults.dropHttpAfterApply = false;
    const after = await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: lamp.now } }, { bearer: at });

    // Assess: the first call's change stands though its answer never came; the fault's end restores answers
    expect(set.body).toMatchObject({ dropHttpAfterApply: true });
    expect(lost?.code).toBe('UND_ERR_SOCKET');
    expect(between).toBe(lamp.other);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBe(2);
    expect(after).toMatchObject({ status: 200, body: { error: 0 } });
    expect(sim.device(LAMP).params['switch']).toBe(lamp.now);
  });

  it('hangHttp: a command gets no answer while the cloud hangs, and is carried out and answered when it comes back', async () => {
    // Prepare
    sim.stats.reset();
    const lamp = lampSwitch();
    const hung = await control(sim.url, 'POST', '/_sim/faults', { hangHttp: true });

    // Act
    let answered = false;
    const command = post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: lamp.other } }, { bearer: at }).finally(() => {
      answered = true;
    });
    await vi.waitFor(() => expect(sim.stats.byPath['POST /api/user/device/status']).toBe(1));
    const during = await control(sim.url, 'GET', `/_sim/devices/${LAMP}`);
    const answeredDuringHang = answered;
    const lifted = await control(sim.url, 'POST', '/_sim/faults', { hangHttp: false });
    const reply = await command;

    // Assess
    expect(hung.body).toMatchObject({ hangHttp: true });
    expect(during.body.params.switch).toBe(lamp.now);
    expect(answeredDuringHang).toBe(false);
    expect(lifted.body).toMatchObject({ hangHttp: false });
    expect(reply).toMatchObject({ status: 200, body: { error: 0, deviceid: LAMP } });
    expect(sim.device(LAMP).params['switch']).toBe(lamp.other);
  });

  it('hangHttp: a command whose client gave up during the hang is still carried out when the hang ends', async () => {
    // Prepare
    sim.stats.reset();
    const lamp = lampSwitch();
    sim.faults.hangHttp = true;
    const abort = new AbortController();
    const body = JSON.stringify({ ...commonFields(), deviceid: LAMP, params: { switch: lamp.other } });

    // Act
    const sent = request(`${eu}/api/user/device/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${at}` },
      body,
      signal: abort.signal,
    });
    await vi.waitFor(() => expect(sim.stats.byPath['POST /api/user/device/status']).toBe(1));
    abort.abort();
    const gaveUp = await sent.then(
      () => 'answered',
      () => 'gave up',
    );
    await control(sim.url, 'GET', '/_sim/faults'); // a round trip, for the sim to see the connection go
    const duringHang = sim.device(LAMP).params['switch'];
    sim.faults.hangHttp = false;

    // Assess
    expect(gaveUp).toBe('gave up');
    expect(duringHang).toBe(lamp.now);
    await vi.waitFor(() => expect(sim.device(LAMP).params['switch']).toBe(lamp.other));
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

  it('latencyMs: a new HTTP connection pays two more round trips before its first answer than a kept-alive one', async () => {
    // Prepare: each undici Client keeps one connection alive
    sim.faults.latencyMs = 200;
    sim.stats.reset();
    const first = new Client(sim.url);
    const second = new Client(sim.url);
    let opening: number, kept: number, another: number;
    try {
      // Act
      opening = await timedDeviceList(first);
      kept = await timedDeviceList(first);
      another = await timedDeviceList(second);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }

    // Assess: 2 × 200 ms more is expected; half of it parts "paid" from "not paid" with room for noise either way
    expect(opening - kept).toBeGreaterThan(200);
    expect(another - kept).toBeGreaterThan(200);
    expect(sim.stats).toMatchObject({ http: 3, httpConnections: 2 });
  });

  it('latencyMs: a WebSocket upgrade pays the set-up, two round trips, before it opens', async () => {
    // Prepare
    sim.faults.latencyMs = 200;
    sim.stats.reset();

    // Act
    let started = performance.now();
    const client = await SocketClient.open(wsUrl(sim));
    const openMs = performance.now() - started;
    const hello = userOnline(at, apikey);
    started = performance.now();
    client.send(hello);
    await client.next((m) => m.sequence === hello['sequence']);
    const handshakeMs = performance.now() - started;
    client.close();

    // Assess: the upgrade waits 2 × 200 ms, a reply 200 ms
    expect(openMs).toBeGreaterThanOrEqual(395);
    expect(openMs).toBeGreaterThan(handshakeMs);
    expect(sim.stats).toMatchObject({ connections: 1, httpConnections: 0 });
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
    expect(sim.stats).toMatchObject({ http: 0, httpConnections: 0, socketMessages: 0, connections: 0, upgrades: 0, limitCrossings: { total: 0, byEndpoint: {} }, byPath: {}, byAction: {}, log: [] });
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

  it('show the new faults off at first, set them, and refuse a wrong value naming the fault', async () => {
    // Prepare
    const fresh = await testSim();
    try {
      // Act
      const shown = await control(fresh.url, 'GET', '/_sim/faults');
      const set = await control(fresh.url, 'POST', '/_sim/faults', { dropSocketAfterApply: true, silentHandshake: true, enforceLimits: true });
      const wrong = await control(fresh.url, 'POST', '/_sim/faults', { hangHttp: 1, silentHandshake: false });

      // Assess
      expect(shown.body).toMatchObject({ dropSocketAfterApply: false, hangHttp: false, silentHandshake: false, enforceLimits: false });
      expect(set.body).toMatchObject({ dropSocketAfterApply: true, hangHttp: false, silentHandshake: true, enforceLimits: true });
      expect(wrong).toMatchObject({ status: 400, body: { error: 'hangHttp must be a boolean' } });
      expect(fresh.faults.silentHandshake).toBe(true);
    } finally {
      await fresh.close();
    }
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
