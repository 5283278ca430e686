import { describe, expect, it } from 'vitest';
import { deviceProfile } from '../../lib/devices/catalogue';
import type { DeviceCommand } from '../../lib/devices/command';
import { checkCommand, paramsToRead, planCommand } from '../../lib/devices/plan';
import { InvalidInput } from '../../lib/errors';

function plan(uiid: number, command: DeviceCommand, current: Record<string, unknown> = {}) {
  const profile = deviceProfile(uiid);
  const channels = checkCommand('1000000000', profile, command);
  return { reads: paramsToRead(profile, command), ...planCommand(profile, command, channels, current) };
}

describe('planning: exact params per family', () => {
  // [uiid, command, current params (what a read returned), params to read, params sent]
  it.each<[number, DeviceCommand, Record<string, unknown>, unknown, Record<string, unknown>]>([
    // switches
    [1, { power: 'on' }, {}, 'none', { switch: 'on' }],
    [1, { power: 'toggle' }, { switch: 'on' }, ['switch'], { switch: 'off' }],
    [5, { power: 'off' }, {}, 'none', { switch: 'off' }],
    [15, { power: 'on' }, {}, 'none', { switch: 'on', mainSwitch: 'on', deviceType: 'normal' }],
    [4, { power: 'on', channel: 2 }, {}, 'none', { switches: [{ switch: 'on', outlet: 2 }] }],
    [4, { power: 'off' }, {}, 'none', { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'off', outlet })) }],
    [4, { power: 'toggle', channel: 1 }, { switches: [{ switch: 'on', outlet: 0 }, { switch: 'off', outlet: 1 }] }, ['switches'], { switches: [{ switch: 'on', outlet: 1 }] }],
    [77, { power: 'on' }, {}, 'none', { switches: [{ switch: 'on', outlet: 0 }] }],
    // dimmers
    [36, { brightness: 30 }, {}, 'none', { bright: 30 }],
    [36, { brightness: 5 }, {}, 'none', { bright: 10 }],
    [36, { brightness: 0 }, {}, 'none', { switch: 'off' }],
    [36, { power: 'on', brightness: 80 }, {}, 'none', { switch: 'on', bright: 80 }],
    [44, { brightness: 30 }, {}, 'none', { switch: 'on', brightness: 30, mode: 0 }],
    [44, { power: 'toggle', brightness: 60 }, { switch: 'off' }, ['switch'], { switch: 'on', brightness: 60, mode: 0 }],
    [44, { power: 'toggle', brightness: 60 }, { switch: 'on' }, ['switch'], { switch: 'off' }],
    [57, { brightness: 30 }, {}, 'none', { channel0: '77' }],
    [57, { power: 'on' }, {}, 'none', { state: 'on' }],
    // cold/warm channels
    [16, { brightness: 100, colorTemperature: 7000 }, {}, 'none', { channel0: '255', channel1: '25' }],
    [16, { brightness: 100, colorTemperature: 4600 }, {}, 'none', { channel0: '140', channel1: '140' }],
    [16, { brightness: 50 }, { channel0: '255', channel1: '25' }, ['channel0', 'channel1'], { channel0: '128', channel1: '25' }],
    [16, { colorTemperature: 2200 }, { channel0: '140', channel1: '140' }, ['channel0', 'channel1'], { channel0: '25', channel1: '255' }],
    // B1
    [22, { color: '#ff8000' }, {}, 'none', { zyx_mode: 2, channel0: '0', channel1: '0', channel2: '255', channel3: '128', channel4: '0' }],
    [22, { color: '#ff8000', brightness: 50 }, {}, 'none', { zyx_mode: 2, channel0: '0', channel1: '0', channel2: '128', channel3: '64', channel4: '0' }],
    [22, { brightness: 100, colorTemperature: 2200 }, {}, 'none', { zyx_mode: 1, channel0: '25', channel1: '255', channel2: '0', channel3: '0', channel4: '0' }],
    [
      22,
      { brightness: 50 },
      { zyx_mode: 2, channel0: '0', channel1: '0', channel2: '0', channel3: '255', channel4: '0' },
      ['zyx_mode', 'channel0', 'channel1', 'channel2', 'channel3', 'channel4'],
      { zyx_mode: 2, channel0: '0', channel1: '0', channel2: '0', channel3: '128', channel4: '0' },
    ],
    [
      22,
      { colorTemperature: 7000 },
      { zyx_mode: 1, channel0: '140', channel1: '140', channel2: '0', channel3: '0', channel4: '0' },
      ['zyx_mode', 'channel0', 'channel1', 'channel2', 'channel3', 'channel4'],
      { zyx_mode: 1, channel0: '255', channel1: '25', channel2: '0', channel3: '0', channel4: '0' },
    ],
    // 52: independent string channels
    [52, { brightness: 50, colorTemperature: 7000 }, {}, 'none', { channel0: '128', channel1: '255' }],
    // strips: the static-colour mode with a colour; L2/L3 mode 2 with a colour temperature
    [33, { color: { h: 120, s: 100, v: 100 } }, {}, 'none', { colorR: 0, colorG: 255, colorB: 0, mode: 1, light_type: 1 }],
    [33, { brightness: 10 }, {}, 'none', { bright: 10 }],
    [59, { color: { r: 10, g: 20, b: 30 }, brightness: 1 }, {}, 'none', { bright: 1, colorR: 10, colorG: 20, colorB: 30, mode: 1, light_type: 1 }],
    [137, { colorTemperature: 3000 }, {}, 'none', { colorTemp: 17, mode: 2 }],
    [173, { power: 'on', color: '#0000ff' }, {}, 'none', { switch: 'on', colorR: 0, colorG: 0, colorB: 255, mode: 1, light_type: 1 }],
    // B02: br and ct together, completed from what the bulb shows now
    [103, { brightness: 40, colorTemperature: 7000 }, {}, 'none', { ltype: 'white', white: { br: 40, ct: 255 } }],
    [103, { brightness: 40 }, { ltype: 'white', white: { br: 90, ct: 10 } }, 'all', { ltype: 'white', white: { br: 40, ct: 10 } }],
    [103, { colorTemperature: 2200 }, { ltype: 'read', read: { br: 50, ct: 0 }, white: { br: 90, ct: 10 } }, 'all', { ltype: 'white', white: { br: 50, ct: 0 } }],
    [135, { colorTemperature: 7000 }, { ltype: 'white', white: { br: 20, ct: 0 } }, 'all', { ltype: 'white', white: { br: 20, ct: 100 } }],
    // B05: brightness in the current mode; a change of mode brings the switch on
    [104, { brightness: 20 }, { switch: 'on', ltype: 'color', color: { br: 60, r: 1, g: 2, b: 3 } }, 'all', { ltype: 'color', color: { br: 20, r: 1, g: 2, b: 3 } }],
    [104, { brightness: 20 }, { switch: 'on', ltype: 'white', white: { br: 60, ct: 9 } }, 'all', { ltype: 'white', white: { br: 20, ct: 9 } }],
    [
      104,
      { color: '#00ff00' },
      { switch: 'off', ltype: 'white', white: { br: 60, ct: 0 }, color: { br: 30, r: 0, g: 0, b: 255 } },
      'all',
      { switch: 'on', ltype: 'color', color: { br: 60, r: 0, g: 255, b: 0 } },
    ],
    [
      104,
      { colorTemperature: 7000 },
      { switch: 'on', ltype: 'color', color: { br: 30, r: 0, g: 0, b: 255 }, white: { br: 80, ct: 0 } },
      'all',
      { switch: 'on', ltype: 'white', white: { br: 30, ct: 255 } },
    ],
    [136, { colorTemperature: 7000, brightness: 100 }, { ltype: 'white', white: { br: 5, ct: 0 } }, 'all', { ltype: 'white', white: { br: 100, ct: 100 } }],
    // Zigbee
    [1258, { brightness: 1, colorTemperature: 7000 }, {}, 'none', { brightness: 1, colorTemp: 100 }],
    [1257, { brightness: 75 }, {}, 'none', { brightness: 75 }],
  ])('uiid %d: %j (device now %j) reads %j and sends %j', (uiid, command, current, reads, params) => {
    const planned = plan(uiid, command, current);
    expect(planned.reads).toEqual(reads);
    expect(planned.params).toEqual(params);
  });

  it('answers what was set in the command’s own terms', () => {
    expect(plan(44, { brightness: 30 }).outcome).toEqual({ power: 'on', brightness: 30 });
    expect(plan(104, { color: '#00FF00' }, { ltype: 'white' }).outcome).toEqual({ power: 'on', color: { r: 0, g: 255, b: 0, hex: '#00ff00' } });
    expect(plan(36, { brightness: 0 }).outcome).toEqual({ power: 'off' });
    expect(plan(4, { power: 'on', channel: 3 }).outcome).toEqual({ channels: [{ channel: 3, power: 'on' }] });
    expect(plan(103, { colorTemperature: 5000 }, { ltype: 'white' }).outcome).toEqual({ colorTemperature: 5000 });
  });

  it('reads only the power param for a toggle, and everything when a light setting needs the rest', () => {
    expect(plan(22, { power: 'toggle', brightness: 30 }, { state: 'off' }).reads).toEqual(['state', 'zyx_mode', 'channel0', 'channel1', 'channel2', 'channel3', 'channel4']);
    expect(plan(104, { power: 'toggle' }, { switch: 'off' }).reads).toEqual(['switch']);
    expect(plan(104, { power: 'toggle', brightness: 30 }, { switch: 'off' }).reads).toBe('all');
  });
});

