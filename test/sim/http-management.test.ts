import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, BOB_PLUG, LAMP, regionBase, STRIP, testSim, wsUrl } from './fixture';
import { control, del, get, onlineSocket, post, put, type Auth, type Json, type Reply } from './wire';

/*
 * The account and device-management routes, by hand on the wire: every required field
 * missing and every mistyped one gets 400 (in the legacy `{code: 400, error}` shape on the
 * adding routes); then the answers' shapes as the spec shows them.
 */

const UNBOUND = { deviceid: '3000000001', devicekey: '30000000-0000-4000-8000-000000000001', uiid: 1, name: 'Unbound' };
const GSM_ID = 'GSM0000000000000001';

let sim: Sim;
let eu: string;
let at: string;
let apikey: string;

beforeAll(async () => {
  sim = await testSim({
    smsIntervalSec: 0.3,
    unboundDevices: [UNBOUND],
    unboundGsmDevices: [{ gsmId: GSM_ID, device: { deviceid: '4000000001', name: 'GSM', uiid: 24 } }],
  });
  eu = regionBase(sim, 'eu');
  ({ at, apikey } = sim.issueTokens(ALICE.email));
});
afterAll(() => sim.close());

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface RouteFields {
  method: Method;
  path: string;
  auth: 'sign' | 'bearer';
  /** Fields the route takes as they are; each row below breaks one. */
  good(): Record<string, unknown>;
  /** Fields whose absence is a 400. */
  required: string[];
  /** Values of the wrong type or out of range, each a 400. */
  wrong: Record<string, unknown>[];
  /** The adding routes answer `{code: 400, error: "<text>"}`. */
  legacy?: boolean;
  /** Sending the good fields would change what later tests use (add, delete). */
  changesState?: boolean;
}

function send(method: Method, path: string, fields: Record<string, unknown>, auth: Auth): Promise<Reply> {
  if (method === 'GET') return get(eu, path, fields, auth);
  if (method === 'DELETE') return del(eu, path, fields, auth);
  if (method === 'PUT') return put(eu, path, fields, auth);
  return post(eu, path, fields, auth);
}

