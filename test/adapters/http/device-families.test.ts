import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kelvinStep, toRgb, type ColorInput } from '../../../lib/devices/conversions';
import { socketUpdates, startHarness, testAccount, warmSocket, type Harness } from '../../support/bridge';
import { scanTable } from '../../support/dynamo';

/*
 * Every device family of the uiid table, end to end: a semantic command goes in over HTTP,
 * the exact params reach the simulated device over the socket, the device's state changes,
 * and GET /devices/{id} reads back what was asked (within what the device can resolve).
 */

interface Step {
  command: Record<string, unknown>;
  /** The params the device must receive, exactly. */
  sent: Record<string, unknown>;
  /** Whether the bridge must read the device first (one `query` before the `update`). */
  reads?: boolean;
  /** What the device's params must then hold (defaults to `sent`). */
  device?: Record<string, unknown>;
  /** Extra expectations on the normalised state. */
  state?: Record<string, unknown>;
}

interface Family {
  family: string;
  deviceid: string;
  uiid: number;
  steps: Step[];
}

const FAMILIES: Family[] = [
  {
    family: 'single-channel switch',
    deviceid: '1000000001',
    uiid: 1,
    steps: [
      { command: { power: 'on' }, sent: { switch: 'on' } },
      { command: { power: 'toggle' }, sent: { switch: 'off' }, reads: true },
    ],
  },
  {
    family: 'power-metering switch',
    deviceid: '1000000005',
    uiid: 5,
    steps: [{ command: { power: 'on' }, sent: { switch: 'on' }, state: { sensors: { power: expect.any(Number), voltage: expect.any(Number), current: expect.any(Number) } } }],
  },
  {
    family: 'temperature/humidity switch',
    deviceid: '1000000015',
    uiid: 15,
    steps: [
      {
        command: { power: 'on' },
        sent: { switch: 'on', mainSwitch: 'on', deviceType: 'normal' },
        state: { sensors: { temperature: expect.any(Number), humidity: expect.any(Number) } },
      },
    ],
  },
  {
    family: 'multi-channel switch',
    deviceid: '1000000004',
    uiid: 4,
    steps: [
      {
        command: { power: 'on', channel: 2 },
        sent: { switches: [{ switch: 'on', outlet: 2 }] },
        device: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: outlet === 2 ? 'on' : 'off', outlet })) },
      },
      {
        command: { power: 'toggle', channel: 2 },
        sent: { switches: [{ switch: 'off', outlet: 2 }] },
        reads: true,
        device: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'off', outlet })) },
      },
    ],
  },
  {
    family: 'single-channel switch (multi-channel form)',
    deviceid: '1000000077',
    uiid: 77,
    steps: [{ command: { power: 'on' }, sent: { switches: [{ switch: 'on', outlet: 0 }] } }],
  },
  {
    family: 'dimmer',
    deviceid: '1000000036',
    uiid: 36,
    steps: [
      { command: { power: 'on', brightness: 30 }, sent: { switch: 'on', bright: 30 } },
      // 0 % is "off", with the level kept for the next "on".
      { command: { brightness: 0 }, sent: { switch: 'off' }, device: { switch: 'off', bright: 30 }, state: { power: 'off', brightness: 30 } },
    ],
  },
  {
    family: 'D1 dimmer',
    deviceid: '1000000044',
    uiid: 44,
    steps: [
      { command: { brightness: 30 }, sent: { switch: 'on', brightness: 30, mode: 0 }, state: { power: 'on' } },
      { command: { power: 'toggle', brightness: 80 }, sent: { switch: 'off' }, reads: true, device: { switch: 'off', brightness: 30 } },
    ],
  },
  {
    family: 'dimmable light',
    deviceid: '1000000057',
    uiid: 57,
    steps: [{ command: { power: 'on', brightness: 30 }, sent: { state: 'on', channel0: '77' } }],
  },
  {
    family: 'cold/warm white light',
    deviceid: '1000000016',
    uiid: 16,
    steps: [
      { command: { power: 'on', brightness: 60, colorTemperature: 3000 }, sent: { state: 'on', channel0: '46', channel1: '132' } },
      // Brightness alone keeps the colour temperature: read the channels, share the new level the same way.
      { command: { brightness: 100 }, sent: { channel0: '63', channel1: '217' }, reads: true, state: { colorTemperature: expect.closeTo(3000, -2) } },
    ],
  },
  {
    family: 'B1 colour bulb',
    deviceid: '1000000022',
    uiid: 22,
    steps: [
      {
        command: { power: 'on', color: '#ff8000', brightness: 50 },
        sent: { state: 'on', zyx_mode: 2, channel0: '0', channel1: '0', channel2: '128', channel3: '64', channel4: '0' },
        state: { mode: 'color' },
      },
      {
        command: { colorTemperature: 4600, brightness: 80 },
        sent: { zyx_mode: 1, channel0: '115', channel1: '114', channel2: '0', channel3: '0', channel4: '0' },
        state: { mode: 'white' },
      },
    ],
  },
  {
    family: 'tunable white light',
    deviceid: '1000000052',
    uiid: 52,
    steps: [{ command: { power: 'on', brightness: 50, colorTemperature: 7000 }, sent: { state: 'on', channel0: '128', channel1: '255' } }],
  },
  {
    family: 'colour LED strip',
    deviceid: '1000000033',
    uiid: 33,
    steps: [
      { command: { power: 'on', color: '#00FF00' }, sent: { switch: 'on', colorR: 0, colorG: 255, colorB: 0, mode: 1, light_type: 1 }, state: { mode: 'color' } },
      { command: { brightness: 10 }, sent: { bright: 10 } },
    ],
  },
  {
    family: 'L1 LED strip',
    deviceid: '1000000059',
    uiid: 59,
    steps: [{ command: { color: { h: 240, s: 100, v: 100 }, brightness: 75 }, sent: { bright: 75, colorR: 0, colorG: 0, colorB: 255, mode: 1, light_type: 1 } }],
  },
  {
    family: 'L2/L3 LED strip',
    deviceid: '1000000137',
    uiid: 137,
    steps: [
      { command: { colorTemperature: 2700, brightness: 40 }, sent: { bright: 40, colorTemp: 10, mode: 2 }, state: { mode: 'white' } },
      { command: { color: '#ff0000' }, sent: { colorR: 255, colorG: 0, colorB: 0, mode: 1, light_type: 1 }, state: { mode: 'color', brightness: 40 } },
    ],
  },
  {
    family: 'B02 white bulb',
    deviceid: '1000000103',
    uiid: 103,
    steps: [
      // br and ct go together: the bulb's ct is read and sent back unchanged.
      { command: { power: 'on', brightness: 40, colorTemperature: 6500 }, sent: { switch: 'on', ltype: 'white', white: { br: 40, ct: 228 } } },
      { command: { brightness: 70 }, sent: { ltype: 'white', white: { br: 70, ct: 228 } }, reads: true, state: { colorTemperature: expect.closeTo(6500, -2) } },
    ],
  },
  {
    family: 'B05 colour bulb',
    deviceid: '1000000104',
    uiid: 104,
    steps: [
      { command: { color: '#ff0000', brightness: 70 }, sent: { switch: 'on', ltype: 'color', color: { br: 70, r: 255, g: 0, b: 0 } }, reads: true, state: { power: 'on', mode: 'color' } },
      { command: { brightness: 20 }, sent: { ltype: 'color', color: { br: 20, r: 255, g: 0, b: 0 } }, reads: true, state: { color: { r: 255, g: 0, b: 0, hex: '#ff0000' } } },
      { command: { colorTemperature: 2200 }, sent: { switch: 'on', ltype: 'white', white: { br: 20, ct: 0 } }, reads: true, state: { brightness: 20, mode: 'white' } },
    ],
  },
  {
    family: 'B02-BL white bulb',
    deviceid: '1000000135',
    uiid: 135,
    steps: [{ command: { colorTemperature: 7000, brightness: 100 }, sent: { ltype: 'white', white: { br: 100, ct: 100 } } }],
  },
  {
    family: 'B05-BL colour bulb',
    deviceid: '1000000136',
    uiid: 136,
    steps: [
      { command: { color: { r: 0, g: 0, b: 255 } }, sent: { switch: 'on', ltype: 'color', color: { br: 50, r: 0, g: 0, b: 255 } }, reads: true },
      { command: { colorTemperature: 4600 }, sent: { switch: 'on', ltype: 'white', white: { br: 50, ct: 50 } }, reads: true },
    ],
  },
  {
    family: 'Zigbee dimmable light',
    deviceid: '1000001257',
    uiid: 1257,
    steps: [{ command: { power: 'on', brightness: 75 }, sent: { switch: 'on', brightness: 75 } }],
  },
  {
    family: 'Zigbee colour-temperature light',
    deviceid: '1000001258',
    uiid: 1258,
    steps: [{ command: { brightness: 1, colorTemperature: 5000 }, sent: { brightness: 1, colorTemp: 58 } }],
  },
];

