import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Region } from '../../lib/ewelink/hosts';
import type { SimContext } from '../context';
import type { NoteDeviation } from '../deviations';
import { checkCommonParams, isObject, type Fields } from '../fields';
import { placeRequest } from '../accounts/regions';
import { Refusal } from '../errors';
import { findRoute } from './routes';
import type { Call } from './cloud-route';
import { bodySignature, credential, querySignature, signaturesEqual } from './signature';

export interface Answer {
  status: number;
  body: unknown;
}

/** Answers the test-only `/_sim/*` routes (not counted, no latency). */
export type ControlAnswerer = (method: string, path: string, rawBody: string, query: URLSearchParams) => Answer | Promise<Answer>;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

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
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The media type of a Content-Type header, lower case and without its parameters. */
function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** The JSON object of a POST/PUT. The real cloud also read JSON sent as text/plain (what a bare fetch sends). */
function bodyFields(contentType: string | undefined, raw: Buffer, note: NoteDeviation): Fields {
  const type = mediaType(contentType);
  if (type === 'text/plain') note('json-content-type', `the JSON body came as Content-Type: ${contentType ?? ''}`);
  else if (!type.includes('application/json')) throw new Refusal(400, 'Content-Type must be application/json');
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Refusal(400, 'the body is not valid JSON');
  }
  if (!isObject(parsed)) throw new Refusal(400, 'the body must be a JSON object');
  return parsed;
}

function checkSign(ctx: SimContext, header: string | undefined, method: string, raw: Buffer, url: URL): void {
  const given = credential(header, 'Sign');
  if (given === undefined) {
    throw new Refusal(401, credential(header, 'Bearer') ? 'this path takes Authorization: Sign <signature>, not a Bearer token' : 'Authorization: Sign <signature> is missing');
  }
  const expected =
    method === 'POST' || method === 'PUT' ? bodySignature(ctx.settings.appSecret, raw) : querySignature(ctx.settings.appSecret, [...url.searchParams]);
  if (!signaturesEqual(given, expected)) throw new Refusal(401, 'the signature does not match');
}

function checkBearer(ctx: SimContext, header: string | undefined, region: Region | null) {
  const at = credential(header, 'Bearer');
  if (at === undefined) {
    throw new Refusal(401, credential(header, 'Sign') ? 'this path takes Authorization: Bearer <at>, not a signature' : 'Authorization: Bearer <at> is missing');
  }
  const check = ctx.tokens.check(at);
  if (!check.ok) throw new Refusal(check.code, check.reason);
  if (check.account.region !== region) {
    throw new Refusal(301, `the account belongs to region ${check.account.region}`, { region: check.account.region });
  }
  return check.account;
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
    const account = checkBearer(ctx, header, region);
    return { status: 200, body: await route.handle({ ...call, account }, ctx) };
  } catch (error) {
    if (error instanceof Refusal) return { status: error.httpStatus, body: error.body() };
    throw error;
  }
}

/**
 * The HTTP side: region by Host or path prefix, the common fields, Sign or Bearer, the
 * route, then the latency fault, then the answer.
 */
export function createHttpHandler(ctx: SimContext, answerControl: ControlAnswerer) {
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = Date.now();
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    const method = req.method ?? 'GET';

    if (url.pathname.startsWith('/_sim/')) return send(res, await answerControl(method, url.pathname, raw.toString('utf8'), url.searchParams));

    const { region, path } = placeRequest(req.headers.host, url.pathname);
    ctx.stats.recordHttp({
      kind: 'http',
      time: arrived,
      method,
      path,
      region,
      headers: flatHeaders(req.headers),
      query: Object.fromEntries(url.searchParams),
      body: raw.toString('utf8'),
    });
    const answer = await answerCall(ctx, req, url, region, path, raw);
    await ctx.timers.sleep(ctx.faults.latencyMs);
    send(res, answer);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    serve(req, res).catch((error: unknown) => {
      console.error('sim: request failed', error);
      send(res, { status: 500, body: { error: 500, msg: 'simulator failure' } });
    });
  };
}
