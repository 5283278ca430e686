import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EwelinkClient } from '../../lib/ewelink/client';
import type { Region } from '../../lib/ewelink/hosts';
import { closeHttpPools } from '../../lib/ewelink/http';
import type { CloudDevice, Credentials, DeviceParams, DispatchTarget, TokenGrant } from '../../lib/ewelink/types';
import type { Sim } from '../../sim/index';
import {
  ALICE,
  APP_ID,
  BOB,
  clientFor,
  credentialsFor,
  GARAGE,
  hmacBase64,
  type HttpRecord,
  LAMP,
  onlyHttpRecord,
  seeds,
  signedQueryText,
  startWireTap,
  STRIP,
  testSim,
  type WireTap,
} from './fixture';

/*
 * What each client operation puts on the wire, as the simulated cloud received it: method,
 * path, region host, Authorization scheme, the common fields and the operation's own fields,
 * and what the client makes of the answer. Every call goes through a pass-through tap that
 * keeps the raw request line, since the sim logs the query only decoded.
 */

let sim: Sim;
let tap: WireTap;
let client: EwelinkClient;

beforeAll(async () => {
  sim = await testSim();
  tap = await startWireTap(sim);
  client = clientFor(tap.apiUrlTemplate);
});
afterAll(async () => {
  await closeHttpPools();
  await tap.close();
  await sim.close();
});

interface Ctx {
  /** Fresh tokens for alice, issued just before the call. */
  creds: Credentials & { rt: string };
}

interface WireCase {
  operation: string;
  act(ctx: Ctx): Promise<unknown>;
  method: 'GET' | 'POST';
  path: string;
  /** The region host addressed; null = the region-less global host. */
  region: Region | null;
  auth: 'sign' | 'bearer';
  /** The operation's own fields as they must arrive: JSON values in a body, strings in a query. */
  fields(ctx: Ctx): Record<string, unknown>;
  /** Fields that must not be sent at all. */
  absent?: string[];
  /** What the raw request line must show (the tap's view). */
  rawLine?: RegExp;
  /** The parsed result, checked against the sim's own state. */
  result(value: unknown, ctx: Ctx): void;
}

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

function assessCommonFields(record: HttpRecord, nowSec: number): void {
  const ok8 = /^[A-Za-z0-9]{8}$/;
  if (record.method === 'POST') {
    expect(record.headers['content-type']).toMatch(/^application\/json/);
    expect(record.query).toEqual({});
    const body = JSON.parse(record.body) as Record<string, unknown>;
    expect(body['appid']).toBe(APP_ID);
    expect(body['nonce']).toMatch(ok8);
    expect(body['version']).toBe(8); // a JSON number, not "8"
    expect(typeof body['ts']).toBe('number');
    expect(Number.isInteger(body['ts'])).toBe(true);
    expect(Math.abs((body['ts'] as number) - nowSec)).toBeLessThanOrEqual(5);
  } else {
    expect(record.body).toBe('');
    expect(record.query['appid']).toBe(APP_ID);
    expect(record.query['nonce']).toMatch(ok8);
    expect(record.query['version']).toBe('8');
    expect(record.query['ts']).toMatch(/^\d+$/); // whole seconds, not ms, not fractional
    expect(Math.abs(Number(record.query['ts']) - nowSec)).toBeLessThanOrEqual(5);
  }
}

describe('wire format per operation', () => {
  beforeEach(() => {
    tap.lines.length = 0;
  });

  it.each(cases)('$operation: $method $path', async (row) => {
    // Prepare
    const ctx: Ctx = { creds: credentialsFor(sim, ALICE.email) };
    sim.stats.reset();
    const nowSec = Date.now() / 1000;

    // Act
    const value = await row.act(ctx);

    // Assess: one request, where and how it was sent
    const record = onlyHttpRecord(sim);
    expect(record.method).toBe(row.method);
    expect(record.path).toBe(row.path);
    expect(record.region).toBe(row.region);
    expect(tap.lines).toHaveLength(1);
    if (row.rawLine) expect(tap.lines[0]).toMatch(row.rawLine);

    // Assess: the Authorization scheme; a signature is HMAC-SHA256 over the bytes as received
    const authorization = record.headers['authorization'];
    if (row.auth === 'bearer') {
      expect(authorization).toBe(`Bearer ${ctx.creds.at}`);
    } else if (row.method === 'POST') {
      expect(authorization).toBe(`Sign ${hmacBase64(record.body)}`);
    } else {
      expect(authorization).toBe(`Sign ${hmacBase64(signedQueryText(record.query))}`);
    }

    // Assess: common fields, typed as the spec says, and the operation's own fields
    assessCommonFields(record, nowSec);
    const input: Record<string, unknown> = row.method === 'POST' ? JSON.parse(record.body) : record.query;
    expect(input).toMatchObject(row.fields(ctx));
    for (const name of row.absent ?? []) expect(input).not.toHaveProperty(name);

    // Assess: the parsed result
    row.result(value, ctx);
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
    expect(record.headers['authorization']).toBe(`Sign ${hmacBase64(signedQueryText(record.query))}`);
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
