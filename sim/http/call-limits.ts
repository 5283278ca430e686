import type { IncomingMessage } from 'node:http';
import type { SimContext } from '../context';
import { accountCaller, addressCaller, TOO_FREQUENT } from '../politeness';
import type { Answer } from './server';
import { credential } from './signature';

/**
 * Counts a cloud HTTP call against the politeness limits: per account when it carries a live
 * Bearer token, else per client IP (a signed call before login, or a dead token); per endpoint
 * `METHOD /path` (without the region prefix). Answers the 429 when the call crossed a limit
 * that is enforced, else undefined.
 *
 * @example
 * const refusal = limitHttpCall(ctx, req, 'GET', '/api/user/device');
 * // { status: 429, headers: { 'retry-after': '1' }, body: { error: 429, msg: 'request too frequent' } }
 */
export function limitHttpCall(ctx: SimContext, req: IncomingMessage, method: string, path: string): Answer | undefined {
  const at = credential(req.headers.authorization, 'Bearer');
  const check = at === undefined ? undefined : ctx.tokens.check(at);
  const caller = check?.ok ? accountCaller(check.account) : addressCaller(req.socket.remoteAddress);
  const crossing = ctx.politeness.call(caller, `${method} ${path}`);
  if (!crossing?.refused) return undefined;
  return { status: 429, headers: { 'retry-after': String(crossing.retryAfterSec) }, body: { ...TOO_FREQUENT } };
}
