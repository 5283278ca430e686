import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ALICE, BOB, GARAGE, HEATER, LAMP, STRIP, testSim, wsUrl } from './fixture';
import { onlineSocket, type SocketClient } from './wire';
import { dispatchBase, REDIRECT_URL, v2Base, v2Post, v2Query, v2Tokens } from './v2-wire';

/*
 * The v2 device routes over the wire with a token from the OAuth exchange: the family, the
 * thing list (whole, paged, by id), status read and written through the same command path as
 * v1 (timers included), many devices in one batch call, the dispatch host, and the socket.
 */

let sim: Sim;
let eu: string;
let at: string;
const opened: SocketClient[] = [];

beforeAll(async () => {
  sim = await testSim({ redirectUrls: [REDIRECT_URL] });
  eu = v2Base(sim, 'eu');
  ({ at } = await v2Tokens(sim, ALICE.email, ALICE.password));
});
afterAll(() => sim.close());
beforeEach(() => sim.stats.reset());
afterEach(() => {
  for (const client of opened.splice(0)) client.close();
  sim.faults.silentDevices.clear();
  sim.faults.dispatchFailing = false;
});

const bearer = () => ({ bearer: at });

describe('GET /v2/family', () => {
  it('lists the account’s one home and names it current', async () => {
    // Act
    const reply = await v2Query('GET', eu, '/v2/family', { lang: 'en' }, bearer());

    // Assess
    expect(reply.body).toEqual({
      error: 0,
      msg: '',
      data: { familyList: [{ id: expect.stringMatching(/^[0-9a-f]{24}$/), name: 'My Home', index: 0, roomList: [], members: [] }], currentFamilyId: expect.any(String) },
    });
    expect(reply.body.data.currentFamilyId).toBe(reply.body.data.familyList[0].id);
  });
});

describe('GET /v2/device/thing', () => {
  it('lists every device as a thing of type 1 with its v2 fields, and the total', async () => {
    // Act
    const reply = await v2Query('GET', eu, '/v2/device/thing', { num: 0 }, bearer());

    // Assess
    expect(reply.body.error).toBe(0);
    const { thingList, total } = reply.body.data;
    expect(total).toBe(4);
    expect(thingList.map((t: any) => t.itemData.deviceid)).toEqual([LAMP, STRIP, GARAGE, HEATER]);
    expect(thingList.map((t: any) => t.itemType)).toEqual([1, 1, 1, 1]);
    const lamp = thingList[0];
    expect(lamp).toEqual({ itemType: 1, index: expect.any(Number), itemData: expect.any(Object) });
    expect(lamp.itemData).toMatchObject({
      deviceid: LAMP,
      name: 'Lamp',
      online: true,
      apikey: sim.device(LAMP).ownerApikey,
      extra: { uiid: 1 },
      params: sim.device(LAMP).params,
      tags: { room: 'study' },
      family: { familyid: expect.any(String), index: lamp.index },
    });
    expect(thingList[2].itemData.online).toBe(false);
  });

  it('pages by num and beginIndex (indexes are not positions)', async () => {
    // Act
    const first = await v2Query('GET', eu, '/v2/device/thing', { num: 3 }, bearer());
    const last = first.body.data.thingList.at(-1);
    const second = await v2Query('GET', eu, '/v2/device/thing', { num: 3, beginIndex: last.index + 1 }, bearer());

    // Assess
    expect(first.body.data.total).toBe(4);
    expect(first.body.data.thingList.map((t: any) => t.itemData.deviceid)).toEqual([LAMP, STRIP, GARAGE]);
    expect(last.index).toBeLessThan(0);
    expect(second.body.data.thingList.map((t: any) => t.itemData.deviceid)).toEqual([HEATER]);
    expect(second.body.data.total).toBe(4);
  });

  it('answers 30 things at most when num is not given', async () => {
    const reply = await v2Query('GET', eu, '/v2/device/thing', {}, bearer());
    expect(reply.body.data.thingList).toHaveLength(4);
  });

  it('takes the account’s familyid and refuses another with 404', async () => {
    // Prepare
    const family = (await v2Query('GET', eu, '/v2/family', {}, bearer())).body.data.currentFamilyId;

    // Act
    const own = await v2Query('GET', eu, '/v2/device/thing', { familyid: family }, bearer());
    const other = await v2Query('GET', eu, '/v2/device/thing', { familyid: '0'.repeat(24) }, bearer());

    // Assess
    expect(own.body.data.total).toBe(4);
    expect(other.body.error).toBe(404);
  });

  it('lists the current home only unless a familyid names another, as each home is listed apart', async () => {
    // Prepare: an account with devices in two homes
    const carol = { email: 'carol@example.com', password: 'carol-pw', region: 'eu' as const };
    const homes = await testSim({
      redirectUrls: [REDIRECT_URL],
      accounts: [{ ...carol, devices: [{ deviceid: '30000000a1', name: 'Hall', uiid: 1 }, { deviceid: '30000000a2', name: 'Shed', uiid: 1, home: 'Cottage' }] }],
    });
    try {
      const base = v2Base(homes, 'eu');
      const auth = { bearer: (await v2Tokens(homes, carol.email, carol.password)).at };

      // Act
      const family = (await v2Query('GET', base, '/v2/family', {}, auth)).body.data;
      const current = (await v2Query('GET', base, '/v2/device/thing', {}, auth)).body.data;
      const cottage = (await v2Query('GET', base, '/v2/device/thing', { familyid: family.familyList[1].id }, auth)).body.data;

      // Assess
      expect(family.familyList.map((f: { name: string; index: number }) => [f.name, f.index])).toEqual([['My Home', 0], ['Cottage', 1]]);
      expect(family.currentFamilyId).toBe(family.familyList[0].id);
      expect(current.thingList.map((t: any) => t.itemData.deviceid)).toEqual(['30000000a1']);
      expect(current.total).toBe(1);
      expect(cottage.thingList.map((t: any) => [t.itemData.deviceid, t.itemData.family.familyid, t.index])).toEqual([['30000000a2', family.familyList[1].id, -1]]);
    } finally {
      await homes.close();
    }
  });

  it.each([
    ['num', { num: 'many' }],
    ['beginIndex', { beginIndex: 'first' }],
  ])('refuses a %s that is not a whole number with 400', async (_name, query) => {
    expect((await v2Query('GET', eu, '/v2/device/thing', query, bearer())).body.error).toBe(400);
  });
});

