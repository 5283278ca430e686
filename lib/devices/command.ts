import { InvalidInput } from '../errors';
import { OneOf, parse, RULE, Type, type Static } from '../schema';
import { KELVIN_RANGE } from './conversions';

const COLOR_FORMS = 'must be "#rrggbb", {r, g, b} (each 0 to 255) or {h, s, v} (h 0 to 360, s and v 0 to 100)';
const BYTE = Type.Integer({ minimum: 0, maximum: 255, [RULE]: 'must be a whole number 0 to 255' });
const PERCENT = Type.Number({ minimum: 0, maximum: 100, [RULE]: 'must be 0 to 100 (%)' });

/** `"#rrggbb"`, `{r, g, b}` (0–255) or `{h, s, v}` (h 0–360, s and v 0–100). */
export const COLOR = Type.Union(
  [
    Type.String({ pattern: '^#[0-9A-Fa-f]{6}$' }),
    Type.Object({ r: BYTE, g: BYTE, b: BYTE }, { additionalProperties: false }),
    Type.Object({ h: Type.Number({ minimum: 0, maximum: 360, [RULE]: 'must be 0 to 360 (degrees)' }), s: PERCENT, v: PERCENT }, { additionalProperties: false }),
  ],
  { description: '"#rrggbb", {r, g, b} (0–255 each) or {h, s, v} (h 0–360, s and v 0–100)', [RULE]: COLOR_FORMS },
);

/**
 * A semantic command: what the caller wants, whatever the device's params look like. Any
 * mix of power and light settings; at least one of them. `channel` goes with `power`; "off"
 * and brightness 0 go alone; color and colorTemperature exclude each other (`commandRules`).
 */
export const DEVICE_COMMAND = Type.Object(
  {
    power: Type.Optional(OneOf(['on', 'off', 'toggle'] as const)),
    channel: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Literal('all')], {
        description: 'a channel number (0 first), or "all"; absent = every channel',
        [RULE]: 'must be a channel number (0, 1, …) or "all"',
      }),
    ),
    brightness: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: '%; 0 turns the light off', [RULE]: 'must be 0 to 100 (%)' })),
    color: Type.Optional(COLOR),
    colorTemperature: Type.Optional(
      Type.Number({
        minimum: KELVIN_RANGE.warmest,
        maximum: KELVIN_RANGE.coldest,
        description: 'kelvin',
        [RULE]: `must be ${KELVIN_RANGE.warmest} to ${KELVIN_RANGE.coldest} (kelvin)`,
      }),
    ),
  },
  {
    $id: 'DeviceCommand',
    additionalProperties: false,
    description:
      'Any mix of power and light settings, at least one. `channel` goes with `power`; "off" and brightness 0 go alone; color and colorTemperature exclude each other. What a given device can do is checked against it (422).',
    examples: [{ power: 'on', channel: 1 }],
  },
);
export type DeviceCommand = Static<typeof DEVICE_COMMAND>;

/**
 * A command from outside (a stored webhook action, a scene action) checked and typed:
 * the schema, then the rules between its fields; `invalid_input` naming the field otherwise.
 * What a given device can do is checked by `checkCommand` in plan.ts.
 *
 * @example
 * parseCommand({ power: 'toggle', channel: 2 })        // { power: 'toggle', channel: 2 }
 * parseCommand({ brightness: 130 })                    // throws: brightness: must be 0 to 100 (%)
 * parseCommand({ power: 'dim' }, 'action')             // throws: action.power: must be "on", "off" or "toggle"
 */
export function parseCommand(input: unknown, at = ''): DeviceCommand {
  const command = parse(DEVICE_COMMAND, input, at);
  commandRules(command, at);
  return command;
}

/** The rules between a command's fields, which a schema cannot say in words a person reads. */
export function commandRules(command: DeviceCommand, at = ''): void {
  const field = (name: string) => (at ? `${at}.${name}` : name);
  if (command.channel !== undefined && command.power === undefined) throw new InvalidInput(field('channel'), 'goes with power: it says which outlet to switch');
  checkCombination(command, field);
}

function checkCombination(command: DeviceCommand, field: (name: string) => string): void {
  const light = command.brightness !== undefined || command.color !== undefined || command.colorTemperature !== undefined;
  if (command.power === undefined && !light) {
    throw new InvalidInput(field('power'), 'a command needs power ("on", "off" or "toggle"), brightness, color or colorTemperature');
  }
  if (command.power === 'off' && light) {
    throw new InvalidInput(field('power'), '"off" cannot go with brightness, color or colorTemperature');
  }
  if (command.brightness === 0 && (command.power !== undefined || command.color !== undefined || command.colorTemperature !== undefined)) {
    throw new InvalidInput(field('brightness'), '0 % turns the light off, so it cannot go with power, color or colorTemperature');
  }
  if (command.color !== undefined && command.colorTemperature !== undefined) {
    throw new InvalidInput(field('colorTemperature'), 'a light shows a colour or a white of some temperature, not both: give color or colorTemperature');
  }
}
