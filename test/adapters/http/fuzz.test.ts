import { execFileSync } from 'node:child_process';
import type { MiddlewareStack } from '@smithy/types';
import fc from 'fast-check';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../../lib/adapters/http/errors';
import { startHarness, warmSocket, type Harness } from '../../support/bridge';
import { scanTable } from '../../support/dynamo';
import { answerBody } from '../../support/answers';
import { cloudTraffic } from '../../support/refusals';
import { doc, schemaErrors, type Json } from './document';
import { type ApiAnswer, type Call, type CallOptions } from './stacks';

/**
 * Percent-encodes text for a URL. A lone surrogate has no UTF-8 form (encodeURIComponent
 * throws on it), so it is sent as U+FFFD, as a browser would.
 */
const encode = (text: string) => encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));

/*
 * Fuzzing every operation of the generated OpenAPI document with input built to be wrong:
 * bodies, path parameters and queries derived from the document's own schemas (and the
 * schemas' examples, mutated), plus stray bodies on reads and bad API keys. Whatever comes
 * in, the bridge never answers 5xx; input the document refuses is answered 4xx; and a 4xx
 * sends nothing to the cloud, writes nothing to the table, and carries the error body
 * `{error: {code, message, requestId}}`. The one write a 4xx may cause is the API key's
 * rate-limit token, spent by a call whose input the document takes (an id no thing has):
 * limits must count such calls too, or a flood of them would go unmetered. Refused input
 * spends none.
 *
 * The seed comes from FUZZ_SEED, else from the commit checked out (so CI's run of a commit
 * can be repeated exactly, and each commit explores other cases), else at random; it is
 * printed. To replay a failure, run with the seed (and,
 * to go straight to the shrunk counterexample, the path fast-check reports beside it):
 *
 *   FUZZ_SEED=1234567 npx vitest run test/adapters/http/fuzz.test.ts
 *   FUZZ_SEED=1234567 FUZZ_PATH='42:3:1' npx vitest run test/adapters/http/fuzz.test.ts
 *
 * FUZZ_RUNS changes the number of cases (default 2000).
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (seedOfCommit() ?? (Math.random() * 2 ** 31) | 0);

/** A seed from the commit checked out, or undefined outside a git checkout. */
function seedOfCommit(): number | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return /^[0-9a-f]{8}/.test(head) ? Number.parseInt(head.slice(0, 7), 16) : undefined;
  } catch {
    return undefined;
  }
}
const PATH = process.env.FUZZ_PATH || undefined;

// ---- The document, as operations ------------------------------------------------------------

interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: Json;
}

interface Operation {
  method: string;
  /** The pattern, `{name}` segments and all. */
  path: string;
  auth: boolean;
  params: Param[];
  query: Param[];
  /** The body's schema, `$ref`s left in for the validator; undefined when the route reads none. */
  body: Json | undefined;
  /** Whether the body is a form (`application/x-www-form-urlencoded`) rather than JSON. */
  form: boolean;
  /** The `Idempotency-Key` header's schema, when the route takes one. */
  idempotencyKey: Json | undefined;
}

const ref = (schema: Json): Json => (typeof schema.$ref === 'string' ? (doc.components.schemas[schema.$ref.split('/').pop() as string] as Json) : schema);

const operations: Operation[] = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]: [string, Json]) => {
    const parameters = (op.parameters ?? []) as Param[];
    return {
      method: method.toUpperCase(),
      path,
      auth: Array.isArray(op.security) ? op.security.length > 0 : Array.isArray(doc.security) && doc.security.length > 0,
      params: parameters.filter((p) => p.in === 'path'),
      query: parameters.filter((p) => p.in === 'query'),
      body: (op.requestBody?.content?.['application/json'] ?? op.requestBody?.content?.['application/x-www-form-urlencoded'])?.schema as Json | undefined,
      form: op.requestBody?.content?.['application/x-www-form-urlencoded'] !== undefined,
      idempotencyKey: (op.parameters as Json[] | undefined)?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key')?.schema as Json | undefined,
    };
  }),
);

/** Values each path parameter's check takes, where its schema has no example. */
const PARAM_FALLBACKS: Record<string, string> = { timerId: '6f1d2c3b-0a9e-4f8d-b7c6-5e4d3c2b1a09', sceneId: '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b', hookId: 'nosuchhook1', secret: 'nosuchsecret1' };

const sampleOf = (p: Param): string => (p.schema.examples?.[0] as string | undefined) ?? (PARAM_FALLBACKS[p.name] as string);

