import { isRegion } from '../lib/ewelink/hosts';
import type { AccountSeed } from './types';

/**
 * The demo account for local runs, from SIM_EMAIL, SIM_PASSWORD and SIM_REGION, with a
 * desk lamp (uiid 1), a four-way power strip (uiid 4), an offline garage plug (uiid 1),
 * and one device of each light family the bridge drives: a D1 dimmer (44), an L1 strip
 * (59), a B02 colour-temperature bulb (103), a B05 RGBCW bulb (104), plus a TH switch (15)
 * and a POW (5).
 *
 * @example
 * const sim = await startSim({ appId, appSecret, accounts: [demoSeed(process.env)] });
 */
export function demoSeed(env: NodeJS.ProcessEnv = process.env): AccountSeed {
  const region = env['SIM_REGION'] || 'eu';
  if (!isRegion(region)) throw new Error(`SIM_REGION must be cn, as, eu or us (got "${region}")`);
  return {
    email: env['SIM_EMAIL'] || 'demo@example.com',
    password: env['SIM_PASSWORD'] || 'demo-password',
    region,
    nickname: 'Demo',
    devices: [
      { deviceid: '1000000001', name: 'Desk lamp', uiid: 1, online: true },
      { deviceid: '1000000004', name: 'Power strip', uiid: 4, online: true, tags: { ck_channel_name: { '0': 'Monitor', '1': 'Speakers', '2': 'Printer', '3': 'Charger' } } },
      { deviceid: '1000000009', name: 'Garage plug', uiid: 1, online: false },
      { deviceid: '1000000044', name: 'Hall dimmer', uiid: 44, online: true },
      { deviceid: '1000000059', name: 'Shelf strip', uiid: 59, online: true },
      { deviceid: '1000000013', name: 'Desk bulb', uiid: 103, online: true },
      { deviceid: '1000000014', name: 'Living room bulb', uiid: 104, online: true },
      { deviceid: '1000000015', name: 'Greenhouse heater', uiid: 15, online: true },
      { deviceid: '1000000005', name: 'Washing machine', uiid: 5, online: true },
    ],
  };
}
