import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { CommandChannel, type CommandChannelOptions } from '../../lib/ewelink/command';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import type { PushedMessage } from '../../lib/ewelink/socket';
import { ALICE, clientFor, credentialsFor, HEATER, LAMP, nextEvent, rejection, sleep, socketLog, STRIP, testSim } from './fixture';

/*
 * The command path: HTTP at once while the account's WebSocket session opens in the
 * background, then one session per account while it is in use; HTTP when the session is lost
 * before the reply; a new session for a new token or after idling.
 */

let sim: Sim;
let client: EwelinkClient;
let channel: CommandChannel;
let creds: Credentials;
const lamp = { deviceid: LAMP, apikey: ALICE.apikey };

function newChannel(options: CommandChannelOptions = {}): CommandChannel {
  channel = new CommandChannel(client, { connectTimeoutMs: 2_000, requestTimeoutMs: 2_000, ...options });
  return channel;
}

/** The value that changes the lamp, so the sim's state tells whether a command landed. */
function flipped(): 'on' | 'off' {
  return sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';
}

/** Opens the account's session and waits for it, as a warm instance has it. */
async function warm(): Promise<void> {
  expect(await channel.connect(creds)).toBe(true);
}

/** Which connection carried each update, numbered 1, 2, … from the first one this test saw. */
function updateConnections(): number[] {
  const order: number[] = [];
  return socketLog(sim, 'update').map((r) => {
    if (!order.includes(r.connection)) order.push(r.connection);
    return order.indexOf(r.connection) + 1;
  });
}

/** The at each accepted connection presented in its userOnline, in connection order. */
function handshakeTokens(): unknown[] {
  return socketLog(sim, 'userOnline').map((r) => (r.message as { at?: unknown }).at);
}

beforeAll(async () => {
  sim = await testSim();
  client = clientFor(sim.apiUrlTemplate);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => {
  creds = credentialsFor(sim, ALICE.email);
  sim.stats.reset();
});
afterEach(() => {
  channel.close();
  sim.faults.dropSocketBeforeReply = false;
  if (!sim.device(HEATER).online) sim.setDeviceOnline(HEATER, true);
});

describe('CommandChannel', () => {
  it('a cold channel sends the first command over HTTP at once; the session it opens meanwhile carries the next ones', async () => {
    // Prepare
    newChannel();

    // Act
    const first = await channel.send(creds, lamp, { switch: flipped() });
    await warm();
    const second = await channel.send(creds, lamp, { switch: flipped() });
    const third = await channel.send(creds, { deviceid: STRIP, apikey: ALICE.apikey }, { switches: [{ switch: 'on', outlet: 1 }] });

    // Assess
    expect([first, second, third]).toEqual(['http', 'socket', 'socket']);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBe(1);
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.byPath['POST /dispatch/app']).toBe(1);
    expect(sim.stats.byAction['userOnline']).toBe(1);
    expect(updateConnections()).toEqual([1, 1]);
  });

  it('a cold channel sends a v1 scene of several devices over the session it opens, not one status call per device', async () => {
    // Prepare
    newChannel();
    const strip = { deviceid: STRIP, apikey: ALICE.apikey };

    // Act
    const outcomes = await channel.sendMany(creds, [
      { target: lamp, params: { switch: flipped() } },
      { target: strip, params: { switches: [{ switch: 'on', outlet: 2 }] } },
    ]);

    // Assess: two status calls would have waited their turns on one endpoint; the session came sooner
    expect(outcomes).toEqual([
      { ok: true, via: 'socket' },
      { ok: true, via: 'socket' },
    ]);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBeUndefined();
    expect(sim.stats.connections).toBe(1);
    expect(updateConnections()).toEqual([1, 1]);
  });

  it('the socket dropped before the reply → the same (absolute) params go over HTTP, and the device has them', async () => {
    // Prepare
    newChannel();
    await warm();
    sim.faults.dropSocketBeforeReply = true;
    const value = flipped();

    // Act
    const route = await channel.send(creds, lamp, { switch: value });

    // Assess
    expect(route).toBe('http');
    expect(sim.device(LAMP).params['switch']).toBe(value);
    expect(socketLog(sim, 'update')).toHaveLength(1);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBe(1);
    expect(sim.stats.byPath['GET /api/user/device/status']).toBeUndefined();
  });

  it('a new at (creds.at changed) drops the old session: HTTP at once, and a new session opens with the new at', async () => {
    // Prepare
    newChannel();
    await warm();
    await channel.send(creds, lamp, { switch: flipped() });
    const oldAt = creds.at;
    creds.at = credentialsFor(sim, ALICE.email).at;

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });
    await warm();

    // Assess
    expect(route).toBe('http');
    expect(sim.stats.connections).toBe(2);
    expect(handshakeTokens()).toEqual([oldAt, creds.at]);
  });

  it('after the token change, the new session is the one reused', async () => {
    // Prepare
    newChannel();
    await warm();
    await channel.send(creds, lamp, { switch: flipped() });
    creds.at = credentialsFor(sim, ALICE.email).at;
    await warm();
    await channel.send(creds, lamp, { switch: flipped() });

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect(route).toBe('socket');
    expect(sim.stats.connections).toBe(2);
    expect(updateConnections()).toEqual([1, 2, 2]);
  });

  it('idleMs: 50 → a send after 100 ms of quiet goes over HTTP and opens a new connection for the next', async () => {
    // Prepare
    newChannel({ idleMs: 50 });
    await warm();
    await channel.send(creds, lamp, { switch: flipped() });
    await sleep(100);

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });
    await warm();
    const next = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect([route, next]).toEqual(['http', 'socket']);
    expect(sim.stats.connections).toBe(2);
    expect(updateConnections()).toEqual([1, 2]);
  });

  it('an idle session is closed by the channel, not just abandoned (its pushes stop)', async () => {
    // Prepare: while the session is open, a push reaches the channel (a roomier idleMs than above, so a slow run cannot close it early)
    newChannel({ idleMs: 150 });
    await warm();
    await channel.send(creds, lamp, { switch: flipped() });
    const whileOpen = nextEvent<PushedMessage>(channel, 'push', (m) => m.deviceid === HEATER);
    sim.setDeviceOnline(HEATER, false);
    await whileOpen;
    // the channel's idle check closes it; once the cloud holds no open session for alice, no push can reach it
    await vi.waitFor(() => expect(sim.openSockets(ALICE.email)).toBe(0), { timeout: 5_000, interval: 10 });

    // Act
    const afterIdle = nextEvent<PushedMessage>(channel, 'push', (m) => m.deviceid === HEATER, 200);
    sim.setDeviceOnline(HEATER, true);

    // Assess
    expect((await rejection(afterIdle)).message).toMatch(/no matching 'push' event/);
  });
});
