import type { Bridge } from '../../bridge';
import { parse, Text } from '../../schema';
import { errorAnswer, idempotencyKeyInFlight, idempotencyKeyReused } from './errors';
import type { Route } from './route';

/*
 * `Idempotency-Key` on the routes that act (`idempotent` in their declaration): a client that
 * got no answer repeats the request with the same key, and the bridge acts once. The key is
 * claimed in the bridge's ledger of repeated requests (lib/replies.ts, which the assistants'
 * retried messages use too) under the account, the route and the key, with the SHA-256
 * fingerprint of the method, path and body as sent.
 */

/** The request header that names a repeatable request. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** The answer header of a repeat: the answer is the first request's, and nothing was done again. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';

/** What the header's value must be. */
export const IDEMPOTENCY_KEY = Text({
  description:
    'Makes the request safe to repeat: a repeat with the same key, method, path and body within 24 hours gets the first answer again (with `Idempotent-Replayed: true`) and does nothing more. A key is good for one request: given to another (another path or body), it is refused with 422 `idempotency_key_reused`; repeated while the first is still being served, with 409 `idempotency_key_in_flight`. Answers that say nothing was done (every 4xx, 502 and 503) are not kept, so the key may be used again: the request corrected, or the cloud back. A UUID makes a good key.',
  minLength: 1,
  maxLength: 255,
  pattern: /^[!-~]+$/,
  rule: 'must be 1 to 255 visible ASCII characters (letters, digits, punctuation; no spaces)',
  example: '9b2f6c1e-3d4a-4e5f-8a7b-0c1d2e3f4a5b',
});

/**
 * The request's `Idempotency-Key`, checked (422 `invalid_input` naming the header); undefined
 * when it sent none.
 *
 * @example
 * const key = idempotencyKeyOf({ 'idempotency-key': '9b2f6c1e' }); // '9b2f6c1e'
 */
export function idempotencyKeyOf(headers: Record<string, string | undefined>): string | undefined {
  const value = headers[IDEMPOTENCY_HEADER.toLowerCase()];
  return value === undefined ? undefined : parse(IDEMPOTENCY_KEY, value, IDEMPOTENCY_HEADER);
}

/** An answer as it is kept for repeats: its status, JSON body and headers. */
export interface KeptAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The request a key was sent with: what the ledger keys and fingerprints. */
export interface KeyedRequest {
  route: Route;
  accountId: string;
  key: string;
  method: string;
  /** The path as sent, percent-encoded. */
  rawPath: string;
  body: string | undefined;
  /** The request id a kept error answer names. */
  requestId: string;
}

/**
 * The ledger's message for a keyed request: the route and key under the account, and what
 * makes a repeat the same request.
 *
 * @example
 * await bridge.replies.once(keyedMessage(request), act);
 */
export function keyedMessage(request: Omit<KeyedRequest, 'requestId'>) {
  return {
    caller: 'http' as const,
    accountId: request.accountId,
    messageId: `${request.route.method} ${request.route.path} ${request.key}`,
    content: { method: request.method, path: request.rawPath, body: request.body ?? '' },
  };
}

/**
 * Serves a keyed request at most once: the first runs `serve` and its answer (success or a
 * failure after which something may have been done) is kept for 24 hours; a repeat gets that
 * answer (of a success, what the route keeps), `replayed`. The first request's own failure is thrown as it was, for the adapter's
 * one error mapping (which gives the kept answer). A repeat while the first runs is refused
 * (409, Retry-After 1), a key given to another request too (422).
 *
 * @example
 * const { answer, replayed } = await servedOnce(bridge, request, () => route.handle(input, bridge));
 */
export async function servedOnce(bridge: Bridge, request: KeyedRequest, serve: () => Promise<unknown>): Promise<{ answer: KeptAnswer; replayed: boolean }> {
  const { route } = request;
  let first: KeptAnswer | undefined;
  let failure: { error: unknown } | undefined;
  const once = await bridge.replies.once(keyedMessage(request), async function serveFirst(): Promise<KeptAnswer> {
    try {
      const out = await serve();
      first = { status: route.ok.status, body: route.ok.status === 204 ? undefined : out };
      return route.keptForRepeats ? { ...first, body: route.keptForRepeats(first.body) } : first;
    } catch (error) {
      const answer = errorAnswer(error, request.requestId);
      // Not kept, so the key may be used again: the answer says nothing was done.
      if (!keptAfterFailure(answer.status)) throw error;
      failure = { error };
      return { status: answer.status, body: answer.body, ...(answer.headers ? { headers: answer.headers } : {}) };
    }
  });
  if (once.status === 'pending') throw idempotencyKeyInFlight();
  if (once.status === 'reused') throw idempotencyKeyReused();
  if (failure) throw failure.error;
  if (once.status === 'fresh') return { answer: first ?? once.answer, replayed: false };
  return { answer: once.answer, replayed: true };
}

/**
 * Whether a failure's answer is kept for repeats: those after which something may have been
 * done (a device switched, a timer stored): 5xx, but not 502 (the cloud refused the call or
 * could not be reached; a call that went out and lost its answer is 504 `outcome_unknown`) and
 * not 503 (held back, or the table down): both say nothing was done and to try again. A 4xx is
 * the request's own fault or state and changed nothing.
 */
function keptAfterFailure(status: number): boolean {
  return status >= 500 && status !== 502 && status !== 503;
}
