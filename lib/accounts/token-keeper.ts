import { randomUUID } from 'node:crypto';
import { CloudFailure, RefreshTokenExpired, tokenRefused } from '../ewelink/errors';
import type { CloudTransports } from '../ewelink/transport';
import type { Credentials, RefreshedTokens } from '../ewelink/types';
import { AccountNotLinked, CloudAuthRefused, notOnV2 } from '../errors';
import { sameLogin } from './logins';
import type { NewTokens, TokenRecord, TokenRepository } from './model';

const DAY_MS = 86_400_000;
/** The cloud's documented lifetimes: at 30 days, rt about 60 days (used when the cloud names no expiry). */
export const AT_LIFETIME_MS = 30 * DAY_MS;
export const RT_LIFETIME_MS = 60 * DAY_MS;
/** How long a caller waits, by default, for another instance's refresh to be stored, ms. */
export const REFRESH_WAIT_MS = 6_000;

export interface TokenKeeperOptions {
  /** How long a refresh lease is held, ms (default 30 000). */
  leaseMs?: number;
  /** How long to wait for another instance's refresh, ms (default 8 000). */
  waitMs?: number;
  now?: () => number;
}

export interface RefreshReport {
  refreshed: string[];
  current: string[];
  failed: { accountId: string; error: string }[];
}

/** A pair to store as an account's, as a link yields it; the expiry times when the cloud named them. */
export type AdoptedTokens = Pick<NewTokens, 'at' | 'rt' | 'region' | 'apikey' | 'api' | 'login'> & Partial<Pick<NewTokens, 'atExpiresAt' | 'rtExpiresAt'>>;

/**
 * Keeps each account's token pair: serves credentials from memory (read from the store once
 * per process), refreshes on a 402/401 or before expiry through the API the account was linked
 * with (`/api/user/refresh` or `/v2/user/refresh`), and makes sure that however many instances
 * notice an expired token at once, exactly one calls the cloud's refresh: it takes a lease on
 * the stored pair, the others wait for its result.
 *
 * @example
 * const keeper = new TokenKeeper(store.tokens, transports);
 * await keeper.withCredentials('default', (creds) => transports.for(creds.api).devices(creds));
 */
export class TokenKeeper {
  private readonly cache = new Map<string, TokenRecord>();
  private readonly inFlight = new Map<string, Promise<TokenRecord>>();
  private readonly now: () => number;

  constructor(
    private readonly tokens: TokenRepository,
    private readonly transports: CloudTransports,
    private readonly options: TokenKeeperOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `task` with the account's credentials; on an expired or refused token, renews once and runs it again. */
  async withCredentials<T>(accountId: string, task: (creds: Credentials) => Promise<T>): Promise<T> {
    let record = await this.current(accountId);
    if (record.atExpiresAt <= this.now()) record = await this.renew(accountId, record.at);
    try {
      return await this.run(record, task);
    } catch (err) {
      if (!tokenRefused(err)) throw err;
      const renewed = await this.renew(accountId, record.at);
      return this.run(renewed, task);
    }
  }

  /**
   * For an operation only the v1 API has, called before anything else it does: an account linked
   * through the OAuth login (v2) gets `not_available_for_app` naming `what`, so neither the cloud
   * nor the device list is asked.
   *
   * @example
   * await keeper.requireV1(accountId, 'device groups');
   */
  async requireV1(accountId: string, what: string): Promise<void> {
    if ((await this.current(accountId)).api === 'v2') throw notOnV2(what);
  }

  /**
   * Whether `login` (an e-mail address or phone number) is the eWeLink login the account was
   * linked with; false when the link named none (an imported pair, the OAuth login).
   *
   * @example
   * if (await keeper.isOwnLogin(accountId, share.uid)) throw new InvalidInput('uid', '…');
   */
  async isOwnLogin(accountId: string, login: string): Promise<boolean> {
    const own = (await this.current(accountId)).login;
    return own !== undefined && sameLogin(own, login);
  }

  /**
   * The bridge accounts linked to the eWeLink account with this login (as their links named it):
   * one Query of the token pairs, which share a partition.
   *
   * @example
   * for (const receiver of await keeper.accountsLinkedTo('friend@example.com')) await directory.forget(receiver);
   */
  async accountsLinkedTo(login: string): Promise<string[]> {
    return (await this.tokens.list()).filter((record) => record.login !== undefined && sameLogin(record.login, login)).map((record) => record.accountId);
  }

  /**
   * Stores a pair from a login, a registration, an import or the OAuth login, replacing whatever
   * was there; the expiry times are the cloud's when it named them, else the documented lifetimes.
   */
  async adopt(accountId: string, grant: AdoptedTokens): Promise<TokenRecord> {
    const now = this.now();
    const record = await this.tokens.save({
      accountId,
      at: grant.at,
      rt: grant.rt,
      region: grant.region,
      apikey: grant.apikey,
      api: grant.api ?? 'v1',
      ...(grant.login !== undefined && { login: grant.login }),
      atExpiresAt: grant.atExpiresAt ?? now + AT_LIFETIME_MS,
      rtExpiresAt: grant.rtExpiresAt ?? now + RT_LIFETIME_MS,
    });
    this.cache.set(accountId, record);
    return record;
  }

  /** Deletes the account's pair, in the store and in this process; false when there was none. */
  async forget(accountId: string): Promise<boolean> {
    this.cache.delete(accountId);
    return this.tokens.remove(accountId);
  }

  /** Refreshes every account whose access token expires within `withinMs` (the schedule calls this). */
  async refreshExpiring(withinMs = 7 * DAY_MS): Promise<RefreshReport> {
    const report: RefreshReport = { refreshed: [], current: [], failed: [] };
    for (const record of await this.tokens.list()) {
      if (record.atExpiresAt - this.now() > withinMs) {
        report.current.push(record.accountId);
        continue;
      }
      try {
        await this.renew(record.accountId, record.at);
        report.refreshed.push(record.accountId);
      } catch (err) {
        report.failed.push({ accountId: record.accountId, error: (err as Error).message });
      }
    }
    return report;
  }

  /**
   * A pair newer than `staleAt`: the one another instance already stored, or a fresh one
   * from the cloud. Concurrent calls in this process share one attempt.
   */
  renew(accountId: string, staleAt: string): Promise<TokenRecord> {
    const running = this.inFlight.get(accountId);
    if (running) return running;
    const attempt = this.renewOnce(accountId, staleAt).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, attempt);
    return attempt;
  }

