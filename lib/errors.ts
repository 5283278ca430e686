import { AnswerLost, CloudCallTimeout, CloudPaced, CloudUnreachable, DeviceTimeout, EwelinkError, Forbidden, NotFound as CloudNotFound, AlreadyExists as CloudAlreadyExists, BadRequest, ShareTimeout, SocketRequestTimeout, SocketUnavailable, AccessTokenExpired, RefreshTokenExpired, AuthFailed, AuthRefused, NotAvailableForApp as PathNotForApp } from './ewelink/errors';
import { StoreError } from './store/errors';

/**
 * The bridge's own errors: what went wrong in terms a caller can act on. Each is a class, so
 * an adapter maps it by `instanceof` to its own format (an HTTP status, an Alexa error type);
 * `code` is the stable word callers see. Messages never carry hosts, ports, SDK or AWS text:
 * such detail goes to the log as the error's `cause`.
 */
export abstract class DomainError extends Error {
  /** The stable word callers see, one per class. */
  static readonly code: string = 'internal';
  get code(): string {
    return (this.constructor as typeof DomainError).code;
  }
  constructor(
    message: string,
    /** The input at fault, for `invalid_input` (and `no_such_account`: the uid). */
    readonly field?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A field or parameter is missing, unknown or out of range; nothing was sent or stored. */
export class InvalidInput extends DomainError {
  override name = 'InvalidInput';
  static override readonly code = 'invalid_input';
  constructor(field: string, rule: string, options?: ErrorOptions) {
    super(`${field}: ${rule}`, field, options);
  }
}

export class Unauthorized extends DomainError {
  override name = 'Unauthorized';
  static override readonly code = 'unauthorized';
}

export class NotFound extends DomainError {
  override name = 'NotFound';
  static override readonly code = 'not_found';
}

export class DeviceOffline extends DomainError {
  override name = 'DeviceOffline';
  static override readonly code = 'device_offline';
}

/** A device that has not answered by the time its caller must: as good as offline to whoever waits. */
export function noAnswerInTime(): DeviceOffline {
  return new DeviceOffline('the device did not answer in time: it is offline or unreachable');
}

export class DeviceRefused extends DomainError {
  override name = 'DeviceRefused';
  static override readonly code = 'device_refused';
}

export class AccountNotLinked extends DomainError {
  override name = 'AccountNotLinked';
  static override readonly code = 'account_not_linked';
}

export class NotConfigured extends DomainError {
  override name = 'NotConfigured';
  static override readonly code = 'not_configured';
}

/** The stored eWeLink tokens were refused: the account must be linked again. */
export class CloudAuthRefused extends DomainError {
  override name = 'CloudAuthRefused';
  static override readonly code = 'cloud_auth';
}

export class CloudUnavailable extends DomainError {
  override name = 'CloudUnavailable';
  static override readonly code = 'cloud_unavailable';
}

export class AlreadyExists extends DomainError {
  override name = 'AlreadyExists';
  static override readonly code = 'already_exists';
}

export class NotOwner extends DomainError {
  override name = 'NotOwner';
  static override readonly code = 'not_owner';
}

export class ShareRefused extends DomainError {
  override name = 'ShareRefused';
  static override readonly code = 'share_refused';
}

export class AlreadyShared extends DomainError {
  override name = 'AlreadyShared';
  static override readonly code = 'already_shared';
}

export class NoSuchAccount extends DomainError {
  override name = 'NoSuchAccount';
  static override readonly code = 'no_such_account';
}

/** The receiver of a share did not answer in time. */
export class ShareUnanswered extends DomainError {
  override name = 'ShareUnanswered';
  static override readonly code = 'share_timeout';
}

export class ShareTooSoon extends DomainError {
  override name = 'ShareTooSoon';
  static override readonly code = 'share_too_soon';
}

/** A write lost to concurrent writers (or to a changed version) and was not made. */
export class Conflict extends DomainError {
  override name = 'Conflict';
  static override readonly code = 'conflict';
}

/** A refusal for now: `retryAfterSeconds` says when the same call would be taken (the answer's `Retry-After`). */
export abstract class RetryLater extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: ErrorOptions,
  ) {
    super(message, undefined, options);
  }
}