/** The operation's path with its sample parameters, `raw` (already percent-encoded) replacing some. */
function pathWith(op: Operation, raw: Record<string, string> = {}): string {
  const byName = new Map(op.params.map((p) => [p.name, p]));
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => raw[name] ?? encode(sampleOf(byName.get(name) as Param)));
}

// ---- Wrong values, from a schema --------------------------------------------------------------

/** An object with `key` as an own property, even `__proto__`. */
function withKey(base: Json, key: string, value: unknown): Json {
  const out: Json = {};
  for (const k of Object.keys(base)) Object.defineProperty(out, k, { value: base[k], enumerable: true, writable: true, configurable: true });
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

function withoutKey(base: Json, key: string): Json {
  const out: Json = {};
  for (const k of Object.keys(base)) if (k !== key) Object.defineProperty(out, k, { value: base[k], enumerable: true, writable: true, configurable: true });
  return out;
}

const TRICKY_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '\u0000', 'type'];

/** Text no check should take: control characters, lone surrogates, bidi marks, markup, huge. */
const nastyText = fc.oneof(
  fc.constantFrom('', ' ', '\t\n', '\u0000', 'a\u0000b', '\u001b[31m', '\u007f', '\u0085', '\uD800', '\uDC00x', 'x\uDBFF', '\u202e', '\uFEFF', '<script>', '%00', '../..', '${x}', '__proto__'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 65, max: 4000 }).map((n) => 'x'.repeat(n)),
);

/** A value of another JSON type than the schema's. */
function wrongType(schema: Json): fc.Arbitrary<unknown> {
  const all: Array<[string, unknown]> = [
    ['null', null],
    ['boolean', true],
    ['boolean', false],
    ['integer', 0],
    ['integer', -1],
    ['number', 1.5],
    ['number', -1e308],
    ['string', 'text'],
    ['string', ''],
    ['array', []],
    ['array', [1, 'a', null]],
    ['object', {}],
    ['object', { a: 1 }],
  ];
  const type = schema.type as string | undefined;
  const others = all.filter(([t]) => type === undefined || (t !== type && !(type === 'number' && t === 'integer'))).map(([, v]) => v);
  return fc.constantFrom(...others);
}

/** Arrays nested `depth` deep, or objects, as values (the test's own tools recurse, so these stay shallow enough for them). */
const deepNesting = fc.integer({ min: 50, max: 1000 }).chain((depth) =>
  fc.constantFrom(JSON.parse('['.repeat(depth) + ']'.repeat(depth)) as unknown, JSON.parse('{"a":'.repeat(depth) + '1' + '}'.repeat(depth)) as unknown),
);

/** A large array that still fits in the body limit. */
const hugeArray = fc.integer({ min: 1000, max: 12_000 }).chain((n) => fc.constantFrom<unknown>(new Array(n).fill(0), new Array(n).fill('1000000001'), new Array(n).fill({})));

function wrongString(schema: Json): fc.Arbitrary<unknown> {
  const example = (schema.examples?.[0] as string | undefined) ?? 'abc';
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema), nastyText];
  if (typeof schema.maxLength === 'number') options.push(fc.integer({ min: schema.maxLength + 1, max: schema.maxLength + 200 }).map((n) => example.padEnd(n, 'x')));
  if (typeof schema.minLength === 'number' && schema.minLength > 0) options.push(fc.constant(example.slice(0, schema.minLength - 1)));
  if (schema.pattern || schema.format) options.push(fc.tuple(fc.nat({ max: example.length }), fc.constantFrom(' ', '/', '\u0000', '\uD800', '\n', '@', '%', '.', 'é', '😀', 'Z', ':', '+')).map(([at, c]) => example.slice(0, at) + c + example.slice(at)));
  if (schema.format) options.push(fc.constantFrom('2024-13-01T00:00:00Z', '1969-12-31T23:59:59Z', '2024-02-30T00:00', '24:00', '07:60', '2024-05-01', 'now', 'T', '9999-99-99T99:99'));
  if ('const' in schema) options.push(fc.constantFrom(String(schema.const).toUpperCase(), ` ${schema.const}`, `${schema.const}\u0000`));
  return fc.oneof(...options);
}

