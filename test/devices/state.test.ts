import { describe, expect, it } from 'vitest';
import { deviceProfile } from '../../lib/devices/catalogue';
import { normaliseState } from '../../lib/devices/state';

const state = (uiid: number, params: Record<string, unknown>) => normaliseState(deviceProfile(uiid), params);

describe('normalised state', () => {
  it.each<[number, Record<string, unknown>, Record<string, unknown>]>([
    [1, { switch: 'on', fwVersion: '3.5.0' }, { power: 'on' }],
    [1, {}, {}],
    [4, { switches: [{ switch: 'on', outlet: 1 }, { switch: 'off', outlet: 0 }, { switch: 'on', outlet: 9 }] }, { channels: [{ channel: 0, power: 'off' }, { channel: 1, power: 'on' }] }],
    [77, { switches: [{ switch: 'off', outlet: 0 }] }, { channels: [{ channel: 0, power: 'off' }] }],
    [5, { switch: 'on', power: '60.12', voltage: '229.80', current: '0.26' }, { power: 'on', sensors: { power: 60.12, voltage: 229.8, current: 0.26 } }],
    [15, { switch: 'off', currentTemperature: '21.4', currentHumidity: 'unavailable' }, { power: 'off', sensors: { temperature: 21.4 } }],
    [36, { switch: 'on', bright: 30 }, { power: 'on', brightness: 30 }],
    [44, { switch: 'on', brightness: 0, mode: 0 }, { power: 'on', brightness: 0 }],
    [57, { state: 'on', channel0: '77' }, { power: 'on', brightness: 30 }],
    [16, { state: 'on', channel0: '255', channel1: '25' }, { power: 'on', brightness: 100, colorTemperature: 7000 }],
    [16, { state: 'on', channel0: '140', channel1: '140' }, { power: 'on', brightness: 100, colorTemperature: 4600 }],
    [16, { state: 'off', channel0: '25', channel1: '25' }, { power: 'off', brightness: 10 }],
    [22, { state: 'on', zyx_mode: 1, channel0: '25', channel1: '255', channel2: '0', channel3: '0', channel4: '0' }, { power: 'on', brightness: 100, colorTemperature: 2200, mode: 'white' }],
    [
      22,
      { state: 'on', zyx_mode: 2, channel0: '140', channel1: '140', channel2: '128', channel3: '64', channel4: '0' },
      { power: 'on', brightness: 50, color: { r: 255, g: 128, b: 0, hex: '#ff8000' }, mode: 'color' },
    ],
    [22, { state: 'on', zyx_mode: 5, channel2: '207', channel3: '56', channel4: '3' }, { power: 'on', brightness: 81, color: { r: 255, g: 69, b: 4, hex: '#ff4504' }, mode: 'party' }],
    [52, { state: 'on', channel0: '128', channel1: '0' }, { power: 'on', brightness: 50, colorTemperature: 2200 }],
    [33, { switch: 'on', bright: 50, mode: 1, light_type: 1, colorR: 0, colorG: 255, colorB: 0 }, { power: 'on', brightness: 50, color: { r: 0, g: 255, b: 0, hex: '#00ff00' }, mode: 'color' }],
    [59, { switch: 'on', bright: 50, mode: 4, light_type: 1, colorR: 0, colorG: 255, colorB: 0 }, { power: 'on', brightness: 50, mode: 'mode 4' }],
    [137, { switch: 'on', bright: 50, mode: 2, light_type: 1, colorR: 0, colorG: 255, colorB: 0, colorTemp: 100 }, { power: 'on', brightness: 50, colorTemperature: 7000, mode: 'white' }],
    [137, { switch: 'on', bright: 50, mode: 1, light_type: 1, colorR: 9, colorG: 9, colorB: 9, colorTemp: 100 }, { power: 'on', brightness: 50, color: { r: 9, g: 9, b: 9, hex: '#090909' }, mode: 'color' }],
    [103, { switch: 'on', ltype: 'white', white: { br: 40, ct: 255 } }, { power: 'on', brightness: 40, colorTemperature: 7000, mode: 'white' }],
    [103, { switch: 'on', ltype: 'read', read: { br: 50, ct: 0 }, white: { br: 40, ct: 255 } }, { power: 'on', brightness: 50, colorTemperature: 2200, mode: 'read' }],
    [135, { switch: 'on', ltype: 'white', white: { br: 40, ct: 50 } }, { power: 'on', brightness: 40, colorTemperature: 4600, mode: 'white' }],
    [
      104,
      { switch: 'on', ltype: 'color', color: { br: 60, r: 255, g: 0, b: 0 }, white: { br: 1, ct: 0 } },
      { power: 'on', brightness: 60, color: { r: 255, g: 0, b: 0, hex: '#ff0000' }, mode: 'color' },
    ],
    [136, { switch: 'off', ltype: 'white', white: { br: 100, ct: 0 }, color: { br: 1, r: 0, g: 0, b: 0 } }, { power: 'off', brightness: 100, colorTemperature: 2200, mode: 'white' }],
    [1258, { switch: 'on', brightness: 70, colorTemp: 50 }, { power: 'on', brightness: 70, colorTemperature: 4600 }],
    [1257, { switch: 'on', brightness: 70 }, { power: 'on', brightness: 70 }],
  ])('uiid %d with %j reads %j', (uiid, params, expected) => {
    expect(state(uiid, params)).toEqual(expected);
  });

  it('never crashes on params of the wrong shape', () => {
    const junk = { switch: 7, switches: 'x', state: {}, bright: 'high', white: 'no', color: [1], channel0: null, ltype: 3, zyx_mode: 'a' };
    for (const uiid of [1, 4, 15, 22, 36, 44, 57, 16, 52, 33, 137, 103, 104, 1258, 424242]) {
      expect(() => normaliseState(deviceProfile(uiid, junk), junk)).not.toThrow();
    }
  });
});
