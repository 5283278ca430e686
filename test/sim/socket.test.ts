import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, BOB_PLUG, GARAGE, HEATER, LAMP, STRIP, testSim, wsUrl } from './fixture';
import { bySequence, onlineSocket, queryMessage, sequence, SocketClient, updateMessage, userOnline } from './wire';

let sim: Sim;
let at: string;
let apikey: string;
const opened: SocketClient[] = [];

async function online(): Promise<SocketClient> {
  const client = await onlineSocket(wsUrl(sim), at, apikey);
  opened.push(client);
  return client;
}

async function raw(): Promise<SocketClient> {
  const client = await SocketClient.open(wsUrl(sim));
  opened.push(client);
  return client;
}

beforeAll(async () => {
  sim = await testSim();
  ({ at, apikey } = sim.issueTokens(ALICE.email));
});
afterAll(() => sim.close());
afterEach(() => {
  for (const client of opened.splice(0)) client.close();
  sim.faults.silentDevices.clear();
});

describe('handshake', () => {
  it('answers userOnline with the heartbeat config and the same sequence', async () => {
    // Prepare
    const client = await raw();
    const hello = userOnline(at, apikey);

    // Act
    client.send(hello);

    // Assess
    expect(await client.next()).toEqual({ error: 0, apikey, config: { hb: 1, hbInterval: 145 }, sequence: hello['sequence'] });
  });

  it.each([
    ['an unknown at', { at: 'f'.repeat(40) }],
    ['another account’s apikey', { apikey: 'not-the-apikey' }],
    ['an unknown appid', { appid: 'other-app' }],
    ['a missing nonce', { nonce: undefined }],
    ['userAgent other than app', { userAgent: 'device' }],
  ])('refuses %s with 406 and closes', async (_what, overrides) => {
    const client = await raw();
    const hello = userOnline(at, apikey, overrides);
    client.send(hello);
    expect(await client.next()).toMatchObject({ error: 406, reason: expect.any(String), sequence: hello['sequence'] });
    await client.closed;
  });

  it('refuses anything before userOnline with 406 and closes', async () => {
    const client = await raw();
    client.send(queryMessage(apikey, LAMP, [], 'early-1'));
    expect(await client.next()).toMatchObject({ error: 406, sequence: 'early-1' });
    await client.closed;
  });

  it('refuses an expired at', async () => {
    const { at: shortAt, apikey: key } = sim.issueTokens(BOB.phoneNumber);
    sim.expireAccessToken(shortAt);
    const client = await raw();
    client.send(userOnline(shortAt, key));
    expect(await client.next()).toMatchObject({ error: 406 });
  });

  it('keeps an open socket whose at a new login revoked, but refuses its next userOnline', async () => {
    // Prepare
    const { at: oldAt, apikey: key } = sim.issueTokens(BOB.phoneNumber);
    const client = await onlineSocket(wsUrl(sim), oldAt, key);
    opened.push(client);

    // Act
    sim.issueTokens(BOB.phoneNumber);
    const seq = sequence();
    client.send(queryMessage(key, BOB_PLUG, ['switch'], seq));
    const stillAnswered = await client.next(bySequence(seq));
    client.send(userOnline(oldAt, key));

    // Assess
    expect(stillAnswered.error).toBe(0);
    expect(await client.next((m) => m.error === 406)).toMatchObject({ error: 406 });
    await client.closed;
  });

  it('openSockets counts an account’s handshaken sessions, and no longer one its client closed', async () => {
    // Prepare: a cloud of its own, so no other test's socket is still closing
    const own = await testSim();
    try {
      const token = own.issueTokens(ALICE.email);
      const bare = await SocketClient.open(wsUrl(own));
      const first = await onlineSocket(wsUrl(own), token.at, token.apikey);
      const second = await onlineSocket(wsUrl(own), token.at, token.apikey);
      const whileOpen = own.openSockets(ALICE.email);

      // Act
      first.close();
      await first.closed;

      // Assess: the socket without a handshake never counted
      expect(whileOpen).toBe(2);
      expect(own.openSockets(ALICE.email)).toBe(1);
      expect(own.openSockets(BOB.phoneNumber)).toBe(0);
      expect(() => own.openSockets('nobody@example.com')).toThrow(/no account/);
      bare.close();
      second.close();
    } finally {
      await own.close();
    }
  });
});

describe('heartbeat', () => {
  it('answers the text frame ping with pong', async () => {
    const client = await online();
    client.send('ping');
    expect(await client.next()).toBe('pong');
  });

  it('closes a socket that stays silent for idleTimeoutSec', async () => {
    // Prepare: the sim's waits run on fake timers the test moves; the sockets stay real
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const quick = await testSim({ idleTimeoutSec: 0.3 });
    try {
      const token = quick.issueTokens(ALICE.email);
      const client = await onlineSocket(`${quick.url.replace('http:', 'ws:')}/api/ws`, token.at, token.apikey);
      const closed = client.closed.then(() => 'closed');

      // Act and Assess: 1 ms short of the limit it is still open, and each ping buys another whole limit
      for (let i = 0; i < 3; i += 1) {
        vi.advanceTimersByTime(299);
        client.send('ping');
        expect(await Promise.race([client.next((m) => m === 'pong'), closed])).toBe('pong');
      }
      // then 300 ms of silence close it
      vi.advanceTimersByTime(300);
      expect(await closed).toBe('closed');
    } finally {
      vi.useRealTimers();
      await quick.close();
    }
  });
});

