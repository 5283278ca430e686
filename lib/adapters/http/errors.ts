import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { OAuthProblem } from '../oauth/errors';
import { errorPage, headersOf, htmlOf, type Page } from './pages';
import type { FailureFormat } from './route';
import {
  AccountNotLinked,
  AlreadyExists,
  AlreadyShared,
  CloudAuthRefused,
  CloudBusy,
  CloudTimeout,
  CloudUnavailable,
  Conflict,
  DeviceOffline,
  DeviceRefused,
  DomainError,
  InvalidInput,
  LinkRefused,
  NoSuchAccount,
  NotAvailableForApp,
  NotConfigured,
  NotFound,
  NotOwner,
  OutcomeUnknown,
  RateLimited,
  RetryLater,
  ShareRefused,
  ShareTooSoon,
  ShareUnanswered,
  StoreUnavailable,
  toDomainError,
  Unauthorized,
} from '../../errors';

/**
 * The largest body the API takes, in bytes, in Lambda and on the local server alike: the
 * biggest real one (a 50-action scene) is a few KiB.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/** A failure of the HTTP exchange itself, before any domain call: the adapter's own. */
export class HttpProblem extends Error {
  override name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Headers the answer carries (`retry-after`). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const malformedJson = () => new HttpProblem(400, 'malformed_json', 'the body is not valid JSON');
export const badPath = (why = 'the path has a "." or ".." segment; send the path as the API document writes it') => new HttpProblem(400, 'bad_path', why);
export const noSuchRoute = () => new HttpProblem(404, 'not_found', 'no such route');
export const methodNotAllowed = (method: string) => new HttpProblem(405, 'method_not_allowed', `${method} is not allowed on this route`);
export const payloadTooLarge = (limit: number) => new HttpProblem(413, 'payload_too_large', `the body is larger than ${limit} bytes`);
export const idempotencyKeyInFlight = () =>
  new HttpProblem(409, 'idempotency_key_in_flight', 'a request with this Idempotency-Key is still being served: repeat it in a moment to get its answer; nothing was done for this one', { 'retry-after': '1' });
export const idempotencyKeyReused = () =>
  new HttpProblem(422, 'idempotency_key_reused', 'this Idempotency-Key was given to another request (another path or body) within the last 24 hours: a new request needs a new key; nothing was done');

/**
 * A refusal whose page is the one the person was on, shown again with the reason (the authorize
 * form after a wrong API key), rather than the plain error page. `cause` says the status and code.
 */
export class ShownAgain extends Error {
  override name = 'ShownAgain';
  constructor(
    readonly refusal: DomainError,
    readonly page: (error: ErrorBody['error']) => Page,
  ) {
    super(refusal.message, { cause: refusal });
  }
}

type ErrorClass = abstract new (...args: never[]) => DomainError;

/** Each domain error's HTTP status: the one table the router and the API document follow. */
export const DOMAIN_STATUS: ReadonlyArray<readonly [ErrorClass & { code: string }, number]> = [
  [LinkRefused, 400],
  [InvalidInput, 422],
  [Unauthorized, 401],
  [NotFound, 404],
  [NoSuchAccount, 404],
  [NotOwner, 403],
  [AlreadyExists, 409],
  [ShareRefused, 409],
  [AlreadyShared, 409],
  [Conflict, 409],
  [ShareTooSoon, 429],
  [RateLimited, 429],
  [DeviceRefused, 502],
  [CloudAuthRefused, 502],
  [CloudUnavailable, 502],
  [AccountNotLinked, 503],
  [NotConfigured, 503],
  [NotAvailableForApp, 501],
  [StoreUnavailable, 503],
  [CloudBusy, 503],
  [DeviceOffline, 504],
  [CloudTimeout, 504],
  [OutcomeUnknown, 504],
  [ShareUnanswered, 504],
];

/** Every code an error body can carry. */
export const ERROR_CODES: readonly string[] = [
  ...DOMAIN_STATUS.map(([type]) => type.code),
  'malformed_json',
  'bad_path',
  'payload_too_large',
  'method_not_allowed',
  'idempotency_key_in_flight',
  'idempotency_key_reused',
  'internal',
];

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId: string };
}

