import { invalidInput } from './errors';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) fragment. */
export type JsonSchema = { [keyword: string]: unknown };

/**
 * One input field: how to read it from a caller's JSON (or query string) and the JSON Schema
 * saying the same thing, for the API document. Reading and documenting from one definition
 * keeps the two from drifting apart.
 */
export interface Field<T> {
  readonly schema: JsonSchema;
  /** The value, checked; throws `invalid_input` naming `at` (`body` when empty) otherwise. */
  read(value: unknown, at: string): T;
}

export interface Prop<T> {
  field: Field<T>;
  required: boolean;
}

type Props = Record<string, Prop<any>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type ValueOf<P> = P extends Prop<infer T> ? T : never;
export type ShapeOf<P extends Props> = Simplify<
  { [K in keyof P as P[K] extends { required: true } ? K : never]: ValueOf<P[K]> } & {
    [K in keyof P as P[K] extends { required: true } ? never : K]?: ValueOf<P[K]>;
  }
>;

/** An object with named fields: unknown ones are refused, so a typo never passes silently. */
export interface Shape<P extends Props> extends Field<ShapeOf<P>> {
  readonly props: P;
}

const named = (at: string) => at || 'body';
const join = (at: string, key: string) => (at ? `${at}.${key}` : key);
/** Length in characters (code points), as JSON Schema counts it. */
const lengthOf = (s: string) => [...s].length;

/** A field a shape must have. */
export function required<T>(field: Field<T>): { field: Field<T>; required: true } {
  return { field, required: true };
}

/** A field a shape may leave out. */
export function optional<T>(field: Field<T>): { field: Field<T>; required: false } {
  return { field, required: false };
}

/**
 * A string of bounded length, optionally matching a pattern; `rule` says the pattern in words.
 *
 * @example
 * const name = text({ description: 'device name', minLength: 1, maxLength: 64 });
 * name.read('Lamp', 'name'); // 'Lamp'
 */
export function text(options: { description: string; minLength?: number; maxLength: number; pattern?: RegExp; rule?: string; example?: string }): Field<string> {
  const { description, minLength = 0, maxLength, pattern, rule, example } = options;
  const schema: JsonSchema = { type: 'string', description, minLength, maxLength };
  if (pattern) schema.pattern = pattern.source;
  if (example !== undefined) schema.examples = [example];
  return {
    schema,
    read(value, at) {
      const length = typeof value === 'string' ? lengthOf(value) : -1;
      if (typeof value !== 'string' || length < minLength || length > maxLength) {
        const size = minLength === maxLength ? `${maxLength}` : `${minLength} to ${maxLength}`;
        throw invalidInput(named(at), `must be a string of ${size} characters`);
      }
      if (pattern && !pattern.test(value)) throw invalidInput(named(at), rule ?? `must match ${pattern.source}`);
      return value;
    },
  };
}

/**
 * An integer in a range. With `fromText`, a query string's digits are read as the number
 * (the schema still says integer, as OpenAPI describes query parameters by their value).
 */
export function integer(options: { description: string; minimum: number; maximum?: number; fromText?: boolean; example?: number }): Field<number> {
  const { description, minimum, maximum, fromText, example } = options;
  const schema: JsonSchema = { type: 'integer', description, minimum };
  if (maximum !== undefined) schema.maximum = maximum;
  if (example !== undefined) schema.examples = [example];
  const range = maximum === undefined ? `${minimum} or more` : `from ${minimum} to ${maximum}`;
  return {
    schema,
    read(value, at) {
      const n = fromText && typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < minimum || (maximum !== undefined && n > maximum)) {
        throw invalidInput(named(at), `must be an integer ${range}`);
      }
      return n;
    },
  };
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** An RFC 3339 date-time with its offset (`2024-05-01T08:00:00Z`) from 1970 on, read as ms since the epoch. */
export function dateTime(options: { description: string; example?: string }): Field<number> {
  const schema: JsonSchema = { type: 'string', format: 'date-time', description: options.description };
  if (options.example !== undefined) schema.examples = [options.example];
  return {
    schema,
    read(value, at) {
      const ms = typeof value === 'string' && DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms) || ms < 0) throw invalidInput(named(at), 'must be a date-time from 1970 on, with its offset, such as 2024-05-01T08:00:00Z');
      return ms;
    },
  };
}