/** Too many calls through one hook or API key; `retryAfterSeconds` says when a call will be taken again. */
export class RateLimited extends RetryLater {
  override name = 'RateLimited';
  static override readonly code = 'rate_limited';
}

/**
 * The operation is not open to the account's kind of eWeLink app id: an account linked through
 * the OAuth login speaks the v2 API, which a personal app id may call but which has no groups,
 * renaming, history or sharing; or the cloud itself refused the path for this app id (407).
 */
export class NotAvailableForApp extends DomainError {
  override name = 'NotAvailableForApp';
  static override readonly code = 'not_available_for_app';
}

/** The sign-in through the eWeLink login page could not be completed; nothing was linked. */
export class LinkRefused extends DomainError {
  override name = 'LinkRefused';
  static override readonly code = 'link_refused';
}

/**
 * A login, registration or password reset for a bridge account already linked to another
 * eWeLink account, not asked to replace that link: nothing was stored, the link stands.
 */
export class AlreadyLinked extends LinkRefused {
  override name = 'AlreadyLinked';
  constructor(readonly accountId: string) {
    super(`account "${accountId}" is already linked to another eWeLink account; nothing was changed`);
  }
}

/** The bridge's own database could not be reached. */
export class StoreUnavailable extends DomainError {
  override name = 'StoreUnavailable';
  static override readonly code = 'store_unavailable';
}

/** The eWeLink cloud did not answer within the request's budget; nothing is known to have been sent. */
export class CloudTimeout extends DomainError {
  override name = 'CloudTimeout';
  static override readonly code = 'cloud_timeout';
}

/**
 * A command (or a write) went out but its answer was lost: the device (or the table) may have
 * changed. Read the state before trying again; a toggle sent twice undoes itself.
 */
export class OutcomeUnknown extends DomainError {
  override name = 'OutcomeUnknown';
  static override readonly code = 'outcome_unknown';
}

/**
 * The bridge holds back to keep within the eWeLink cloud's limits (the same endpoint at most
 * every 500 ms, 300 calls in 5 minutes) and the call could not get its turn within the
 * request's budget; `retryAfterSeconds` says when it would.
 */
export class CloudBusy extends RetryLater {
  override name = 'CloudBusy';
  static override readonly code = 'cloud_busy';
}

const APP_ID_REFUSED =
  'the eWeLink cloud does not let this app id do that: a personal app id (the free kind from the eWeLink developer centre) may only link accounts through the OAuth login (npx ewelink-bridge oauth-login, or GET /ewelink/oauth/start) and use the v2 API; password login, registering, groups, renaming, channel names, history and sharing need an enterprise app id';

/**
 * The 501 for an operation that an account linked through the OAuth login cannot have: its v2
 * API lacks it whatever the app id, so the cloud is not asked.
 *
 * @example
 * if (creds.api === 'v2') throw notOnV2('device groups');
 */
export function notOnV2(what: string): NotAvailableForApp {
  return new NotAvailableForApp(
    `${what}: not available for this account, which is linked through the eWeLink OAuth login; its v2 API (all that a personal app id may call) has no such operation. An enterprise app id allows it: link the account with "npx ewelink-bridge login" under one`,
  );
}

/** How every answer to a write whose answer was lost begins. */
export const UNCONFIRMED_WRITE = "the bridge's database did not confirm the write in time";

/**
 * A write's failure as its caller should hear it: when the table may have made the write
 * though its answer was lost (a StoreError `Unconfirmed`), an `OutcomeUnknown` saying so and
 * `mayHave` (what may have been stored, and how to check); any other failure as it is.
 *
 * @example
 * await model.putScene(accountId, scene, 0).catch((err) => { throw unconfirmedWrite(err, 'the scene may have been stored; list the scenes'); });
 */
