import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { politenessFromEnv, type Sim } from '../../sim/index';
import { ALICE, BOB, LAMP, regionBase, testSim, wsUrl } from './fixture';
import { control, get, post, SocketClient, userOnline, type Json } from './wire';

/*
 * The real cloud's politeness limits (protocol notes, "Rate limits seen on the real cloud"):
 * the same endpoint at least 500 ms apart, at most 300 calls to it in 5 minutes, handshakes
 * included. The sim keeps them per account (per IP before login) by the cloud's clock, which
 * these tests hold still and move by hand. Every crossing is counted; only an enforced one is
 * refused.
 */

const START = Date.parse('2026-03-02T08:00:00Z');

let sim: Sim;
let eu: string;
let cn: string;
let alice: { at: string; apikey: string };
let bob: { at: string; apikey: string };

beforeAll(async () => {
  sim = await testSim({ clock: { mode: 'manual', start: START } });
  eu = regionBase(sim, 'eu');
  cn = regionBase(sim, 'cn');
});
afterAll(() => sim.close());
beforeEach(async () => {
  // Every window a test before filled is over, and nothing is left to count.
  await sim.clock.advance(10 * 60_000);
  sim.faults.enforceLimits = false;
  alice = sim.issueTokens(ALICE.email);
  bob = sim.issueTokens(BOB.phoneNumber);
  sim.stats.reset();
});

function deviceList(token: string, base = eu) {
  return get(base, '/api/user/device', {}, { bearer: token });
}

function switchLamp(to: 'on' | 'off') {
  return post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: to } }, { bearer: alice.at });
}

/** A socket, its handshake sent, and the handshake's answer. */
async function handshake(token: { at: string; apikey: string }): Promise<{ client: SocketClient; answer: Json }> {
  const client = await SocketClient.open(wsUrl(sim));
  const hello = userOnline(token.at, token.apikey);
  client.send(hello);
  return { client, answer: await client.next((m) => m.sequence === hello['sequence']) };
}

async function closeAll(clients: SocketClient[]): Promise<void> {
  for (const client of clients) client.close();
  await Promise.all(clients.map((client) => client.closed));
}

describe('the gap between calls to one endpoint', () => {
  it('a call sooner than 500 ms after the last is counted, and answered while the limits are not enforced', async () => {
    // Act
    const first = await deviceList(alice.at);
    const tooSoon = await deviceList(alice.at);
    const otherEndpoint = await get(eu, `/api/user/device/${LAMP}`, {}, { bearer: alice.at });
    await sim.clock.advance(499);
    const stillTooSoon = await deviceList(alice.at);
    await sim.clock.advance(500);
    const apart = await deviceList(alice.at);

    // Assess
    for (const reply of [first, tooSoon, otherEndpoint, stillTooSoon, apart]) expect(reply).toMatchObject({ status: 200, body: { error: 0 } });
    expect(sim.stats.limitCrossings).toEqual({ total: 2, byEndpoint: { 'GET /api/user/device': 2 } });
  });

  it('enforced, a call too soon is refused with 429 and Retry-After, and not carried out', async () => {
    // Prepare
    const enforced = await control(sim.url, 'POST', '/_sim/faults', { enforceLimits: true });
    await switchLamp('on');

    // Act
    const refused = await switchLamp('off');
    const lampAfterRefusal = sim.device(LAMP).params['switch'];
    await sim.clock.advance(500);
    const taken = await switchLamp('off');

    // Assess
    expect(enforced.body).toMatchObject({ enforceLimits: true });
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 429, msg: 'request too frequent' });
    expect(refused.headers['retry-after']).toBe('1');
    expect(lampAfterRefusal).toBe('on');
    expect(taken.body).toEqual({ error: 0, deviceid: LAMP });
    expect(sim.device(LAMP).params['switch']).toBe('off');
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'POST /api/user/device/status': 1 } });
  });
});

describe('the window of 300 calls in 5 minutes', () => {
  it('the 301st call within 5 minutes is refused until the first leaves the window', async () => {
    // Prepare: 300 calls, each 500 ms after the last, take 149.5 s
    sim.faults.enforceLimits = true;
    const start = sim.clock.now();
    const statuses: number[] = [];
    for (let call = 0; call < 300; call += 1) {
      if (call > 0) await sim.clock.advance(500);
      statuses.push((await deviceList(alice.at)).status);
    }

    // Act
    await sim.clock.advance(500);
    const overTheWindow = await deviceList(alice.at);
    await sim.clock.set(start + 300_000 - 1);
    const aMillisecondEarly = await deviceList(alice.at);
    await sim.clock.set(start + 300_000);
    const firstLeft = await deviceList(alice.at);

    // Assess
    expect(statuses).toEqual(Array(300).fill(200));
    expect(overTheWindow.status).toBe(429);
    expect(overTheWindow.headers['retry-after']).toBe('150');
    expect(aMillisecondEarly.status).toBe(429);
    expect(aMillisecondEarly.headers['retry-after']).toBe('1');
    expect(firstLeft).toMatchObject({ status: 200, body: { error: 0 } });
    expect(sim.stats.limitCrossings).toEqual({ total: 2, byEndpoint: { 'GET /api/user/device': 2 } });
  });
});

