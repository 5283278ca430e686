import { BridgeError } from './errors';
import type { ApiKeyRepository } from './store/types';

/**
 * The account an `Authorization: Bearer <api key>` header speaks for; 401 otherwise.
 * Keys are looked up by their hash, so the key itself is never stored or compared in clear.
 */
export async function authorise(apiKeys: ApiKeyRepository, header: string | undefined): Promise<{ accountId: string; keyId: string }> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1] || match[1].length > 256) {
    throw new BridgeError('unauthorized', 'send the API key as "Authorization: Bearer <key>"');
  }
  const key = await apiKeys.find(match[1]);
  if (!key) throw new BridgeError('unauthorized', 'the API key is not valid');
  return { accountId: key.accountId, keyId: key.id };
}
