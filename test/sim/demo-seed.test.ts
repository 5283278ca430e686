import { describe, expect, it } from 'vitest';
import { demoSeed, startSim } from '../../sim/index';
import { get } from './wire';

describe('demoSeed', () => {
  it('builds the demo account with its three devices from defaults', () => {
    const seed = demoSeed({});
    expect(seed).toMatchObject({ email: 'demo@example.com', password: 'demo-password', region: 'eu' });
    expect(seed.devices?.map((d) => [d.deviceid, d.name, d.uiid, d.online])).toEqual([
      ['1000000001', 'Desk lamp', 1, true],
      ['1000000004', 'Power strip', 4, true],
      ['1000000009', 'Garage plug', 1, false],
    ]);
  });

  it('takes e-mail, password and region from the environment and refuses a bad region', () => {
    expect(demoSeed({ SIM_EMAIL: 'me@example.org', SIM_PASSWORD: 'pw', SIM_REGION: 'us' })).toMatchObject({ email: 'me@example.org', password: 'pw', region: 'us' });
    expect(() => demoSeed({ SIM_REGION: 'mars' })).toThrow(/SIM_REGION/);
  });

  it('seeds a sim that lists the demo devices', async () => {
    // Prepare
    const sim = await startSim({ appId: 'test-app-id', appSecret: 'test-app-secret', accounts: [demoSeed({})] });
    const { at, apikey } = sim.issueTokens('demo@example.com');

    // Act
    const reply = await get(sim.apiUrlTemplate.replace('{region}', 'eu'), '/api/user/device', {}, { bearer: at });
    await sim.close();

    // Assess
    expect(reply.body.devicelist.map((d: { deviceid: string; apikey: string }) => [d.deviceid, d.apikey])).toEqual([
      ['1000000001', apikey],
      ['1000000004', apikey],
      ['1000000009', apikey],
    ]);
  });

  it('refuses a seed with a uiid the sim does not simulate', async () => {
    await expect(startSim({ appId: 'a', appSecret: 'b', accounts: [{ email: 'x@example.com', password: 'p', region: 'eu', devices: [{ deviceid: '1', name: 'x', uiid: 9999 }] }] })).rejects.toThrow(/uiid 9999/);
  });
});