describe('who a call is counted against', () => {
  it('the account behind the token: two accounts on one IP calling one endpoint at once cross nothing', async () => {
    // Act
    const fromAlice = await deviceList(alice.at);
    const fromBob = await deviceList(bob.at, cn);
    const aliceAgain = await deviceList(alice.at);

    // Assess
    expect([fromAlice.body.error, fromBob.body.error, aliceAgain.body.error]).toEqual([0, 0, 0]);
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'GET /api/user/device': 1 } });
  });

  it('the client IP before login: two people signing in from one IP at once cross the limit', async () => {
    // Prepare
    sim.faults.enforceLimits = true;

    // Act
    const asAlice = await post(eu, '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true });
    const asBob = await post(cn, '/api/user/login', { phoneNumber: BOB.phoneNumber, password: BOB.password }, { sign: true });

    // Assess
    expect(asAlice.body).toMatchObject({ at: expect.any(String) });
    expect(asBob.status).toBe(429);
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'POST /api/user/login': 1 } });
  });

  it('the same endpoint on the v2 host is counted without its region prefix', async () => {
    // Act
    await get(sim.v2ApiUrlTemplate.replace('{region}', 'eu'), '/v2/device/thing', {}, { bearer: alice.at });
    await get(sim.v2ApiUrlTemplate.replace('{region}', 'eu'), '/v2/device/thing', {}, { bearer: alice.at });

    // Assess
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'GET /v2/device/thing': 1 } });
  });
});

describe('userOnline handshakes', () => {
  it('are counted per account as the endpoint "socket userOnline"', async () => {
    // Act
    const first = await handshake(alice);
    const second = await handshake(alice);
    const bobs = await handshake(bob);
    await closeAll([first.client, second.client, bobs.client]);

    // Assess
    expect([first.answer.error, second.answer.error, bobs.answer.error]).toEqual([0, 0, 0]);
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'socket userOnline': 1 } });
  });

  it('enforced, a handshake too soon is answered 429 and its socket closed (1013), and another account is taken', async () => {
    // Prepare
    sim.faults.enforceLimits = true;
    const first = await handshake(alice);

    // Act
    const tooSoon = await handshake(alice);
    const closed = await tooSoon.client.closed;
    const bobs = await handshake(bob);
    const aliceOnline = sim.openSockets(ALICE.email);
    await closeAll([first.client, bobs.client]);

    // Assess
    expect(first.answer.error).toBe(0);
    expect(tooSoon.answer).toEqual({ error: 429, reason: 'request too frequent', sequence: expect.any(String) });
    expect(closed).toEqual({ code: 1013, reason: 'request too frequent' });
    expect(bobs.answer.error).toBe(0);
    expect(aliceOnline).toBe(1);
    expect(sim.stats.limitCrossings).toEqual({ total: 1, byEndpoint: { 'socket userOnline': 1 } });
  });
});

describe('the crossings in /_sim', () => {
  it('are listed at GET /_sim/stats, zeroed by reset; enforceLimits is a fault that takes a boolean only', async () => {
    // Prepare
    await deviceList(alice.at);
    await deviceList(alice.at);

    // Act
    const stats = await control(sim.url, 'GET', '/_sim/stats');
    await control(sim.url, 'POST', '/_sim/stats/reset');
    const afterReset = await control(sim.url, 'GET', '/_sim/stats');
    const shown = await control(sim.url, 'GET', '/_sim/faults');
    const wrong = await control(sim.url, 'POST', '/_sim/faults', { enforceLimits: 'yes' });

    // Assess
    expect(stats.body.limitCrossings).toEqual({ total: 1, byEndpoint: { 'GET /api/user/device': 1 } });
    expect(afterReset.body.limitCrossings).toEqual({ total: 0, byEndpoint: {} });
    expect(shown.body).toMatchObject({ enforceLimits: false });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'enforceLimits must be a boolean' } });
    expect(sim.faults.enforceLimits).toBe(false);
  });
});

describe('configured limits', () => {
  it('politeness {enforce, minGapMs, perWindow, windowMs} is taken at start', async () => {
    // Prepare
    const strict = await testSim({ politeness: { enforce: true, minGapMs: 100, perWindow: 2, windowMs: 1_000 }, clock: { mode: 'manual', start: START } });
    const token = strict.issueTokens(ALICE.email);
    const list = () => get(regionBase(strict, 'eu'), '/api/user/device', {}, { bearer: token.at });
    try {
      // Act
      const statuses = [(await list()).status];
      await strict.clock.advance(100);
      statuses.push((await list()).status);
      await strict.clock.advance(100);
      const third = await list();
      await strict.clock.advance(800);
      statuses.push((await list()).status);

      // Assess
      expect(strict.faults.enforceLimits).toBe(true);
      expect(statuses).toEqual([200, 200, 200]);
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('1');
      expect(strict.stats.limitCrossings.total).toBe(1);
    } finally {
      await strict.close();
    }
  });

  it('from the environment (npm run sim, npm start): enforced unless SIM_ENFORCE_LIMITS=0; another value is refused', () => {
    expect(politenessFromEnv({})).toEqual({ enforce: true });
    expect(politenessFromEnv({ SIM_ENFORCE_LIMITS: '1' })).toEqual({ enforce: true });
    expect(politenessFromEnv({ SIM_ENFORCE_LIMITS: '0' })).toEqual({ enforce: false });
    expect(() => politenessFromEnv({ SIM_ENFORCE_LIMITS: 'yes' })).toThrow('SIM_ENFORCE_LIMITS must be 1 or 0 (got "yes")');
  });

  it('a wrong politeness setting stops the start', async () => {
    await expect(testSim({ politeness: { enforce: true, perWindow: 0 } })).rejects.toThrow('politeness.perWindow must be a positive number');
    await expect(testSim({ politeness: { enforce: true, perWindow: 2.5 } })).rejects.toThrow('politeness.perWindow must be a whole number');
  });
});