const routes: RouteFields[] = [
  {
    method: 'POST',
    path: '/api/sms',
    auth: 'sign',
    good: () => ({ sendType: '0', email: 'someone@example.com' }),
    required: ['sendType', 'email'],
    wrong: [{ sendType: 0 }, { sendType: '2' }, { email: 5 }, { to: '+447700900123' }, { email: undefined, to: 44 }],
  },
  {
    method: 'POST',
    path: '/api/user/register',
    auth: 'sign',
    good: () => ({ email: 'someone@example.com', password: 'pw-12345', verificationCode: '1234' }),
    required: ['email', 'password', 'verificationCode'],
    wrong: [{ verificationCode: 1234 }, { password: 12345678 }, { email: true }, { phoneNumber: '+447700900123' }],
  },
  {
    method: 'POST',
    path: '/api/user/password/reset',
    auth: 'sign',
    good: () => ({ email: ALICE.email, password: 'pw-12345', verificationCode: '1234' }),
    required: ['email', 'password', 'verificationCode'],
    wrong: [{ verificationCode: 1234 }, { password: [] }, { email: undefined, phoneNumber: 86 }],
  },
  {
    method: 'POST',
    path: '/api/user/password',
    auth: 'bearer',
    good: () => ({ oldPassword: ALICE.password, newPassword: ALICE.password }),
    required: ['oldPassword', 'newPassword'],
    wrong: [{ oldPassword: 1 }, { newPassword: {} }],
  },
  {
    method: 'POST',
    path: '/api/user/device/add',
    auth: 'bearer',
    legacy: true,
    changesState: true,
    good: () => ({ deviceid: UNBOUND.deviceid, apikey: UNBOUND.devicekey, name: 'Hall', isSub: 0 }),
    required: ['deviceid', 'apikey', 'name'],
    wrong: [{ deviceid: 3000000001 }, { isSub: '0' }, { isSub: 2 }, { chipid: 5 }, { isSub: 1 }],
  },
  {
    method: 'POST',
    path: '/api/user/device/addGsm',
    auth: 'bearer',
    legacy: true,
    changesState: true,
    good: () => ({ id: GSM_ID, name: 'Gate' }),
    required: ['id', 'name'],
    wrong: [{ id: 5 }, { name: false }],
  },
  {
    method: 'DELETE',
    path: `/api/user/device/${STRIP}`,
    auth: 'bearer',
    changesState: true,
    good: () => ({ deviceid: STRIP, apikey, isSub: 0 }),
    required: ['deviceid', 'apikey', 'isSub'],
    wrong: [{ isSub: 'no' }, { isSub: 1 }, { deviceid: LAMP }, { apikey: 'someone-else' }],
  },
  {
    method: 'POST',
    path: `/api/user/device/${LAMP}`,
    auth: 'bearer',
    good: () => ({ deviceid: LAMP, apikey, name: 'Lamp', group: '' }),
    required: ['deviceid', 'apikey', 'name', 'group'],
    wrong: [{ name: 5 }, { group: 0 }, { apikey: 7 }],
  },
  {
    method: 'POST',
    path: '/api/user/tags',
    auth: 'bearer',
    good: () => ({ deviceid: STRIP, apikey, key: 'ck_channel_name', value: { '0': 'A' } }),
    required: ['deviceid', 'apikey', 'key', 'value'],
    wrong: [{ key: 'room' }, { value: 'A' }, { value: { '0': 1 } }, { value: { first: 'A' } }, { deviceid: 1000000004 }],
  },
  {
    method: 'POST',
    path: '/api/user/deviceHistory',
    auth: 'bearer',
    good: () => ({ deviceid: LAMP, apikey }),
    required: ['deviceid', 'apikey'],
    wrong: [{ startTime: 'yesterday' }, { endTime: true }, { pageSize: 5 }, { currentPage: '1' }, { pageSize: 0, currentPage: 1 }, { startTime: -5 }],
  },
  {
    method: 'GET',
    path: '/api/group',
    auth: 'bearer',
    good: () => ({ groupType: 0, apikey }),
    required: ['groupType', 'apikey'],
    wrong: [{ groupType: 1 }, { groupType: 'zero' }],
  },
  {
    method: 'POST',
    path: '/api/group',
    auth: 'bearer',
    good: () => ({ index: 0, name: 'Upstairs', groupType: 0, apikey }),
    required: ['index', 'name', 'groupType', 'apikey'],
    wrong: [{ index: '0' }, { index: 1.5 }, { name: 5 }, { name: ' ' }, { groupType: '0' }, { groupType: 1 }],
  },
  {
    method: 'PUT',
    path: '/api/group',
    auth: 'bearer',
    good: () => ({ id: 'some-group', index: 0, name: 'Upstairs', groupType: 0, apikey }),
    required: ['id', 'index', 'name', 'groupType', 'apikey'],
    wrong: [{ id: 5 }, { index: null }, { name: [] }, { groupType: 2 }],
  },
  {
    method: 'DELETE',
    path: '/api/group',
    auth: 'bearer',
    good: () => ({ id: 'some-group', type: 0, apikey }),
    required: ['id', 'type', 'apikey'],
    wrong: [{ type: 1 }, { type: 'zero' }],
  },
  {
    method: 'POST',
    path: '/api/group/addDevice',
    auth: 'bearer',
    good: () => ({ deviceinfos: [{ source_id: '', target_id: '', deviceid: LAMP, type: 1 }], groupType: 0, apikey }),
    required: ['deviceinfos', 'groupType', 'apikey'],
    wrong: [
      { deviceinfos: [] },
      { deviceinfos: {} },
      { deviceinfos: [5] },
      { deviceinfos: [{ target_id: '', deviceid: LAMP, type: 1 }] },
      { deviceinfos: [{ source_id: '', deviceid: LAMP, type: 1 }] },
      { deviceinfos: [{ source_id: '', target_id: '', type: 1 }] },
      { deviceinfos: [{ source_id: '', target_id: '', deviceid: LAMP, type: 2 }] },
      { deviceinfos: [{ source_id: 0, target_id: '', deviceid: LAMP, type: 1 }] },
    ],
  },
];