describe('checking a command against the device', () => {
  function refusal(uiid: number, command: DeviceCommand, at?: string) {
    try {
      checkCommand('1000000001', deviceProfile(uiid), command, at);
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInput);
      return { kind: (err as InvalidInput).code, field: (err as InvalidInput).field, message: (err as InvalidInput).message };
    }
    throw new Error('accepted');
  }

  it.each<[number, DeviceCommand, string, string]>([
    [1, { color: '#ff0000' }, 'color', 'color: device 1000000001 (single-channel switch) has: power; no color'],
    [1, { brightness: 30 }, 'brightness', 'brightness: device 1000000001 (single-channel switch) has: power; no brightness'],
    [4, { power: 'on', brightness: 30 }, 'brightness', 'brightness: device 1000000001 (multi-channel switch) has: power (4 channels); no brightness'],
    [15, { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000001 (temperature/humidity switch) has: power, sensors (temperature, humidity); no colorTemperature'],
    [36, { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000001 (dimmer) has: power, brightness; no colorTemperature'],
    [59, { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000001 (L1 LED strip) has: power, brightness, color; no colorTemperature'],
    [103, { color: { r: 1, g: 2, b: 3 } }, 'color', 'color: device 1000000001 (B02 white bulb) has: power, brightness, colorTemperature; no color'],
    [1257, { colorTemperature: 3000 }, 'colorTemperature', 'colorTemperature: device 1000000001 (Zigbee dimmable light) has: power, brightness; no colorTemperature'],
    [1, { power: 'on', channel: 1 }, 'channel', 'channel: device "1000000001" has only channel 0'],
    [4, { power: 'on', channel: 4 }, 'channel', 'channel: device "1000000001" has channels 0 to 3'],
  ])('uiid %d refuses %j naming %s and what it has', (uiid, command, field, message) => {
    expect(refusal(uiid, command)).toEqual({ kind: 'invalid_input', field, message });
  });

  it('prefixes the field for a webhook action', () => {
    expect(refusal(1, { color: '#ff0000' }, 'action').field).toBe('action.color');
  });

  it('returns the targeted channels', () => {
    expect(checkCommand('x', deviceProfile(4), { power: 'on' })).toEqual([0, 1, 2, 3]);
    expect(checkCommand('x', deviceProfile(4), { power: 'on', channel: 'all' })).toEqual([0, 1, 2, 3]);
    expect(checkCommand('x', deviceProfile(4), { power: 'on', channel: 1 })).toEqual([1]);
    expect(checkCommand('x', deviceProfile(44), { brightness: 30 })).toEqual([0]);
  });
});