function wrongNumber(schema: Json): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema), fc.constantFrom(1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 31))];
  if (typeof schema.minimum === 'number') options.push(fc.constantFrom(schema.minimum - 1, schema.minimum - 0.5, schema.minimum - 1e9));
  if (typeof schema.maximum === 'number') options.push(fc.constantFrom(schema.maximum + 1, schema.maximum + 0.5, schema.maximum + 1e9));
  if (schema.type === 'integer') options.push(fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)), fc.constantFrom('1', '0x10'));
  return fc.oneof(...options);
}

function wrongArray(schema: Json, depth: number): fc.Arbitrary<unknown> {
  const items = ref(schema.items ?? {});
  const good = validSample(items);
  const options: fc.Arbitrary<unknown>[] = [wrongType(schema), hugeArray];
  if (typeof schema.maxItems === 'number') options.push(fc.integer({ min: schema.maxItems + 1, max: schema.maxItems + 30 }).map((n) => Array.from({ length: n }, (_, i) => (typeof good === 'string' ? `${good}${i}` : good))));
  if (typeof schema.minItems === 'number' && schema.minItems > 0) options.push(fc.constant([]));
  if (schema.uniqueItems && good !== undefined) options.push(fc.constant([good, good]));
  if (depth < 4) options.push(wrongValue(items, depth + 1).map((bad) => (good === undefined ? [bad] : [good, bad])));
  return fc.oneof(...options);
}

function wrongObject(schema: Json, depth: number): fc.Arbitrary<unknown> {
  const base = (validSample(schema) ?? {}) as Json;
  const props = Object.entries((schema.properties ?? {}) as Record<string, Json>);
  const required = (schema.required ?? []) as string[];
  const options: fc.Arbitrary<unknown>[] = [
    wrongType(schema),
    fc.tuple(fc.oneof(fc.constantFrom(...TRICKY_KEYS), fc.string({ maxLength: 12 })), fc.oneof(fc.jsonValue({ maxDepth: 2 }), deepNesting)).map(([key, value]) => withKey(base, key, value)),
    deepNesting.map((value) => withKey(base, props[0]?.[0] ?? 'a', value)),
  ];
  if (required.length > 0) options.push(fc.constantFrom(...required).map((key) => withoutKey(base, key)));
  if (props.length > 0 && depth < 4) options.push(fc.constantFrom(...props).chain(([key, prop]) => wrongValue(prop, depth + 1).map((bad) => withKey(withoutKey(base, key), key, bad))));
  if (schema.patternProperties) options.push(fc.constantFrom('-1', '100', '01', 'x', '__proto__', '1.0', ' 1').map((key) => withKey({}, key, 'Name')));
  if (typeof schema.minProperties === 'number' && schema.minProperties > 0) options.push(fc.constant({}));
  return fc.oneof(...options);
}

/** A value the schema is meant to refuse (mostly: callers keep only what the validator refuses). */
function wrongValue(raw: Json, depth = 0): fc.Arbitrary<unknown> {
  const schema = ref(raw);
  if (Array.isArray(schema.anyOf)) return fc.oneof(wrongType({}), ...schema.anyOf.map((member: Json) => wrongValue(member, depth + 1)));
  switch (schema.type) {
    case 'object':
      return wrongObject(schema, depth);
    case 'array':
      return wrongArray(schema, depth);
    case 'string':
      return wrongString(schema);
    case 'integer':
    case 'number':
      return wrongNumber(schema);
    default:
      return wrongType(schema);
  }
}

/** A value the schema takes, as its examples show, for building around a wrong part. */
function validSample(raw: Json): unknown {
  const schema = ref(raw);
  if (schema.examples?.length) return structuredClone(schema.examples[0]);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.anyOf)) return validSample(schema.anyOf[0] as Json);
  if (schema.type === 'object') {
    const out: Json = {};
    for (const key of (schema.required ?? []) as string[]) out[key] = validSample(schema.properties[key] as Json);
    return out;
  }
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 0;
  if (schema.type === 'string') return 'a'.repeat(Math.max(1, schema.minLength ?? 1));
  return undefined;
}

