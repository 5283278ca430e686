import { invalidInput } from '../errors';
import { isHexColor, KELVIN_RANGE, type ColorInput } from './conversions';

/**
 * A semantic command: what the caller wants, whatever the device's params look like. Any
 * mix of power and light settings; at least one of them.
 */
export interface DeviceCommand {
  power?: 'on' | 'off' | 'toggle';
  /** A channel number, or every channel; absent = every channel. Only with `power`. */
  channel?: number | 'all';
  /** 0–100 %; 0 turns the light off. */
  brightness?: number;
  /** `"#rrggbb"`, `{r, g, b}` (0–255) or `{h, s, v}` (h 0–360, s and v 0–100). */
  color?: ColorInput;
  /** Kelvin, 2200–7000. */
  colorTemperature?: number;
}

const FIELDS = ['power', 'channel', 'brightness', 'color', 'colorTemperature'] as const;
const COLOR_FORMS = 'must be "#rrggbb", {r, g, b} (each 0 to 255) or {h, s, v} (h 0 to 360, s and v 0 to 100)';

/**
 * Checks a command from outside (HTTP body, stored webhook action) and returns it typed;
 * throws `invalid_input` naming the field otherwise. Ranges here are the command's own
 * (brightness %, kelvin, colour components); what a given device can do is checked by
 * `checkCommand` in plan.ts.
 *
 * @example
 * parseCommand({ power: 'toggle', channel: 2 })        // { power: 'toggle', channel: 2 }
 * parseCommand({ brightness: 30, color: '#ff8000' })   // { brightness: 30, color: '#ff8000' }
 * parseCommand({ brightness: 130 })                    // throws: brightness: must be 0 to 100 (%)
 * parseCommand({ power: 'dim' }, 'action')             // throws: action.power: must be "on", "off" or "toggle"
 */
export function parseCommand(input: unknown, at?: string): DeviceCommand {
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput(at ?? 'body', 'must be a JSON object such as {"power": "on"}');
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(FIELDS as readonly string[]).includes(key)) throw invalidInput(field(key), `unknown field; a command takes ${FIELDS.join(', ')}`);
  }
  const command: DeviceCommand = {};
  const { power, channel, brightness, color, colorTemperature } = body;

  if (power !== undefined) {
    if (power !== 'on' && power !== 'off' && power !== 'toggle') throw invalidInput(field('power'), 'must be "on", "off" or "toggle"');
    command.power = power;
  }
  if (brightness !== undefined) {
    if (!inRange(brightness, 0, 100)) throw invalidInput(field('brightness'), 'must be 0 to 100 (%)');
    command.brightness = brightness;
  }
  if (color !== undefined) command.color = parseColor(color, field('color'));
  if (colorTemperature !== undefined) {
    if (!inRange(colorTemperature, KELVIN_RANGE.warmest, KELVIN_RANGE.coldest)) {
      throw invalidInput(field('colorTemperature'), `must be ${KELVIN_RANGE.warmest} to ${KELVIN_RANGE.coldest} (kelvin)`);
    }
    command.colorTemperature = colorTemperature;
  }
  if (channel !== undefined) {
    if (channel !== 'all' && (typeof channel !== 'number' || !Number.isInteger(channel) || channel < 0)) {
      throw invalidInput(field('channel'), 'must be a channel number (0, 1, …) or "all"');
    }
    if (command.power === undefined) throw invalidInput(field('channel'), 'goes with power: it says which outlet to switch');
    command.channel = channel;
  }
  checkCombination(command, field);
  return command;
}

function checkCombination(command: DeviceCommand, field: (name: string) => string): void {
  const light = command.brightness !== undefined || command.color !== undefined || command.colorTemperature !== undefined;
  if (command.power === undefined && !light) {
    throw invalidInput(field('power'), 'a command needs power ("on", "off" or "toggle"), brightness, color or colorTemperature');
  }
  if (command.power === 'off' && light) {
    throw invalidInput(field('power'), '"off" cannot go with brightness, color or colorTemperature');
  }
  if (command.brightness === 0 && (command.power !== undefined || command.color !== undefined || command.colorTemperature !== undefined)) {
    throw invalidInput(field('brightness'), '0 % turns the light off, so it cannot go with power, color or colorTemperature');
  }
  if (command.color !== undefined && command.colorTemperature !== undefined) {
    throw invalidInput(field('colorTemperature'), 'a light shows a colour or a white of some temperature, not both: give color or colorTemperature');
  }
}

function parseColor(value: unknown, at: string): ColorInput {
  if (typeof value === 'string') {
    if (!isHexColor(value)) throw invalidInput(at, COLOR_FORMS);
    return value;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidInput(at, COLOR_FORMS);
  const parts = value as Record<string, unknown>;
  const keys = Object.keys(parts).sort().join(',');
  if (keys === 'b,g,r') {
    for (const name of ['r', 'g', 'b']) {
      const part = parts[name];
      if (!inRange(part, 0, 255) || !Number.isInteger(part)) throw invalidInput(`${at}.${name}`, 'must be a whole number 0 to 255');
    }
    return { r: parts['r'] as number, g: parts['g'] as number, b: parts['b'] as number };
  }
  if (keys === 'h,s,v') {
    if (!inRange(parts['h'], 0, 360)) throw invalidInput(`${at}.h`, 'must be 0 to 360 (degrees)');
    for (const name of ['s', 'v']) if (!inRange(parts[name], 0, 100)) throw invalidInput(`${at}.${name}`, 'must be 0 to 100 (%)');
    return { h: parts['h'] as number, s: parts['s'] as number, v: parts['v'] as number };
  }
  throw invalidInput(at, COLOR_FORMS);
}

function inRange(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}
