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
  | 'cloud_unavailable';

export class BridgeError extends Error {
  override name = 'BridgeError';
  constructor(
    readonly kind: BridgeErrorKind,
    message: string,
    /** The input field at fault, for `invalid_input`. */
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
  if (!(err instanceof Error) || !('code' in err) || !('operation' in err)) return undefined;
  switch (err.name) {
    case 'DeviceTimeout':
      return new BridgeError('device_offline', `the device did not answer: it is offline or unreachable (${err.message})`);
    case 'BadRequest':
      return new BridgeError('device_refused', err.message);
    case 'NotFound':
      return new BridgeError('not_found', err.message);
    case 'AccessTokenExpired':
    case 'RefreshTokenExpired':
    case 'AuthFailed':
    case 'AuthRefused':
    case 'PathNotAllowed':
    case 'Forbidden':
      return new BridgeError('cloud_auth', err.message);
    default:
      return new BridgeError('cloud_unavailable', err.message);
  }
}
