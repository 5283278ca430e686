import type { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorPage, HTML_HEADERS } from './pages';
import {
  AccountNotLinked,
  AlreadyExists,
  AlreadyShared,
  CloudAuthRefused,
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
  RateLimited,
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
  ) {
    super(message);
  }
}

export const malformedJson = () => new HttpProblem(400, 'malformed_json', 'the body is not valid JSON');
export const badPath = (why = 'the path has a "." or ".." segment; send the path as the API document writes it') => new HttpProblem(400, 'bad_path', why);
export const noSuchRoute = () => new HttpProblem(404, 'not_found', 'no such route');
export const methodNotAllowed = (method: string) => new HttpProblem(405, 'method_not_allowed', `${method} is not allowed on this route`);
export const payloadTooLarge = (limit: number) => new HttpProblem(413, 'payload_too_large', `the body is larger than ${limit} bytes`);

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
  [DeviceOffline, 504],
  [ShareUnanswered, 504],
];

/** Every code an error body can carry. */
export const ERROR_CODES: readonly string[] = [...DOMAIN_STATUS.map(([type]) => type.code), 'malformed_json', 'bad_path', 'payload_too_large', 'method_not_allowed', 'internal'];

export interface ErrorBody {
  error: { code: string; message: string; field?: string; requestId: string };
}

/**
 * The status and body for any failure. Domain errors say what they are; anything else is a
 * bare 500 whose details stay in the log (under the same request id).
 */
export function errorAnswer(err: unknown, requestId: string): { status: number; body: ErrorBody; internal: boolean; headers?: Record<string, string> } {
  if (err instanceof HttpProblem) return { status: err.status, body: { error: { code: err.code, message: err.message, requestId } }, internal: false };
  const known = toDomainError(err);
  const status = known && DOMAIN_STATUS.find(([type]) => known instanceof type)?.[1];
  if (!known || status === undefined) {
    return { status: 500, body: { error: { code: 'internal', message: 'internal error; the bridge log has the details under this requestId', requestId } }, internal: true };
  }
  const body: ErrorBody = { error: { code: known.code, message: known.message, requestId } };
  if (known.field) body.error.field = known.field;
  if (known instanceof RateLimited) return { status, body, internal: false, headers: { 'retry-after': String(known.retryAfterSeconds) } };
  return { status, body, internal: false };
}

/**
 * Middy `onError`: turns whatever the handler threw into the documented JSON answer, or, on a
 * route that answers with pages, into a page saying the same. Refusals before routing (a body
 * over the limit, a bad path) stay JSON. The cause (SDK or cloud text, hosts, ARNs) goes to the
 * log only, never to the caller.
 */
export function errorAnswers(logger: Logger, answersWithPages: (method: string, rawPath: string) => boolean = () => false): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: function answerError(request) {
      const requestId = request.event.requestContext?.requestId ?? 'unknown';
      const { status, body, internal, headers } = errorAnswer(request.error, requestId);
      const cause = (request.error as { cause?: unknown } | null)?.cause;
      if (internal) logger.error('request failed', { requestId, error: request.error as Error });
      else if (status >= 500) logger.warn('request answered with an error', { requestId, code: body.error.code, cause: cause instanceof Error ? { name: cause.name, message: cause.message } : undefined });
      const event = request.event;
      if (!(request.error instanceof HttpProblem) && answersWithPages(event.requestContext?.http?.method ?? '', event.rawPath ?? '')) {
        request.response = { statusCode: status, headers: { ...HTML_HEADERS, ...headers }, body: errorPage(status, body.error) };
        return;
      }
      request.response = { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
    },
  };
}
