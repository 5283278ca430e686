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
 * the cloud does not know → 406.
 */
export function checkCommonParams(source: Fields, where: 'body' | 'query', knownAppId: string): void {
  const appid = field(source, 'appid');
  if (appid === undefined) throw new Refusal(400, `appid is missing from the ${where}`);
  if (typeof appid !== 'string') throw new Refusal(400, 'appid must be a string');

  const nonce = field(source, 'nonce');
  if (nonce === undefined) throw new Refusal(400, `nonce is missing from the ${where}`);
  if (!isNonce(nonce)) throw new Refusal(400, 'nonce must be 8 letters or digits');

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
