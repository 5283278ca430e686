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

/** 404: no such user or device. */
export class NotFound extends EwelinkError {
  override name = 'NotFound';
}

/** 406: app id refused, or the token was replaced by a login elsewhere. */
export class AuthRefused extends EwelinkError {
  override name = 'AuthRefused';
}

/** 407: the app id may not call this path (personal app ids may not log in since 2024). */
export class PathNotAllowed extends EwelinkError {
  override name = 'PathNotAllowed';
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
  constructor(operation: string, detail: string) {
    super(0, operation, `${operation}: the eWeLink cloud could not be reached (${detail})`);
  }
}

/** The WebSocket session could not be had or was lost before the reply. */
export class SocketUnavailable extends EwelinkError {
  override name = 'SocketUnavailable';
  constructor(operation: string, detail: string) {
    super(0, operation, `${operation}: WebSocket session unavailable (${detail})`);
  }
}

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
      return new PathNotAllowed(
        code,
        operation,
        say('this app id may not call this path; personal app ids cannot log in any more: import an at/rt pair instead'),
      );
    case 409:
      return new AlreadyExists(code, operation, say('already exists (registered or added before)'));
    case 498:
      return new WrongVerificationCode(code, operation, say('the verification code is wrong'));
    case 503:
    case 504:
      if (operation === 'sms') return new CloudFailure(code, operation, say('the verification code could not be sent'));
      return new DeviceTimeout(code, operation, say('the device did not answer: it is offline or refused the command'));
    case 160038:
      return new TooManyRequests(code, operation, say('verification codes were requested too often: wait before asking again'));
    default:
      return new CloudFailure(code, operation, say(`the cloud answered with error ${code}`));
  }
}
