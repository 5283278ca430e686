import { describe, expect, it } from 'vitest';
import { demoSeed, startSim } from '../../sim/index';
import { get } from './wire';

const DEMO_DEVICES = [
  ['1000000001', 'Desk lamp', 1, true],
  ['1000000004', 'Power strip', 4, true],
  ['1000000009', 'Garage plug', 1, false],
  ['1000000044', 'Hall dimmer', 44, true],
  ['1000000059', 'Shelf strip', 59, true],
  ['1000000013', 'Desk bulb', 103, true],
  ['1000000014', 'Living room bulb', 104, true],
  ['1000000015', 'Greenhouse heater', 15, true],
  ['1000000005', 'Washing machine', 5, true],
];

describe('demoSeed', () => {
  it('builds the demo account with its switches, lights and sensors from defaults', () => {
    const seed = demoSeed({});
    expect(seed).toMatchObject({ email: 'demo@example.com', password: 'demo-password', region: 'eu' });
    expect(seed.devices?.map((d) => [d.deviceid, d.name, d.uiid, d.online])).toEqual(DEMO_DEVICES);
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
    expect(reply.body.devicelist.map((d: { deviceid: string; apikey: string; uiid: number }) => [d.deviceid, d.uiid, d.apikey])).toEqual(
      DEMO_DEVICES.map(([deviceid, , uiid]) => [deviceid, uiid, apikey]),
    );
    const params = Object.fromEntries(reply.body.devicelist.map((d: { name: string; params: unknown }) => [d.name, d.params]));
    expect(params['Hall dimmer']).toMatchObject({ switch: 'off', brightness: 50, mode: 0 });
    expect(params['Desk bulb']).toMatchObject({ switch: 'off', ltype: 'white', white: { br: 50, ct: 128 } });
    expect(params['Washing machine']).toMatchObject({ switch: 'off', power: '0.00', voltage: expect.stringMatching(/^\d{3}\.\d{2}$/) });
    expect(params['Greenhouse heater']).toMatchObject({ deviceType: 'normal', currentTemperature: expect.stringMatching(/^\d+\.\d$/) });
  });

  it('refuses a seed with a uiid the sim does not simulate', async () => {
    await expect(startSim({ appId: 'a', appSecret: 'b', accounts: [{ email: 'x@example.com', password: 'p', region: 'eu', devices: [{ deviceid: '1', name: 'x', uiid: 9999 }] }] })).rejects.toThrow(/uiid 9999/);
  });
});