  private async renewOnce(accountId: string, staleAt: string): Promise<TokenRecord> {
    const stored = await this.load(accountId);
    if (stored.at !== staleAt) return stored;
    if (stored.rtExpiresAt <= this.now()) {
      throw new CloudAuthRefused(`account "${accountId}": the refresh token has expired; log in again or import a new token pair`);
    }
    const owner = randomUUID();
    if (await this.tokens.acquireRefreshLease(accountId, stored.version, owner, this.options.leaseMs ?? 30_000, this.now())) {
      let grant: RefreshedTokens;
      try {
        grant = await this.transports.for(stored.api).refresh(stored.rt, stored.region);
      } catch (err) {
        await this.tokens.releaseLease(accountId, owner);
        if (err instanceof RefreshTokenExpired) throw new CloudAuthRefused(`account "${accountId}": ${err.message}`);
        throw err;
      }
      const now = this.now();
      const saved = await this.tokens.saveRefreshed(accountId, stored.version, owner, {
        at: grant.at,
        rt: grant.rt,
        atExpiresAt: now + AT_LIFETIME_MS,
        rtExpiresAt: grant.rt === stored.rt ? stored.rtExpiresAt : now + RT_LIFETIME_MS,
      });
      if (saved) {
        this.cache.set(accountId, saved);
        return saved;
      }
      // Our lease ran out before we could save; whoever took over has stored a pair.
    }
    return this.awaitNewer(accountId, stored.version);
  }

  private async awaitNewer(accountId: string, version: number): Promise<TokenRecord> {
    const deadline = this.now() + (this.options.waitMs ?? REFRESH_WAIT_MS);
    for (;;) {
      const record = await this.load(accountId);
      if (record.version > version) return record;
      if (this.now() >= deadline) {
        throw new CloudFailure(0, 'refresh', `account "${accountId}": another instance is refreshing the token and has not finished; try again shortly`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async run<T>(record: TokenRecord, task: (creds: Credentials) => Promise<T>): Promise<T> {
    const creds: Credentials = { at: record.at, apikey: record.apikey, region: record.region, api: record.api ?? 'v1' };
    return task(creds);
  }

  /**
   * Reads the account's tokens into memory unless they are there already: a caller starts this
   * beside its other reads, so a cold instance does not read one after the other.
   *
   * @example
   * const [device] = await Promise.all([directory.find(accountId, deviceid), keeper.ready(accountId)]);
   */
  async ready(accountId: string): Promise<void> {
    await this.current(accountId);
  }

  private async current(accountId: string): Promise<TokenRecord> {
    return this.cache.get(accountId) ?? this.load(accountId);
  }

  /** The stored pair, read fresh from the store (and cached); `account_not_linked` when there is none. */
  async load(accountId: string): Promise<TokenRecord> {
    const record = await this.tokens.get(accountId);
    if (!record) {
      throw new AccountNotLinked(`account "${accountId}" has no eWeLink tokens yet: log in or import a token pair first`);
    }
    this.cache.set(accountId, record);
    return record;
  }
}