export function unconfirmedWrite(err: unknown, mayHave: string): unknown {
  return err instanceof StoreError && err.code === 'Unconfirmed' ? new OutcomeUnknown(`${UNCONFIRMED_WRITE}: ${mayHave}`, undefined, { cause: err }) : err;
}

const STORE_DOWN = "the bridge's database could not be reached; try again";
const CLOUD_DOWN = 'the eWeLink cloud could not be reached; try again';

/**
 * The domain's reading of any failure: cloud and store errors become the domain error a
 * caller can act on (the original kept as `cause`, for the log); anything unrecognised is
 * returned as undefined, and an adapter reports it as an internal error.
 *
 * @example
 * const known = toDomainError(err); // DeviceOffline for a DeviceTimeout, StoreUnavailable for a StoreError …
 */
export function toDomainError(err: unknown): DomainError | undefined {
  if (err instanceof DomainError) return err;
  if (err instanceof StoreError) return new StoreUnavailable(STORE_DOWN, undefined, { cause: err });
  if (!(err instanceof EwelinkError)) return undefined;
  const cause = { cause: err };
  const sharing = err.operation === 'share' || err.operation === 'updateShare';
  if (err instanceof DeviceTimeout) return new DeviceOffline('the device did not answer: it is offline or unreachable', undefined, cause);
  if (err instanceof BadRequest) {
    // Our own checks passed, so the likely cause is a share that is not there to change.
    if (err.operation === 'updateShare') return new NotFound('the device is not shared with that account: share it first', undefined, cause);
    return new DeviceRefused(err.message, undefined, cause);
  }
  if (err instanceof CloudNotFound) return new NotFound(err.message, undefined, cause);
  if (err instanceof CloudAlreadyExists) return new AlreadyExists(err.message, undefined, cause);
  if (err instanceof ShareTimeout) return new ShareUnanswered(err.message, undefined, cause);
  if (err instanceof SocketRequestTimeout && sharing) {
    // The bridge's own wait for the receiver ran out (it must answer within API Gateway's 30 s).
    return new ShareUnanswered(
      'the receiver has not answered within the time the bridge can wait; the invitation may still be open in their eWeLink app, and if they accept it the share is made (an unanswered invitation blocks asking them again for 3 minutes)',
      undefined,
      cause,
    );
  }
  if (err instanceof AnswerLost) {
    return new OutcomeUnknown('the command was sent but its answer was lost: the device may have changed; read its state before trying again', undefined, cause);
  }
  if (err instanceof CloudCallTimeout) return new CloudTimeout('the eWeLink cloud did not answer in time; try again', undefined, cause);
  if (err instanceof CloudPaced) {
    return new CloudBusy('the bridge is holding back to keep within the eWeLink cloud\'s rate limits; try again shortly', Math.max(1, Math.ceil(err.retryAfterMs / 1000)), cause);
  }
  if (err instanceof SocketUnavailable || err instanceof CloudUnreachable) return new CloudUnavailable(CLOUD_DOWN, undefined, cause);
  if (err instanceof Forbidden) {
    // The owner check is the bridge's own, so what is left is the cloud's pause after an unanswered invitation.
    if (sharing) return new ShareTooSoon('the receiver cannot be asked again yet: 3 minutes must pass after an invitation they did not answer', undefined, cause);
    return new CloudAuthRefused(err.message, undefined, cause);
  }
  if (err instanceof PathNotForApp) return new NotAvailableForApp(APP_ID_REFUSED, undefined, cause);
  if (err instanceof AccessTokenExpired || err instanceof RefreshTokenExpired || err instanceof AuthFailed || err instanceof AuthRefused) {
    return new CloudAuthRefused(err.message, undefined, cause);
  }
  return new CloudUnavailable('the eWeLink cloud gave an answer the bridge could not use; try again', undefined, cause);
}
