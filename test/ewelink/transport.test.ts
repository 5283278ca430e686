import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { DeviceTimeout } from '../../lib/ewelink/errors';
import { closeHttpPools } from '../../lib/ewelink/http';
import { CloudTransports } from '../../lib/ewelink/transport';
import type { Sim } from '../../sim/index';
import { ALICE, clientFor, credentialsFor, GARAGE, HEATER, httpLog, LAMP, testSim } from './fixture';
import { v2ClientFor } from './v2-fixture';

/*
 * The seam both APIs share: v1's side of it (v1 has no batch call, so a batch is one status
 * call per device) and the choice of transport by the API an account is linked through.
 */

let sim: Sim;
let client: EwelinkClient;

beforeAll(async () => {
  sim = await testSim();
  client = clientFor(sim.apiUrlTemplate);
});
afterAll(async () => {
  await closeHttpPools();
  await sim.close();
});
beforeEach(() => sim.stats.reset());

describe('EwelinkClient.setStatuses (v1)', () => {
  it('sends one status call per device, all at once, each answering for itself in the order asked', async () => {
    // Prepare
    const creds = credentialsFor(sim, ALICE.email);
    sim.stats.reset();

    // Act
    const results = await client.setStatuses(creds, [
      { deviceid: LAMP, params: { switch: 'on' } },
      { deviceid: GARAGE, params: { switch: 'on' } },
      { deviceid: HEATER, params: { switch: 'on' } },
    ]);

    // Assess
    expect(results).toEqual([{ deviceid: LAMP, ok: true }, { deviceid: GARAGE, ok: false, error: expect.any(DeviceTimeout) }, { deviceid: HEATER, ok: true }]);
    expect(httpLog(sim).map((r) => JSON.parse(r.body).deviceid).sort()).toEqual([LAMP, GARAGE, HEATER].sort());
    expect(sim.device(HEATER).params['switch']).toBe('on');
  });
});

describe('CloudTransports', () => {
  it('picks v2 for an account linked through OAuth and v1 otherwise', () => {
    // Prepare
    const v2 = v2ClientFor(sim);
    const transports = new CloudTransports(client, v2);

    // Act / Assess
    expect(transports.for('v2')).toBe(v2);
    expect(transports.for('v1')).toBe(client);
    expect(transports.for(undefined)).toBe(client);
    expect([client.api, v2.api]).toEqual(['v1', 'v2']);
  });
});