function account() {
  return testAccount({ devices: FAMILIES.map(({ deviceid, uiid, family }) => ({ deviceid, uiid, name: family })) });
}

/**
 * The colour temperature a device can resolve, in kelvin: one native step; on two-channel
 * whites one step of the spread between the channels, which narrows as the light dims.
 */
function kelvinResolution(state: Record<string, any>): number {
  const range: [number, number] | undefined = state.capabilities.colorTemperature?.range;
  if (range) return kelvinStep({ min: range[0], max: range[1] });
  return kelvinStep({ min: 0, max: Number(state.params['channel0']) + Number(state.params['channel1']) - 50 });
}

/** The normalised state must say what the command asked, within the device's resolution. */
function expectAsked(state: Record<string, any>, command: Record<string, unknown>, uiid: number): void {
  const { power, channel, brightness, color, colorTemperature } = command;
  // A toggle that turned the light off applied none of its light settings.
  if (power === 'toggle' && state.power === 'off') return;
  if (power === 'on' || power === 'off') {
    if (state.channels) expect(state.channels).toContainEqual({ channel: channel ?? 0, power });
    else expect(state.power).toBe(power);
  }
  if (brightness === 0) expect(state.power).toBe('off');
  else if (typeof brightness === 'number') expect(state.brightness).toBe(brightness);
  if (color !== undefined) {
    const asked = toRgb(color as ColorInput);
    // The B1's colour is its brightness too: it is read back at full value, to the nearest step.
    const slack = uiid === 22 ? 1 : 0;
    for (const c of ['r', 'g', 'b'] as const) expect(Math.abs(state.color[c] - asked[c])).toBeLessThanOrEqual(slack);
  }
  if (typeof colorTemperature === 'number') {
    expect(Math.abs(state.colorTemperature - colorTemperature)).toBeLessThanOrEqual(kelvinResolution(state) / 2 + 1);
  }
}