/** Small edits of a valid example: each leaf path can be dropped, retyped, stretched or blanked. */
function mutatedExample(schema: Json): fc.Arbitrary<unknown> {
  const example = validSample(schema);
  const leaves: string[][] = [];
  const walk = (value: unknown, at: string[]) => {
    if (at.length > 0) leaves.push(at);
    if (value && typeof value === 'object') for (const key of Object.keys(value)) walk((value as Json)[key], [...at, key]);
  };
  walk(example, []);
  if (leaves.length === 0) return fc.constant(example);
  const edit = fc.constantFrom<(v: unknown) => unknown>(
    () => undefined,
    (v) => (typeof v === 'number' ? -v - 1 : typeof v === 'string' ? Number(v) || v.length : String(v)),
    (v) => (typeof v === 'string' ? v.repeat(80) : typeof v === 'number' ? v * 1e6 : [v]),
    (v) => (typeof v === 'string' ? `${v}\u0000` : typeof v === 'number' ? v + 0.5 : null),
    (v) => (Array.isArray(v) ? [...v, ...v] : typeof v === 'string' ? v.toUpperCase().replace(/[A-Z]/g, '!') : {}),
  );
  return fc.tuple(fc.constantFrom(...leaves), edit).map(([at, change]) => {
    const copy = structuredClone(example) as Json;
    let parent = copy;
    for (const key of at.slice(0, -1)) parent = parent[key];
    const last = at[at.length - 1] as string;
    const next = change(parent[last]);
    if (next === undefined) {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else parent[last] = next;
    return copy;
  });
}

/** JSON text nested far deeper than any value the test handles itself: a parser or checker that recurses may overflow. */
const deepText = fc.tuple(fc.integer({ min: 1000, max: 30_000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => {
  const inner = open === '[' ? '['.repeat(depth) + ']'.repeat(depth) : open.repeat(depth) + '1' + '}'.repeat(depth);
  return `{"__deep":${inner}}`;
});

/** Text that is not one JSON value, or is JSON of the wrong kind altogether. */
const notJson = fc.oneof(
  deepText,
  fc.constantFrom('{', '}', '{"a":1,}', "{'a':1}", 'nul', 'undefined', 'NaN', '[1,2', '"\\u12"', '\uFEFF{}', '{"a":1}{"b":2}', '\u0000', '// nothing', '1e400', '-', '"', ' '),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES + 4096 }).map((n) => `{"name":"${'x'.repeat(n)}"}`),
);

// ---- Wrong path parameters and queries -------------------------------------------------------

/** Path segments as sent (already percent-encoded): malformed escapes, dot segments, names of prototype members, over-long. */
function wrongSegment(p: Param): fc.Arbitrary<string> {
  const sample = sampleOf(p);
  return fc.oneof(
    fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%00', '%2F', '%2f..', '%5C', '%2e', '%2E%2E', '.%2e', '.', '..', '%20', '%09', '%0A', '%3F', '%23', '~', '*', '%25', '%2525'),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'undefined', 'null', 'NaN'),
    fc.integer({ min: 65, max: 3000 }).map((n) => sample.padEnd(n, '9')),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((text) => encode(text)),
    fc.tuple(fc.nat({ max: sample.length }), fc.constantFrom('%20', '%00', '%2F', '.', '%40', '%E2%80%AE', '!', "'", '%22')).map(([at, bad]) => encode(sample.slice(0, at)) + bad + encode(sample.slice(at))),
  );
}

const queryText = (entries: Array<[string, string]>) => entries.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');

/** A query with at least one parameter its schema refuses (a value or an unknown name), the rest sampled. */
function wrongQuery(params: Param[]): fc.Arbitrary<string> {
  const good = params.flatMap((p): Array<[string, string]> => (p.schema.examples?.length ? [[p.name, String(p.schema.examples[0])]] : []));
  const badValue = fc.constantFrom(...params).chain((p) =>
    fc
      .oneof(wrongValue(p.schema), fc.constantFrom('', ' 1', '1 ', '+1', '1e3', '0x10', '١', 'true', '[]', '%'))
      .map((v): [string, string] => [p.name, typeof v === 'string' ? v : JSON.stringify(v) ?? ''])
      .filter(([, text]) => schemaErrors(p.schema, queryValue(p, text)) !== undefined),
  );
  const declared = new Set(params.map((p) => p.name));
  const badName = fc
    .oneof(fc.constantFrom('__proto__', 'constructor', 'toString', 'x', 'PAGE', 'page[]', ''), fc.string({ maxLength: 10 }))
    .filter((name) => !declared.has(name))
    .map((name): [string, string] => [name, '1']);
  return fc.tuple(fc.subarray(good), fc.oneof(badValue, badName)).map(([some, bad]) => queryText([...some.filter(([k]) => k !== bad[0]), bad]));
}

// ---- Cases -------------------------------------------------------------------------------------

interface Case {
  what: string;
  method: string;
  path: string;
  raw?: string;
  auth?: boolean | string;
  /**
   * The document refuses the input: it must be answered 4xx before the route does anything,
   * so nothing reaches the cloud. Input the document takes (an id no thing has, say) may be
   * looked up, in the cloud too, before its 4xx.
   */
  refused: boolean;
  /** No answer but a 4xx will do (otherwise: anything but 5xx). */
  mustFail: boolean;
  /** The body is sent as a form. */
  form?: boolean;
  /** A voice assistant's route, which judges its message itself: its refusals are the assistant's own message. */
  assistant?: boolean;
  /** Headers sent besides (an `Idempotency-Key`). */
  headers?: Record<string, string>;
}

/**
 * `Idempotency-Key` values its schema refuses, as they travel in a header: empty, too long, or
 * with a character that is not visible ASCII inside (HTTP drops whitespace at the ends), a
 * character beyond ASCII sent as its UTF-8 bytes.
 */
const badIdempotencyKey = fc.oneof(
  fc.constantFrom('', 'has space', 'tab\there', 'x'.repeat(256), 'ключ', 'clé', 'a\u00a0b', `${'k'.repeat(200)} ${'k'.repeat(54)}`),
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom('a', 'Z', '9', '-', '_', '~', '!') }), fc.constantFrom(' ', '\t', 'é', 'ÿ', '\u00a0', '\u0080'), fc.string({ minLength: 1, maxLength: 20 , unit: fc.constantFrom('a', '0', '.') }))
    .map(([before, bad, after]) => `${before}${bad}${after}`),
  fc.integer({ min: 256, max: 2000 }).map((n) => 'k'.repeat(n)),
).map((key) => Buffer.from(key, 'utf8').toString('latin1'));

