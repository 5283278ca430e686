import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { CommandChannel, type CommandChannelOptions } from '../../lib/ewelink/command';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import type { PushedMessage } from '../../lib/ewelink/socket';
import { ALICE, clientFor, credentialsFor, HEATER, LAMP, nextEvent, rejection, sleep, socketLog, STRIP, testSim } from './fixture';

/*
 * The command path: one WebSocket session per account while it is in use, HTTP when the
 * session is lost before the reply, a new session for a new token or after idling.
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
  it('two sends reuse one session: one dispatch, one connection', async () => {
    // Prepare
    newChannel();

    // Act
    const first = await channel.send(creds, lamp, { switch: 'on' });
    const second = await channel.send(creds, { deviceid: STRIP, apikey: ALICE.apikey }, { switches: [{ switch: 'on', outlet: 1 }] });

    // Assess
    expect([first, second]).toEqual(['socket', 'socket']);
    expect(sim.stats.connections).toBe(1);
    expect(sim.stats.byPath['POST /dispatch/app']).toBe(1);
    expect(sim.stats.byAction['userOnline']).toBe(1);
    expect(updateConnections()).toEqual([1, 1]);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBeUndefined();
  });

  it('the socket dropped before the reply → the same params go over HTTP, and the device has them', async () => {
    // Prepare
    newChannel();
    sim.faults.dropSocketBeforeReply = true;
    const value = flipped();

    // Act
    const route = await channel.send(creds, lamp, { switch: value });

    // Assess
    expect(route).toBe('http');
    expect(sim.device(LAMP).params['switch']).toBe(value);
    expect(socketLog(sim, 'update')).toHaveLength(1);
    expect(sim.stats.byPath['POST /api/user/device/status']).toBe(1);
  });

  it('a new at (creds.at changed) opens a new session with it', async () => {
    // Prepare
    newChannel();
    await channel.send(creds, lamp, { switch: flipped() });
    const oldAt = creds.at;
    creds.at = credentialsFor(sim, ALICE.email).at;

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect(route).toBe('socket');
    expect(sim.stats.connections).toBe(2);
    expect(handshakeTokens()).toEqual([oldAt, creds.at]);
  });

  it('after the token change, the new session is the one reused', async () => {
    // Prepare
    newChannel();
    await channel.send(creds, lamp, { switch: flipped() });
    creds.at = credentialsFor(sim, ALICE.email).at;
    await channel.send(creds, lamp, { switch: flipped() });

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect(route).toBe('socket');
    expect(sim.stats.connections).toBe(2);
    expect(updateConnections()).toEqual([1, 2, 2]);
  });

  it('idleMs: 50 → a send after 100 ms of quiet opens a new connection', async () => {
    // Prepare
    newChannel({ idleMs: 50 });
    await channel.send(creds, lamp, { switch: flipped() });
    await sleep(100);

    // Act
    const route = await channel.send(creds, lamp, { switch: flipped() });

    // Assess
    expect(route).toBe('socket');
    expect(sim.stats.connections).toBe(2);
    expect(updateConnections()).toEqual([1, 2]);
  });

  it('an idle session is closed by the channel, not just abandoned (its pushes stop)', async () => {
    // Prepare: while the session is open, a push reaches the channel (a roomier idleMs than above, so a slow run cannot close it early)
    newChannel({ idleMs: 150 });
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
