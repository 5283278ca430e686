import { randomInt } from 'node:crypto';

/** `/api/sms` sendType: 0 register, 1 reset password, 3 close the account, 4 WeChat login. */
export type SendType = '0' | '1' | '3' | '4';

export const SEND_TYPES: readonly SendType[] = ['0', '1', '3', '4'];

interface SentCode {
  readonly code: string;
  readonly sendType: SendType;
  readonly sentAt: number;
  readonly used: boolean;
}

export type Sending = { ok: true; code: string } | { ok: false; waitSec: number };

/** E-mail addresses compare without case; phone numbers as they are. */
function key(address: string): string {
  return address.includes('@') ? address.toLowerCase() : address;
}

/**
 * The verification codes `/api/sms` "sent": four digits per address, the last one valid
 * until it is used. An address asking again sooner than the interval (on the sim's clock) is refused.
 */
export class VerificationCodes {
  private readonly sent = new Map<string, SentCode>();

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  send(address: string, sendType: SendType, now = this.now()): Sending {
    const last = this.sent.get(key(address));
    if (last && now - last.sentAt < this.intervalMs) {
      return { ok: false, waitSec: Math.ceil((this.intervalMs - (now - last.sentAt)) / 1000) };
    }
    const code = String(randomInt(0, 10_000)).padStart(4, '0');
    this.sent.set(key(address), { code, sendType, sentAt: now, used: false });
    return { ok: true, code };
  }

  /** The last code sent to the address, used or not. */
  latest(address: string): string | undefined {
    return this.sent.get(key(address))?.code;
  }

  /**
   * True when `code` is the address's live code, sent for one of `purposes`; the code is then
   * used up. The time of sending stays, so the interval still holds.
   */
  redeem(address: string, code: string, purposes: readonly SendType[]): boolean {
    const last = this.sent.get(key(address));
    if (!last || last.used || last.code !== code || !purposes.includes(last.sendType)) return false;
    this.sent.set(key(address), { ...last, used: true });
    return true;
  }
}