/** Messages an assistant's route gets wrong: any JSON, deep or huge, and fulfillment requests gone wrong. */
const anyMessage = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  deepNesting,
  hugeArray,
  fc.record({ requestId: fc.oneof(fc.string({ maxLength: 200 }), fc.jsonValue({ maxDepth: 1 })), inputs: fc.oneof(fc.array(fc.record({ intent: fc.oneof(fc.constantFrom('action.devices.SYNC', 'action.devices.QUERY', 'action.devices.EXECUTE', 'action.devices.DISCONNECT'), fc.string()), payload: fc.jsonValue({ maxDepth: 3 }) }), { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })) }),
);

/** Whether the JSON text is a body the schema takes. */
function takenBody(schema: Json, raw: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return false;
  }
  return raw.trim() !== '' && schemaErrors(schema, value) === undefined;
}

/** Whether a raw path segment, decoded as the router decodes it, is one the parameter's schema takes. */
function takenSegment(p: Param, segment: string): boolean {
  let text: string;
  try {
    text = decodeURIComponent(segment);
  } catch {
    return false;
  }
  return text !== '.' && text !== '..' && text !== '' && schemaErrors(p.schema, text) === undefined;
}

/** A query value as the router reads it: a plain numeral is a number where the schema wants one. */
function queryValue(p: Param, text: string): unknown {
  if (p.schema.type === 'integer' && /^-?\d{1,15}$/.test(text)) return Number(text);
  if (p.schema.type === 'number' && /^-?\d{1,15}(\.\d{1,15})?$/.test(text)) return Number(text);
  return text;
}

/** A body the document refuses, as JSON text; undefined when the generator happened to build a valid one. */
function refusedBody(schema: Json, value: unknown): string | undefined {
  if (schemaErrors(schema, value) === undefined) return undefined;
  return JSON.stringify(value);
}

/** A value as a form's text: an object's fields (a field that is not text, as JSON); anything else as JSON text, which a form reader takes for a field's name. */
function formText(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return JSON.stringify(value) ?? '';
  return new URLSearchParams(Object.entries(value as Json).map(([name, field]): [string, string] => [name, typeof field === 'string' ? field : (JSON.stringify(field) ?? '')])).toString();
}