describe('device families end to end (simulated devices over real sockets)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ account: account() });
  });
  afterAll(async () => h?.close());

  it('lists every device with its family and capabilities, from the cached list', async () => {
    // Act
    const res = await h.call('GET', '/devices');
    // Assess
    expect(res.status).toBe(200);
    for (const { deviceid, family } of FAMILIES) {
      expect(res.body.devices).toContainEqual(expect.objectContaining({ deviceid, family, capabilities: expect.objectContaining({ power: expect.any(Object) }) }));
    }
  });

  describe.each(FAMILIES)('$family (uiid $uiid)', ({ deviceid, uiid, steps, family }) => {
    it.each(steps)('$command → $sent', async (step) => {
      // Prepare
      await warmSocket(h);
      h.sim.stats.reset();
      // Act
      const res = await h.call('POST', `/devices/${deviceid}/control`, { body: step.command });
      const read = await h.call('GET', `/devices/${deviceid}`);
      // Assess: the params on the wire, the device's state, the normalised state read back
      expect(res.body.error).toBeUndefined();
      expect(res.status).toBe(200);
      const updates = socketUpdates(h.sim, deviceid) as { message: { params: unknown } }[];
      expect(updates.map((u) => u.message.params)).toEqual([step.sent]);
      expect(h.sim.stats.byAction['query'] ?? 0).toBe(step.reads ? 1 : 0);
      expect(res.body.params).toEqual(step.sent);
      expect(h.sim.device(deviceid).params).toMatchObject(step.device ?? step.sent);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ deviceid, uiid, family, online: true, params: h.sim.device(deviceid).params });
      expectAsked(read.body, step.command, uiid);
      if (step.state) expect(read.body).toMatchObject(step.state);
    });
  });
});

