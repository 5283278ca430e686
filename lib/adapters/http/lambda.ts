import type { Logger } from '@aws-lambda-powertools/logger';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Bridge } from '../../bridge';
import { invocationBudget, withBudget } from '../../deadline';
import { errorAnswers, MAX_BODY_BYTES, OAUTH_HEADERS, payloadTooLarge } from './errors';
import { headersOf, htmlOf, PAGE_HEADERS, type Page } from './pages';
import { failuresOf, serveRequest } from './router';


/** Bytes of the event's body as sent (base64 bodies are counted decoded). */
function bodyBytes(event: APIGatewayProxyEventV2): number {
  if (event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.byteLength(event.body, 'base64') : Buffer.byteLength(event.body, 'utf8');
}

/** Middy `before`: refuses an oversized body before anything reads it. */
export function bodyLimit(maxBytes = MAX_BODY_BYTES): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: function refuseLargeBody(request) {
      if (bodyBytes(request.event) > maxBytes) throw payloadTooLarge(maxBytes);
    },
  };
}

type BridgeSource = Bridge | (() => Promise<Bridge>);

/**
 * The HTTP API as a Lambda handler (API Gateway HTTP API, payload 2.0): body limit, routing,
 * checks, handler, and the one error mapping. Each request is served within a budget, the
 * function's remaining time less a margin to answer in (lib/deadline.ts), so every cloud and
 * DynamoDB call it makes ends in time for a documented answer. Logs the route pattern, status
 * and time only: never headers, bodies or raw paths (a webhook path carries its secret).
 *
 * @example
 * export const handler = httpApiHandler(bridgeFromEnv, logger).use(injectLambdaContext(logger));
 */
export function httpApiHandler(source: BridgeSource, logger: Logger) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>(async function serveApiEvent(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
    const started = Date.now();
    const headers = event.headers ?? {};
    const host = headers.host ?? event.requestContext.domainName;
    const proto = headers['x-forwarded-proto'] ?? 'https';
    const answer = await withBudget(invocationBudget(context), async () =>
      serveRequest(
        {
          method: event.requestContext.http.method,
          rawPath: event.rawPath,
          query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
          headers,
          body: event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body,
          baseUrl: `${proto}://${host}`,
          requestId: event.requestContext.requestId,
        },
        typeof source === 'function' ? await source() : source,
      ),
    );
    logger.info('request', { route: answer.route, status: answer.status, ms: Date.now() - started, requestId: event.requestContext.requestId });
    if (answer.kind === 'redirect') return { statusCode: answer.status, headers: { location: String(answer.body), ...PAGE_HEADERS }, body: '' };
    if (answer.kind === 'html') return { statusCode: answer.status, headers: headersOf(answer.body as Page | string), body: htmlOf(answer.body as Page | string) };
    if (answer.kind === 'oauth') return { statusCode: answer.status, headers: { ...OAUTH_HEADERS }, body: JSON.stringify(answer.body) };
    if (answer.body === undefined) return { statusCode: answer.status, ...(answer.headers ? { headers: answer.headers } : {}), body: '' };
    return { statusCode: answer.status, headers: { 'content-type': 'application/json', ...answer.headers }, body: JSON.stringify(answer.body) };
  })
    .use(bodyLimit())
    .use(errorAnswers(logger, failuresOf));
}