interface BadRow {
  route: string;
  what: string;
  method: Method;
  path: string;
  auth: 'sign' | 'bearer';
  /** Called when the row runs, once the tokens exist. */
  fields(): Record<string, unknown>;
  legacy: boolean;
  /** The field a 400 for a missing field must name. */
  names?: string;
}

const badRows: BadRow[] = routes.flatMap((route) => {
  const base = { route: `${route.method} ${route.path}`, method: route.method, path: route.path, auth: route.auth, legacy: route.legacy ?? false };
  return [
    ...route.required.map((name) => ({ ...base, what: `without ${name}`, fields: () => ({ ...route.good(), [name]: undefined }), names: name })),
    ...route.wrong.map((change) => ({ ...base, what: `with ${JSON.stringify(change)}`, fields: () => ({ ...route.good(), ...change }) })),
  ];
});

function authFor(kind: 'sign' | 'bearer'): Auth {
  return kind === 'sign' ? { sign: true } : { bearer: at };
}

describe('400 for a missing or mistyped field', () => {
  it.each(badRows)('$route $what → 400', async (row) => {
    // Act
    const reply = await send(row.method, row.path, row.fields(), authFor(row.auth));

    // Assess
    expect(reply.status).toBe(200);
    if (row.legacy) {
      expect(reply.body).toEqual({ code: 400, error: expect.any(String) });
    } else {
      expect(reply.body).toMatchObject({ error: 400, msg: expect.any(String) });
      if (row.names) expect(reply.body.msg).toContain(row.names);
    }
  });

  it('and the same fields, whole, are no 400 (an unknown group may still be a 404: the field checks come first)', async () => {
    for (const route of routes.filter((r) => !r.changesState)) {
      const reply = await send(route.method, route.path, route.good(), authFor(route.auth));
      const code = route.legacy ? reply.body.code : reply.body.error;
      expect([route.path, code]).not.toEqual([route.path, 400]);
    }
  });
});

