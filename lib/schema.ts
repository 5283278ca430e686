import {
  Array as ArrayOf,
  Boolean as BooleanOf,
  FormatRegistry,
  Integer,
  Literal,
  Number as NumberOf,
  Object as ObjectOf,
  Optional,
  Record as RecordOf,
  String as StringOf,
  Union,
  Unknown,
  type SchemaOptions,
  type Static,
  type TLiteral,
  type TSchema,
  type TString,
  type TUnion,
} from '@sinclair/typebox';
import { Errors, ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Check } from '@sinclair/typebox/value';
import { InvalidInput } from './errors';

/*
 * Every message shape the bridge takes is written once, as a TypeBox schema: it is the
 * TypeScript type (`Static<typeof S>`), the runtime check (`parse`), and the JSON Schema an
 * API document embeds. `x-rule` on a schema says in words what a value must be; the check
 * reports it, naming the field, when the value breaks any of the schema's keywords.
 */

export type { Static, TSchema } from '@sinclair/typebox';

/**
 * The type builders the bridge uses, and only those: TypeBox's own `Type` object holds every
 * builder, which a bundle then carries whole (about 45 KiB more on a cold start).
 */
export const Type = {
  Array: ArrayOf,
  Boolean: BooleanOf,
  Integer,
  Literal,
  Number: NumberOf,
  Object: ObjectOf,
  Optional,
  Record: RecordOf,
  String: StringOf,
  Union,
  Unknown,
};

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1) fragment. */
export type JsonSchema = { [keyword: string]: unknown };

/** What a value must be, in words, for error messages (an OpenAPI `x-` extension). */
export const RULE = 'x-rule';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/** A calendar day that exists: no 30 February, no hour 24. */
export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isDateTime(value: string): boolean {
  const m = RFC3339.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetOk = m[9] === undefined || (Number(m[9]) <= 23 && Number(m[10]) <= 59);
  return isRealDate(year, month, day) && hour <= 23 && minute <= 59 && second <= 59 && offsetOk && Date.parse(value) >= 0;
}

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);

/**
 * A string of bounded length, optionally matching a pattern; `rule` says what it must be.
 *
 * @example
 * const Name = Text({ description: 'device name', minLength: 1, maxLength: 64 });
 */
export function Text(options: { description: string; minLength?: number; maxLength: number; pattern?: RegExp; rule?: string; example?: string }): TString {
  const { description, minLength = 0, maxLength, pattern, rule, example } = options;
  const size = minLength === maxLength ? `${maxLength}` : `${minLength} to ${maxLength}`;
  return Type.String({
    description,
    minLength,
    maxLength,
    ...(pattern ? { pattern: pattern.source } : {}),
    [RULE]: rule ? (pattern ? rule : `must be a string of ${size} characters; ${rule}`) : `must be a string of ${size} characters`,
    ...(example !== undefined ? { examples: [example] } : {}),
  });
}

/** An integer in a range (a query string's digits are read as one). */
export function Int(options: { description: string; minimum: number; maximum?: number; example?: number }) {
  const { description, minimum, maximum, example } = options;
  const range = maximum === undefined ? `${minimum} or more` : `from ${minimum} to ${maximum}`;
  return Type.Integer({
    description,
    minimum,
    ...(maximum !== undefined ? { maximum } : {}),
    [RULE]: `must be an integer ${range}`,
    ...(example !== undefined ? { examples: [example] } : {}),
  });
}

/** An RFC 3339 date-time with its offset (`2024-05-01T08:00:00Z`), a real date from 1970 on. */
export function DateTime(options: { description: string; example?: string }) {
  return Type.String({
    format: 'date-time',
    description: options.description,
    [RULE]: 'must be a real date-time from 1970 on, with its offset, such as 2024-05-01T08:00:00Z',
    ...(options.example !== undefined ? { examples: [options.example] } : {}),
  });
}

/** One of a few words. */
export function OneOf<const T extends readonly string[]>(words: T, options: SchemaOptions = {}): TUnion<TLiteral<T[number]>[]> {
  const said = words.map((w) => `"${w}"`);
  const list = said.length > 1 ? `${said.slice(0, -1).join(', ')} or ${said.at(-1)}` : said[0];
  return Type.Union(
    words.map((w) => Type.Literal(w)),
    { [RULE]: `must be ${list}`, ...options },
  ) as TUnion<TLiteral<T[number]>[]>;
}

/**
 * The value, checked against the schema and typed; otherwise `InvalidInput` naming the first
 * field at fault (`at` prefixes it; the whole value is `body` when `at` is empty).
 *
 * @example
 * const command = parse(DeviceCommand, JSON.parse(raw), ''); // typed, or 422 "brightness: must be …"
 */
export function parse<S extends TSchema>(schema: S, value: unknown, at = ''): Static<S> {
  // Interpreted, not compiled: bodies are small, and a compiler would cost every cold start.
  if (Check(schema, value)) return value as Static<S>;
  throw explain(schema, value, at);
}

const NUMERALS: Record<string, RegExp> = { integer: /^-?\d{1,15}$/, number: /^-?\d{1,15}(\.\d{1,15})?$/ };

/**
 * Query-string parameters (all text) read as the schema's numbers and booleans, then checked.
 * Only a plain numeral becomes a number (`1.5` is no integer, `0x10` no number).
 *
 * @example
 * parseQuery(HistoryQuery, { page: '2' }) // { page: 2 }
 */