describe('update and query', () => {
  it('answers an update without action, echoing a string sequence, and applies it', async () => {
    // Prepare
    const client = await online();
    const seq = sequence();

    // Act
    client.send(updateMessage(apikey, LAMP, { switch: 'on' }, seq));

    // Assess
    expect(await client.next(bySequence(seq))).toEqual({ error: 0, deviceid: LAMP, apikey, sequence: seq });
    expect(sim.device(LAMP).params['switch']).toBe('on');
  });

  it('echoes a numeric sequence as a number', async () => {
    const client = await online();
    client.send(updateMessage(apikey, LAMP, { switch: 'off' }, 1700000000123));
    expect(await client.next(bySequence(1700000000123))).toEqual({ error: 0, deviceid: LAMP, apikey, sequence: 1700000000123 });
  });

  it('answers a query with the named params, or all of them for []', async () => {
    const client = await online();
    client.send(queryMessage(apikey, STRIP, ['switches'], 'q-1'));
    client.send(queryMessage(apikey, STRIP, [], 'q-2'));
    const named = await client.next(bySequence('q-1'));
    const all = await client.next(bySequence('q-2'));
    expect(named).toEqual({ error: 0, deviceid: STRIP, apikey, sequence: 'q-1', params: { switches: sim.device(STRIP).params['switches'] } });
    expect(Object.keys(all.params)).toEqual(expect.arrayContaining(['switches', 'configure', 'pulses', 'fwVersion']));
  });

  it('pushes the change to the owner’s other sockets, not to the sender', async () => {
    // Prepare
    const sender = await online();
    const other = await online();
    const seq = sequence();

    // Act
    sender.send(updateMessage(apikey, STRIP, { switches: [{ switch: 'on', outlet: 1 }] }, seq));
    await sender.next(bySequence(seq));

    // Assess
    const push = await other.next((m) => m.action === 'update');
    expect(push).toEqual({ action: 'update', deviceid: STRIP, apikey, userAgent: 'device', params: { switches: [{ switch: 'on', outlet: 1 }] }, sequence: expect.any(String), ts: 0 });
    // A push to the sender would have been sent before its reply, on the same socket: it would be here already.
    expect(sender.pending().filter((m) => m.action === 'update')).toEqual([]);
  });

  it('answers 504 after the device timeout for an offline device', async () => {
    const client = await online();
    const started = Date.now();
    client.send(updateMessage(apikey, GARAGE, { switch: 'on' }, 'off-1'));
    expect(await client.next(bySequence('off-1'))).toMatchObject({ error: 504, deviceid: GARAGE, apikey, sequence: 'off-1' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.device(GARAGE).params['switch']).toBe('off');
  });

  it('answers 504 after the device timeout for a silent device, query too', async () => {
    // Prepare
    sim.faults.silentDevices.add(HEATER);
    const client = await online();
    const started = Date.now();

    // Act
    client.send(updateMessage(apikey, HEATER, { switch: 'on' }, 's-1'));
    client.send(queryMessage(apikey, HEATER, [], 's-2'));

    // Assess
    expect(await client.next(bySequence('s-1'))).toMatchObject({ error: 504, sequence: 's-1' });
    expect(await client.next(bySequence('s-2'))).toMatchObject({ error: 504, sequence: 's-2' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(sim.device(HEATER).params['switch']).toBe('off');
  });

  it('answers 404 for another account’s device and for a wrong apikey', async () => {
    const client = await online();
    client.send(updateMessage(apikey, BOB_PLUG, { switch: 'on' }, 'x-1'));
    client.send(updateMessage('someone-else', LAMP, { switch: 'on' }, 'x-2'));
    expect(await client.next(bySequence('x-1'))).toMatchObject({ error: 404, deviceid: BOB_PLUG });
    expect(await client.next(bySequence('x-2'))).toMatchObject({ error: 404, deviceid: LAMP });
    expect(sim.device(BOB_PLUG).params['switch']).toBe('off');
  });

  it('answers 400 for bad values and missing fields', async () => {
    const client = await online();
    client.send(updateMessage(apikey, STRIP, { switches: [{ switch: 'maybe', outlet: 0 }] }, 'b-1'));
    client.send({ ...updateMessage(apikey, LAMP, { switch: 'on' }, 'b-2'), userAgent: undefined });
    client.send({ action: 'query', apikey, deviceid: LAMP, userAgent: 'app', sequence: 'b-3', ts: 0 });
    for (const seq of ['b-1', 'b-2', 'b-3']) expect((await client.next(bySequence(seq))).error).toBe(400);
  });

  it('ignores unknown actions and survives invalid JSON', async () => {
    const client = await online();
    client.send({ action: 'somethingNew', sequence: 'u-1' });
    client.send('{not json');
    client.send('ping');
    expect(await client.next((m) => m === 'pong')).toBe('pong');
    expect(client.pending().filter((m) => typeof m === 'object' && m.sequence === 'u-1')).toEqual([]);
  });
});

describe('online and offline', () => {
  it('pushes sysmsg to all the owner’s sockets', async () => {
    // Prepare
    const first = await online();
    const second = await online();

    // Act
    sim.setDeviceOnline(GARAGE, true);

    // Assess
    const expected = { action: 'sysmsg', deviceid: GARAGE, apikey, ts: 0, params: { online: true } };
    expect(await first.next((m) => m.action === 'sysmsg')).toEqual(expected);
    expect(await second.next((m) => m.action === 'sysmsg')).toEqual(expected);
    expect(sim.device(GARAGE).online).toBe(true);
    sim.setDeviceOnline(GARAGE, false);
  });
});
