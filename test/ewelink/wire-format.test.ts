import { request } from 'undici';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import { signQuery } from '../../lib/ewelink/sign';
import type { CloudDevice, DeviceParams, DispatchTarget, TokenGrant } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import {
  ALICE,
  APP_SECRET,
  BOB,
  credentialsFor,
  GARAGE,
  type HttpRecord,
  LAMP,
  onlyHttpRecord,
  seeds,
  STRIP,
  type WireTap,
} from './fixture';
import { describeWireCases, useWireEnv, type WireCase } from './wire-harness';

/*
 * The conformance rows of the session operations (region, login, refresh, devices, status,
 * dispatch); wire-harness.ts says what each row checks. The account and device-management
 * operations have their rows in wire-format-accounts and wire-format-devices.
 */

const wire = useWireEnv();
let sim: Sim;
let tap: WireTap;
let client: EwelinkClient;
beforeAll(() => ({ sim, tap, client } = wire()));

const aliceDeviceIds = seeds()[0]?.devices?.map((d) => d.deviceid).sort() ?? [];

function assessDeviceList(value: unknown, withTags: boolean): void {
  const list = value as CloudDevice[];
  expect(list.map((d) => d.deviceid).sort()).toEqual(aliceDeviceIds);
  for (const device of list) {
    const truth = sim.device(device.deviceid);
    expect(device).toMatchObject({ uiid: truth.uiid, apikey: truth.ownerApikey, online: truth.online, name: truth.name });
    expect(device.params).toEqual(truth.params);
    if (withTags) expect(device.tags).toBeTypeOf('object');
    else expect(device.tags).toBeUndefined();
  }
  expect(list.find((d) => d.deviceid === GARAGE)?.online).toBe(false);
  expect(list.find((d) => d.deviceid === STRIP)?.uiid).toBe(4);
  if (withTags) expect(list.find((d) => d.deviceid === LAMP)?.tags).toEqual({ room: 'study' });
}

const cases: WireCase[] = [
  {
    operation: 'region',
    act: () => client.region('86'),
    method: 'GET',
    path: '/api/user/region',
    region: null,
    auth: 'sign',
    fields: () => ({ country_code: '86' }),
    rawLine: /^GET \/api\/user\/region\?/,
    result: (value) => expect(value).toBe('cn'),
  },
  {
    operation: 'login by e-mail',
    act: () => client.login({ email: ALICE.email }, ALICE.password, 'eu'),
    method: 'POST',
    path: '/api/user/login',
    region: 'eu',
    auth: 'sign',
    fields: () => ({ email: ALICE.email, password: ALICE.password }),
    absent: ['phoneNumber'],
    result(value) {
      const grant = value as TokenGrant;
      expect(grant.region).toBe('eu');
      expect(grant.user.apikey).toBe(ALICE.apikey);
      expect(grant.user.email).toBe(ALICE.email);
      expect(grant.at).toMatch(/^[0-9a-f]{40}$/);
      expect(grant.rt).toMatch(/^[0-9a-f]{40}$/);
    },
  },
  {
    operation: 'login by phone number',
    act: () => client.login({ phoneNumber: BOB.phoneNumber }, BOB.password, 'cn'),
    method: 'POST',
    path: '/api/user/login',
    region: 'cn',
    auth: 'sign',
    // The leading + arrives as it is, not dropped or escaped.
    fields: () => ({ phoneNumber: '+8613100000001', password: BOB.password }),
    absent: ['email'],
    result(value) {
      const grant = value as TokenGrant;
      expect(grant.region).toBe('cn');
      expect(grant.user.apikey).toBe(BOB.apikey);
      expect(grant.user.phoneNumber).toBe(BOB.phoneNumber);
    },
  },
  {
    operation: 'refresh',
    act: ({ creds }) => client.refresh(creds.rt, 'eu'),
    method: 'GET',
    path: '/api/user/refresh',
    region: 'eu',
    auth: 'sign',
    fields: ({ creds }) => ({ grantType: 'refresh', rt: creds.rt }),
    rawLine: /^GET \/eu\/api\/user\/refresh\?/,
    result(value, { creds }) {
      const grant = value as TokenGrant;
      expect(grant.at).not.toBe(creds.at);
      expect(grant.rt).toBe(creds.rt);
      expect(grant.region).toBe('eu');
      expect(grant.user.apikey).toBe(ALICE.apikey);
    },
  },
  {
    operation: 'devices',
    act: ({ creds }) => client.devices(creds),
    method: 'GET',
    path: '/api/user/device',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ lang: 'en' }),
    absent: ['getTags'],
    result: (value) => assessDeviceList(value, false),
  },
  {
    operation: 'devices with getTags',
    act: ({ creds }) => client.devices(creds, { getTags: true }),
    method: 'GET',
    path: '/api/user/device',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ lang: 'en', getTags: '1' }),
    result: (value) => assessDeviceList(value, true),
  },
  {
    operation: 'device',
    act: ({ creds }) => client.device(creds, LAMP),
    method: 'GET',
    path: `/api/user/device/${LAMP}`,
    region: 'eu',
    auth: 'bearer',
    fields: ({ creds }) => ({ deviceid: LAMP, apikey: creds.apikey }),
    result(value) {
      const device = value as CloudDevice;
      const truth = sim.device(LAMP);
      expect(device).toMatchObject({ deviceid: LAMP, uiid: 1, apikey: ALICE.apikey, online: true, name: truth.name });
      expect(device.params).toEqual(truth.params);
      // read from the top-level fields of the answer, without the answer's own error code
      expect(device).not.toHaveProperty('error');
      expect(device).not.toHaveProperty('device');
    },
  },
  {
    operation: 'getStatus',
    act: ({ creds }) => client.getStatus(creds, LAMP, ['switch', 'timers']),
    method: 'GET',
    path: '/api/user/device/status',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ deviceid: LAMP, params: 'switch|timers' }),
    // The spec: the |-separated list is URI-encoded on the wire.
    rawLine: /^GET \/eu\/api\/user\/device\/status(?:\?|\?[^|\s]*&)params=switch%7Ctimers(?:&[^|\s]*)?$/,
    result(value) {
      const truth = sim.device(LAMP).params;
      expect(value).toEqual({ switch: truth['switch'], timers: truth['timers'] });
    },
  },
  {
    operation: 'setStatus',
    act: ({ creds }) => client.setStatus(creds, LAMP, { switch: sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on' }),
    method: 'POST',
    path: '/api/user/device/status',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ deviceid: LAMP, params: { switch: expect.stringMatching(/^(on|off)$/) } }),
    result(value) {
      expect(value).toBeUndefined();
      // The device took the value the client sent.
      const sent = JSON.parse(onlyHttpRecord(sim).body) as { params: DeviceParams };
      expect(sim.device(LAMP).params['switch']).toBe(sent.params['switch']);
    },
  },
  {
    operation: 'dispatch',
    act: ({ creds }) => client.dispatch(creds),
    method: 'POST',
    path: '/dispatch/app',
    region: 'eu',
    auth: 'bearer',
    fields: () => ({ accept: 'ws' }),
    result(value) {
      const target = value as DispatchTarget;
      // The sim's default dispatch answer: its own host and bound port.
      expect(target).toEqual({ domain: '127.0.0.1', ip: '127.0.0.1', port: sim.port });
    },
  },
];

