import type { Logger } from '@aws-lambda-powertools/logger';
import type { AssistantTokens } from '../../accounts/assistant-tokens';
import type { Bridge } from '../../bridge';
import { InvalidInput } from '../../errors';
import { parse } from '../../schema';
import { syncDevice } from './devices';
import { execute, type IntentContext } from './execute';
import { EXECUTE_PAYLOAD, FULFILLMENT_REQUEST, QUERY_PAYLOAD } from './messages';
import { query } from './query';

/**
 * How long a device's query or command may take before it is answered as offline, ms. Google
 * gives a fulfillment several seconds; the bridge answers by the same limit as for Alexa, past
 * which its own limits could add up (a socket reply 5 s, then the HTTP fallback 6 s).
 */
export const GOOGLE_DEADLINE_MS = 6_000;

/** The whole request's budget, ms: past the devices' deadline, with time to record and send the answer. */
export const GOOGLE_BUDGET_MS = 7_000;

export interface GoogleOptions {
  tokens: AssistantTokens;
  /** How long a device's query or command may take, ms (default `GOOGLE_DEADLINE_MS`). */
  deadlineMs?: number;
  logger?: Logger;
}

/** The HTTP status and JSON body to answer Google with. */
export interface GoogleAnswer {
  status: number;
  body: Record<string, unknown>;
}

const INTENT = 'action.devices.';
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/**
 * Answers one fulfillment request (SYNC, QUERY, EXECUTE, DISCONNECT) for the bearer token it
 * came with. Never throws: a bad or expired token is 401 `authFailure` for the whole request, a
 * request that is no fulfillment request 400 `protocolError`; a device's failure is that
 * device's error code. An EXECUTE acts once per requestId; a copy within 5 minutes gets the
 * first answer.
 *
 * @example
 * const { status, body } = await fulfill(bridge, { requestId, inputs: [{ intent: 'action.devices.SYNC' }] }, bearer, { tokens });
 * // 200, { requestId, payload: { agentUserId: 'default', devices: [ … ] } }
 */
export async function fulfill(bridge: Bridge, request: unknown, bearer: string | undefined, options: GoogleOptions): Promise<GoogleAnswer> {
  const started = Date.now();
  const answer = await respond(bridge, request, bearer, options);
  const intent = (request as { inputs?: { intent?: unknown }[] } | null)?.inputs?.[0]?.intent;
  options.logger?.info('fulfillment', { intent: typeof intent === 'string' ? intent : undefined, status: answer.status, errorCode: answer.body.payload && (answer.body.payload as { errorCode?: string }).errorCode, ms: Date.now() - started });
  return answer;
}

async function respond(bridge: Bridge, request: unknown, bearer: string | undefined, options: GoogleOptions): Promise<GoogleAnswer> {
  let parsed;
  try {
    parsed = parse(FULFILLMENT_REQUEST, request, '');
  } catch (err) {
    // The answer must carry a requestId (a UUID, by Google's schema): the nil UUID when the request had none.
    const given = (request as { requestId?: unknown } | null)?.requestId;
    const requestId = typeof given === 'string' && given !== '' ? given : NIL_UUID;
    return { status: 400, body: { requestId, payload: { errorCode: 'protocolError', debugString: (err as Error).message } } };
  }
  const { requestId } = parsed;
  const input = parsed.inputs[0]!;
  const intent = input.intent;
  const ok = (payload: Record<string, unknown>): GoogleAnswer => ({ status: 200, body: { requestId, payload } });
  // Each intent's answer keeps the fields its schema requires, empty, beside a whole-request error.
  const whole = (errorCode: string, status = 200, agentUserId = ''): GoogleAnswer => {
    if (intent === `${INTENT}SYNC`) return { status, body: { requestId, payload: { agentUserId, devices: [], errorCode } } };
    if (intent === `${INTENT}QUERY`) return { status, body: { requestId, payload: { devices: {}, errorCode } } };
    return { status, body: { requestId, payload: { errorCode } } };
  };

  let account: { accountId: string; linkId: string };
  try {
    const check = bearer ? await options.tokens.verify(bearer) : ({ status: 'invalid' } as const);
    if (check.status !== 'valid') return whole('authFailure', 401);
    account = check;
  } catch (err) {
    options.logger?.error('token check failed', { error: err as Error });
    return whole('transientError', 503);
  }
  const ctx: IntentContext = {
    bridge,
    accountId: account.accountId,
    deadlineMs: options.deadlineMs ?? GOOGLE_DEADLINE_MS,
    onInternal: (err) => options.logger?.error('device failed', { error: err as Error }),
  };

  try {
    switch (intent) {
      case `${INTENT}SYNC`: {
        const targets = await bridge.targets.list(account.accountId);
        return ok({ agentUserId: account.accountId, devices: targets.map(syncDevice) });
      }
      case `${INTENT}QUERY`:
        return ok(await query(ctx, parse(QUERY_PAYLOAD, input.payload, 'payload').devices));
      case `${INTENT}EXECUTE`: {
        const { commands } = parse(EXECUTE_PAYLOAD, input.payload, 'payload');
        const once = await bridge.replies.once({ caller: 'google', accountId: account.accountId, messageId: requestId, content: commands }, () => execute(ctx, commands));
        if (once.status === 'pending') return whole('transientError');
        return ok(once.answer);
      }
      case `${INTENT}DISCONNECT`:
        await options.tokens.revoke(account.linkId);
        return { status: 200, body: {} };
      default:
        return whole('protocolError', 400);
    }
  } catch (err) {
    if (err instanceof InvalidInput) return whole('protocolError', 400, account.accountId);
    options.logger?.error('fulfillment failed', { error: err as Error });
    return whole('transientError', 200, account.accountId);
  }
}