/**
 * The status and body for any failure. Domain errors say what they are; anything else is a
 * bare 500 whose details stay in the log (under the same request id).
 */
export function errorAnswer(err: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean; headers?: Record<string, string> } {
  if (err instanceof ShownAgain) return errorAnswer(err.refusal, requestId);
  if (err instanceof HttpProblem) return { status: err.status, body: { error: { code: err.code, message: err.message, requestId } }, internal: false, headers: err.headers };
  const known = toDomainError(err);
  const status = known && DOMAIN_STATUS.find(([type]) => known instanceof type)?.[1];
  if (!known || status === undefined) {
    return { status: 500, body: { error: { code: 'internal', message: 'internal error; the bridge log has the details under this requestId', requestId } }, internal: true };
  }
  const body: ErrorBody = { error: { code: known.code, message: known.message, requestId } };
  if (known.field) body.error.field = known.field;
  if (known instanceof RetryLater) return { status, body, internal: false, headers: { 'retry-after': String(known.retryAfterSeconds) } };
  return { status, body, internal: false };
}

/** The headers of every OAuth token answer, success or failure: never cached (RFC 6749, section 5.1). */
export const OAUTH_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * A failure in RFC 6749's words: the library's own refusal as it is; input the route's checks
 * refused is `invalid_request` (400), a refused client `invalid_client` (401); the bridge's own
 * failures keep their status as `server_error`, described as the bridge's answer would be.
 */
export function oauthErrorAnswer(err: unknown, status: number, body: ErrorBody): { status: number; body: { error: string; error_description: string }; headers: Record<string, string> } {
  if (err instanceof OAuthProblem) return { status: err.status, body: { error: err.error, error_description: err.description }, headers: err.headers };
  if (status >= 500) return { status, body: { error: 'server_error', error_description: `${body.error.message} (request ${body.error.requestId})` }, headers: {} };
  if (status === 401) return { status, body: { error: 'invalid_client', error_description: body.error.message }, headers: {} };
  return { status: 400, body: { error: 'invalid_request', error_description: body.error.message }, headers: {} };
}

/**
 * Middy `onError`: turns whatever the handler threw into the documented answer of the route:
 * the bridge's JSON error, a page saying the same (routes for a person's browser), or an OAuth
 * error (the token endpoint). Refusals before routing (a body over the limit, a bad path) stay
 * the bridge's JSON. The cause (SDK or cloud text, hosts, ARNs) goes to the log only, never to
 * the caller.
 */
export function errorAnswers(logger: Logger, failuresOf: (method: string, rawPath: string) => FailureFormat = () => 'json'): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: function answerError(request) {
      const requestId = request.event.requestContext?.requestId ?? 'unknown';
      const { status, body, internal, headers } = errorAnswer(request.error, requestId);
      const cause = (request.error as { cause?: unknown } | null)?.cause;
      if (internal) logger.error('request failed', { requestId, error: request.error as Error });
      else if (status >= 500) logger.warn('request answered with an error', { requestId, code: body.error.code, cause: cause instanceof Error ? { name: cause.name, message: cause.message } : undefined });
      const event = request.event;
      const format = request.error instanceof HttpProblem ? 'json' : failuresOf(event.requestContext?.http?.method ?? '', event.rawPath ?? '');
      if (format === 'page') {
        const page = request.error instanceof ShownAgain ? request.error.page(body.error) : errorPage(status, body.error);
        request.response = { statusCode: status, headers: { ...headersOf(page), ...headers }, body: htmlOf(page) };
        return;
      }
      if (format === 'oauth') {
        const oauth = oauthErrorAnswer(request.error, status, body);
        request.response = { statusCode: oauth.status, headers: { ...OAUTH_HEADERS, ...oauth.headers }, body: JSON.stringify(oauth.body) };
        return;
      }
      request.response = { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
    },
  };
}
