import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { AuthRefused, DeviceTimeout, SocketUnavailable } from '../../lib/ewelink/errors';
import { socketUrl } from '../../lib/ewelink/hosts';
import { closeHttpPools } from '../../lib/ewelink/http';
import { CloudSocket, type PushedMessage, type SocketOptions } from '../../lib/ewelink/socket';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import {
  ALICE,
  APP_ID,
  BOB,
  clientFor,
  credentialsFor,
  DEVICE_TIMEOUT_MS,
  GARAGE,
  HEATER,
  LAMP,
  nextEvent,
  rejection,
  socketLog,
  STRIP,
  testSim,
} from './fixture';

/*
 * CloudSocket over the sim's real WebSocket: the handshake as the sim received it, the
 * heartbeat it scheduled, sequence-matched requests, pushes, and the ways a session fails.
 */

/** The sim's userOnline answer: `config: {hb: 1, hbInterval: 145}`. */
const SIM_HB_INTERVAL_SEC = 145;

let sim: Sim;
let client: EwelinkClient;
let url: string;
let alice: Credentials;
const opened: CloudSocket[] = [];

async function open(creds: Credentials = alice, options: Partial<SocketOptions> = {}): Promise<CloudSocket> {
  const socket = await CloudSocket.open({ url, at: creds.at, apikey: creds.apikey, appId: APP_ID, connectTimeoutMs: 2_000, ...options });
  opened.push(socket);
  return socket;
}