export function parseQuery<S extends TSchema>(schema: S, query: Record<string, string>): Static<S> {
  const props = ((schema as JsonSchema).properties ?? {}) as Record<string, JsonSchema>;
  // Built from entries, so a parameter named "__proto__" stays a key (and is refused as unknown) instead of vanishing.
  const read = Object.fromEntries(Object.entries(query).map(([name, text]) => [name, queryValue(Object.hasOwn(props, name) ? props[name]?.type : undefined, text)]));
  return parse(schema, read, '');
}

function queryValue(type: unknown, text: string): unknown {
  if ((type === 'integer' || type === 'number') && NUMERALS[type]!.test(text)) return Number(text);
  if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

const join = (at: string, path: string) => {
  const rest = path.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).join('.');
  return at && rest ? `${at}.${rest}` : at || rest || 'body';
};

/** The first error worth telling, as `InvalidInput`: unions are explained by the member the value was meant to be. */
function explain(schema: TSchema, value: unknown, at: string): InvalidInput {
  const first = Errors(schema, value).First();
  if (!first) return new InvalidInput(at || 'body', 'is not valid');
  return fromError(first, at);
}

function fromError(error: ValueError, at: string): InvalidInput {
  const field = join(at, error.path);
  // Where a union's member is explained from: the union's own field ('' at the top of the body).
  const within = field === 'body' && !at ? '' : field;
  const schema = error.schema as JsonSchema;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return new InvalidInput(field, 'is required');
    case ValueErrorType.ObjectAdditionalProperties: {
      if (typeof schema['x-key-rule'] === 'string') return new InvalidInput(field, schema['x-key-rule']);
      const known = Object.keys((schema.properties as object | undefined) ?? {});
      return new InvalidInput(field, known.length > 0 ? `unknown field; this takes ${known.join(', ')}` : 'unknown field');
    }
    case ValueErrorType.ObjectMinProperties: {
      const known = Object.keys((schema.properties as object | undefined) ?? {});
      if (known.length > 0 && schema.additionalProperties === false) return new InvalidInput(field, `give at least one of ${known.join(', ')}`);
      break;
    }
    case ValueErrorType.Union: {
      const tags = tagsOf(error.schema);
      const value = error.value as Record<string, unknown> | null;
      if (tags.length > 0 && typeof value === 'object' && value !== null && !Array.isArray(value) && !tags.includes(value.type)) {
        return new InvalidInput(join(within, 'type'), `must be ${tags.map((t) => JSON.stringify(t)).join(', ')}`);
      }
      const member = memberMeant(error.schema, error.value);
      if (member) {
        const inner = Errors(member, error.value).First();
        if (inner) return fromError(inner, within);
      }
      break;
    }
    case ValueErrorType.ArrayUniqueItems:
      return new InvalidInput(field, 'must not list the same item twice');
    default:
      break;
  }
  const rule = schema[RULE];
  if (typeof rule === 'string') return new InvalidInput(field, rule);
  return new InvalidInput(field, describe(schema));
}

const membersOf = (union: TSchema) => (((union as JsonSchema).anyOf as TSchema[] | undefined) ?? []);
/** A union member's `type` constant, if it is tagged. */
const tagOf = (member: TSchema): unknown => ((member as JsonSchema).properties as Record<string, JsonSchema> | undefined)?.type?.const;

/** The `type` constants of a tagged union's members (none: not a tagged union). */
function tagsOf(union: TSchema): unknown[] {
  return membersOf(union).map(tagOf).filter((t) => t !== undefined);
}

/**
 * The member of a union a value was meant as: the one whose `type` constant it names, else
 * the only object member that has every key the value has.
 */
function memberMeant(union: TSchema, value: unknown): TSchema | undefined {
  const members = membersOf(union);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (members.some((m) => tagOf(m) !== undefined)) {
    const tag = (value as Record<string, unknown>).type;
    return members.find((m) => tagOf(m) !== undefined && tagOf(m) === tag);
  }
  const fitting = members.filter((m) => {
    const props = (m as JsonSchema).properties as Record<string, unknown> | undefined;
    const required = ((m as JsonSchema).required as string[] | undefined) ?? [];
    return props !== undefined && keys.every((k) => Object.hasOwn(props, k)) && required.every((k) => keys.includes(k));
  });
  return fitting.length === 1 ? fitting[0] : undefined;
}

/** What a schema asks for, in words, when it carries no `x-rule`. */
function describe(schema: JsonSchema): string {
  switch (schema.type) {
    case 'string':
      if (schema.const !== undefined) return `must be "${String(schema.const)}"`;
      return `must be a string of ${String(schema.minLength ?? 0)} to ${String(schema.maxLength ?? 'any number of')} characters`;
    case 'integer':
      return `must be an integer${schema.minimum !== undefined ? ` from ${String(schema.minimum)}` : ''}${schema.maximum !== undefined ? ` to ${String(schema.maximum)}` : ''}`;
    case 'number':
      return `must be a number${schema.minimum !== undefined ? ` from ${String(schema.minimum)}` : ''}${schema.maximum !== undefined ? ` to ${String(schema.maximum)}` : ''}`;
    case 'boolean':
      return 'must be true or false';
    case 'array':
      return `must be a list of ${String(schema.minItems ?? 0)} to ${String(schema.maxItems ?? 'any number of')} items`;
    case 'object': {
      const example = Array.isArray(schema.examples) ? ` such as ${JSON.stringify(schema.examples[0])}` : '';
      return `must be a JSON object${example}`;
    }
    default:
      return 'is not valid';
  }
}