/** A list of items, bounded, optionally without repeats. */
export function listOf<T>(item: Field<T>, options: { description: string; minItems: number; maxItems: number; unique?: boolean }): Field<T[]> {
  const { description, minItems, maxItems, unique } = options;
  const schema: JsonSchema = { type: 'array', description, items: item.schema, minItems, maxItems };
  if (unique) schema.uniqueItems = true;
  return {
    schema,
    read(value, at) {
      if (!Array.isArray(value) || value.length < minItems || value.length > maxItems) {
        throw invalidInput(named(at), `must be a list of ${minItems} to ${maxItems} items`);
      }
      const items = value.map((v, i) => item.read(v, join(at, String(i))));
      if (unique && new Set(items.map((v) => JSON.stringify(v))).size !== items.length) {
        throw invalidInput(named(at), 'must not list the same item twice');
      }
      return items;
    },
  };
}

/** An object whose keys follow a pattern (say, channel numbers) and whose values are all alike. */
export function mapOf<T>(
  value: Field<T>,
  options: { description: string; keyPattern: RegExp; keyRule: string; minProperties: number; maxProperties: number; example?: Record<string, T> },
): Field<Record<string, T>> {
  const { description, keyPattern, keyRule, minProperties, maxProperties, example } = options;
  const schema: JsonSchema = {
    type: 'object',
    description,
    propertyNames: { pattern: keyPattern.source },
    additionalProperties: value.schema,
    minProperties,
    maxProperties,
  };
  if (example !== undefined) schema.examples = [example];
  return {
    schema,
    read(input, at) {
      if (!isPlainObject(input)) throw invalidInput(named(at), 'must be a JSON object');
      const keys = Object.keys(input);
      if (keys.length < minProperties || keys.length > maxProperties) {
        throw invalidInput(named(at), `must have ${minProperties} to ${maxProperties} entries`);
      }
      const out: Record<string, T> = {};
      for (const key of keys) {
        if (!keyPattern.test(key)) throw invalidInput(join(at, key), keyRule);
        out[key] = value.read(input[key], join(at, key));
      }
      return out;
    },
  };
}

/**
 * A JSON object with these fields. `minProperties` 1 makes an all-optional shape (a partial
 * update) refuse `{}`.
 *
 * @example
 * const body = shape({ name: required(name), index: optional(index) }, { example: { name: 'Hall' } });
 * body.read(JSON.parse(raw), ''); // { name: 'Hall' }, or 422 naming the bad field
 */
export function shape<P extends Props>(props: P, options: { description?: string; minProperties?: number; example?: unknown } = {}): Shape<P> {
  const names = Object.keys(props);
  const schema: JsonSchema = {
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, props[n]!.field.schema])),
    additionalProperties: false,
  };
  const mandatory = names.filter((n) => props[n]!.required);
  if (mandatory.length > 0) schema.required = mandatory;
  if (options.minProperties) schema.minProperties = options.minProperties;
  if (options.description) schema.description = options.description;
  if (options.example !== undefined) schema.examples = [options.example];
  const fields = names.join(', ');
  return {
    props,
    schema,
    read(input, at) {
      if (!isPlainObject(input)) {
        const hint = options.example === undefined ? '' : ` such as ${JSON.stringify(options.example)}`;
        throw invalidInput(named(at), `must be a JSON object${hint}`);
      }
      for (const key of Object.keys(input)) {
        if (!Object.hasOwn(props, key)) throw invalidInput(join(at, key), `unknown field; this takes ${fields}`);
      }
      const out: Record<string, unknown> = {};
      for (const name of names) {
        const value = input[name];
        if (value === undefined) {
          if (props[name]!.required) throw invalidInput(join(at, name), 'is required');
          continue;
        }
        out[name] = props[name]!.field.read(value, join(at, name));
      }
      if (options.minProperties && Object.keys(out).length < options.minProperties) {
        throw invalidInput(named(at), `give at least one of ${fields}`);
      }
      return out as ShapeOf<P>;
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
