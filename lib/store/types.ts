import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Region } from '../ewelink/hosts';

/** The table a repository works on, and the client to reach it with. */
export interface TableConfig {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** An account's eWeLink token pair as stored, with the bookkeeping for safe refreshes. */
export interface TokenRecord {
  accountId: string;
  /** Access token. Never log it. */
  at: string;
  /** Refresh token. Never log it. */
  rt: string;
  region: Region;
  /** The account's own apikey (the owner id the cloud uses in device lists and WebSocket). */
  apikey: string;
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

/** A pair from a login or an import. */
export type NewTokens = Pick<TokenRecord, 'accountId' | 'at' | 'rt' | 'region' | 'apikey' | 'atExpiresAt' | 'rtExpiresAt'>;

/** A pair from `/api/user/refresh`: same account, region and apikey, new tokens. */
export type RefreshedTokens = Pick<TokenRecord, 'at' | 'rt' | 'atExpiresAt' | 'rtExpiresAt'>;

/** A device as the bridge remembers it from the account's device list. */
export interface CachedDevice {
  deviceid: string;
  name: string;
  uiid: number;
  /** The owner's apikey (differs from the account's own for shared devices). */
  apikey: string;
  online: boolean;
  channels?: number;
  params?: Record<string, unknown>;
  /** The ids of the groups the device is in (a device may be in several, or none). */
  groups?: string[];
}

/** An account's cached device list and when it was fetched from the cloud (epoch ms). */
export interface DeviceList {
  devices: CachedDevice[];
  fetchedAt: number;
}

/** An API key as stored: never the key itself, which is shown once at creation. */
export interface ApiKey {
  id: string;
  accountId: string;
  label: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/**
 * What a webhook does when called: a semantic device command such as `{ power: 'toggle', channel: 1 }`.
 * The store keeps the object whole, as given, so later commands (brightness %, colour, colour
 * temperature) travel as further fields without a schema change; read it back through
 * lib/devices' `parseCommand`, which knows the current set. (No index signature: lib/devices'
 * command interfaces could not be assigned to one.)
 */
export interface HookAction {
  power?: 'on' | 'off' | 'toggle';
  /** A channel number, or `'all'`; absent = every channel. */
  channel?: number | 'all';
}

/** A webhook bound to one device action. */
export interface Hook {
  hookId: string;
  accountId: string;
  deviceid: string;
  action: HookAction;
  name?: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

/** A webhook as stored for the check at call time: with the SHA-256 of its secret, never the secret. */
export interface StoredHook extends Hook {
  secretHash: string;
}

/** What a caller gives to create a webhook. */
export type NewHook = Pick<Hook, 'accountId' | 'deviceid' | 'action' | 'name'>;

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
}

/** Each account's device list, cached between cloud fetches (the cloud is never polled). */
export interface DeviceCacheRepository {
  /**
   * The cached list, or undefined if there is none or it is past its TTL (DynamoDB deletes
   * expired items only eventually, so the expiry is checked on read too). One GetItem.
   *
   * @example
   * const cached = await store.devices.get(accountId);
   * if (cached && Date.now() - cached.fetchedAt < maxAgeMs) return cached.devices;
   */
  get(accountId: string, now?: number): Promise<DeviceList | undefined>;

  /**
   * Replaces the account's list with a fresh one from the cloud; it expires after `ttlSec`.
   *
   * @example
   * await store.devices.put(accountId, devices, 3600);
   */
  put(accountId: string, devices: CachedDevice[], ttlSec: number, now?: number): Promise<DeviceList>;

  /**
   * Records a device going on- or offline (a WebSocket event) in the cached list, touching only
   * that device's flag so a concurrent `put` or another device's update is never lost. False
   * when there is no live cache or the device is not in it.
   *
   * @example
   * socket.on('sysmsg', (m) => store.devices.setOnline(accountId, m.deviceid, m.params.online));
   */
  setOnline(accountId: string, deviceid: string, online: boolean): Promise<boolean>;

  /**
   * Drops the account's list, so the next read goes to the cloud (after a rename, a delete,
   * a group change: a cached copy would be wrong until its TTL).
   *
   * @example
   * await store.devices.forget(accountId);
   */
  forget(accountId: string): Promise<void>;
}

/** The bridge's API keys: each speaks for one account; only the key's SHA-256 is stored. */
export interface ApiKeyRepository {
  /**
   * A new key for the account. The key (`ebk_…`) is in the answer only: show it once.
   *
   * @example
   * const { id, key } = await store.apiKeys.create(accountId, 'home assistant');
   */
  create(accountId: string, label: string, now?: number): Promise<{ id: string; key: string }>;

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
  find(key: string): Promise<ApiKey | undefined>;

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

/** Webhooks: each one runs one device action for whoever holds its id and secret. */
export interface HookRepository {
  /**
   * A new webhook with a random id and secret. The secret is in the answer only (show it once);
   * the store keeps its SHA-256.
   *
   * @example
   * const { hook, secret } = await store.hooks.create({ accountId, deviceid, action: { power: 'toggle' } });
   */
  create(hook: NewHook, now?: number): Promise<{ hook: Hook; secret: string }>;

  /**
   * The webhook with its secret's hash, for checking a call with `secretMatches`; undefined if unknown.
   *
   * @example
   * const hook = await store.hooks.get(hookId);
   * if (!hook || !secretMatches(secret, hook.secretHash)) return unauthorised();
   */
  get(hookId: string): Promise<StoredHook | undefined>;

  /**
   * The account's webhooks (without secret hashes), oldest first.
   *
   * @example
   * const hooks = await store.hooks.list(accountId);
   */
  list(accountId: string): Promise<Hook[]>;

  /**
   * Deletes a webhook; with `accountId`, only if it belongs to that account. False if there
   * was no such webhook (for that account).
   *
   * @example
   * if (!(await store.hooks.delete(hookId, accountId))) return notFound();
   */
  delete(hookId: string, accountId?: string): Promise<boolean>;
}
