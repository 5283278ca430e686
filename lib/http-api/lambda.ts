import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Bridge } from '../app';
import { errorResponse } from './errors';
import { dispatchRequest } from './routes';

/**
 * Serves one API Gateway HTTP API (payload 2.0) event. Logs the route pattern, status and
 * time only: never headers, bodies or raw paths (a webhook path carries its secret).
 */
export async function handleApiEvent(event: APIGatewayProxyEventV2, bridge: Bridge | (() => Promise<Bridge>), logger: Logger): Promise<APIGatewayProxyStructuredResultV2> {
  const started = Date.now();
  const headers = event.headers ?? {};
  const host = headers.host ?? event.requestContext.domainName;
  const proto = headers['x-forwarded-proto'] ?? 'https';
  const body = event.body === undefined ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  let status: number;
  let payload: unknown;
  let route: string | undefined;
  try {
    const out = await dispatchRequest(
      {
        method: event.requestContext.http.method,
        path: event.rawPath,
        query: Object.fromEntries(new URLSearchParams(event.rawQueryString ?? '')),
        baseUrl: `${proto}://${host}`,
        headers,
        body,
      },
      typeof bridge === 'function' ? await bridge() : bridge,
    );
    ({ status, body: payload, route } = out);
  } catch (err) {
    const mapped = errorResponse(err);
    status = mapped.status;
    payload = mapped.body;
    if (mapped.internal) logger.error('request failed', { error: err as Error });
  }
  logger.info('request', { route: route ?? 'unmatched', status, ms: Date.now() - started });
  if (payload === undefined) return { statusCode: status, body: '' };
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) };
}