describe('answers in the spec’s shapes', () => {
  it('sms: {error: 0}; the code readable at /_sim/codes; again too soon: 160038; after smsIntervalSec: sent', async () => {
    // Prepare: a cloud of its own, with the 60 s interval on a clock the test moves
    const own = await testSim({ smsIntervalSec: 60, clock: { mode: 'manual', start: Date.parse('2026-03-02T00:00:00Z') } });
    const sendCode = () => post(regionBase(own, 'eu'), '/api/sms', { sendType: '0', email: 'shape@example.com' }, { sign: true });

    // Act
    const first = await sendCode();
    const code = await control(own.url, 'GET', `/_sim/codes?to=${encodeURIComponent('shape@example.com')}`);
    await own.clock.advance(60_000 - 1);
    const tooSoon = await sendCode();
    await own.clock.advance(1);
    const later = await sendCode();
    const nobody = await control(own.url, 'GET', '/_sim/codes?to=nobody@example.com');
    await own.close();

    // Assess
    expect(first.body).toEqual({ error: 0 });
    expect(code.body).toEqual({ to: 'shape@example.com', code: expect.stringMatching(/^\d{4}$/) });
    expect(tooSoon.body).toMatchObject({ error: 160038 });
    expect(later.body).toEqual({ error: 0 });
    expect(nobody.status).toBe(404);
  });

  it('sms: 301 with the region for an account elsewhere; 401 for resetting no account; 409 for registering a taken one', async () => {
    const elsewhere = await post(regionBase(sim, 'us'), '/api/sms', { sendType: '1', email: ALICE.email }, { sign: true });
    const nobody = await post(eu, '/api/sms', { sendType: '1', to: '+447700900999' }, { sign: true });
    const taken = await post(eu, '/api/sms', { sendType: '0', to: BOB.phoneNumber }, { sign: true });
    expect(elsewhere.body).toMatchObject({ error: 301, region: 'eu' });
    expect(nobody.body).toMatchObject({ error: 401 });
    expect(taken.body).toMatchObject({ error: 409 });
  });

  it('register: the token answer without error; a code sent to one address does not register another', async () => {
    // Prepare
    await post(eu, '/api/sms', { sendType: '0', to: '+447700900555' }, { sign: true });
    const verificationCode = sim.verificationCode('+447700900555');

    // Act
    const reply = await post(eu, '/api/user/register', { phoneNumber: '+447700900555', email: '', password: 'pw-1', verificationCode }, { sign: true });
    const again = await post(eu, '/api/user/register', { phoneNumber: '+447700900556', password: 'pw-1', verificationCode }, { sign: true });

    // Assess
    expect(reply.body).toEqual({ at: expect.any(String), rt: expect.any(String), region: 'eu', user: expect.objectContaining({ phoneNumber: '+447700900555' }) });
    expect(again.body).toMatchObject({ error: 498 });
  });

  it('password change: the legacy {message} and {error: "<text>"} answers, exactly', async () => {
    const { at: bobAt } = sim.issueTokens(BOB.phoneNumber);
    const cn = regionBase(sim, 'cn');
    const wrong = await post(cn, '/api/user/password', { oldPassword: 'not-it', newPassword: 'x' }, { bearer: bobAt });
    const right = await post(cn, '/api/user/password', { oldPassword: BOB.password, newPassword: BOB.password }, { bearer: bobAt });
    expect(wrong.body).toEqual({ error: 'Old password is incorrect!' });
    expect(right.body).toEqual({ message: 'Change password is success!' });
  });

  it('adding devices: {device} on success; {code, error} with the spec’s texts on failure', async () => {
    const added = await post(eu, '/api/user/device/add', { deviceid: UNBOUND.deviceid, apikey: UNBOUND.devicekey, name: 'Hall' }, { bearer: at });
    const again = await post(eu, '/api/user/device/add', { deviceid: UNBOUND.deviceid, apikey: UNBOUND.devicekey, name: 'Hall' }, { bearer: at });
    const others = await post(eu, '/api/user/device/add', { deviceid: BOB_PLUG, apikey: 'x', name: 'Plug' }, { bearer: at });
    const empty = await post(eu, '/api/user/device/addGsm', { id: GSM_ID }, { bearer: at });
    const badId = await post(eu, '/api/user/device/addGsm', { id: 'a b', name: 'Gate' }, { bearer: at });
    const unknown = await post(eu, '/api/user/device/addGsm', { id: 'GSM999999999', name: 'Gate' }, { bearer: at });

    expect(added.body).toEqual({ device: expect.objectContaining({ deviceid: UNBOUND.deviceid, name: 'Hall', apikey, devicekey: UNBOUND.devicekey }) });
    expect(again.body).toEqual({ code: 409, error: 'Device has already been added!' });
    expect(others.body).toEqual({ code: 409, error: 'Device belongs to other user!' });
    expect(empty.body).toEqual({ code: 400, error: 'Device name, id and apikey must not be empty!' });
    expect(badId.body).toEqual({ code: 401, error: 'Invalid device id format!' });
    expect(unknown.body).toEqual({ code: 404, error: 'fd data is null' });
  });

  it('device history: opsSwitchs and request are JSON strings; the device’s own reports are userAgent "device"', async () => {
    // Prepare
    await post(eu, '/api/user/device/status', { deviceid: LAMP, params: { switch: 'on' } }, { bearer: at });
    const socket = await onlineSocket(wsUrl(sim), at, apikey);
    const report = await control(sim.url, 'POST', `/_sim/devices/${LAMP}/report`, { switch: 'off' });
    const pushed: Json = await socket.next((m) => m.action === 'update' && m.deviceid === LAMP);
    socket.close();

    // Act
    const reply = await post(eu, '/api/user/deviceHistory', { deviceid: LAMP, apikey, pageSize: '1', currentPage: '2' }, { bearer: at });

    // Assess
    expect(report.body).toMatchObject({ deviceid: LAMP, params: { switch: 'off' } });
    expect(pushed).toMatchObject({ userAgent: 'device', params: { switch: 'off' } });
    expect(reply.body.error).toBe(0);
    expect(reply.body.deviceHistories).toHaveLength(1);
    const [entry] = reply.body.deviceHistories;
    expect(entry).toMatchObject({ userAgent: 'app', opsAccount: ALICE.email, apikey, deviceid: LAMP, subType: 0, type: 0, opsSwitchs: '[{"switch":"on"}]' });
    expect(typeof entry.request).toBe('string');
    expect(JSON.parse(entry.request)).toMatchObject({ action: 'update', deviceid: LAMP, params: { switch: 'on' } });
  });

  it('groups: {groupinfos, error}; a deleted group leaves its devices ungrouped; the device list shows each device’s groups', async () => {
    // Prepare
    const made = await post(eu, '/api/group', { index: 1, name: 'Kitchen', groupType: 0, apikey }, { bearer: at });
    const id = made.body.groupid;
    await post(eu, '/api/group/addDevice', { deviceinfos: [{ source_id: '', target_id: id, deviceid: LAMP, type: '1' }], groupType: 0, apikey }, { bearer: at });

    // Act
    const listed = await get(eu, '/api/group', { groupType: 0, apikey }, { bearer: at });
    const devicesBefore = await get(eu, '/api/user/device', {}, { bearer: at });
    const removed = await del(eu, '/api/group', { id, type: 0, apikey }, { bearer: at });
    const devicesAfter = await get(eu, '/api/user/device', {}, { bearer: at });

    // Assess
    expect(made.body).toEqual({ error: 0, groupid: expect.any(String) });
    expect(listed.body).toEqual({ error: 0, groupinfos: expect.any(Array) });
    expect(listed.body.groupinfos.find((g: Json) => g.id === id)).toEqual({ id, name: 'Kitchen', index: 1, createdAt: expect.any(String) });
    expect(devicesBefore.body.devicelist.find((d: Json) => d.deviceid === LAMP).groups).toEqual([id]);
    expect(removed.body).toEqual({ error: 0 });
    expect(devicesAfter.body.devicelist.find((d: Json) => d.deviceid === LAMP).groups).toEqual([]);
  });

  it('rename sets name and group; channel names show with getTags=1', async () => {
    const renamed = await post(eu, `/api/user/device/${STRIP}`, { deviceid: STRIP, apikey, name: 'Power strip', group: 'legacy' }, { bearer: at });
    const tagged = await post(eu, '/api/user/tags', { deviceid: STRIP, apikey, key: 'ck_channel_name', value: { '0': 'TV', '1': 'Lamp' } }, { bearer: at });
    const list = await get(eu, '/api/user/device', { getTags: 1 }, { bearer: at });
    const strip = list.body.devicelist.find((d: Json) => d.deviceid === STRIP);
    expect(renamed.body).toEqual({ error: 0, deviceid: STRIP });
    expect(tagged.body).toEqual({ error: 0 });
    expect(strip).toMatchObject({ name: 'Power strip', group: 'legacy', tags: { ck_channel_name: { '0': 'TV', '1': 'Lamp' } } });
  });
});
