import { asBridgeError, type BridgeErrorKind } from '../errors';

/** The HTTP status of each error kind (the API document lists them from here). */
export const ERROR_STATUS: Readonly<Record<BridgeErrorKind, number>> = {
  malformed_json: 400,
  invalid_input: 422,
  unauthorized: 401,
  not_found: 404,
  device_offline: 504,
  device_refused: 502,
  account_not_linked: 503,
  not_configured: 503,
  cloud_auth: 502,
  cloud_unavailable: 502,
  already_exists: 409,
  not_owner: 403,
  share_refused: 409,
  already_shared: 409,
  no_such_account: 404,
  share_timeout: 504,
  share_too_soon: 429,
  conflict: 409,
  store_unavailable: 503,
};

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** The HTTP status and `{error: {code, message}}` body for any failure; unknown ones are a bare 500. */
export function errorResponse(err: unknown): { status: number; body: ErrorBody; internal: boolean } {
  const known = asBridgeError(err);
  if (!known) {
    return { status: 500, body: { error: { code: 'internal', message: 'internal error; see the bridge logs' } }, internal: true };
  }
  const body: ErrorBody = { error: { code: known.kind, message: known.message } };
  if (known.field) body.error.field = known.field;
  return { status: ERROR_STATUS[known.kind], body, internal: false };
}
