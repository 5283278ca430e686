import { CloudAuthRefused, CloudUnavailable, DeviceOffline, DeviceRefused, DomainError, InvalidInput, NotFound, toDomainError } from '../../errors';

/** The per-device error codes the bridge answers with (a subset of Google's). */
export type GoogleErrorCode = 'deviceOffline' | 'deviceNotFound' | 'valueOutOfRange' | 'notSupported' | 'transientError';

/** A command the adapter refuses before any domain call: a trait the device lacks, a value out of range. */
export class GoogleProblem extends Error {
  override name = 'GoogleProblem';
  constructor(
    readonly code: GoogleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const notSupported = (why: string) => new GoogleProblem('notSupported', why);
export const valueOutOfRange = (why: string) => new GoogleProblem('valueOutOfRange', why);

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * Each domain error's Google code: the one table the adapter answers by. What is not listed
 * (the cloud or the table unreachable, the eWeLink link refused) is `transientError`: nothing
 * the person can change by asking differently.
 */
export const DOMAIN_GOOGLE_CODE: ReadonlyArray<readonly [ErrorClass, GoogleErrorCode]> = [
  [DeviceOffline, 'deviceOffline'],
  [NotFound, 'deviceNotFound'],
  [InvalidInput, 'valueOutOfRange'],
  [DeviceRefused, 'notSupported'],
  [CloudUnavailable, 'transientError'],
  [CloudAuthRefused, 'transientError'],
];

/**
 * The Google code for any failure of one device's query or command, and whether it is internal
 * (worth logging in full).
 *
 * @example
 * googleErrorCode(new DeviceOffline('…')) // { code: 'deviceOffline', internal: false }
 */
export function googleErrorCode(err: unknown): { code: GoogleErrorCode; internal: boolean } {
  if (err instanceof GoogleProblem) return { code: err.code, internal: false };
  const known = toDomainError(err);
  const code = known && DOMAIN_GOOGLE_CODE.find(([kind]) => known instanceof kind)?.[1];
  return code ? { code, internal: false } : { code: 'transientError', internal: known === undefined };
}
