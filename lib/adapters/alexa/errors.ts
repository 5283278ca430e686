import {
  AccountNotLinked,
  CloudAuthRefused,
  CloudBusy,
  CloudTimeout,
  CloudUnavailable,
  DeviceOffline,
  DeviceRefused,
  DomainError,
  InvalidInput,
  NotConfigured,
  NotFound,
  OutcomeUnknown,
  RateLimited,
  StoreUnavailable,
  toDomainError,
} from '../../errors';

/** The ErrorResponse types the bridge answers with (a subset of Alexa's). */
export type AlexaErrorType =
  | 'ENDPOINT_UNREACHABLE'
  | 'NO_SUCH_ENDPOINT'
  | 'VALUE_OUT_OF_RANGE'
  | 'INVALID_VALUE'
  | 'INVALID_DIRECTIVE'
  | 'INVALID_AUTHORIZATION_CREDENTIAL'
  | 'EXPIRED_AUTHORIZATION_CREDENTIAL'
  | 'BRIDGE_UNREACHABLE'
  | 'ENDPOINT_BUSY'
  | 'RATE_LIMIT_EXCEEDED'
  | 'INTERNAL_ERROR'
  | 'ACCEPT_GRANT_FAILED';

/** A failure of the Alexa exchange itself, before or beside any domain call: the adapter's own. */
export class AlexaProblem extends Error {
  override name = 'AlexaProblem';
  constructor(
    readonly type: AlexaErrorType,
    message: string,
    /** VALUE_OUT_OF_RANGE: the values the directive may carry. */
    readonly validRange?: { minimumValue: number; maximumValue: number },
  ) {
    super(message);
  }
}

export const invalidDirective = (why: string) => new AlexaProblem('INVALID_DIRECTIVE', why);
export const outOfRange = (what: string, value: number, minimumValue: number, maximumValue: number) =>
  new AlexaProblem('VALUE_OUT_OF_RANGE', `${what} ${value} is out of range: ${minimumValue} to ${maximumValue}`, { minimumValue, maximumValue });

type ErrorClass = abstract new (...args: never[]) => DomainError;

/**
 * Each domain error's Alexa type: the one table the adapter answers by. The cloud's refusal of
 * the stored eWeLink tokens (or none stored) leaves the bridge unable to reach its devices,
 * which Alexa tells a person as an unresponsive hub.
 */
export const DOMAIN_ALEXA_TYPE: ReadonlyArray<readonly [ErrorClass, AlexaErrorType]> = [
  [InvalidInput, 'INVALID_VALUE'],
  [DeviceRefused, 'INVALID_VALUE'],
  [NotFound, 'NO_SUCH_ENDPOINT'],
  [DeviceOffline, 'ENDPOINT_UNREACHABLE'],
  // A command whose answer was lost: the endpoint did not confirm it, and may have changed.
  [OutcomeUnknown, 'ENDPOINT_UNREACHABLE'],
  [CloudUnavailable, 'BRIDGE_UNREACHABLE'],
  [CloudTimeout, 'BRIDGE_UNREACHABLE'],
  [CloudAuthRefused, 'BRIDGE_UNREACHABLE'],
  [AccountNotLinked, 'BRIDGE_UNREACHABLE'],
  [RateLimited, 'RATE_LIMIT_EXCEEDED'],
  // The bridge holding back within the eWeLink cloud's limits.
  [CloudBusy, 'RATE_LIMIT_EXCEEDED'],
  [NotConfigured, 'INTERNAL_ERROR'],
  [StoreUnavailable, 'INTERNAL_ERROR'],
];

export interface AlexaErrorPayload {
  type: AlexaErrorType;
  message: string;
  validRange?: { minimumValue: number; maximumValue: number };
}

/**
 * The ErrorResponse payload for any failure, and whether it is internal (logged in full, told
 * to Alexa as INTERNAL_ERROR with no detail).
 *
 * @example
 * alexaError(new DeviceOffline('the device did not answer')) // { payload: { type: 'ENDPOINT_UNREACHABLE', … }, internal: false }
 */
export function alexaError(err: unknown): { payload: AlexaErrorPayload; internal: boolean } {
  if (err instanceof AlexaProblem) {
    return { payload: { type: err.type, message: err.message, ...(err.validRange && { validRange: err.validRange }) }, internal: false };
  }
  const known = toDomainError(err);
  const type = known && DOMAIN_ALEXA_TYPE.find(([kind]) => known instanceof kind)?.[1];
  if (!known || !type) return { payload: { type: 'INTERNAL_ERROR', message: 'internal error; the bridge log has the details' }, internal: true };
  return { payload: { type, message: known.message }, internal: type === 'INTERNAL_ERROR' };
}
