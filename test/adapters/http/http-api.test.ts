import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { simCloudConfig, startHarness, warmSocket, type Harness } from '../../support/bridge';
import { wireBridge } from '../../../lib/bridge';

describe('HTTP API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  it('lists the devices with their family and capabilities', async () => {
    const res = await h.call('GET', '/devices');
    expect(res.status).toBe(200);
    const single = { family: 'single-channel switch', capabilities: { power: { param: 'switch', channels: 1 } } };
    expect(res.body.devices).toEqual(
      expect.arrayContaining([
        { deviceid: '1000000001', name: 'Lamp', uiid: 1, online: true, channels: 1, ...single },
        {
          deviceid: '1000000004',
          name: 'Strip',
          uiid: 4,
          online: true,
          channels: 4,
          family: 'multi-channel switch',
          capabilities: { power: { param: 'switches', channels: 4 } },
        },
        { deviceid: '1000000009', name: 'Plug', uiid: 1, online: false, channels: 1, ...single },
      ]),
    );
  });

  it('reads live state: power for a single channel, channels for a multi-channel device', async () => {
    await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
    const single = await h.call('GET', '/devices/1000000001');
    expect(single.status).toBe(200);
    expect(single.body).toMatchObject({ deviceid: '1000000001', online: true, power: 'on' });
    expect(single.body.params.switch).toBe('on');
    const multi = await h.call('GET', '/devices/1000000004');
    expect(multi.body.channels).toHaveLength(4);
    expect(multi.body.channels[0]).toEqual({ channel: 0, power: expect.stringMatching(/^(on|off)$/) });
    const offline = await h.call('GET', '/devices/1000000009');
    expect(offline.body.online).toBe(false);
  });

  it('toggles from the state the device reports', async () => {
    const before = h.sim.device('1000000001').params.switch;
    const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'toggle' } });
    expect(res.status).toBe(200);
    expect(h.sim.device('1000000001').params.switch).toBe(before === 'on' ? 'off' : 'on');
  });

  it('switches every channel of a multi-channel device when no channel is given', async () => {
    const res = await h.call('POST', '/devices/1000000004/control', { body: { power: 'on' } });
    expect(res.status).toBe(200);
    const switches = h.sim.device('1000000004').params.switches as { switch: string }[];
    expect(switches.every((s) => s.switch === 'on')).toBe(true);
  });

  it('answers malformed JSON with 400 and sends nothing', async () => {
    h.sim.stats.reset();
    const res = await h.call('POST', '/devices/1000000001/control', { raw: '{"power": "on"' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('malformed_json');
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
  });

  it.each([
    [{ power: 'dim' }, 'power'],
    [{}, 'power'],
    [{ power: 'on', channel: -1 }, 'channel'],
    [{ power: 'on', channel: 1.5 }, 'channel'],
    [{ power: 'on', colour: 'red' }, 'colour'],
    [[1, 2], 'body'],
  ])('answers bad input %j with 422 naming %s, and sends nothing', async (body, field) => {
    h.sim.stats.reset();
    const res = await h.call('POST', '/devices/1000000001/control', { body });
    expect(res.status).toBe(422);
    expect(res.body.error.field).toBe(field);
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
  });

  it('answers a channel the device lacks with 422 and sends nothing', async () => {
    h.sim.stats.reset();
    const res = await h.call('POST', '/devices/1000000004/control', { body: { power: 'on', channel: 4 } });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toMatch(/channels 0 to 3/);
    expect(h.sim.stats.socketMessages).toBe(0);
  });

  it('answers an unknown device with 404', async () => {
    const res = await h.call('POST', '/devices/10000fffff/control', { body: { power: 'on' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers an offline device with 504', async () => {
    const res = await h.call('POST', '/devices/1000000009/control', { body: { power: 'on' } });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('device_offline');
    // One clause, said once: no cloud text and no wrapped error's words repeated.
    expect(res.body.error.message).toBe('the device did not answer: it is offline or unreachable');
    expect(h.sim.device('1000000009').params.switch).toBe('off');
  });

  it('answers a silent device with 504', async () => {
    h.sim.faults.silentDevices.add('1000000001');
    try {
      const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
      expect(res.status).toBe(504);
    } finally {
      h.sim.faults.silentDevices.delete('1000000001');
    }
  });

  it.each([[false], ['ebk_not-a-real-key'], ['']])('refuses a missing or wrong API key (%s) with 401 and changes nothing', async (auth) => {
    const before = h.sim.device('1000000001').params.switch;
    h.sim.stats.reset();
    const res = await h.call('POST', '/devices/1000000001/control', { body: { power: before === 'on' ? 'off' : 'on' }, auth });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect(h.sim.device('1000000001').params.switch).toBe(before);
    expect(h.sim.stats.http + h.sim.stats.socketMessages).toBe(0);
  });

  it('answers unknown routes with 404 and wrong methods with 405', async () => {
    expect((await h.call('GET', '/nowhere')).status).toBe(404);
    expect((await h.call('DELETE', '/devices')).status).toBe(405);
  });

  it('a warm command costs one socket message and no HTTP request', async () => {
    await warmSocket(h);
    h.sim.stats.reset();
    const res = await h.call('POST', '/devices/1000000001/control', { body: { power: 'off' } });
    expect(res.body.via).toBe('socket');
    expect(h.sim.stats.http).toBe(0);
    expect(h.sim.stats.socketMessages).toBe(1);
  });
});

describe('a cold instance', () => {
  it('sends its first command over HTTP at once, one status call, while the socket opens beside it for the next', async () => {
    // Prepare: a new bridge, its device list already in the table
    const h = await startHarness();
    try {
      await h.bridge.directory.list('default');
      h.sim.stats.reset();

      // Act
      const first = await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
      await warmSocket(h);
      const second = await h.call('POST', '/devices/1000000001/control', { body: { power: 'off' } });

      // Assess
      expect([first.body.via, second.body.via]).toEqual(['http', 'socket']);
      expect(h.sim.stats.byPath['POST /api/user/device/status']).toBe(1);
      expect(h.sim.stats.byPath['POST /dispatch/app']).toBe(1);
      expect(h.sim.stats.byAction['userOnline']).toBe(1);
      expect(h.sim.stats.byAction['update']).toBe(1);
    } finally {
      await h.close();
    }
  });
});

describe('a new instance', () => {
  it('finds the dispatch answer another instance kept in the table, and opens its socket without asking the cloud', async () => {
    // Prepare: one instance opened its socket (and kept the dispatch answer)
    const h = await startHarness();
    const other = wireBridge({ ...simCloudConfig(h.sim), tableName: h.table.tableName, dynamoEndpoint: h.table.endpoint });
    try {
      await warmSocket(h);
      h.sim.stats.reset();

      // Act
      await warmSocket(other);

      // Assess
      expect(h.sim.stats.byPath['POST /dispatch/app']).toBeUndefined();
      expect(h.sim.stats.byAction['userOnline']).toBe(1);
    } finally {
      other.bridge.close();
      await h.close();
    }
  });
});

describe('online/offline notices pushed by the cloud', () => {
  it('a sysmsg marks the device offline in the cached list, in memory and in the store', async () => {
    // Prepare: a session is open and the list is cached (a command went out)
    const h = await startHarness();
    try {
      await warmSocket(h);
      await h.call('POST', '/devices/1000000001/control', { body: { power: 'on' } });
      // Act
      h.sim.setDeviceOnline('1000000001', false);
      // Assess: the store is written last (after memory), so once it shows the notice, both do
      await vi.waitFor(async () => {
        const stored = await h.parts.store.devices.get('default');
        expect(stored?.devices.find((d) => d.deviceid === '1000000001')?.online).toBe(false);
      }, { timeout: 5_000, interval: 20 });
      const listed = await h.call('GET', '/devices');
      expect(listed.body.devices.find((d: { deviceid: string }) => d.deviceid === '1000000001').online).toBe(false);
    } finally {
      await h.close();
    }
  });
});
