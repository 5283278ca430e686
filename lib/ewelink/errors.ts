import type { Region } from './hosts';

/**
 * Every failure the eWeLink cloud reports, as a value with the cloud's numeric `code`, the
 * operation that got it, and a message that says what to do about it.
 */
export class EwelinkError extends Error {
  override name = 'EwelinkError';
  constructor(
    readonly code: number,
    readonly operation: string,
    message: string,
  ) {
    super(message);
  }
}

/** 301: the account lives in another region; call again at `region`. */
export class RegionRedirect extends EwelinkError {
  override name = 'RegionRedirect';
  constructor(operation: string, readonly region: Region) {
    super(301, operation, `${operation}: the account belongs to region "${region}"; retry at that region's host`);
  }
}

/**
 * Runs a call at `region`; when the cloud answers 301 naming another region, runs it once more
 * there. Answers the result and the region that gave it.
 *
 * @example
 * const { result, region } = await followRegion(creds.region, (r) => http.send(regionUrl(template, r), call));
 */
export async function followRegion<T>(region: Region, call: (region: Region) => Promise<T>): Promise<{ result: T; region: Region }> {
  try {
    return { result: await call(region), region };
  } catch (err) {
    if (!(err instanceof RegionRedirect) || err.region === region) throw err;
    return { result: await call(err.region), region: err.region };
  }
}

/** 400: a field is missing or has the wrong type. */
export class BadRequest extends EwelinkError {
  override name = 'BadRequest';
}

/** 401: wrong credentials, bad signature, or an access token the cloud does not know. */
export class AuthFailed extends EwelinkError {
  override name = 'AuthFailed';
}

/** 402 on a Bearer call: the access token expired; refresh it and retry. */
export class AccessTokenExpired extends EwelinkError {
  override name = 'AccessTokenExpired';
}

/** 402 on `/api/user/refresh`: the refresh token is dead; log in or import a new pair. */
export class RefreshTokenExpired extends EwelinkError {
  override name = 'RefreshTokenExpired';
}

/** 402 on login: the e-mail address was never activated. */
export class EmailNotActivated extends EwelinkError {
  override name = 'EmailNotActivated';
}

/** 403: the account or app id lacks the permission. */
export class Forbidden extends EwelinkError {
  override name = 'Forbidden';
}

/**
 * A Wi-Fi device added with an apikey that is not the one it reported while pairing (the spec
 * names no code for it; the text says so).
 */
export class WrongDeviceKey extends EwelinkError {
  override name = 'WrongDeviceKey';
}

/** 404: no such user or device. */
export class NotFound extends EwelinkError {
  override name = 'NotFound';
}

/** 406: app id refused, or the token was replaced by a login elsewhere. */
export class AuthRefused extends EwelinkError {
  override name = 'AuthRefused';
}

/**
 * 407: the app id may not call this path. Since 2024 the cloud answers so to a personal app id
 * (the free kind from the developer centre) on every v1 path, login included: such an app may
 * only sign people in through the OAuth 2.0 page and call the v2 subset.
 */
export class NotAvailableForApp extends EwelinkError {
  override name = 'NotAvailableForApp';
}

/** 409: already registered / already added. */
export class AlreadyExists extends EwelinkError {
  override name = 'AlreadyExists';
}

/** 498: the verification code is wrong. */
export class WrongVerificationCode extends EwelinkError {
  override name = 'WrongVerificationCode';
}

/** 503/504 on a device command: the device did not answer (offline or the command was refused). */
export class DeviceTimeout extends EwelinkError {
  override name = 'DeviceTimeout';
}

/**
 * 504 on `share` / `updateShare`: the receiver neither accepted nor refused in time. The cloud
 * lets the same receiver be asked again only after 3 minutes.
 */
export class ShareTimeout extends EwelinkError {
  override name = 'ShareTimeout';
  constructor(operation = 'share', detail?: string) {
    super(
      504,
      operation,
      `${operation}: the receiver did not answer the invitation in time; they must be online (signed in to the eWeLink app) to answer it, ` +
        `and can be asked again only after 3 minutes${detail ? ` (cloud said: ${detail})` : ''}`,
    );
  }
}

/** 160038: verification codes requested too often. */
export class TooManyRequests extends EwelinkError {
  override name = 'TooManyRequests';
}

/** 500/502/503 or an answer that is not the documented shape. */
export class CloudFailure extends EwelinkError {
  override name = 'CloudFailure';
}

/** The cloud could not be reached, or did not answer in time (no code from the cloud: 0). */
export class CloudUnreachable extends EwelinkError {
  override name = 'CloudUnreachable';
  constructor(
    operation: string,
    detail: string,
    /** True when the call went out before the failure (its connection cut mid-answer): the cloud may have acted on it. */
    readonly sent = false,
  ) {
    super(0, operation, `${operation}: the eWeLink cloud could not be reached (${detail})`);
  }
}