describe('POST /v2/device/thing', () => {
  it('answers the things asked for, leaving out those the account cannot see', async () => {
    // Prepare
    const bobs = (await v2Tokens(sim, BOB.phoneNumber, BOB.password)).at;

    // Act
    const reply = await v2Post(eu, '/v2/device/thing', { thingList: [{ itemType: 1, id: HEATER }, { itemType: 1, id: 'nope' }, { itemType: 3, id: 'g1' }] }, bearer());
    const bobAsks = await v2Post(v2Base(sim, 'cn'), '/v2/device/thing', { thingList: [{ itemType: 1, id: LAMP }] }, { bearer: bobs });

    // Assess
    expect(reply.body.data.thingList.map((t: any) => t.itemData.deviceid)).toEqual([HEATER]);
    expect(bobAsks.body).toEqual({ error: 0, msg: '', data: { thingList: [] } });
  });

  it.each([
    ['no thingList', {}],
    ['an empty thingList', { thingList: [] }],
    ['an item without an id', { thingList: [{ itemType: 1 }] }],
    ['an itemType 4', { thingList: [{ itemType: 4, id: LAMP }] }],
  ])('refuses %s with 400', async (_what, body) => {
    expect((await v2Post(eu, '/v2/device/thing', body, bearer())).body.error).toBe(400);
  });
});

