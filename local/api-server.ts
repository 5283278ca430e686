import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorAnswer, MAX_BODY_BYTES, payloadTooLarge } from '../lib/adapters/http/errors';
import { ANSWER_MARGIN_MS } from '../lib/deadline';

export type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/**
 * Builds the API Gateway HTTP API (payload 2.0) event a request would have become in AWS.
 * The path is passed on raw, as API Gateway does: nothing here resolves `.` or `..`
 * segments (the router refuses them), so no request reaches a route it did not name.
 */
export function toApiEvent(req: IncomingMessage, body: string, requestId: string): APIGatewayProxyEventV2 {
  const target = req.url ?? '/';
  const queryAt = target.indexOf('?');
  const rawPath = queryAt === -1 ? target : target.slice(0, queryAt);
  const rawQueryString = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  headers['x-forwarded-proto'] = 'http';
  const host = headers.host ?? 'localhost';
  const method = req.method ?? 'GET';
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    queryStringParameters: rawQueryString ? Object.fromEntries(new URLSearchParams(rawQueryString)) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    body: body.length > 0 ? body : undefined,
    isBase64Encoded: false,
  };
}

/** The Lambda context a local invocation gets: enough for the logger and for deadlines. */
export function localContext(functionName: string, requestId: string = randomUUID(), budgetMs = 29_000): Context {
  const started = Date.now();
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, budgetMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function answerTooLarge(res: ServerResponse, requestId: string): void {
  const { status, body } = errorAnswer(payloadTooLarge(MAX_BODY_BYTES), requestId);
  // The rest of the upload is not read: the connection closes after this answer.
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
  res.end(JSON.stringify(body));
}

/** How long each request may take on the local server, ms: its budget, as a Lambda's remaining time less the margin is there. */
export const LOCAL_BUDGET_MS = 10_000;

export interface ServeOptions {
  /** Each request's budget, ms (default `LOCAL_BUDGET_MS`): its context says this much time is left, plus the handler's margin. */
  budgetMs?: number;
}

/**
 * Serves a Lambda HTTP API handler on a local port, request by request as API Gateway would.
 * A body over the API's limit is refused with 413 as soon as `content-length` (or, without
 * one, the bytes received) says so: nothing larger is ever buffered. Each request runs as a
 * function with `budgetMs` (and the margin to answer in) left.
 *
 * @example
 * const server = await serveApi(handler, 3000); // http://127.0.0.1:3000
 */
export async function serveApi(handler: ApiHandler, port = 0, host = '127.0.0.1', options: ServeOptions = {}): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const functionMs = (options.budgetMs ?? LOCAL_BUDGET_MS) + ANSWER_MARGIN_MS;
  const server = createServer((req, res) => {
    const requestId = randomUUID();
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      answerTooLarge(res, requestId);
      req.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        refused = true;
        answerTooLarge(res, requestId);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      handler(toApiEvent(req, Buffer.concat(chunks).toString('utf8'), requestId), localContext('http-api', requestId, functionMs))
        .then((out) => {
          res.writeHead(out.statusCode ?? 200, out.headers as Record<string, string>);
          res.end(out.body ?? '');
        })
        .catch(() => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { code: 'internal', message: 'internal error', requestId } }));
        });
    });
  });
  await new Promise<void>((resolve, reject) => {
    // A taken port is the caller's to explain, not an unhandled 'error' event.
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
