import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Region } from '../../lib/ewelink/hosts';
import type { SimContext } from '../context';
import type { NoteDeviation } from '../deviations';
import { checkCommonParams } from '../fields';
import { placeRequest, type Placement } from '../accounts/regions';
import { Refusal } from '../errors';
import { findRoute } from './routes';
import type { Call } from './cloud-route';
import { answerLoginPage, type PageAnswer } from './login-page';
import { limitHttpCall } from './call-limits';
import { bodyFields, checkBearer, checkSign, readBody } from './request-checks';
import { answerV2Call } from './v2-server';

export interface Answer {
  status: number;
  body: unknown;
  /** Headers beside the content type and length (a 429's Retry-After). */
  headers?: Record<string, string>;
}

/** Answers the test-only `/_sim/*` routes (not counted, no latency). */
export type ControlAnswerer = (method: string, path: string, rawBody: string, query: URLSearchParams) => Answer | Promise<Answer>;

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.headersSent) return;
  const body = JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendPage(res: ServerResponse, answer: PageAnswer): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** What the real cloud answers a personal app id on every v1 path, login included: HTTP 200, error 407. */
function notAllowedForApp(ctx: SimContext): Answer {
  return { status: 200, body: { error: 407, msg: `the path of request is not allowed with appid:${ctx.settings.appId}` } };
}

async function answerCall(ctx: SimContext, req: IncomingMessage, url: URL, region: Region | null, path: string, raw: Buffer): Promise<Answer> {
  const method = req.method ?? 'GET';
  const found = findRoute(method, path);
  if (!found) return { status: 404, body: { error: 404, msg: `no route ${method} ${path}` } };
  const { route, pathParams } = found;
  if ((route.host ?? 'region') === 'global' && region !== null) {
    return { status: 404, body: { error: 404, msg: `${path} is answered by the global host (api.coolkit.cc), not a region host` } };
  }

  const note: NoteDeviation = (rule, detail) => ctx.deviations.record(rule, method, path, detail);
  try {
    const inBody = method === 'POST' || method === 'PUT';
    const input = inBody ? bodyFields(req.headers['content-type'], raw, note) : Object.fromEntries(url.searchParams);
    checkCommonParams(input, method, ctx.settings.appId, note);
    const call: Call = { method, path, region, input, pathParams };
    const header = req.headers.authorization;
    if (route.auth === 'sign') {
      checkSign(ctx, header, method, raw, url);
      return { status: 200, body: await route.handle(call, ctx) };
    }
    const { account } = checkBearer(ctx, header, region);
    return { status: 200, body: await route.handle({ ...call, account }, ctx) };
  } catch (error) {
    if (error instanceof Refusal) return { status: error.httpStatus, body: error.body() };
    throw error;
  }
}

/** A request to a cloud host: v1 (refused with 407 for a personal app id) or v2. */
function answerCloud(ctx: SimContext, req: IncomingMessage, url: URL, placement: Placement, raw: Buffer): Promise<Answer> | Answer {
  if (placement.service !== 'api') return answerV2Call(ctx, req, url, placement, raw);
  if (ctx.settings.appKind === 'personal') return notAllowedForApp(ctx);
  return answerCall(ctx, req, url, placement.region, placement.path, raw);
}

/**
 * The HTTP side: the host (v1, v2, dispatch or login page) and region by Host or path prefix,
 * every request counted (and against the politeness limits, the login page apart), held while
 * `hangHttp` is on, then the host's checks and route (or the 429 of an enforced limit), then the
 * latency fault (three times over on a connection's first cloud answer), then the answer (or,
 * under `dropHttpAfterApply`, the connection closed in its place).
 */
export function createHttpHandler(ctx: SimContext, answerControl: ControlAnswerer) {
  /** Connections that carried a cloud request already, and so paid their set-up. */
  const setUp = new WeakSet<Socket>();

  /** Whether this is the first cloud request on its connection (a new connection, counted). */
  function opensConnection(req: IncomingMessage): boolean {
    if (setUp.has(req.socket)) return false;
    setUp.add(req.socket);
    ctx.stats.recordHttpConnection();
    return true;
  }

  /** The latency before an answer; a new connection's TCP and TLS set-up costs two more round trips. */
  function latency(fresh: boolean): number {
    return ctx.faults.latencyMs * (fresh ? 3 : 1);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = req.method ?? 'GET';

    if (url.pathname.startsWith('/_sim/')) return send(res, await answerControl(method, url.pathname, raw.toString('utf8'), url.searchParams));

    const placement = placeRequest(req.headers.host, url.pathname);
    const { region, path, service } = placement;
    ctx.stats.recordHttp({
      kind: 'http',
      time: arrived,
      method,
      path,
      service,
      region,
      headers: flatHeaders(req.headers),
      query: Object.fromEntries(url.searchParams),
      body: raw.toString('utf8'),
    });
    const fresh = opensConnection(req);
    // The login page is a person's browser, not an API caller: no limits on it.
    const tooFrequent = service === 'oauth' ? undefined : limitHttpCall(ctx, req, method, path);
    await ctx.hold.pass();
    if (service === 'oauth') {
      const page = answerLoginPage(ctx, method, path, url, req.headers['content-type'], raw);
      await ctx.timers.sleep(latency(fresh));
      return sendPage(res, page);
    }
    const answer = tooFrequent ?? (await answerCloud(ctx, req, url, placement, raw));
    await ctx.timers.sleep(latency(fresh));
    // dropHttpAfterApply: whatever the call did stands, but its answer is lost with the connection.
    if (ctx.faults.dropHttpAfterApply) return void req.socket.destroy();
    send(res, answer);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    serve(req, res).catch((error: unknown) => {
      console.error('sim: request failed', error);
      send(res, { status: 500, body: { error: 500, msg: 'simulator failure' } });
    });
  };
}