describe('GET /v2/device/thing/status', () => {
  it('reads the named params of a device', async () => {
    // Act
    const reply = await v2Query('GET', eu, '/v2/device/thing/status', { type: 1, id: LAMP, params: 'switch|timers' }, bearer());

    // Assess
    expect(reply.body).toEqual({ error: 0, msg: '', data: { params: { switch: sim.device(LAMP).params['switch'], timers: [] } } });
  });

  it('reads every param when none is named', async () => {
    const reply = await v2Query('GET', eu, '/v2/device/thing/status', { type: 1, id: STRIP }, bearer());
    expect(reply.body.data.params).toEqual(sim.device(STRIP).params);
  });

  it.each([
    ['an offline device', { type: 1, id: GARAGE }, 504],
    ['an unknown device', { type: 1, id: '9999999999' }, 404],
    ['a group (the sim has none)', { type: 2, id: 'group-1' }, 404],
    ['a type other than 1 or 2', { type: 3, id: LAMP }, 400],
    ['no id', { type: 1 }, 400],
  ])('answers %s with %s', async (_what, query, error) => {
    expect((await v2Query('GET', eu, '/v2/device/thing/status', query, bearer())).body.error).toBe(error);
  });
});

describe('POST /v2/device/thing/status', () => {
  it('applies params to the device and pushes the change to the account’s socket', async () => {
    // Prepare: a socket opened with the v2 at and the apikey an owned thing carries
    const apikey = sim.device(LAMP).ownerApikey;
    const socket = await onlineSocket(wsUrl(sim), at, apikey);
    opened.push(socket);
    const next = sim.device(LAMP).params['switch'] === 'on' ? 'off' : 'on';

    // Act
    const reply = await v2Post(eu, '/v2/device/thing/status', { type: 1, id: LAMP, params: { switch: next } }, bearer());

    // Assess
    expect(reply.body).toEqual({ error: 0, msg: '', data: {} });
    expect(sim.device(LAMP).params['switch']).toBe(next);
    expect(await socket.next((m) => m.action === 'update')).toMatchObject({ deviceid: LAMP, params: { switch: next } });
  });

  it('replaces the timers array, as a v1 update does', async () => {
    // Prepare
    const timers = [{ enabled: 1, mId: 'a1b2c3', type: 'repeat', coolkit_timer_type: 'repeat', at: '30 7 * * 1,2,3,4,5', do: { switch: 'on' } }];

    // Act
    const reply = await v2Post(eu, '/v2/device/thing/status', { type: 1, id: LAMP, params: { timers } }, bearer());

    // Assess
    expect(reply.body.error).toBe(0);
    expect(sim.device(LAMP).params['timers']).toEqual(timers);
  });

  it('changes one outlet of a four-way strip and leaves the others', async () => {
    // Prepare
    const before = sim.device(STRIP).params['switches'] as { switch: string; outlet: number }[];

    // Act
    await v2Post(eu, '/v2/device/thing/status', { type: 1, id: STRIP, params: { switches: [{ switch: 'on', outlet: 2 }] } }, bearer());

    // Assess
    const after = sim.device(STRIP).params['switches'] as { switch: string; outlet: number }[];
    expect(after.find((s) => s.outlet === 2)?.switch).toBe('on');
    expect(after.filter((s) => s.outlet !== 2)).toEqual(before.filter((s) => s.outlet !== 2));
  });

  it.each([
    ['params the device refuses', { type: 1, id: LAMP, params: { switch: 'maybe' } }, 400],
    ['no params', { type: 1, id: LAMP }, 400],
    ['a type sent as a string', { type: '1', id: LAMP, params: { switch: 'on' } }, 400],
    ['an offline device', { type: 1, id: GARAGE, params: { switch: 'on' } }, 504],
    ['an unknown device', { type: 1, id: '9999999999', params: { switch: 'on' } }, 404],
  ])('answers %s with %s and changes nothing', async (_what, body, error) => {
    // Prepare
    const before = sim.device(LAMP).params;

    // Act
    const reply = await v2Post(eu, '/v2/device/thing/status', body, bearer());

    // Assess
    expect(reply.body.error).toBe(error);
    expect(sim.device(LAMP).params).toEqual(before);
  });
});

