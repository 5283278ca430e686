import type { IncomingMessage } from 'node:http';
import type { Placement } from '../accounts/regions';
import type { SimContext } from '../context';
import type { NoteDeviation } from '../deviations';
import { Refusal } from '../errors';
import { isNonce, type Fields } from '../fields';
import { matchRoute } from './routes';
import { bodyFields, checkBearer, checkSign } from './request-checks';
import type { Answer } from './server';
import { V2_ACCOUNT_ROUTES } from './v2-account-routes';
import type { V2Call, V2Route } from './v2-route';
import { V2_THING_ROUTES } from './v2-thing-routes';

/** Every v2 route the sim answers, on the REST and the dispatch hosts. */
const V2_ROUTES: readonly V2Route[] = [...V2_ACCOUNT_ROUTES, ...V2_THING_ROUTES];

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `X-CK-Nonce` on a POST/PUT: 8 letters or digits, as v1's body nonce. */
function checkNonce(req: IncomingMessage): void {
  const nonce = header(req, 'x-ck-nonce');
  if (nonce === undefined || nonce === '') throw new Refusal(400, 'the X-CK-Nonce header is missing');
  if (!isNonce(nonce)) throw new Refusal(400, 'X-CK-Nonce must be 8 letters or digits');
}

/** `X-CK-Appid`: required on the Sign routes, and when sent on others it must be the app's own. */
function checkAppid(ctx: SimContext, req: IncomingMessage, required: boolean): void {
  const appid = header(req, 'x-ck-appid');
  if (appid === undefined || appid === '') {
    if (required) throw new Refusal(400, 'the X-CK-Appid header is missing');
    return;
  }
  if (appid !== ctx.settings.appId) throw new Refusal(406, 'appid is not known (authentication failed)');
}

/**
 * Answers a request to a v2 host: the route for its host, method and path; the JSON body of a
 * POST with its `X-CK-Nonce`; Sign or Bearer; then `{error: 0, msg, data}`, or `{error, msg,
 * data}` for a refusal (with the same codes the v1 routes use for the same faults).
 */
export async function answerV2Call(ctx: SimContext, req: IncomingMessage, url: URL, placement: Placement, raw: Buffer): Promise<Answer> {
  const method = req.method ?? 'GET';
  const { path, region, service } = placement;
  const found = matchRoute(
    V2_ROUTES.filter((route) => route.host === service),
    method,
    path,
  );
  if (!found) return { status: 404, body: { error: 404, msg: `no route ${method} ${path} on the ${service} host`, data: {} } };
  const { route } = found;

  const note: NoteDeviation = (rule, detail) => ctx.deviations.record(rule, method, path, detail);
  try {
    const inBody = method === 'POST' || method === 'PUT';
    if (inBody) checkNonce(req);
    const input: Fields = inBody ? bodyFields(req.headers['content-type'], raw, note) : Object.fromEntries(url.searchParams);
    const call: V2Call = { method, path, region, input };
    const authorization = req.headers.authorization;
    if (route.auth === 'none') return { status: 200, body: await route.handle(call, ctx) };
    if (route.auth === 'sign') {
      checkAppid(ctx, req, true);
      checkSign(ctx, authorization, method, raw, url);
      return envelope(await route.handle(call, ctx));
    }
    checkAppid(ctx, req, false);
    const { account, at } = checkBearer(ctx, authorization, region);
    return envelope(await route.handle({ ...call, account, at }, ctx));
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const body = route.auth === 'none' ? error.body() : { error: error.code, msg: error.message, data: error.extra };
    return { status: error.httpStatus, body };
  }
}

function envelope(data: Fields): Answer {
  return { status: 200, body: { error: 0, msg: '', data } };
}
