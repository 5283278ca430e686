import { randomBytes } from 'node:crypto';
import type { Account } from './account-book';

/** What the login page handed out: who signed in, and where the code was sent. */
export interface CodeGrant {
  readonly account: Account;
  readonly redirectUrl: string;
  readonly expiresAt: number;
}

/**
 * The authorization codes the login page hands out: each names the account that signed in and
 * the redirect URL it was sent to, and is exchanged at most once, within its lifetime (on the
 * sim's clock). The token route checks the rest (redirect URL, region) before it spends one, so
 * a refused exchange leaves the code to its rightful holder.
 */
export class OAuthCodes {
  private readonly grants = new Map<string, CodeGrant>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(account: Account, redirectUrl: string): string {
    const code = randomBytes(16).toString('hex');
    this.grants.set(code, { account, redirectUrl, expiresAt: this.now() + this.lifetimeMs });
    return code;
  }

  /** The grant of a code that may still be exchanged; undefined when it is unknown, spent or expired. */
  usable(code: string): CodeGrant | undefined {
    const grant = this.grants.get(code);
    return grant && this.now() < grant.expiresAt ? grant : undefined;
  }

  /** The code can never be exchanged again. */
  spend(code: string): void {
    this.grants.delete(code);
  }
}
