import type { Region } from '../ewelink/hosts';
import type { CloudApi } from '../ewelink/types';
import type { BucketStore, Metered, RateLimit } from '../rate-limit';

/*
 * What the accounts side of the domain keeps: each account's eWeLink token pair and the
 * bridge's API keys, and the repositories it needs for them (lib/store implements them).
 */

/** An account's eWeLink token pair as stored, with the bookkeeping for safe refreshes. */
export interface TokenRecord {
  accountId: string;
  /** Access token. Never log it. */
  at: string;
  /** Refresh token. Never log it. */
  rt: string;
  region: Region;
  /** The account's own apikey (the owner id the cloud uses in device lists and WebSocket); '' for a v2 account that owns no device. */
  apikey: string;
  /** The API the account was linked through: `v2` by the OAuth login; absent (older records) or `v1` otherwise. */
  api?: CloudApi;
  /** The eWeLink login (e-mail address or +CC phone number) the link signed in as, when it named one (a password login does; an imported pair or the OAuth login does not). */
  login?: string;
  /** When the access token expires, epoch milliseconds. */
  atExpiresAt: number;
  /** When the refresh token expires, epoch milliseconds. */
  rtExpiresAt: number;
  /** Starts at 1 and grows by one with every write of a pair: the guard for concurrent refreshes. */
  version: number;
  /** Epoch milliseconds of the last write of a pair. */
  updatedAt: number;
  /** Who holds the refresh lease, while someone does. */
  leaseOwner?: string;
  /** Until when (epoch ms, exclusive) the lease holds. */
  leaseUntil?: number;
}

/** A pair from a login, an import or the OAuth login. */
export type NewTokens = Pick<TokenRecord, 'accountId' | 'at' | 'rt' | 'region' | 'apikey' | 'api' | 'login' | 'atExpiresAt' | 'rtExpiresAt'>;

/** A pair from a refresh (`/api/user/refresh` or `/v2/user/refresh`): same account, region, apikey and API, new tokens. */
export type RefreshedTokens = Pick<TokenRecord, 'at' | 'rt' | 'atExpiresAt' | 'rtExpiresAt'>;

/** An API key as stored: never the key itself, which is shown once at creation. */
export interface ApiKey {
  id: string;
  accountId: string;
  label: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Its own rate limit; the default (`KEY_RATE`) when absent. */
  limit?: RateLimit;
  /** Epoch milliseconds of the last use, written at most hourly. */
  lastUsedAt?: number;
}

/** What `find` gives for a presented key: the record with its rate-limit bucket. */
export type FoundApiKey = ApiKey & Metered;

/** What a caller gives to make a key. */
export type NewApiKey = Pick<ApiKey, 'accountId' | 'label' | 'limit'>;

/**
 * The accounts' eWeLink token pairs. A refresh is guarded twice: a lease, so only one caller
 * spends the refresh token, and the pair's `version`, so a pair saved by a login or an import
 * in the meantime is never overwritten by an older refresh.
 */
export interface TokenRepository {
  /**
   * The stored pair of an account (a strongly consistent read), or undefined.
   *
   * @example
   * const tokens = await store.tokens.get(accountId);
   * if (!tokens) return notLinked(accountId);
   */
  get(accountId: string): Promise<TokenRecord | undefined>;

  /**
   * Stores the pair from a login or an import, replacing whatever was there: `version` becomes
   * the previous one plus one (1 for a new account) and any refresh lease is dropped, so a
   * refresh still in flight cannot save over it.
   *
   * @example
   * const record = await store.tokens.save({ accountId, at, rt, region: 'eu', apikey, atExpiresAt, rtExpiresAt });
   */
  save(tokens: NewTokens, now?: number): Promise<TokenRecord>;

  /**
   * Takes the refresh lease for `leaseMs`: true only if the pair is still at `expectedVersion`
   * and nobody holds an unexpired lease. Pick `leaseMs` longer than a refresh call can take.
   *
   * @example
   * if (!(await store.tokens.acquireRefreshLease(id, record.version, invocationId, 30_000))) return; // someone else refreshes
   */
  acquireRefreshLease(accountId: string, expectedVersion: number, owner: string, leaseMs: number, now?: number): Promise<boolean>;