beforeAll(async () => {
  sim = await testSim();
  client = clientFor(sim.apiUrlTemplate);
  alice = credentialsFor(sim, ALICE.email);
  // The socket URL the way the command path gets it: from the cloud's dispatch answer.
  const target = await client.dispatch(alice);
  url = socketUrl(sim.apiUrlTemplate, target.domain, target.port);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => sim.stats.reset());
afterEach(() => {
  for (const socket of opened.splice(0)) socket.close();
  sim.faults.silentDevices.clear();
  sim.faults.refuseSockets = false;
  sim.setDeviceOnline(HEATER, true);
});

describe('handshake', () => {
  it('sends userOnline with the fields the spec lists, typed as it says', async () => {
    // Prepare
    const before = Date.now();

    // Act
    const socket = await open();

    // Assess
    expect(socket.isOpen).toBe(true);
    const [record, ...more] = socketLog(sim, 'userOnline');
    expect(more).toHaveLength(0);
    const hello = record?.message as Record<string, unknown>;
    expect(Object.keys(hello).sort()).toEqual(['action', 'apikey', 'appid', 'at', 'nonce', 'sequence', 'ts', 'userAgent', 'version']);
    expect(hello).toMatchObject({ action: 'userOnline', at: alice.at, apikey: ALICE.apikey, appid: APP_ID, userAgent: 'app', version: 8 });
    expect(hello['nonce']).toMatch(/^[A-Za-z0-9]{8}$/);
    expect(Number.isInteger(hello['ts'])).toBe(true);
    expect(Math.abs((hello['ts'] as number) - before / 1000)).toBeLessThanOrEqual(5);
    // sequence: a millisecond timestamp, as a string
    expect(hello['sequence']).toMatch(/^\d{13}$/);
    expect(Math.abs(Number(hello['sequence']) - before)).toBeLessThan(5_000);
  });

  it('schedules the ping heartbeat at (hbInterval + 7) s from the handshake answer', async () => {
    // Act
    const socket = await open();

    // Assess
    expect(socket.heartbeatMs).toBe((SIM_HB_INTERVAL_SEC + 7) * 1000);
  });

  it('an access token revoked by a newer login is refused: AuthRefused (406)', async () => {
    // Prepare
    const old = credentialsFor(sim, BOB.phoneNumber);
    credentialsFor(sim, BOB.phoneNumber);

    // Act
    const err = await rejection(open(old));

    // Assess
    expect(err).toBeInstanceOf(AuthRefused);
    expect(err).toMatchObject({ code: 406, operation: 'userOnline' });
    expect(socketLog(sim, 'userOnline')).toHaveLength(1);
  });

  it('refused upgrades (sim.faults.refuseSockets) → SocketUnavailable', async () => {
    // Prepare
    sim.faults.refuseSockets = true;

    // Act
    const err = await rejection(open());

    // Assess
    expect(err).toBeInstanceOf(SocketUnavailable);
    expect(err.message).toMatch(/503/);
    expect(sim.stats.connections).toBe(0);
  });
});

describe('requests', () => {
  it('20 concurrent updates to the four-channel device all resolve, each with its own sequence', async () => {
    // Prepare
    const socket = await open();
    sim.stats.reset();

    // Act
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => socket.update(STRIP, ALICE.apikey, { switches: [{ switch: 'on', outlet: i % 4 }] })),
    );

    // Assess
    const updates = socketLog(sim, 'update').map((r) => r.message as Record<string, unknown>);
    expect(updates).toHaveLength(20);
    expect(new Set(updates.map((m) => m['sequence'])).size).toBe(20);
    for (const message of updates) expect(message).toMatchObject({ deviceid: STRIP, apikey: ALICE.apikey, userAgent: 'app', ts: 0 });
    expect(sim.device(STRIP).params['switches']).toEqual([0, 1, 2, 3].map((outlet) => ({ switch: 'on', outlet })));
  });

  it('query returns the device params', async () => {
    // Prepare
    const socket = await open();

    // Act
    const params = await socket.query(LAMP, ALICE.apikey, ['switch', 'startup']);

    // Assess
    const truth = sim.device(LAMP).params;
    expect(params).toEqual({ switch: truth['switch'], startup: truth['startup'] });
    expect(socketLog(sim, 'query')[0]?.message).toMatchObject({ deviceid: LAMP, params: ['switch', 'startup'] });
  });

  it('an update to an offline device rejects with DeviceTimeout (504) and the socket stays open', async () => {
    // Prepare
    const socket = await open();

    // Act
    const err = await rejection(socket.update(GARAGE, ALICE.apikey, { switch: 'on' }));

    // Assess
    expect(err).toBeInstanceOf(DeviceTimeout);
    expect(err).toMatchObject({ code: 504, operation: 'update' });
    expect(socket.isOpen).toBe(true);
  });

  it('no reply within requestTimeoutMs → SocketUnavailable, and the socket is closed', async () => {
    // Prepare: the device is silent, and the client gives up before the cloud's 504
    sim.faults.silentDevices.add(HEATER);
    const socket = await open(alice, { requestTimeoutMs: DEVICE_TIMEOUT_MS / 4 });
    const closed = nextEvent<string>(socket, 'close');

    // Act
    const err = await rejection(socket.update(HEATER, ALICE.apikey, { switch: 'on' }));

    // Assess
    expect(err).toBeInstanceOf(SocketUnavailable);
    expect(err.message).toContain(`${DEVICE_TIMEOUT_MS / 4} ms`);
    expect(socket.isOpen).toBe(false);
    await closed;
    expect(socketLog(sim, 'update')).toHaveLength(1);
  });
});

describe('pushes', () => {
  it('a change made elsewhere (HTTP setStatus) arrives as push "update" with the params', async () => {
    // Prepare
    const socket = await open();
    const value = sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';
    const pushed = nextEvent<PushedMessage>(socket, 'push', (m) => m.deviceid === LAMP);

    // Act
    await client.setStatus(alice, LAMP, { switch: value });

    // Assess
    expect(await pushed).toEqual({ action: 'update', deviceid: LAMP, apikey: ALICE.apikey, params: { switch: value } });
  });

  it('a device going offline arrives as push "sysmsg" with params.online false', async () => {
    // Prepare
    const socket = await open();
    const pushed = nextEvent<PushedMessage>(socket, 'push', (m) => m.deviceid === HEATER);

    // Act
    sim.setDeviceOnline(HEATER, false);

    // Assess
    expect(await pushed).toEqual({ action: 'sysmsg', deviceid: HEATER, apikey: ALICE.apikey, params: { online: false } });
  });
});