describeWireCases('wire format per operation', () => ({ sim, tap, client }), cases);

describe('wire format: the + of a country code', () => {
  beforeEach(() => {
    tap.lines.length = 0;
  });

  it('region("+86"): the + is percent-encoded on the wire and signed unencoded, so the sim accepts it', async () => {
    // Prepare
    sim.stats.reset();

    // Act
    const region = await client.region('+86');

    // Assess
    expect(region).toBe('cn');
    expect(tap.lines[0]).toMatch(/[?&]country_code=%2B86(&|$)/);
    const record = onlyHttpRecord(sim);
    expect(record.query['country_code']).toBe('+86');
    expect(record.headers['authorization']).toBe(`Sign ${signQuery(APP_SECRET, record.query)}`);
  });
});

describe('a tampered signed call is refused', () => {
  /** Replaces one character of the nonce: the message stays well-formed, only the bytes differ. */
  function flipNonceChar(text: string, marker: string): string {
    const at = text.indexOf(marker);
    if (at < 0) throw new Error(`no ${marker} in ${text}`);
    const i = at + marker.length;
    return text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1);
  }

  async function resendPost(record: HttpRecord, body: string) {
    const res = await request(`${sim.url}/${record.region}${record.path}`, {
      method: 'POST',
      headers: { 'content-type': record.headers['content-type'] ?? 'application/json', authorization: record.headers['authorization'] ?? '' },
      body,
    });
    return (await res.body.json()) as { error?: number; msg?: string; at?: string };
  }

  async function resendGet(record: HttpRecord, rawQuery: string) {
    const res = await request(`${sim.url}/${record.region}${record.path}?${rawQuery}`, {
      method: 'GET',
      headers: { authorization: record.headers['authorization'] ?? '' },
    });
    return (await res.body.json()) as { error?: number; msg?: string; at?: string };
  }

  it('POST: the logged login body, resent as is, is accepted; with one byte changed, 401', async () => {
    // Prepare
    sim.stats.reset();
    await client.login({ email: ALICE.email }, ALICE.password, 'eu');
    const record = onlyHttpRecord(sim);
    const tampered = flipNonceChar(record.body, '"nonce":"');
    expect(tampered).not.toBe(record.body);
    expect(tampered.length).toBe(record.body.length);

    // Act
    const same = await resendPost(record, record.body);
    const changed = await resendPost(record, tampered);

    // Assess: a token answer carries no error field at all; a refusal names the signature
    expect(same.error).toBeUndefined();
    expect(same.at).toMatch(/^[0-9a-f]{40}$/);
    expect(changed.error).toBe(401);
    expect(changed.msg).toMatch(/signature/);
  });

  it('GET: the logged refresh query, resent as is, is accepted; with one byte changed, 401', async () => {
    // Prepare
    const { rt } = credentialsFor(sim, ALICE.email);
    sim.stats.reset();
    tap.lines.length = 0;
    await client.refresh(rt, 'eu');
    const record = onlyHttpRecord(sim);
    const rawQuery = (tap.lines[0] ?? '').split('?')[1] ?? '';
    const tampered = flipNonceChar(rawQuery, 'nonce=');

    // Act
    const same = await resendGet(record, rawQuery);
    const changed = await resendGet(record, tampered);

    // Assess: a token answer carries no error field at all; a refusal names the signature
    expect(same.error).toBeUndefined();
    expect(same.at).toMatch(/^[0-9a-f]{40}$/);
    expect(changed.error).toBe(401);
    expect(changed.msg).toMatch(/signature/);
  });
});
