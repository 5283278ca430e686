import { Kind, Null } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import * as command from '../lib/devices/command';
import * as management from '../lib/devices/management';
import { InvalidInput } from '../lib/errors';
import * as groups from '../lib/groups/groups';
import * as scenes from '../lib/scenes/scene-service';
import { DateTime, Int, OneOf, parse, parseQuery, RULE, Text, Type, type TSchema } from '../lib/schema';
import * as sharing from '../lib/sharing/sharing';
import * as schedule from '../lib/timers/schedule';
import * as timers from '../lib/timers/timer-service';
import * as webhooks from '../lib/webhooks/webhooks';

const { COLOR, DEVICE_COMMAND } = command;
const { CHANNEL_NAMES, DEVICE_NAME, HISTORY_QUERY, displayName } = management;
const { SCHEDULE } = schedule;

/**
 * What `parse` refused the value with, as `{field, message}`. Fails the test when the value
 * is accepted, or when anything but an `InvalidInput` is thrown (a TypeError, say).
 */
function refusal(schema: TSchema, value: unknown, at?: string): { field: string | undefined; message: string } {
  return refused(() => parse(schema, value, at));
}

function refused(act: () => unknown): { field: string | undefined; message: string } {
  let accepted: unknown;
  try {
    accepted = act();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInput);
    const { code, field, message } = err as InvalidInput;
    expect(code).toBe('invalid_input');
    expect(message.startsWith(`${field}: `)).toBe(true);
    return { field, message };
  }
  throw new Error(`accepted, giving ${JSON.stringify(accepted)}`);
}

/** JSON as a request body arrives: `JSON.parse` makes `"__proto__"` an own key, as a caller can send it. */
const json = (text: string): unknown => JSON.parse(text);

