import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { Sim } from '../../sim/index';
import { ALICE, CAROL, clientFor, credentialsFor, httpLog, LAMP, testSim } from './fixture';

/*
 * Accounts live in one region; a call at another region gets `{error: 301, region}` and the
 * client follows it once.
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

describe('region redirects', () => {
  it('login at eu for an account living in us follows the 301 once and returns region us', async () => {
    // Act
    const grant = await client.login({ email: CAROL.email }, CAROL.password, 'eu');

    // Assess
    expect(httpLog(sim).map((r) => `${r.method} ${r.region} ${r.path}`)).toEqual(['POST eu /api/user/login', 'POST us /api/user/login']);
    expect(grant.region).toBe('us');
    expect(grant.user.apikey).toBe(CAROL.apikey);
  });

  it('a Bearer call with the wrong creds.region is retried at the right one, and creds.region moves there', async () => {
    // Prepare
    const creds = { ...credentialsFor(sim, ALICE.email), region: 'us' as const };
    sim.stats.reset();

    // Act
    const device = await client.device(creds, LAMP);

    // Assess
    expect(httpLog(sim).map((r) => `${r.method} ${r.region} ${r.path}`)).toEqual([
      `GET us /api/user/device/${LAMP}`,
      `GET eu /api/user/device/${LAMP}`,
    ]);
    expect(creds.region).toBe('eu');
    expect(device.deviceid).toBe(LAMP);
  });

  it('once moved, the next call goes straight to the right region', async () => {
    // Prepare
    const creds = { ...credentialsFor(sim, ALICE.email), region: 'as' as const };
    await client.devices(creds);
    sim.stats.reset();

    // Act
    await client.devices(creds);

    // Assess
    expect(httpLog(sim).map((r) => r.region)).toEqual(['eu']);
  });
});
