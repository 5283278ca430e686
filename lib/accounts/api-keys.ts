import { Unauthorized } from '../errors';
import type { ApiKey, ApiKeyRepository } from './model';

/**
 * API keys: each speaks for one bridge account. Keys are stored and looked up by their hash
 * only, so a key is never kept or compared in clear.
 *
 * @example
 * const { key } = await apiKeys.create('default', 'phone shortcut');
 * await apiKeys.authenticate(key); // { accountId: 'default', keyId: '…' }
 */
export class ApiKeys {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** A new key for the account; the key is returned once, here. */
  create(accountId: string, label: string): Promise<{ id: string; key: string }> {
    return this.keys.create(accountId, label);
  }

  /** Stores a key chosen elsewhere (the local runner's admin key). */
  createWithKey(accountId: string, label: string, key: string): Promise<ApiKey> {
    return this.keys.createWithKey(accountId, label, key);
  }

  /** The account a key speaks for; `unauthorized` otherwise. */
  async authenticate(key: string): Promise<{ accountId: string; keyId: string }> {
    if (key.length === 0 || key.length > 256) throw new Unauthorized('the API key is not valid');
    const found = await this.keys.find(key);
    if (!found) throw new Unauthorized('the API key is not valid');
    return { accountId: found.accountId, keyId: found.id };
  }
}