// A made-up order, for the paths of parse that the domain's schemas do not all take.
const LINE = Type.Object(
  { sku: Text({ description: 'stock unit', minLength: 1, maxLength: 8 }), quantity: Int({ description: 'how many', minimum: 1, maximum: 99 }) },
  { additionalProperties: false },
);
const ORDER = Type.Object(
  {
    customer: Type.Object({ name: Text({ description: 'who', minLength: 1, maxLength: 20 }), vip: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
    lines: Type.Array(LINE, { minItems: 1, maxItems: 3, [RULE]: 'must be a list of 1 to 3 order lines' }),
    size: Type.Optional(OneOf(['small', 'medium', 'large'] as const)),
    weight: Type.Optional(Type.Number({ minimum: 0, [RULE]: 'must be a weight in kg, 0 or more' })),
  },
  { additionalProperties: false },
);
const GOOD_ORDER = { customer: { name: 'Ada' }, lines: [{ sku: 'A1', quantity: 2 }] };

describe('parse: naming the field at fault', () => {
  it('gives back a valid value as it is', () => {
    // Prepare
    const order = { ...GOOD_ORDER, size: 'large', weight: 1.5 };
    // Act
    const parsed = parse(ORDER, order);
    // Assess
    expect(parsed).toEqual(order);
  });

  it.each([
    // value, at, field
    [{ ...GOOD_ORDER, size: 'huge' }, '', 'size'],
    [{ ...GOOD_ORDER, size: 'huge' }, 'order', 'order.size'],
    [{ ...GOOD_ORDER, customer: { name: '' } }, '', 'customer.name'],
    [{ ...GOOD_ORDER, customer: { name: '' } }, 'order', 'order.customer.name'],
    [{ ...GOOD_ORDER, lines: [{ sku: 'A1', quantity: 1 }, { sku: 'B2', quantity: 100 }] }, '', 'lines.1.quantity'],
    [{ ...GOOD_ORDER, lines: [{ sku: 'A1', quantity: 1 }, { sku: 'B2', quantity: 100 }] }, 'order', 'order.lines.1.quantity'],
    ['an order', '', 'body'],
    ['an order', 'order', 'order'],
    [null, '', 'body'],
  ])('refuses %j (at "%s") naming %s', (value, at, field) => {
    expect(refusal(ORDER, value, at).field).toBe(field);
  });

  it('names the whole value "body" when no `at` is given at all', () => {
    expect(refusal(Int({ description: 'n', minimum: 1 }), 0)).toEqual({ field: 'body', message: 'body: must be an integer 1 or more' });
  });

  it('says a missing field is required, at any depth', () => {
    expect(refusal(ORDER, { customer: { name: 'Ada' } })).toEqual({ field: 'lines', message: 'lines: is required' });
    expect(refusal(ORDER, { ...GOOD_ORDER, customer: {} }, 'order')).toEqual({ field: 'order.customer.name', message: 'order.customer.name: is required' });
    expect(refusal(ORDER, { ...GOOD_ORDER, lines: [{ sku: 'A1' }] })).toEqual({ field: 'lines.0.quantity', message: 'lines.0.quantity: is required' });
  });

  it('names an unknown field and lists the fields the object takes', () => {
    expect(refusal(ORDER, { ...GOOD_ORDER, colour: 'red' })).toEqual({ field: 'colour', message: 'colour: unknown field; this takes customer, lines, size, weight' });
    expect(refusal(ORDER, { ...GOOD_ORDER, customer: { name: 'Ada', phone: '1' } })).toEqual({
      field: 'customer.phone',
      message: 'customer.phone: unknown field; this takes name, vip',
    });
    expect(refusal(DEVICE_COMMAND, { power: 'on', colour: 'red' }, 'action')).toEqual({
      field: 'action.colour',
      message: 'action.colour: unknown field; this takes power, channel, brightness, color, colorTemperature',
    });
  });

  it('says only "unknown field" when the object takes no fields', () => {
    expect(refusal(Type.Object({}, { additionalProperties: false }), { a: 1 }, 'options')).toEqual({ field: 'options.a', message: 'options.a: unknown field' });
  });

  it.each([
    // what, schema, value, message
    ['Text with a length range', Text({ description: 'code', minLength: 2, maxLength: 4 }), 'x', 'f: must be a string of 2 to 4 characters'],
    ['Text of one length', Text({ description: 'code', minLength: 3, maxLength: 3 }), 'x', 'f: must be a string of 3 characters'],
    ['Text with a rule', Text({ description: 'code', maxLength: 4, rule: 'a short code' }), 'abcde', 'f: must be a string of 0 to 4 characters; a short code'],
    ['Text with a pattern', Text({ description: 'code', maxLength: 4, pattern: /^[a-z]+$/, rule: 'must be lower-case letters' }), 'AB', 'f: must be lower-case letters'],
    ['Int in a range', Int({ description: 'n', minimum: 1, maximum: 3 }), 4, 'f: must be an integer from 1 to 3'],
    ['Int given a fraction', Int({ description: 'n', minimum: 1, maximum: 3 }), 1.5, 'f: must be an integer from 1 to 3'],
    ['Int with a minimum', Int({ description: 'n', minimum: 0 }), -1, 'f: must be an integer 0 or more'],
    ['Int given text', Int({ description: 'n', minimum: 0 }), '1', 'f: must be an integer 0 or more'],
    ['OneOf of three', OneOf(['on', 'off', 'toggle'] as const), 'dim', 'f: must be "on", "off" or "toggle"'],
    ['OneOf of two', OneOf(['on', 'off'] as const), 'dim', 'f: must be "on" or "off"'],
    ['OneOf of one', OneOf(['on'] as const), 'off', 'f: must be "on"'],
    ['a number with its own rule', Type.Number({ [RULE]: 'must be a weight in kg' }), 'heavy', 'f: must be a weight in kg'],
  ])('reports the x-rule of %s', (_what, schema, value, message) => {
    expect(refusal(schema, value, 'f').message).toBe(message);
  });

  it.each([
    // what, a schema without x-rule, a bad value, what it asks for in words
    ['a string with lengths', Type.String({ minLength: 2, maxLength: 4 }), 'x', 'f: must be a string of 2 to 4 characters'],
    ['a string of any length', Type.String(), 7, 'f: must be a string of 0 to any number of characters'],
    ['an integer in a range', Type.Integer({ minimum: 1, maximum: 3 }), 7, 'f: must be an integer from 1 to 3'],
    ['a number with a minimum', Type.Number({ minimum: 1 }), 0, 'f: must be a number from 1'],
    ['a boolean', Type.Boolean(), 'yes', 'f: must be true or false'],
    ['a list with sizes', Type.Array(Type.String(), { minItems: 1, maxItems: 2 }), [], 'f: must be a list of 1 to 2 items'],
    ['an object with an example', Type.Object({ a: Type.String() }, { examples: [{ a: 'x' }] }), 5, 'f: must be a JSON object such as {"a":"x"}'],
    ['an object without one', Type.Object({ a: Type.String() }), [], 'f: must be a JSON object'],
    ['a literal', Type.Literal('yes'), 'no', 'f: must be "yes"'],
    ['null', Null(), 0, 'f: is not valid'],
  ])('without an x-rule says what %s asks for', (_what, schema, value, message) => {
    expect(refusal(schema, value, 'f').message).toBe(message);
  });

  it('asks for at least one field of a closed object that takes a minimum', () => {
    expect(refusal(groups.UPDATE_GROUP, {})).toEqual({ field: 'body', message: 'body: give at least one of name, index' });
    expect(refusal(groups.UPDATE_GROUP, {}, 'group')).toEqual({ field: 'group', message: 'group: give at least one of name, index' });
  });

  it('refuses a list that repeats an item', () => {
    expect(refusal(groups.ADD_TO_GROUP, { deviceids: ['1000000001', '1000000001'] })).toEqual({
      field: 'deviceids',
      message: 'deviceids: must not list the same item twice',
    });
    expect(refusal(SCHEDULE, { type: 'repeat', days: [1, 3, 1], time: '07:00' }, 'schedule').message).toBe('schedule.days: must not list the same item twice');
  });

  it('checks record keys by their own rule, naming the key', () => {
    expect(refusal(CHANNEL_NAMES, { names: { one: 'Kettle' } })).toEqual({ field: 'names.one', message: 'names.one: must be a channel number: 0, 1, 2 …' });
    expect(refusal(CHANNEL_NAMES, { names: { '0': 'Kettle', '01': 'Toaster' } }).field).toBe('names.01');
    // A key with "/" or "~" is named as it was sent, not in its JSON Pointer escape.
    expect(refusal(CHANNEL_NAMES, { names: { 'a/b': 'x' } }).field).toBe('names.a/b');
    expect(refusal(CHANNEL_NAMES, { names: { 'a~b': 'x' } }).field).toBe('names.a~b');
  });

  it('checks record values and the record size by the record rule', () => {
    expect(refusal(CHANNEL_NAMES, { names: { '1': '' } }).field).toBe('names.1');
    expect(refusal(CHANNEL_NAMES, { names: {} })).toEqual({ field: 'names', message: 'names: must be an object of 1 to 64 channel names by channel number' });
  });
});

describe('parse: unions', () => {
  it.each([
    // value, field, message
    [{ type: 'weekly' }, 'schedule.type', 'schedule.type: must be "once", "repeat", "duration", "delay"'],
    [{ at: '2026-12-24T18:30' }, 'schedule.type', 'schedule.type: must be "once", "repeat", "duration", "delay"'],
    [{ type: 7 }, 'schedule.type', 'schedule.type: must be "once", "repeat", "duration", "delay"'],
    [{ type: 'once' }, 'schedule.at', 'schedule.at: is required'],
    [{ type: 'once', at: '2026-02-30T18:30' }, 'schedule.at', 'schedule.at: must be a real local date and time like "2026-12-24T18:30"'],
    [{ type: 'once', at: '2026-12-24T18:30', minutes: 5 }, 'schedule.minutes', 'schedule.minutes: unknown field; this takes type, at'],
    [{ type: 'repeat', days: [7], time: '07:00' }, 'schedule.days.0', 'schedule.days.0: must be a weekday, 0 (Sunday) to 6 (Saturday)'],
    [{ type: 'delay', minutes: 0 }, 'schedule.minutes', 'schedule.minutes: must be a whole number of minutes from 1 to 10080'],
    [{ type: 'duration', start: '2026-12-24T18:30', onMinutes: 5 }, 'schedule.offMinutes', 'schedule.offMinutes: is required'],
  ])('explains a tagged union by the member its "type" names: %j', (value, field, message) => {
    expect(refusal(SCHEDULE, value, 'schedule')).toEqual({ field, message });
  });

  it('names the tag and the member fields without a prefix when the union is the whole body', () => {
    expect(refusal(SCHEDULE, { type: 'weekly' }).field).toBe('type');
    expect(refusal(SCHEDULE, { type: 'once' }).field).toBe('at');
  });

  it.each([[null], [[]], ['once'], [3]])('gives the union rule for %j, which is no object at all', (value) => {
    expect(refusal(SCHEDULE, value, 'schedule')).toEqual({
      field: 'schedule',
      message: 'schedule: must be an object whose "type" is "once", "repeat", "duration" or "delay"',
    });
    expect(refusal(SCHEDULE, value).field).toBe('body');
  });

  it('explains an untagged union by the one object member whose keys fit', () => {
    expect(refusal(COLOR, { r: 0, g: 10, b: 300 }, 'color')).toEqual({ field: 'color.b', message: 'color.b: must be a whole number 0 to 255' });
    expect(refusal(COLOR, { h: 400, s: 0, v: 0 }, 'color')).toEqual({ field: 'color.h', message: 'color.h: must be 0 to 360 (degrees)' });
    expect(refusal(DEVICE_COMMAND, { color: { h: 0, s: 150, v: 0 } }, 'action').field).toBe('action.color.s');
  });

  it('gives the union rule when two object members fit the keys alike', () => {
    // Prepare
    const closed = { additionalProperties: false } as const;
    const LIMIT = Type.Union([Type.Object({ value: Type.String({ pattern: '^[0-9]+%$' }) }, closed), Type.Object({ value: Type.Number({ minimum: 0 }) }, closed)], {
      [RULE]: 'must be {value} as a percentage ("50%") or a number',
    });
    // Act
    const { field, message } = refusal(LIMIT, { value: true }, 'limit');
    // Assess
    expect(field).toBe('limit');
    expect(message).toBe('limit: must be {value} as a percentage ("50%") or a number');
  });

  it.each([[{ r: 1, g: 2 }], [{ r: 1, s: 2, v: 3 }], [{ x: 1 }], [{}], ['red'], [[255, 0, 0]]])('gives the union rule when no one member fits %j', (color) => {
    expect(refusal(COLOR, color, 'color')).toEqual({
      field: 'color',
      message: 'color: must be "#rrggbb", {r, g, b} (each 0 to 255) or {h, s, v} (h 0 to 360, s and v 0 to 100)',
    });
  });
});

describe('parse: names an object inherits', () => {
  const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

  it.each(INHERITED)('refuses %s as the tag of a union, naming the tag', (tag) => {
    expect(refusal(SCHEDULE, { type: tag }, 'schedule')).toEqual({ field: 'schedule.type', message: 'schedule.type: must be "once", "repeat", "duration", "delay"' });
    expect(refusal(scenes.SCENE_INPUT, { name: 'x', actions: [{ deviceid: '1', command: { power: 'on' } }], schedule: { type: tag, at: '2026-12-24T18:30' } }).field).toBe(
      'schedule.type',
    );
  });

  it.each(INHERITED)('refuses %s as a key of a closed object, as an unknown field', (key) => {
    // Prepare
    const action = json(`{"power": "on", ${JSON.stringify(key)}: {"type": "once"}}`);
    // Act
    const { field, message } = refusal(DEVICE_COMMAND, action, 'action');
    // Assess
    expect(field).toBe(`action.${key}`);
    expect(message).toBe(`action.${key}: unknown field; this takes power, channel, brightness, color, colorTemperature`);
  });

  it.each(INHERITED)('refuses %s as a key beside a valid tag', (key) => {
    const value = json(`{"type": "once", "at": "2026-12-24T18:30", ${JSON.stringify(key)}: 1}`);
    expect(refusal(SCHEDULE, value, 'schedule')).toEqual({ field: `schedule.${key}`, message: `schedule.${key}: unknown field; this takes type, at` });
  });

  it.each(INHERITED)('refuses %s as the only key of a tagged union member, asking for the tag', (key) => {
    // A tag hidden under "__proto__" is still no tag.
    const value = json(`{${JSON.stringify(key)}: {"type": "once", "at": "2026-12-24T18:30"}}`);
    expect(refusal(SCHEDULE, value, 'schedule').field).toBe('schedule.type');
  });

  it.each(INHERITED)('refuses %s as a key of an untagged union member with the union rule', (key) => {
    const value = json(`{"r": 1, "g": 2, "b": 3, ${JSON.stringify(key)}: 4}`);
    expect(refusal(COLOR, value, 'color').field).toBe('color');
  });

  it.each(INHERITED)('refuses %s as a record key by the key rule', (key) => {
    const value = json(`{"names": {${JSON.stringify(key)}: "Kettle"}}`);
    expect(refusal(CHANNEL_NAMES, value)).toEqual({ field: `names.${key}`, message: `names.${key}: must be a channel number: 0, 1, 2 …` });
  });
});

describe('parseQuery', () => {
  it('reads plain numerals as numbers for integer parameters', () => {
    expect(parseQuery(HISTORY_QUERY, { page: '2', pageSize: '50' })).toEqual({ page: 2, pageSize: 50 });
  });

  it.each([['1.5'], ['0x10'], ['1e3'], ['-0'], [''], [' 2'], ['+2'], ['2 '], ['１'], ['9999999999999999']])('refuses page=%j as no integer from 1', (text) => {
    expect(refused(() => parseQuery(HISTORY_QUERY, { page: text }))).toEqual({ field: 'page', message: 'page: must be an integer from 1 to 10000' });
  });

  it('reads -0 as zero where zero is allowed', () => {
    const q = Type.Object({ offset: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
    expect(parseQuery(q, { offset: '-0' }).offset === 0).toBe(true);
  });

  it('reads decimals only for number parameters, and never hex or exponents', () => {
    // Prepare
    const q = Type.Object({ level: Type.Number({ minimum: 0, maximum: 100, [RULE]: 'must be 0 to 100' }) }, { additionalProperties: false });
    // Act
    const read = parseQuery(q, { level: '1.5' });
    // Assess
    expect(read).toEqual({ level: 1.5 });
    expect(refused(() => parseQuery(q, { level: '0x10' }))).toEqual({ field: 'level', message: 'level: must be 0 to 100' });
    expect(refused(() => parseQuery(q, { level: '1e1' })).field).toBe('level');
    expect(refused(() => parseQuery(q, { level: '.5' })).field).toBe('level');
  });

  it('reads only "true" and "false" as booleans, and leaves numerals of text parameters as text', () => {
    const q = Type.Object({ all: Type.Optional(Type.Boolean()), code: Type.Optional(Type.String()) }, { additionalProperties: false });
    expect(parseQuery(q, { all: 'true', code: '007' })).toEqual({ all: true, code: '007' });
    expect(parseQuery(q, { all: 'false' })).toEqual({ all: false });
    expect(refused(() => parseQuery(q, { all: 'TRUE' }))).toEqual({ field: 'all', message: 'all: must be true or false' });
    expect(refused(() => parseQuery(q, { all: '1' })).field).toBe('all');
  });

  it('refuses an unknown parameter, listing the known ones', () => {
    expect(refused(() => parseQuery(HISTORY_QUERY, { pages: '2' }))).toEqual({ field: 'pages', message: 'pages: unknown field; this takes from, to, page, pageSize' });
  });

  it.each([['__proto__'], ['constructor'], ['toString'], ['hasOwnProperty']])('refuses the parameter %s as unknown', (name) => {
    const query = Object.fromEntries(new URLSearchParams(`${name}=1`));
    expect(refused(() => parseQuery(HISTORY_QUERY, query)).field).toBe(name);
  });

  it('checks the formats of text parameters', () => {
    expect(refused(() => parseQuery(HISTORY_QUERY, { from: '2024-02-30T00:00:00Z' })).field).toBe('from');
    expect(parseQuery(HISTORY_QUERY, { from: '2024-02-29T00:00:00Z' })).toEqual({ from: '2024-02-29T00:00:00Z' });
  });
});

describe('DateTime', () => {
  const WHEN = DateTime({ description: 'when' });
  const RULE_TEXT = 'from: must be a real date-time from 1970 on, with its offset, such as 2024-05-01T08:00:00Z';

  it.each([
    ['2024-02-29T12:00:00Z', 'the leap day of a leap year'],
    ['2000-02-29T00:00:00Z', 'the leap day of a year divisible by 400'],
    ['1970-01-01T00:00:00Z', 'the first second of 1970'],
    ['2024-05-01T08:00:00+02:00', 'a positive offset'],
    ['2024-05-01T08:00:00-09:30', 'a negative offset with minutes'],
    ['2024-05-01T08:00:00+23:59', 'the largest offset'],
    ['2024-05-01T23:59:59.123456789Z', 'nine digits of fraction'],
    ['2024-05-01t08:00:00z', 'lower-case T and Z, as RFC 3339 allows'],
  ])('accepts %s (%s)', (text) => {
    expect(parse(WHEN, text, 'from')).toBe(text);
  });

  it.each([
    ['2024-02-30T00:00:00Z', 'a day February never has'],
    ['2023-02-29T00:00:00Z', 'the leap day of a common year'],
    ['2100-02-29T00:00:00Z', 'the leap day of a century that is no leap year'],
    ['2024-04-31T00:00:00Z', 'the 31st of a 30-day month'],
    ['2024-13-01T00:00:00Z', 'month 13'],
    ['2024-00-10T00:00:00Z', 'month 0'],
    ['2024-01-01T24:00:00Z', 'hour 24'],
    ['2024-01-01T23:60:00Z', 'minute 60'],
    ['2024-01-01T23:59:60Z', 'a leap second'],
    ['2024-01-01T00:00:00+24:00', 'offset +24:00'],
    ['2024-01-01T00:00:00-00:60', 'offset minutes 60'],
    ['1969-12-31T23:59:59Z', 'a second before 1970'],
    ['1970-01-01T00:30:00+01:00', 'an instant before 1970 written in 1970'],
    ['2024-01-01T00:00:00', 'no offset'],
    ['2024-01-01 00:00:00Z', 'a space for T'],
    ['2024-01-01', 'a date alone'],
    ['2024-01-01T00:00:00.1234567890Z', 'ten digits of fraction'],
    ['', 'nothing'],
  ])('refuses %s (%s)', (text) => {
    expect(refusal(WHEN, text, 'from')).toEqual({ field: 'from', message: RULE_TEXT });
  });

  it('refuses a number of milliseconds', () => {
    expect(refusal(WHEN, Date.parse('2024-01-01T00:00:00Z'), 'from').field).toBe('from');
  });
});

describe('displayName', () => {
  const RULE_TEXT = 'name: must be 1 to 64 characters with a visible one, and no control characters';

  it.each([
    ['Hall lamp'],
    ['Küche'],
    ['Лампа у дивана'],
    ['台灯'],
    ['مصباح المطبخ'],
    ['ランプ'],
    ['💡'],
    ['🛋️ Sofa'],
    ['👩‍👩‍👧 room'],
    [' padded '],
    ['x'.repeat(64)],
  ])('accepts %j', (name) => {
    expect(parse(DEVICE_NAME, name, 'name')).toBe(name);
  });

  it.each([
    ['a\u0000b', 'NUL'],
    ['lamp\u0007', 'BEL'],
    ['lamp\u001b[31m', 'ESC'],
    ['lamp\u007f', 'DEL'],
    ['lamp\u0085', 'C1 next line'],
    ['lamp\u009b', 'C1 CSI'],
    ['hall\nlamp', 'a newline'],
    ['hall\r\nlamp', 'CR LF'],
    ['hall\tlamp', 'a tab'],
    ['lamp\ud800', 'a lone high surrogate'],
    ['\udc00lamp', 'a lone low surrogate'],
    ['\ude00\ud83d', 'surrogates in the wrong order'],
    ['', 'nothing'],
    ['   ', 'spaces only'],
    ['\u00a0\u3000', 'no-break and ideographic spaces only'],
    ['x'.repeat(65), '65 characters'],
  ])('refuses %j (%s)', (name) => {
    expect(refusal(DEVICE_NAME, name, 'name')).toEqual({ field: 'name', message: RULE_TEXT });
  });

  it('says the length it was given', () => {
    const NOTE = displayName('a note', 'hi', 10);
    expect(parse(NOTE, 'x'.repeat(10), 'note')).toBe('x'.repeat(10));
    expect(refusal(NOTE, 'x'.repeat(11), 'note').message).toBe('note: must be 1 to 10 characters with a visible one, and no control characters');
  });
});

describe('examples in the domain schemas', () => {
  const MODULES = { command, management, schedule, timers, scenes, webhooks, sharing, groups };

  /** Every schema with examples in an exported schema, its own and those of every part, with a path to name it. */
  function schemasWithExamples(): { path: string; schema: TSchema; examples: unknown[] }[] {
    const found: { path: string; schema: TSchema; examples: unknown[] }[] = [];
    const visit = (node: unknown, path: string) => {
      if (typeof node !== 'object' || node === null) return;
      const schema = node as TSchema & { examples?: unknown };
      if (Kind in schema && Array.isArray(schema.examples)) found.push({ path, schema, examples: schema.examples });
      for (const [key, child] of Object.entries(schema)) if (key !== 'examples' && key !== 'default') visit(child, `${path}.${key}`);
    };
    for (const [module, exports] of Object.entries(MODULES)) {
      for (const [name, value] of Object.entries(exports)) if (typeof value === 'object' && value !== null && Kind in value) visit(value, `${module}.${name}`);
    }
    return found;
  }

  const all = schemasWithExamples();

  it('finds the examples of every input schema', () => {
    const tops = new Set(all.map((s) => s.path).filter((p) => p.split('.').length === 2));
    for (const name of [
      'command.DEVICE_COMMAND',
      'management.ADD_DEVICE',
      'management.ADD_GSM_DEVICE',
      'management.RENAME_DEVICE',
      'management.CHANNEL_NAMES',
      'schedule.TIME_ZONE',
      'timers.TIMER_INPUT',
      'scenes.SCENE_INPUT',
      'webhooks.HOOK_INPUT',
      'sharing.SHARE_DEVICE',
      'sharing.UPDATE_SHARE',
      'groups.CREATE_GROUP',
      'groups.UPDATE_GROUP',
      'groups.ADD_TO_GROUP',
    ]) {
      expect(tops, name).toContain(name);
    }
  });

  it.each(all.flatMap(({ path, schema, examples }) => examples.map((example) => [path, example, schema] as const)))('%s: %j passes parse', (_path, example, schema) => {
    expect(parse(schema, example, 'example')).toEqual(example);
  });
});
