import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../lib/devices/command';
import { InvalidInput } from '../../lib/errors';

function refusal(input: unknown, at?: string): { field?: string; message: string } {
  try {
    parseCommand(input, at);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInput);
    const { code, field, message } = err as InvalidInput;
    expect(code).toBe('invalid_input');
    return { field, message };
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('parseCommand', () => {
  it.each([
    [{ power: 'on' }],
    [{ power: 'toggle', channel: 2 }],
    [{ power: 'off', channel: 'all' }],
    [{ brightness: 30 }],
    [{ brightness: 0 }],
    [{ brightness: 100, power: 'on' }],
    [{ brightness: 42.5 }],
    [{ color: '#FF8000' }],
    [{ color: { r: 0, g: 128, b: 255 }, brightness: 10 }],
    [{ color: { h: 360, s: 0, v: 100 } }],
    [{ colorTemperature: 2200 }],
    [{ colorTemperature: 7000, brightness: 60, power: 'toggle' }],
  ])('accepts %j as it is', (input) => {
    expect(parseCommand(input)).toEqual(input);
  });

  it.each([
    [{ brightness: 101 }, 'brightness', 'brightness: must be 0 to 100 (%)'],
    [{ brightness: -1 }, 'brightness', 'brightness: must be 0 to 100 (%)'],
    [{ brightness: '50' }, 'brightness', 'brightness: must be 0 to 100 (%)'],
    [{ colorTemperature: 2199 }, 'colorTemperature', 'colorTemperature: must be 2200 to 7000 (kelvin)'],
    [{ colorTemperature: 7001 }, 'colorTemperature', 'colorTemperature: must be 2200 to 7000 (kelvin)'],
    [{ color: { r: 256, g: 0, b: 0 } }, 'color.r', 'color.r: must be a whole number 0 to 255'],
    [{ color: { r: 0, g: 1.5, b: 0 } }, 'color.g', 'color.g: must be a whole number 0 to 255'],
    [{ color: { h: 361, s: 0, v: 0 } }, 'color.h', 'color.h: must be 0 to 360 (degrees)'],
    [{ color: { h: 0, s: 101, v: 0 } }, 'color.s', 'color.s: must be 0 to 100 (%)'],
    [{ color: { h: 0, s: 0, v: -1 } }, 'color.v', 'color.v: must be 0 to 100 (%)'],
  ])('refuses the out-of-range %j naming %s and the range', (input, field, message) => {
    expect(refusal(input)).toEqual({ field, message });
  });

  it.each([['red'], ['#ff80'], ['ff8000'], [{ r: 1, g: 2 }], [{ r: 1, g: 2, b: 3, a: 4 }], [[255, 0, 0]], [12]])('refuses the colour %j, listing the forms', (color) => {
    expect(refusal({ color })).toEqual({ field: 'color', message: expect.stringContaining('must be "#rrggbb", {r, g, b} (each 0 to 255) or {h, s, v}') });
  });

  it.each([
    [{}, 'power', /needs power/],
    [{ power: 'dim' }, 'power', /must be "on", "off" or "toggle"/],
    [{ power: 'on', colour: 'red' }, 'colour', /unknown field; this takes power, channel, brightness, color, colorTemperature/],
    [{ channel: 1 }, 'channel', /goes with power/],
    [{ channel: 1, brightness: 20 }, 'channel', /goes with power/],
    [{ power: 'on', channel: -1 }, 'channel', /channel number/],
    [{ power: 'off', brightness: 20 }, 'power', /"off" cannot go with brightness/],
    [{ power: 'on', brightness: 0 }, 'brightness', /0 % turns the light off/],
    [{ brightness: 0, color: '#ff0000' }, 'brightness', /0 % turns the light off/],
    [{ color: '#ff0000', colorTemperature: 3000 }, 'colorTemperature', /not both/],
  ])('refuses %j naming %s', (input, field, message) => {
    const got = refusal(input);
    expect(got.field).toBe(field);
    expect(got.message).toMatch(message);
  });

  it('prefixes fields with where the command sits (a webhook action)', () => {
    expect(refusal({ brightness: 120 }, 'action')).toEqual({ field: 'action.brightness', message: 'action.brightness: must be 0 to 100 (%)' });
    expect(refusal({ color: { r: 300, g: 0, b: 0 } }, 'action').field).toBe('action.color.r');
    expect(refusal('on', 'action').field).toBe('action');
  });
});
