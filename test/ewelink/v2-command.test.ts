import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CommandChannel } from '../../lib/ewelink/command';
import { accountApikey } from '../../lib/ewelink/device-shape';
import { closeHttpPools } from '../../lib/ewelink/http';
import { CloudTransports } from '../../lib/ewelink/transport';
import type { EwelinkV2Client } from '../../lib/ewelink/v2-client';
import type { Credentials } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import { ALICE, clientFor, credentialsFor, httpLog, LAMP, socketLog, testSim } from './fixture';
import { REDIRECT_URL, v2ClientFor, v2Credentials } from './v2-fixture';

/*
 * The command path for an account linked through OAuth: given both transports, the channel
 * takes v2's dispatch host and the socket with the v2 token, falls back to v2's status call,
 * and keeps v1 accounts on v1. A v2 account that owns no device has no apikey for the socket
 * and is served over HTTP.
 */

let sim: Sim;
let v2: EwelinkV2Client;
let channel: CommandChannel;
let creds: Credentials;
const lamp = { deviceid: LAMP, apikey: ALICE.apikey };

function flipped(): 'on' | 'off' {
  return sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';
}

beforeAll(async () => {
  sim = await testSim({ redirectUrls: [REDIRECT_URL] });
  v2 = v2ClientFor(sim);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(async () => {
  channel = new CommandChannel(new CloudTransports(clientFor(sim.apiUrlTemplate), v2), { connectTimeoutMs: 2_000, requestTimeoutMs: 2_000 });
  const signedIn = await v2Credentials(v2, ALICE.email, ALICE.password);
  creds = { ...signedIn, apikey: accountApikey(await v2.devices(signedIn)) ?? '' };
  sim.stats.reset();
});
afterEach(() => {
  channel.close();
  sim.faults.refuseSockets = false;
});

describe('a v2 account on the command path', () => {
  it('goes over the socket, opened with the v2 token after v2’s dispatch', async () => {
    // Prepare
    const next = flipped();
    expect(await channel.connect(creds)).toBe(true);

    // Act
    const via = await channel.send(creds, lamp, { switch: next });

    // Assess
    expect(via).toBe('socket');
    expect(sim.device(LAMP).params['switch']).toBe(next);
    expect(httpLog(sim).map((r) => `${r.service} ${r.method} ${r.path}`)).toEqual(['dispa GET /dispatch/app']);
    expect(socketLog(sim, 'userOnline').map((r) => (r.message as { at: string }).at)).toEqual([creds.at]);
  });

  it('falls back to v2’s status calls when no socket can be had, asking v2’s dispatch once', async () => {
    // Prepare
    sim.faults.refuseSockets = true;
    const next = flipped();

    // Act
    const via = await channel.send(creds, lamp, { switch: next });
    expect(await channel.connect(creds)).toBe(false);
    const read = await channel.query(creds, lamp, ['switch']);

    // Assess
    expect(via).toBe('http');
    expect(read).toEqual({ switch: next });
    expect(httpLog(sim).map((r) => `${r.method} ${r.path}`).sort()).toEqual(['GET /dispatch/app', 'GET /v2/device/thing/status', 'POST /v2/device/thing/status']);
  });

  it('without an apikey (the account owns no device) goes over HTTP, trying no socket', async () => {
    // Act
    const via = await channel.send({ ...creds, apikey: '' }, lamp, { switch: flipped() });

    // Assess
    expect(via).toBe('http');
    expect(sim.stats.connections).toBe(0);
    expect(httpLog(sim).map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/device/thing/status']);
  });

  it('leaves a v1 account on v1’s dispatch and status calls', async () => {
    // Prepare
    sim.faults.refuseSockets = true;
    const v1 = credentialsFor(sim, ALICE.email);
    sim.stats.reset();

    // Act
    const via = await channel.send(v1, lamp, { switch: flipped() });
    expect(await channel.connect(v1)).toBe(false);

    // Assess
    expect(via).toBe('http');
    expect(httpLog(sim).map((r) => `${r.service} ${r.method} ${r.path}`).sort()).toEqual(['api POST /api/user/device/status', 'api POST /dispatch/app']);
  });
});
