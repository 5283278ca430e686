import type { DeviceCommand } from '../devices/command';

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
}

/** A webhook as stored for the check at call time: with the SHA-256 of its secret, never the secret. */
export interface StoredHook extends Hook {
  secretHash: string;
}

/** What a caller gives to create a webhook. */
export type NewHook = Pick<Hook, 'accountId' | 'deviceid' | 'action' | 'name'>;

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