/** Whether form text is a body the schema takes, read as the router reads it: each field once, as text. */
function takenForm(schema: Json, raw: string): boolean {
  if (raw.trim() === '') return false;
  const fields: Json = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (Object.hasOwn(fields, name)) return false;
    Object.defineProperty(fields, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return schemaErrors(schema, fields) === undefined;
}

/** Form text built to be wrong: a field twice, fields with nothing in them, escapes that do not decode. */
const notForm = fc.oneof(
  notJson,
  fc.constantFrom('grant_type=authorization_code&grant_type=refresh_token', '=', '&&&', 'a', '%', '%ZZ=1', '__proto__=1', 'constructor=x&constructor=y', 'decision=approve', 'grant_type=', 'grant_type=%00'),
);

/** The cases of a form body: whatever is sent, the router's reading of it says whether it is refused. */
function formCases(op: Operation, label: string, schema: Json): Array<fc.Arbitrary<Case>> {
  const formCase = (what: string) => (raw: string): Case => {
    const refused = !takenForm(schema, raw);
    return { what: `${label}: ${what}`, method: op.method, path: pathWith(op), raw, form: true, refused, mustFail: refused };
  };
  return [wrongValue(schema).map(formText).map(formCase('wrong form')), mutatedExample(schema).map(formText).map(formCase('mutated example')), notForm.map(formCase('not a form'))];
}

function casesFor(op: Operation): Array<fc.Arbitrary<Case>> {
  const label = `${op.method} ${op.path}`;
  const example = op.body ? (op.form ? formText(validSample(op.body)) : JSON.stringify(validSample(op.body))) : undefined;
  const form = op.form;
  const out: Array<fc.Arbitrary<Case>> = [];
  if (op.body && op.form) out.push(...formCases(op, label, op.body));
  else if (op.body && ref(op.body).type === undefined && !ref(op.body).anyOf) {
    const schema = op.body;
    // A body of any JSON (an assistant's message): without the assistant's token, whatever it says is refused, in the assistant's terms.
    out.push(
      anyMessage.map((value) => ({ what: `${label}: any message`, method: op.method, path: pathWith(op), raw: JSON.stringify(value), refused: false, mustFail: true, assistant: true })),
      notJson.map((raw) => {
        // Some of these are JSON after all (deeply nested), and a blank body is no message at all: the route judges both itself.
        const judged = takenBody(schema, raw) || raw.trim() === '';
        return { what: `${label}: not JSON`, method: op.method, path: pathWith(op), raw, refused: !judged, mustFail: true, assistant: judged };
      }),
    );
  } else if (op.body) {
    const schema = op.body;
    out.push(
      wrongValue(schema).map((v) => refusedBody(schema, v)).filter((raw): raw is string => raw !== undefined).map((raw) => ({ what: `${label}: wrong body`, method: op.method, path: pathWith(op), raw, refused: true, mustFail: true })),
      mutatedExample(schema).map((v) => refusedBody(schema, v)).filter((raw): raw is string => raw !== undefined).map((raw) => ({ what: `${label}: mutated example`, method: op.method, path: pathWith(op), raw, refused: true, mustFail: true })),
      notJson.map((raw) => {
        const refused = !takenBody(schema, raw);
        return { what: `${label}: not JSON`, method: op.method, path: pathWith(op), raw, refused, mustFail: refused };
      }),
    );
  }
  if (op.params.length > 0) {
    out.push(
      fc.constantFrom(...op.params).chain((p) =>
        wrongSegment(p).map((segment) => {
          // A segment the schema takes, once decoded, is the handler's to judge: mostly a 404 (a hook's 401), but revoking a share no one has is a 204.
          const refused = !takenSegment(p, segment);
          return { what: `${label}: wrong {${p.name}}`, method: op.method, path: pathWith(op, { [p.name]: segment }), raw: example, form, refused, mustFail: refused };
        }),
      ),
    );
  }
  if (op.query.length > 0) {
    out.push(wrongQuery(op.query).map((query) => ({ what: `${label}: wrong query`, method: op.method, path: `${pathWith(op)}?${query}`, raw: example, form, refused: true, mustFail: true })));
  }
  if (op.idempotencyKey) {
    const schema = op.idempotencyKey;
    // The route's example body, as it would act on it: only the key is wrong, and the route must not act.
    out.push(
      badIdempotencyKey
        .filter((key) => schemaErrors(schema, key) !== undefined)
        .map((key) => ({ what: `${label}: bad Idempotency-Key`, method: op.method, path: pathWith(op), raw: example, form, headers: { 'idempotency-key': key }, refused: true, mustFail: true })),
    );
  }
  if (op.auth) {
    out.push(
      fc.constantFrom<boolean | string>(false, 'wrong-key', 'x'.repeat(300), '%00', 'Bearer').map((auth) => ({ what: `${label}: bad API key`, method: op.method, path: pathWith(op), raw: example, form, auth, refused: true, mustFail: true })),
    );
  }
  if (op.method === 'GET') {
    // Reads take no body and may take no query: a stray one must not upset them.
    out.push(
      fc.tuple(fc.oneof(notJson, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v))), fc.constantFrom('', '?__proto__=1', '?constructor=x&constructor=y', '?%ZZ=1', '?a=%ZZ')).map(([raw, query]) => ({
        what: `${label}: stray body`,
        method: op.method,
        path: `${pathWith(op)}${op.query.length > 0 ? '' : query}`,
        raw,
        refused: false,
        mustFail: false,
      })),
    );
  }
  return out;
}

