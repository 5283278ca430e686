import { randomBytes } from 'node:crypto';
import type { Account } from './account-book';

interface AccessGrant {
  readonly account: Account;
  /** The rt it was issued with (or refreshed from): unlinking spends both. */
  readonly rt: string;
  expiresAt: number;
  revokedBy: 'login' | 'refresh' | 'unlink' | undefined;
}

interface RefreshGrant {
  readonly account: Account;
  readonly expiresAt: number;
}

/** A new pair, with when each token expires (ms since the epoch, on the sim's clock). */
export interface IssuedTokens {
  at: string;
  rt: string;
  atExpiresAt: number;
  rtExpiresAt: number;
}

export type AccessCheck = { ok: true; account: Account } | { ok: false; code: 401 | 402; reason: string };

function token(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Access and refresh tokens. An account has one live at: a login or a refresh revokes
 * the ones before it. A refresh keeps the rt and its expiry, as the spec's example shows.
 * Lifetimes run on the sim's clock, so a test on a manual clock moves past them.
 */
export class TokenBook {
  private readonly access = new Map<string, AccessGrant>();
  private readonly refreshes = new Map<string, RefreshGrant>();
  private readonly liveAccess = new Map<Account, Set<string>>();

  constructor(
    private readonly atLifetimeMs: number,
    private readonly rtLifetimeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(account: Account): IssuedTokens {
    const rt = token();
    const rtExpiresAt = this.now() + this.rtLifetimeMs;
    this.refreshes.set(rt, { account, expiresAt: rtExpiresAt });
    const at = this.grantAccess(account, rt, 'login');
    return { at, rt, atExpiresAt: this.access.get(at)?.expiresAt ?? 0, rtExpiresAt };
  }

  check(at: string): AccessCheck {
    const grant = this.access.get(at);
    if (!grant) return { ok: false, code: 401, reason: 'access token not known' };
    if (grant.revokedBy === 'unlink') return { ok: false, code: 401, reason: 'access token revoked: the app was unlinked' };
    if (grant.revokedBy) return { ok: false, code: 401, reason: `access token replaced by a newer ${grant.revokedBy}` };
    if (this.now() >= grant.expiresAt) return { ok: false, code: 402, reason: 'access token expired' };
    return { ok: true, account: grant.account };
  }

  /** The account of a live rt, or undefined when the rt is unknown or expired. */
  refreshOwner(rt: string): Account | undefined {
    const grant = this.refreshes.get(rt);
    return grant && this.now() < grant.expiresAt ? grant.account : undefined;
  }

  /** A new at for a live rt (revoking the account's older ats), or undefined. */
  refresh(rt: string): string | undefined {
    const account = this.refreshOwner(rt);
    return account && this.grantAccess(account, rt, 'refresh');
  }

  /** Revokes an at and the rt it came with (an OAuth unlink); false if the at is not live. */
  revoke(at: string): boolean {
    const grant = this.access.get(at);
    if (!grant || grant.revokedBy) return false;
    grant.revokedBy = 'unlink';
    this.liveAccess.get(grant.account)?.delete(at);
    this.refreshes.delete(grant.rt);
    return true;
  }

  /** Expires an at from now on; false if it is not known. */
  expire(at: string): boolean {
    const grant = this.access.get(at);
    if (!grant) return false;
    grant.expiresAt = Math.min(grant.expiresAt, this.now());
    return true;
  }

  private grantAccess(account: Account, rt: string, cause: 'login' | 'refresh'): string {
    const live = this.liveAccess.get(account) ?? new Set<string>();
    for (const old of live) {
      const grant = this.access.get(old);
      if (grant) grant.revokedBy = cause;
    }
    live.clear();
    const at = token();
    this.access.set(at, { account, rt, expiresAt: this.now() + this.atLifetimeMs, revokedBy: undefined });
    live.add(at);
    this.liveAccess.set(account, live);
    return at;
  }
}
