import { startSim, type AccountSeed, type Sim, type SimConfig } from '../../sim/index';
import { APP_ID, APP_SECRET, post } from './wire';

/*
 * Accounts for the sim tests: alice (eu, e-mail) owns the switches, bob (cn, phone) owns
 * one plug, carol (us) owns nothing.
 */

export const ALICE = { email: 'alice@example.com', password: 'alice-pw', region: 'eu' as const };
export const BOB = { phoneNumber: '+8613100000001', password: 'bob-pw', region: 'cn' as const };
export const CAROL = { email: 'carol@example.com', password: 'carol-pw', region: 'us' as const };

export const LAMP = '1000000001'; // alice, uiid 1, online
export const STRIP = '1000000004'; // alice, uiid 4, online
export const GARAGE = '1000000009'; // alice, uiid 1, offline
export const HEATER = '1000000005'; // alice, uiid 1, online (used for silence)
export const BOB_PLUG = '2000000001'; // bob, uiid 1, online

export function seeds(): AccountSeed[] {
  return [
    {
      ...ALICE,
      nickname: 'Alice',
      devices: [
        { deviceid: LAMP, name: 'Lamp', uiid: 1, params: { timers: [] }, tags: { room: 'study' } },
        { deviceid: STRIP, name: 'Strip', uiid: 4, tags: { ck_channel_name: { '0': 'A', '1': 'B', '2': 'C', '3': 'D' } } },
        { deviceid: GARAGE, name: 'Garage', uiid: 1, online: false },
        { deviceid: HEATER, name: 'Heater', uiid: 1 },
      ],
    },
    { ...BOB, devices: [{ deviceid: BOB_PLUG, name: 'Plug', uiid: 1 }] },
    { ...CAROL },
  ];
}

export function testSim(overrides: Partial<SimConfig> = {}): Promise<Sim> {
  return startSim({ appId: APP_ID, appSecret: APP_SECRET, deviceTimeoutMs: 200, accounts: seeds(), ...overrides });
}

export function regionBase(sim: Sim, region: string): string {
  return sim.apiUrlTemplate.replace('{region}', region);
}

export function wsUrl(sim: Sim): string {
  return `${sim.url.replace('http:', 'ws:')}/api/ws`;
}

/** Logs alice in over the wire; returns at, rt and apikey. */
export async function loginAlice(sim: Sim): Promise<{ at: string; rt: string; apikey: string }> {
  const reply = await post(regionBase(sim, 'eu'), '/api/user/login', { email: ALICE.email, password: ALICE.password }, { sign: true });
  if (!reply.body?.at) throw new Error(`login failed: ${JSON.stringify(reply.body)}`);
  return { at: reply.body.at, rt: reply.body.rt, apikey: reply.body.user.apikey };
}