const allCases = operations.flatMap(casesFor);

/** Whether the document says the case's status is answered with an OAuth error (the token endpoint's, but for refusals before routing). */
function oauthRefusal(c: Case, status: number): boolean {
  const op = operations.find((o) => o.method === c.method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, '[^/]+')}(\\?|$)`).test(c.path));
  const response = op && doc.paths[op.path]?.[op.method.toLowerCase()]?.responses?.[status];
  return response?.content?.['application/json']?.schema?.$ref === '#/components/schemas/OAuthError';
}

// ---- The stack, and counting writes ------------------------------------------------------------

/**
 * Calls the API with the path sent byte for byte. A client that parses the URL first (as `fetch` and undici's
 * `request(url)` do) resolves `.`, `..`, `%2e` segments itself, so the bridge would never see the paths meant for it.
 */
function rawCaller(url: string, apiKey: string): ((method: string, path: string, options?: CallOptions & { form?: boolean }) => Promise<ApiAnswer>) & { close(): Promise<void> } {
  const pool = new Pool(url, { connections: 4 });
  const callRaw = async (method: string, path: string, { body, raw, auth = true, form = false, headers: extra = {} }: CallOptions & { form?: boolean } = {}): Promise<ApiAnswer> => {
    const headers: Record<string, string> = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...extra };
    if (auth) headers.authorization = `Bearer ${auth === true ? apiKey : auth}`;
    const res = await pool.request({ method: method as 'GET', path, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
    const text = await res.body.text();
    const type = res.headers['content-type'];
    return { status: res.statusCode, body: answerBody(text, type), text, contentType: Array.isArray(type) ? type[0] : type };
  };
  return Object.assign(callRaw, { close: () => pool.close() });
}

const WRITE_COMMAND = /^(Put|Update|Delete|BatchWrite|TransactWrite|ExecuteStatement|ExecuteTransaction|BatchExecuteStatement)/;
/** The rate limit's own bookkeeping: the bucket of the key or hook, and its last use. Nothing else is written this way. */
const METERING = /^SET #(fullAt|lastUsedAt) = (:next|#fullAt \+ :interval|:now)$/;

/** Whether a write only spends a rate-limit token or records a last use (see lib/store/buckets.ts). */
function isMetering(commandName: string, input: any): boolean {
  if (commandName.startsWith('Update')) return METERING.test(String(input?.UpdateExpression));
  if (commandName.startsWith('TransactWrite')) return (input?.TransactItems ?? []).every((item: any) => item.Update && METERING.test(String(item.Update.UpdateExpression)));
  return false;
}

/**
 * The table without the rate limit's bookkeeping, for comparing before and after. Sign-ins
 * started through the login page are left out too: `GET /ewelink/oauth/start` takes any call
 * with a good key (it has no input to refuse), and each call it takes stores one, which the
 * table's TTL removes after 10 minutes.
 */
async function tableState(): Promise<string> {
  const items = (await scanTable(h.table)).filter((item) => !String(item.pk).startsWith('ONCE#ewelink-state#'));
  return JSON.stringify(items.map(({ fullAt: _fullAt, lastUsedAt: _lastUsedAt, ...item }) => item));
}

let h: Harness;
let call: ReturnType<typeof rawCaller>;
let writes = 0;
let meteringWrites = 0;
let tableBefore: string;
const writeCounter = 'fuzzWriteCounter';

function stackOf(): MiddlewareStack<any, any> {
  return h.table.documentClient.middlewareStack as unknown as MiddlewareStack<any, any>;
}

beforeAll(async () => {
  // An id the schema takes but the account lacks may fetch one fresh device list (and store it) before its 404, by
  // design, at most every 30 s: turned off here, so every 4xx of the run can be held to no cloud call and no write.
  h = await startHarness({ tuning: { missRefetchMs: Number.POSITIVE_INFINITY } });
  call = rawCaller(h.url, h.apiKey);
  // The bridge's store and the harness's table share the process's one client for the endpoint: every write passes here.
  stackOf().add(
    (next, context) =>
      async function countWrite(args) {
        const name = String(context.commandName ?? '');
        if (isMetering(name, args.input)) meteringWrites += 1;
        else if (WRITE_COMMAND.test(name)) writes += 1;
        return next(args);
      },
    { step: 'initialize', name: writeCounter },
  );
  // The device list cached and fresh, so lookups of unknown devices need no cloud.
  const listed = await call('GET', '/devices');
  if (listed.status !== 200) throw new Error(`GET /devices: ${listed.status} ${listed.text}`);
  // The socket open, so the dispatch answer is in the table already: a command that goes through does not write it mid-run.
  await warmSocket(h);
  tableBefore = await tableState();
});

afterAll(async () => {
  if (h) stackOf().remove(writeCounter);
  await call?.close();
  await h?.close();
});

describe('fuzzing every route with wrong input', () => {
  it('counts a real write of the bridge', async () => {
    // Prepare
    const before = writes;
    // Act
    const made = await h.bridge.apiKeys.create('fuzz-check', { label: 'counted' });
    await h.parts.store.apiKeys.revoke('fuzz-check', made.id);
    // Assess
    expect(writes).toBeGreaterThan(before);
    tableBefore = await tableState();
  });

  it(`covers every operation of the document`, () => {
    const labels = new Set(operations.map((op) => `${op.method} ${op.path}`));
    expect(labels.size).toBe(operations.length);
    expect(operations.length).toBeGreaterThan(25);
    for (const op of operations) expect(casesFor(op).length, `${op.method} ${op.path}`).toBeGreaterThan(0);
  });

  it(`never answers 5xx, and a 4xx touches neither the cloud nor the table (${RUNS} cases, seed ${SEED})`, { timeout: 120_000 }, async () => {
    console.log(`fuzz: ${RUNS} cases, seed ${SEED}${PATH ? `, path ${PATH}` : ''} (replay: FUZZ_SEED=${SEED} npx vitest run test/adapters/http/fuzz.test.ts)`);
    const started = Date.now();
    const statuses = new Map<number, number>();
    const property = fc.asyncProperty(fc.oneof(...allCases), async (c) => {
      h.sim.stats.reset();
      const writesBefore = writes;
      const meteringBefore = meteringWrites;
      const answer = await call(c.method, c.path, { raw: c.raw, auth: c.auth, form: c.form, headers: c.headers });
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      const seen = `${c.what}: ${c.method} ${c.path.slice(0, 200)} ${String(c.raw).slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
      expect(answer.status, seen).toBeLessThan(500);
      if (c.mustFail) expect(answer.status, seen).toBeGreaterThanOrEqual(400);
      if (answer.status >= 400) {
        if (c.refused) expect(cloudTraffic(h), `cloud traffic on refused input: ${seen}`).toBe(0);
        expect(writes - writesBefore, `a table write on a 4xx: ${seen}`).toBe(0);
        // Input the document refuses is refused before the API key's limit is spent; input it takes (an unknown id) spends one call of it, as any call does.
        if (c.refused) expect(meteringWrites - meteringBefore, `a rate-limit token spent on refused input: ${seen}`).toBe(0);
        // A page route (the OAuth callback) answers its refusals as pages, which carry the same error for programs.
        expect(answer.contentType, seen).toMatch(/^(application\/json|text\/html)/);
        // The token endpoint's refusals are RFC 6749's `{error, error_description}`, as its document says; every other one the bridge's error.
        if (oauthRefusal(c, answer.status)) expect(answer.body, seen).toMatchObject({ error: expect.any(String), error_description: expect.any(String) });
        else if (c.assistant && answer.status !== 413) expect(answer.body, seen).toMatchObject({ requestId: expect.any(String), payload: { errorCode: expect.any(String) } });
        else expect(answer.body?.error, seen).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
      }
    });
    try {
      await fc.assert(property, { numRuns: RUNS, seed: SEED, path: PATH, includeErrorInReport: true });
    } catch (err) {
      throw new Error(`fuzz failed with seed ${SEED}; replay with FUZZ_SEED=${SEED} (and FUZZ_PATH from the report below)\n${(err as Error).message}`);
    }
    console.log(`fuzz: ${RUNS} cases in ${Date.now() - started} ms; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    // Assess: the table as it was, item for item.
    expect(await tableState()).toBe(tableBefore);
  });
});