describe('POST /v2/device/thing/batch-status', () => {
  it('changes several devices in one call', async () => {
    // Act
    const reply = await v2Post(
      eu,
      '/v2/device/thing/batch-status',
      {
        thingList: [
          { type: 1, id: LAMP, params: { switch: 'on' } },
          { type: 1, id: HEATER, params: { switch: 'on' } },
          { type: 1, id: STRIP, params: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'on', outlet })) } },
        ],
      },
      bearer(),
    );

    // Assess
    expect(reply.body).toEqual({
      error: 0,
      msg: '',
      data: {
        respList: [
          { type: 1, id: LAMP, error: 0 },
          { type: 1, id: HEATER, error: 0 },
          { type: 1, id: STRIP, error: 0 },
        ],
      },
    });
    expect(sim.stats.byPath['POST /v2/device/thing/batch-status']).toBe(1);
    expect(sim.stats.http).toBe(1);
    expect(sim.device(LAMP).params['switch']).toBe('on');
    expect(sim.device(HEATER).params['switch']).toBe('on');
    expect((sim.device(STRIP).params['switches'] as { switch: string }[]).every((s) => s.switch === 'on')).toBe(true);
  });

  it('answers each device for itself: an offline one fails alone', async () => {
    // Act
    const reply = await v2Post(
      eu,
      '/v2/device/thing/batch-status',
      { thingList: [{ type: 1, id: GARAGE, params: { switch: 'off' } }, { type: 1, id: LAMP, params: { switch: 'off' } }] },
      bearer(),
    );

    // Assess
    expect(reply.body.data.respList).toEqual([
      { type: 1, id: GARAGE, error: 504, msg: expect.any(String) },
      { type: 1, id: LAMP, error: 0 },
    ]);
    expect(sim.device(LAMP).params['switch']).toBe('off');
  });

  it('refuses a malformed item with 400 naming it, and applies none', async () => {
    // Prepare
    const before = sim.device(LAMP).params['switch'];
    const next = before === 'on' ? 'off' : 'on';

    // Act
    const reply = await v2Post(eu, '/v2/device/thing/batch-status', { thingList: [{ type: 1, id: LAMP, params: { switch: next } }, { type: 1, id: HEATER }] }, bearer());

    // Assess
    expect(reply.body).toMatchObject({ error: 400, msg: expect.stringContaining('thingList[1]') });
    expect(sim.device(LAMP).params['switch']).toBe(before);
  });
});

describe('GET /dispatch/app on the dispatch host', () => {
  it('names the socket host without auth', async () => {
    // Act
    const reply = await v2Query('GET', dispatchBase(sim, 'eu'), '/dispatch/app', {}, undefined);

    // Assess
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ IP: '127.0.0.1', port: sim.port, domain: '127.0.0.1', reason: 'ok' });
    expect(sim.stats.log.at(-1)).toMatchObject({ kind: 'http', service: 'dispa', region: 'eu', path: '/dispatch/app' });
  });

  it('answers HTTP 503 while dispatch is failing', async () => {
    // Prepare
    sim.faults.dispatchFailing = true;

    // Act
    const reply = await v2Query('GET', dispatchBase(sim, 'eu'), '/dispatch/app', {}, undefined);

    // Assess
    expect(reply.status).toBe(503);
    expect(reply.body.error).toBe(500);
  });

  it('is not answered on the REST host', async () => {
    expect((await v2Query('GET', eu, '/dispatch/app', {}, undefined)).status).toBe(404);
  });
});

describe('a timer pushed over v2', () => {
  it('is run by the device on the sim’s clock, as one pushed over v1', async () => {
    // Prepare
    const start = Date.parse('2026-03-02T08:00:00Z');
    const manual = await testSim({ redirectUrls: [REDIRECT_URL], clock: { mode: 'manual', start } });
    try {
      const token = (await v2Tokens(manual, ALICE.email, ALICE.password)).at;
      const at = new Date(start + 60_000).toISOString();
      const timers = [{ enabled: 1, mId: 'v2-once', type: 'once', coolkit_timer_type: 'once', at, do: { switch: 'on' } }];
      await v2Post(v2Base(manual, 'eu'), '/v2/device/thing/status', { type: 1, id: HEATER, params: { switch: 'off', timers } }, { bearer: token });

      // Act
      await manual.clock.advance(2 * 60_000);

      // Assess
      expect(manual.timerLog).toEqual([{ deviceid: HEATER, mId: 'v2-once', at: start + 60_000, action: 'do', params: { switch: 'on' } }]);
      expect(manual.device(HEATER).params['switch']).toBe('on');
    } finally {
      await manual.close();
    }
  });
});
