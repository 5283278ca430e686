import { createHash } from 'node:crypto';

/*
 * Repeated requests act once. Assistants resend a directive they got no answer to, with the
 * same id; an HTTP client resends a request with the same `Idempotency-Key`. The first to
 * arrive claims the id in the table, acts, and records its answer, and every copy within the
 * caller's keep time gets that answer without acting. The claim is a conditional write, so two
 * copies arriving together cannot both act; a copy that comes while the first still acts hears
 * so (`pending`). What makes a copy the same request is its content's SHA-256 fingerprint:
 * - an assistant's id reused for other content is another message (Amazon's sample directives
 *   all share one id), acted on by itself and never given another's answer;
 * - an HTTP client's key reused for another request is the client's mistake, refused (`reused`).
 */

/** Who sent the message: ids are unique only per caller. */
export type Caller = 'alexa' | 'google' | 'http';

/** Which caller's message, for which account: one account never sees another's answer. */
export interface ReplyKey {
  caller: Caller;
  accountId: string;
  /** Alexa's `messageId`, Google's `requestId`, an HTTP route and `Idempotency-Key`. */
  messageId: string;
}

/**
 * What a claim found: the id is ours to act on, answered before, still being acted on by its
 * first copy, or held (answered or not) for a request with another fingerprint.
 */
export type ReplyClaim = { status: 'claimed' } | { status: 'answered'; answer: unknown } | { status: 'pending' } | { status: 'reused' };

/** The table's record of message ids and their answers (lib/store implements it). */
export interface ReplyRepository {
  /**
   * Claims the id for the request `fingerprint` names unless a live record holds it: a recorded
   * answer younger than its keep time, or a claim younger than `holdMs` (older ones were
   * abandoned by a function that died).
   *
   * @example
   * const claim = await store.replies.claim(key, fingerprint, Date.now(), 15_000, 300_000);
   */
  claim(key: ReplyKey, fingerprint: string, now: number, holdMs: number, keepMs: number): Promise<ReplyClaim>;
  /** Records the answer to a claimed id, kept `keepMs` from `now`. */
  record(key: ReplyKey, answer: unknown, now: number, keepMs: number): Promise<void>;
  /** Gives up a claim whose work failed, so a retry acts again. */
  release(key: ReplyKey): Promise<void>;
}

/** How long an assistant's answer is given again to a repeated id (Alexa and Google both say 5 minutes suffice). */
export const REPLY_KEEP_MS = 5 * 60_000;
/** How long an assistant's claim holds without an answer: past the assistants' own wait, so only a dead function's claim runs out. */
export const REPLY_HOLD_MS = 15_000;
/** How long an HTTP answer is given again to a repeated `Idempotency-Key`. */
export const IDEMPOTENCY_KEEP_MS = 24 * 3_600_000;
/** How long an HTTP claim holds without an answer: past the HTTP function's 29 s timeout, so only a dead request's claim runs out. */
export const IDEMPOTENCY_HOLD_MS = 30_000;

interface Keeping {
  keepMs: number;
  holdMs: number;
  /** Whether the id with other content is another message, or the same id misused (`reused`). */
  otherContent: 'another message' | 'refused';
}

const KEEPING: Record<Caller, Keeping> = {
  alexa: { keepMs: REPLY_KEEP_MS, holdMs: REPLY_HOLD_MS, otherContent: 'another message' },
  google: { keepMs: REPLY_KEEP_MS, holdMs: REPLY_HOLD_MS, otherContent: 'another message' },
  http: { keepMs: IDEMPOTENCY_KEEP_MS, holdMs: IDEMPOTENCY_HOLD_MS, otherContent: 'refused' },
};

/**
 * A message's answer: the first copy's `fresh` one, a repeat's `repeated` one, `pending` while
 * the first copy still acts, or `reused`: the id is held for a request with other content.
 */
export type Once<T> = { status: 'fresh'; answer: T } | { status: 'repeated'; answer: T } | { status: 'pending' } | { status: 'reused' };

/** A message to answer once: its key, and the content that makes a copy the same message. */
export type ReplyMessage<C extends Caller = Caller> = ReplyKey & { caller: C; content: unknown };

/**
 * Runs message handlers at most once per message id.
 *
 * @example
 * const once = await bridge.replies.once({ caller: 'alexa', accountId, messageId, content: { namespace, name, endpointId, payload } }, () => act());
 * if (once.status === 'fresh' || once.status === 'repeated') return once.answer; // the same answer for every copy
 */
export class Replies {
  constructor(
    private readonly repository: ReplyRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `work` for the first copy of a message; `content` is what makes a copy the same
   * message (the directive without its id and token; an HTTP request's method, path and body),
   * so only its fingerprint is kept. A failed `work` is given up, so a copy acts again; an
   * answer the table cannot keep is still given, and its claim runs out after the hold time.
   */
  once<T>(message: ReplyMessage<'alexa' | 'google'>, work: () => Promise<T>): Promise<Exclude<Once<T>, { status: 'reused' }>>;
  once<T>(message: ReplyMessage, work: () => Promise<T>): Promise<Once<T>>;
  async once<T>(message: ReplyMessage, work: () => Promise<T>): Promise<Once<T>> {
    const keeping = KEEPING[message.caller];
    const fingerprint = createHash('sha256').update(JSON.stringify(message.content) ?? '').digest('base64url');
    const messageId = keeping.otherContent === 'another message' ? `${message.messageId}#${fingerprint.slice(0, 22)}` : message.messageId;
    const key: ReplyKey = { caller: message.caller, accountId: message.accountId, messageId };
    const claim = await this.repository.claim(key, fingerprint, this.now(), keeping.holdMs, keeping.keepMs);
    if (claim.status === 'answered') return { status: 'repeated', answer: claim.answer as T };
    if (claim.status !== 'claimed') return { status: claim.status };
    let answer: T;
    try {
      answer = await work();
    } catch (err) {
      await this.repository.release(key).catch(() => undefined);
      throw err;
    }
    await this.repository.record(key, answer, this.now(), keeping.keepMs).catch(() => undefined);
    return { status: 'fresh', answer };
  }
}
