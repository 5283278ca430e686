import type { DeviceCommand } from '../devices/command';
import type { BucketStore, Metered, RateLimit } from '../rate-limit';

/*
 * Webhooks as the domain keeps them, and the repository it needs for them (lib/store
 * implements it). Only the SHA-256 of a hook's secret is ever stored.
 */

/** A webhook bound to one device action. */
export interface Hook {
  hookId: string;
  accountId: string;
  deviceid: string;
  /** The semantic command it runs, checked again when it runs (see `Webhooks.run`). */
  action: DeviceCommand;
  name?: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /** Its own rate limit; the default (`HOOK_RATE`) when absent. */
  limit?: RateLimit;
  /** Epoch milliseconds of the last call that ran, written at most hourly. */
  lastUsedAt?: number;
}

/** A webhook as stored for the check at call time: with the SHA-256 of its secret, never the secret. */
export interface StoredHook extends Hook, Metered {
  secretHash: string;
}

/** What a caller gives to create a webhook. */
export type NewHook = Pick<Hook, 'accountId' | 'deviceid' | 'action' | 'name' | 'limit'>;

/** What may be changed on a webhook. */
export type HookChange = Partial<Pick<Hook, 'name' | 'limit'>>;

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

  /**
   * Gives the account's webhook a new random secret (returned once; the old one stops working
   * at once); undefined if the account has no such webhook.
   *
   * @example
   * const secret = await store.hooks.rotate(hookId, accountId);
   */
  rotate(hookId: string, accountId: string): Promise<string | undefined>;

  /**
   * Changes the account's webhook's name or limit; the changed hook, or undefined if the account has no such webhook.
   *
   * @example
   * await store.hooks.update(hookId, accountId, { limit: { perSecond: 0.2, burst: 2 } });
   */
  update(hookId: string, accountId: string, change: HookChange): Promise<Hook | undefined>;

  /**
   * The webhook's rate-limit bucket (see `spendToken`).
   *
   * @example
   * await spendToken(hook.limit ?? HOOK_RATE, hook, store.hooks.bucket(hook), 'this webhook', gone);
   */
  bucket(hook: Hook): BucketStore;
}
