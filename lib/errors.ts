import { EwelinkError } from './ewelink/errors';
import { StoreError } from './store/errors';

/**
 * The bridge's own errors: what went wrong in terms a caller can act on. Handlers map each
 * `kind` to an HTTP status; the domain never speaks HTTP.
 */
export type BridgeErrorKind =
  | 'malformed_json'
  | 'invalid_input'
  | 'unauthorized'
  | 'not_found'
  | 'device_offline'
  | 'device_refused'
  | 'account_not_linked'
  | 'not_configured'
  | 'cloud_auth'
  | 'cloud_unavailable'
  | 'already_exists'
  | 'not_owner'
  | 'share_refused'
  | 'already_shared'
  | 'no_such_account'
  | 'share_timeout'
  | 'share_too_soon'
  | 'conflict'
  | 'store_unavailable';

export class BridgeError extends Error {
  override name = 'BridgeError';
  constructor(
    readonly kind: BridgeErrorKind,
    message: string,
    /** The input field at fault, for `invalid_input` (and `no_such_account`: the uid). */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalidInput = (field: string, message: string) => new BridgeError('invalid_input', `${field}: ${message}`, field);

/**
 * The bridge's reading of any failure: cloud errors become the kind a caller can act on;
 * anything unrecognised stays as it is (the handler reports it as an internal error).
 */
export function asBridgeError(err: unknown): BridgeError | undefined {
  if (err instanceof BridgeError) return err;
  // The table could not be reached: the bridge's own store, not the cloud, is at fault.
  if (err instanceof StoreError) return new BridgeError('store_unavailable', `the bridge's database could not be reached; try again (${err.message})`);
  if (!(err instanceof EwelinkError)) return undefined;
  const operation = (err as { operation?: unknown }).operation;
  const sharing = operation === 'share' || operation === 'updateShare';
  switch (err.name) {
    case 'DeviceTimeout':
      return new BridgeError('device_offline', `the device did not answer: it is offline or unreachable (${err.message})`);
    case 'BadRequest':
      // Our own checks passed, so the likely cause is a share that is not there to change.
      if (operation === 'updateShare') return new BridgeError('not_found', `the device is not shared with that account: share it first (${err.message})`);
      return new BridgeError('device_refused', err.message);
    case 'NotFound':
      return new BridgeError('not_found', err.message);
    case 'AlreadyExists':
      return new BridgeError('already_exists', err.message);
    case 'ShareTimeout':
      return new BridgeError('share_timeout', err.message);
    case 'SocketUnavailable':
      // The bridge's own wait for the receiver ran out (it must answer within API Gateway's 30 s).
      if (sharing && /no reply within/.test(err.message)) {
        return new BridgeError(
          'share_timeout',
          `the receiver has not answered within the time the bridge can wait; the invitation may still be open in their eWeLink app, and if they accept it the share is made (an unanswered invitation blocks asking them again for 3 minutes) (${err.message})`,
        );
      }
      return new BridgeError('cloud_unavailable', err.message);
    case 'Forbidden':
      // The owner check is the bridge's own, so what is left is the cloud's pause after an unanswered invitation.
      if (sharing) return new BridgeError('share_too_soon', `the receiver cannot be asked again yet: 3 minutes must pass after an invitation they did not answer (${err.message})`);
      return new BridgeError('cloud_auth', err.message);
    case 'AccessTokenExpired':
    case 'RefreshTokenExpired':
    case 'AuthFailed':
    case 'AuthRefused':
    case 'PathNotAllowed':
      return new BridgeError('cloud_auth', err.message);
    default:
      return new BridgeError('cloud_unavailable', err.message);
  }
}
