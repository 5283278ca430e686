import { asBridgeError, type BridgeErrorKind } from '../errors';

const STATUS: Record<BridgeErrorKind, number> = {
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
  return { status: STATUS[known.kind], body, internal: false };
}
