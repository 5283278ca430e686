import { createHash } from 'node:crypto';

/*
 * Retried messages act once. Assistants resend a directive they got no answer to, with the
 * same id; the first to arrive claims the id in the table, acts, and records its answer, and
 * every copy within five minutes gets that answer without acting. The claim is a conditional
 * write, so two copies arriving together cannot both act. A copy is the same id with the same
 * content: a message that reuses an id for something else (Amazon's sample directives all
 * share one) is a message of its own, never answered with another's answer.
 */

/** Which assistant's message, for which account: ids are only unique per assistant, and one account never sees another's answer. */
export interface ReplyKey {
  assistant: 'alexa' | 'google';
  accountId: string;
  /** Alexa's `messageId`, Google's `requestId`. */
  messageId: string;
}

/** What a claim found: the id is ours to act on, answered before, or still being acted on by its first copy. */
export type ReplyClaim = { status: 'claimed' } | { status: 'answered'; answer: unknown } | { status: 'pending' };

/** The table's record of message ids and their answers (lib/store implements it). */
export interface ReplyRepository {
  /**
   * Claims the id unless a live record holds it: a recorded answer younger than its keep
   * time, or a claim younger than `holdMs` (older ones were abandoned by a function that died).
   *
   * @example
   * const claim = await store.replies.claim(key, Date.now(), 15_000, 300_000);
   */
  claim(key: ReplyKey, now: number, holdMs: number, keepMs: number): Promise<ReplyClaim>;
  /** Records the answer to a claimed id, kept `keepMs` from `now`. */
  record(key: ReplyKey, answer: unknown, now: number, keepMs: number): Promise<void>;
  /** Gives up a claim whose work failed, so a retry acts again. */
  release(key: ReplyKey): Promise<void>;
}

/** How long an answer is given again to a repeated id (Alexa and Google both say 5 minutes suffice). */
export const REPLY_KEEP_MS = 5 * 60_000;
/** How long a claim holds without an answer: past the assistants' own wait, so only a dead function's claim runs out. */
export const REPLY_HOLD_MS = 15_000;

/** A message's answer: the first copy's `fresh` one, a repeat's `repeated` one, or `pending` while the first copy still acts. */
export type Once<T> = { status: 'fresh'; answer: T } | { status: 'repeated'; answer: T } | { status: 'pending' };

/**
 * Runs message handlers at most once per message id.
 *
 * @example
 * const once = await bridge.replies.once({ assistant: 'alexa', accountId, messageId, content: { namespace, name, endpointId, payload } }, () => act());
 * if (once.status !== 'pending') return once.answer; // the same answer for every copy
 */
export class Replies {
  constructor(
    private readonly repository: ReplyRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `work` for the first copy of a message; `content` is what makes a copy the same
   * message (the directive or request without its id and token), so only its digest is kept.
   */
  async once<T>(message: ReplyKey & { content: unknown }, work: () => Promise<T>): Promise<Once<T>> {
    const digest = createHash('sha256').update(JSON.stringify(message.content) ?? '').digest('base64url').slice(0, 22);
    const key: ReplyKey = { assistant: message.assistant, accountId: message.accountId, messageId: `${message.messageId}#${digest}` };
    const claim = await this.repository.claim(key, this.now(), REPLY_HOLD_MS, REPLY_KEEP_MS);
    if (claim.status === 'answered') return { status: 'repeated', answer: claim.answer as T };
    if (claim.status === 'pending') return { status: 'pending' };
    let answer: T;
    try {
      answer = await work();
    } catch (err) {
      await this.repository.release(key).catch(() => undefined);
      throw err;
    }
    await this.repository.record(key, answer, this.now(), REPLY_KEEP_MS);
    return { status: 'fresh', answer };
  }
}