  /**
   * Stores a refreshed pair if the pair is still at `expectedVersion` and `owner` still holds
   * the lease; bumps `version` and drops the lease. Undefined when either no longer holds
   * (the stored pair is then left as it was).
   *
   * @example
   * const saved = await store.tokens.saveRefreshed(id, record.version, invocationId, { at, rt, atExpiresAt, rtExpiresAt });
   * if (!saved) log.warn('refresh lost: a newer pair was saved meanwhile');
   */
  saveRefreshed(
    accountId: string,
    expectedVersion: number,
    owner: string,
    tokens: RefreshedTokens,
    now?: number,
  ): Promise<TokenRecord | undefined>;

  /**
   * Drops the lease after a failed refresh so the next caller need not wait it out; false if
   * the lease is no longer `owner`'s.
   *
   * @example
   * try { pair = await refresh(record.rt) } catch (error) { await store.tokens.releaseLease(id, invocationId); throw error }
   */
  releaseLease(accountId: string, owner: string): Promise<boolean>;

  /**
   * Every account's pair, following pages (`pageSize` items per request; DynamoDB's 1 MB page
   * when unset).
   *
   * @example
   * for (const record of await store.tokens.list()) if (record.atExpiresAt - Date.now() < DAY) await refresh(record);
   */
  list(options?: { pageSize?: number }): Promise<TokenRecord[]>;

  /**
   * Deletes the account's pair; false when there was none.
   *
   * @example
   * if (!(await store.tokens.remove(accountId))) log.info('nothing to unlink');
   */
  remove(accountId: string): Promise<boolean>;
}

/** A sign-in through the eWeLink login page, started and not yet finished. */
export interface OAuthState {
  /** The bridge account the sign-in links. */
  accountId: string;
  /** Where the login page sends the person back: the code is exchanged for this same URL. */
  redirectUrl: string;
  /** Epoch milliseconds after which the state is no longer taken. */
  expiresAt: number;
}

/**
 * The OAuth `state` values handed out: single-use and short-lived, kept only as their SHA-256
 * (the value itself travels in the login link and comes back once).
 */
export interface OAuthStateRepository {
  /**
   * Keeps a state until `expiresAt` (the table's TTL removes it some time after).
   *
   * @example
   * await store.oauthStates.put(state, { accountId, redirectUrl, expiresAt: Date.now() + 600_000 });
   */
  put(state: string, record: OAuthState): Promise<void>;

  /**
   * Takes a state once: the record, deleted in the same write, or undefined when it is unknown
   * or taken already. Whether it has expired is the caller's to check (TTL deletion lags).
   *
   * @example
   * const started = await store.oauthStates.take(query.state);
   */
  take(state: string): Promise<OAuthState | undefined>;
}

/** The bridge's API keys: each speaks for one account; only the key's SHA-256 is stored. */
export interface ApiKeyRepository {
  /**
   * A new key for the account. The key (`ebk_…`) is in the answer only: show it once.
   *
   * @example
   * const { id, key } = await store.apiKeys.create({ accountId, label: 'home assistant' });
   */
  create(key: NewApiKey, now?: number): Promise<{ apiKey: ApiKey; key: string }>;

  /**
   * Stores a key chosen elsewhere (the configured admin key), at least 16 characters.
   * Idempotent: if the key is stored already for this account, that record comes back
   * unchanged; stored for another account, it throws a `Conflict` StoreError.
   *
   * @example
   * await store.apiKeys.createWithKey('default', 'admin', config.adminKey);
   */
  createWithKey(accountId: string, label: string, key: string, now?: number): Promise<ApiKey>;

  /**
   * The record of a presented key, or undefined if it is unknown or revoked (looked up by hash).
   *
   * @example
   * const apiKey = await store.apiKeys.find(bearerToken);
   * if (!apiKey) return unauthorised();
   */
  find(key: string): Promise<FoundApiKey | undefined>;

  /**
   * The rate-limit bucket of a presented key (see `spendToken`).
   *
   * @example
   * await spendToken(found.limit ?? KEY_RATE, found, store.apiKeys.bucket(key, found), 'this API key', gone);
   */
  bucket(key: string, record: ApiKey): BucketStore;

  /**
   * The account's keys (never the keys themselves), oldest first.
   *
   * @example
   * const keys = await store.apiKeys.list(accountId);
   */
  list(accountId: string): Promise<ApiKey[]>;

  /**
   * Deletes one of the account's keys; false if the account has no key with that id.
   *
   * @example
   * await store.apiKeys.revoke(accountId, id);
   */
  revoke(accountId: string, id: string): Promise<boolean>;
}
