import type { NoteDeviation } from './deviations';
import { Refusal } from './errors';

export type Fields = Record<string, unknown>;

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cloud treats `null` and `''` as if the field were not sent. */
export function field(source: Fields, name: string): unknown {
  const value = source[name];
  return value === null || value === '' ? undefined : value;
}

export function optionalString(source: Fields, name: string): string | undefined {
  const value = field(source, name);
  if (value !== undefined && typeof value !== 'string') throw new Refusal(400, `${name} must be a string`);
  return value;
}

export function requiredString(source: Fields, name: string): string {
  const value = optionalString(source, name);
  if (value === undefined) throw new Refusal(400, `${name} is required`);
  return value;
}

const NONCE = /^[A-Za-z0-9]{8}$/;
/** Shorter than the spec's 8, which the real cloud took all the same. */
const SHORT_NONCE = /^[A-Za-z0-9]{1,7}$/;
const DIGITS = /^\d+$/;
/** A `ts` above this is milliseconds, not the seconds the spec asks for. */
const LAST_SECOND = 1e11;

export function isNonce(value: unknown): boolean {
  return typeof value === 'string' && NONCE.test(value);
}

export function isSecondsTimestamp(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < LAST_SECOND;
}

/**
 * Checks appid, nonce, ts and version, which every call carries: typed JSON values in a
 * body, numeric strings in a query. Missing or mistyped → 400 naming the field; an appid
 * the cloud does not know → 406. Two breaches the real cloud let through are let through
 * here too and noted: a nonce shorter than 8 characters, and a GET without a nonce.
 */
export function checkCommonParams(source: Fields, method: string, knownAppId: string, note: NoteDeviation): void {
  const where = method === 'POST' || method === 'PUT' ? 'body' : 'query';
  const appid = field(source, 'appid');
  if (appid === undefined) throw new Refusal(400, `appid is missing from the ${where}`);
  if (typeof appid !== 'string') throw new Refusal(400, 'appid must be a string');

  const nonce = field(source, 'nonce');
  if (nonce === undefined) {
    if (method !== 'GET') throw new Refusal(400, `nonce is missing from the ${where}`);
    note('nonce-missing', 'the query carries no nonce');
  } else if (!isNonce(nonce)) {
    if (!(typeof nonce === 'string' && SHORT_NONCE.test(nonce))) throw new Refusal(400, 'nonce must be 8 letters or digits');
    note('nonce-length', `the nonce "${nonce}" has ${nonce.length} characters, not 8`);
  }

  for (const name of ['ts', 'version'] as const) {
    const raw = field(source, name);
    if (raw === undefined) throw new Refusal(400, `${name} is missing from the ${where}`);
    const value = numberIn(raw, where);
    if (value === undefined) {
      throw new Refusal(400, where === 'body' ? `${name} must be a JSON number` : `${name} must be a number`);
    }
    if (name === 'ts' && !isSecondsTimestamp(value)) throw new Refusal(400, 'ts must be a whole number of seconds');
    if (name === 'version' && value !== 8) throw new Refusal(400, 'version must be 8');
  }

  if (appid !== knownAppId) throw new Refusal(406, 'appid is not known (authentication failed)');
}

function numberIn(raw: unknown, where: 'body' | 'query'): number | undefined {
  if (where === 'body') return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
  return typeof raw === 'string' && DIGITS.test(raw) ? Number(raw) : undefined;
}

/** A string that must be sent but may be empty, like a rename's `group: ""`. */
export function presentString(source: Fields, name: string): string {
  const value = source[name];
  if (value === undefined || value === null) throw new Refusal(400, `${name} is required (it may be "")`);
  if (typeof value !== 'string') throw new Refusal(400, `${name} must be a string`);
  return value;
}

export function optionalNumber(source: Fields, name: string): number | undefined {
  const value = field(source, name);
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value))) throw new Refusal(400, `${name} must be a JSON number`);
  return value;
}

export function requiredInteger(source: Fields, name: string): number {
  const value = optionalNumber(source, name);
  if (value === undefined) throw new Refusal(400, `${name} is required`);
  if (!Number.isInteger(value)) throw new Refusal(400, `${name} must be a whole number`);
  return value;
}

/**
 * A whole number ≥ 0 sent as a JSON number or as a string of digits: the spec types the
 * history query's numbers both ways (startTime long, endTime/pageSize/currentPage string).
 */
export function optionalCount(source: Fields, name: string): number | undefined {
  const value = field(source, name);
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  throw new Refusal(400, `${name} must be a whole number (a JSON number or a string of digits)`);
}

/** A number that must be sent: a JSON number in a body, its digits in a query. */
function presentNumber(source: Fields, name: string, where: 'body' | 'query', missing: string): number {
  const value = field(source, name);
  if (value === undefined) throw new Refusal(400, missing);
  const number = numberIn(value, where);
  if (number === undefined) throw new Refusal(400, where === 'body' ? `${name} must be a JSON number` : `${name} must be a number`);
  return number;
}

/**
 * A field whose value the spec fixes, like `groupType: 0`: a JSON number in a body, its
 * digits in a query.
 */
export function fixedNumber(source: Fields, name: string, expected: number, where: 'body' | 'query'): void {
  const number = presentNumber(source, name, where, `${name} is required (always ${expected})`);
  if (number !== expected) throw new Refusal(400, `${name} must be ${expected}`);
}

/** One of a few numbers, like a v2 thing's `type` (1 device, 2 group): a JSON number in a body, its digits in a query. */
export function requiredChoice<N extends number>(source: Fields, name: string, allowed: readonly N[], where: 'body' | 'query'): N {
  const number = presentNumber(source, name, where, `${name} is required`);
  if (!(allowed as readonly number[]).includes(number)) throw new Refusal(400, `${name} must be ${allowed.join(' or ')}`);
  return number as N;
}

/** `0` or `1`, as a JSON number in a body or as a digit in a query. */
export function optionalFlag(source: Fields, name: string, where: 'body' | 'query'): 0 | 1 | undefined {
  const value = field(source, name);
  if (value === undefined) return undefined;
  const number = numberIn(value, where);
  if (number !== 0 && number !== 1) throw new Refusal(400, `${name} must be 0 or 1`);
  return number;
}
