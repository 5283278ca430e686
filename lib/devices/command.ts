import { invalidInput } from '../errors';

/** A semantic command: what the caller wants, whatever the device's params look like. */
export interface DeviceCommand {
  power: 'on' | 'off' | 'toggle';
  /** A channel number, or every channel; absent = every channel. */
  channel?: number | 'all';
}

const FIELDS = new Set(['power', 'channel']);

/**
 * Checks a command from outside (HTTP body, stored webhook action) and returns it typed;
 * throws `invalid_input` naming the field otherwise.
 *
 * @example
 * parseCommand({ power: 'toggle', channel: 2 }) // { power: 'toggle', channel: 2 }
 * parseCommand({ power: 'dim' }, 'action')      // throws: action.power: must be "on", "off" or "toggle"
 */
export function parseCommand(input: unknown, at?: string): DeviceCommand {
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalidInput(at ?? 'body', 'must be a JSON object such as {"power": "on"}');
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!FIELDS.has(key)) throw invalidInput(field(key), `unknown field; a command takes ${[...FIELDS].join(', ')}`);
  }
  const { power, channel } = body;
  if (power !== 'on' && power !== 'off' && power !== 'toggle') {
    throw invalidInput(field('power'), 'must be "on", "off" or "toggle"');
  }
  if (channel === undefined || channel === 'all') return channel === undefined ? { power } : { power, channel };
  if (typeof channel !== 'number' || !Number.isInteger(channel) || channel < 0) {
    throw invalidInput(field('channel'), 'must be a channel number (0, 1, …) or "all"');
  }
  return { power, channel };
}