/**
 * An HTTP call that went out got no answer within its limit (its own, or what was left of the
 * request's budget). The cloud may have acted on it: for a command, see `AnswerLost`.
 */
export class CloudCallTimeout extends CloudUnreachable {
  override name = 'CloudCallTimeout';
  constructor(operation: string, timeoutMs: number, sent = true) {
    // sent is false when the budget was spent before the call could go out: then nothing was sent.
    super(operation, sent ? `no answer within ${timeoutMs} ms` : "no time left in the request's budget to make the call", sent);
  }
}

/**
 * A call that could not get its turn under the cloud's rate limits (the same endpoint at most
 * every 500 ms, 300 calls in 5 minutes) within the request's budget; nothing was sent.
 * `retryAfterMs` is when its turn would have come.
 */
export class CloudPaced extends EwelinkError {
  override name = 'CloudPaced';
  constructor(
    operation: string,
    readonly retryAfterMs: number,
  ) {
    super(0, operation, `${operation}: held back to keep within the eWeLink cloud's rate limits; a turn is free in ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/**
 * A command went out (over the socket or HTTP) but its answer was lost: the device may or may
 * not have changed. Nothing more was sent blindly; read the device before trying again.
 */
export class AnswerLost extends EwelinkError {
  override name = 'AnswerLost';
  constructor(operation: string, detail: string) {
    super(0, operation, `${operation}: the command was sent but its answer was lost (${detail})`);
  }
}

/** The WebSocket session could not be had or was lost before the reply. */
export class SocketUnavailable extends EwelinkError {
  override name = 'SocketUnavailable';
  constructor(operation: string, detail: string) {
    super(0, operation, `${operation}: WebSocket session unavailable (${detail})`);
  }
}

/** A request went out on the socket and the socket closed, or stayed silent, before its reply: the cloud may have acted on it. */
export class SocketReplyLost extends SocketUnavailable {
  override name = 'SocketReplyLost';
}

/** The socket was open but no reply to a request came within its wait. */
export class SocketRequestTimeout extends SocketReplyLost {
  override name = 'SocketRequestTimeout';
  constructor(operation: string, timeoutMs: number) {
    super(operation, `no reply within ${timeoutMs} ms`);
  }
}

/**
 * Whether the cloud refused the access token itself (expired, or not taken): the error a
 * renewal of the token cures.
 *
 * @example
 * if (tokenRefused(err)) creds = await renew();
 */
export function tokenRefused(err: unknown): boolean {
  return err instanceof AccessTokenExpired || err instanceof AuthFailed || err instanceof AuthRefused;
}

const SHARE_OPERATIONS = new Set(['share', 'updateShare', 'cancelShare']);

/**
 * The typed error for a cloud error code, with a message a user can act on.
 *
 * @example
 * if (reply.error) throw cloudError(reply.error, 'login', reply.msg, reply.region);
 */
export function cloudError(code: number, operation: string, detail?: string, region?: Region): EwelinkError {
  const say = (text: string) => `${operation}: ${text}${detail ? ` (cloud said: ${detail})` : ''}`;
  switch (code) {
    case 301:
      if (region) return new RegionRedirect(operation, region);
      return new CloudFailure(code, operation, say('the cloud redirected to another region without naming it'));
    case 400:
      return new BadRequest(code, operation, say('the cloud refused the request as malformed (a field missing or of the wrong type)'));
    case 401:
      // On /api/sms the spec's 401 means "no such account", not a refused credential.
      if (operation === 'sms') return new NotFound(code, operation, say('no account has that e-mail address or phone number'));
      if (operation === 'resetPassword') return new AuthFailed(code, operation, say('no account has that e-mail address or phone number, or the app id and secret are wrong'));
      return new AuthFailed(
        code,
        operation,
        operation === 'login'
          ? say('wrong account or password')
          : say('authentication failed: check the app id and secret, or import a fresh token pair'),
      );
    case 402:
      if (operation === 'refresh') {
        return new RefreshTokenExpired(code, operation, say('the refresh token has expired: log in again or import a new token pair'));
      }
      if (operation === 'login') return new EmailNotActivated(code, operation, say('the e-mail address is not activated yet'));
      return new AccessTokenExpired(code, operation, say('the access token has expired: refresh it'));
    case 403:
      if (SHARE_OPERATIONS.has(operation)) {
        return new Forbidden(code, operation, say('only the owner may share a device (one shared to you cannot be shared again), or the receiver may not be asked yet'));
      }
      if (operation === 'update' || operation === 'setStatus') {
        return new Forbidden(code, operation, say('not permitted: the device is shared to this account, and its permit does not allow this change'));
      }
      return new Forbidden(code, operation, say('not permitted for this account or app id'));
    case 404:
      return new NotFound(code, operation, say(operation === 'login' ? 'no such account' : 'not found'));
    case 406:
      return new AuthRefused(
        code,
        operation,
        say('the cloud refused the credentials: the app id is wrong, or the token was replaced by a login elsewhere; import a fresh pair'),
      );
    case 407:
      return new NotAvailableForApp(
        code,
        operation,
        say(
          'this app id may not call this path: a personal app id (from the eWeLink developer centre) may only link accounts through the OAuth 2.0 login and use the v2 API; password login and the v1 API need an enterprise app id',
        ),
      );
    case 409:
      if (operation === 'sms' || operation === 'register') {
        return new AlreadyExists(code, operation, say('an account with that e-mail address or phone number exists already: log in or reset its password'));
      }
      return new AlreadyExists(code, operation, say('already exists (registered or added before)'));
    case 498:
      return new WrongVerificationCode(code, operation, say('the verification code is wrong'));
    case 503:
    case 504:
      if (operation === 'sms') return new CloudFailure(code, operation, say('the verification code could not be sent'));
      if (code === 504 && (operation === 'share' || operation === 'updateShare')) return new ShareTimeout(operation, detail);
      return new DeviceTimeout(code, operation, say('the device did not answer: it is offline or refused the command'));
    case 160038:
      return new TooManyRequests(code, operation, say('verification codes were requested too often: wait before asking again'));
    default:
      return new CloudFailure(code, operation, say(`the cloud answered with error ${code}`));
  }
}

/** The texts the spec lists for `/api/user/device/addGsm` failures, by the code they come with. */
const ADD_DEVICE_TEXTS: ReadonlyArray<[RegExp, number]> = [
  [/must not be empty/i, 400],
  [/invalid device id format/i, 401],
  [/add device failed/i, 500],
  [/fd data is null/i, 404],
  [/not belong to this brand/i, 403],
  [/already been added|belongs to other user/i, 409],
  [/find brand failed/i, 502],
  [/find modelinfo failed/i, 503],
];

/**
 * The typed error for a device-adding failure in the legacy shape `{code: <n>, error: "<text>"}`
 * (`/api/user/device/add`, `/api/user/device/addGsm`). The code decides; a text alone is
 * matched against the spec's list. A 401 here is a malformed device id, not a refused token.
 *
 * @example
 * deviceAddError(404, 'fd data is null', 'addGsmDevice') // NotFound
 */
export function deviceAddError(code: number | undefined, text: string | undefined, operation: string): EwelinkError {
  const known = code ?? ADD_DEVICE_TEXTS.find(([pattern]) => text !== undefined && pattern.test(text))?.[1] ?? 0;
  const say = (what: string) => `${operation}: ${what}${text ? ` (cloud said: ${text})` : ''}`;
  switch (known) {
    case 400:
      return new BadRequest(known, operation, say('the device name and id must not be empty'));
    case 401:
      return new BadRequest(known, operation, say('the device id is not in a valid format: check what the QR code or pairing gave'));
    case 403:
      if (text !== undefined && /apikey/i.test(text)) return new WrongDeviceKey(known, operation, say('the apikey is not the one the device reported while pairing'));
      return new Forbidden(known, operation, say('the device does not belong to this app id\'s brand'));
    case 404:
      return new NotFound(known, operation, say('the cloud knows no device with that id'));
    case 409:
      return new AlreadyExists(known, operation, say('the device is already added, to this account or to another one (which must remove it first)'));
    case 500:
    case 502:
    case 503:
      return new CloudFailure(known, operation, say('the cloud failed to add the device; try again later'));
    default:
      return new CloudFailure(known, operation, say(`the cloud refused to add the device (code ${known})`));
  }
}

/**
 * The typed error for `/api/user/password`'s legacy failure `{error: "<text>"}`: a wrong old
 * password is an `AuthFailed` (401), a complaint about the fields a `BadRequest`.
 */
export function passwordChangeError(text: string): EwelinkError {
  const operation = 'changePassword';
  const say = (what: string) => `${operation}: ${what} (cloud said: ${text})`;
  if (/old\s*password|password.*(incorrect|wrong|not (correct|match))|(incorrect|wrong).*password/i.test(text)) {
    return new AuthFailed(401, operation, say('the old password is wrong'));
  }
  if (/empty|missing|required|invalid|format|length|short|long/i.test(text)) {
    return new BadRequest(400, operation, say('the cloud refused the new password or a field of the request'));
  }
  return new CloudFailure(0, operation, say('the cloud refused to change the password'));
}