describe('commands a device cannot take: 422, and nothing reaches the cloud', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ account: account() });
    await h.call('GET', '/devices'); // the list is cached: a refusal costs no cloud call at all
  });
  afterAll(async () => h?.close());

  it.each([
    // out of range: the message names the valid range
    ['1000000036', { brightness: 101 }, 'brightness', 'brightness: must be 0 to 100 (%)'],
    ['1000000036', { brightness: -5 }, 'brightness', 'brightness: must be 0 to 100 (%)'],
    ['1000000103', { colorTemperature: 1800 }, 'colorTemperature', 'colorTemperature: must be 2200 to 7000 (kelvin)'],
    ['1000000103', { colorTemperature: 9000 }, 'colorTemperature', 'colorTemperature: must be 2200 to 7000 (kelvin)'],
    ['1000000104', { color: { r: 300, g: 0, b: 0 } }, 'color.r', 'color.r: must be a whole number 0 to 255'],
    ['1000000104', { color: { h: 400, s: 100, v: 100 } }, 'color.h', 'color.h: must be 0 to 360 (degrees)'],
    ['1000000104', { color: '#ff00' }, 'color', 'color: must be "#rrggbb", {r, g, b} (each 0 to 255) or {h, s, v} (h 0 to 360, s and v 0 to 100)'],
    ['1000000004', { power: 'on', channel: 4 }, 'channel', 'channel: device "1000000004" has channels 0 to 3'],
    // a capability the device lacks: the message says what it has
    ['1000000001', { color: '#ff0000' }, 'color', 'color: device 1000000001 (single-channel switch) has: power; no color'],
    ['1000000004', { power: 'on', brightness: 50 }, 'brightness', 'brightness: device 1000000004 (multi-channel switch) has: power (4 channels); no brightness'],
    ['1000000015', { brightness: 50 }, 'brightness', 'brightness: device 1000000015 (temperature/humidity switch) has: power, sensors (temperature, humidity); no brightness'],
    ['1000000044', { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000044 (D1 dimmer) has: power, brightness; no colorTemperature'],
    ['1000000059', { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000059 (L1 LED strip) has: power, brightness, color; no colorTemperature'],
    ['1000000103', { color: '#0000ff' }, 'color', 'color: device 1000000103 (B02 white bulb) has: power, brightness, colorTemperature; no color'],
    ['1000001257', { colorTemperature: 4000 }, 'colorTemperature', 'colorTemperature: device 1000001257 (Zigbee dimmable light) has: power, brightness; no colorTemperature'],
    // combinations that cannot mean one thing
    ['1000000104', { color: '#ff0000', colorTemperature: 3000 }, 'colorTemperature', expect.stringContaining('not both')],
    ['1000000036', { power: 'off', brightness: 40 }, 'power', expect.stringContaining('"off" cannot go with brightness')],
    ['1000000036', { power: 'on', brightness: 0 }, 'brightness', expect.stringContaining('0 % turns the light off')],
  ])('%s %j → 422 on %s', async (deviceid, command, field, message) => {
    // Prepare
    const before = structuredClone(h.sim.device(deviceid).params);
    h.sim.stats.reset();
    // Act
    const res = await h.call('POST', `/devices/${deviceid}/control`, { body: command });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.error).toEqual({ code: 'invalid_input', field, message, requestId: expect.any(String) });
    expect(h.sim.stats.socketMessages + h.sim.stats.http).toBe(0);
    expect(h.sim.device(deviceid).params).toEqual(before);
  });

  it('refuses a webhook whose action the device cannot do, naming the action field, and stores nothing', async () => {
    // Prepare
    const before = (await scanTable(h.table)).length;
    // Act
    const res = await h.call('POST', '/hooks', { body: { deviceid: '1000000001', action: { color: '#ff0000' } } });
    // Assess
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ field: 'action.color', message: expect.stringContaining('has: power; no color') });
    expect((await scanTable(h.table)).length).toBe(before);
  });
});

describe('webhooks with light actions', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ account: account() });
  });
  afterAll(async () => h?.close());

  it('runs a stored brightness-and-colour action on a B05 as the same params a direct command sends', async () => {
    // Prepare
    const created = await h.call('POST', '/hooks', { body: { deviceid: '1000000104', action: { color: '#00ff00', brightness: 35 }, name: 'green' } });
    expect(created.status).toBe(201);
    await warmSocket(h);
    h.sim.stats.reset();
    // Act
    const res = await h.call('POST', new URL(created.body.url).pathname, { auth: false });
    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ brightness: 35, color: { r: 0, g: 255, b: 0, hex: '#00ff00' } });
    const updates = socketUpdates(h.sim, '1000000104') as { message: { params: unknown } }[];
    expect(updates.map((u) => u.message.params)).toEqual([{ switch: 'on', ltype: 'color', color: { br: 35, r: 0, g: 255, b: 0 } }]);
  });
});
