import type { OAuthState, OAuthStateRepository } from '../accounts/model';
import type { OneTimeSecretRepository } from '../accounts/assistant-links';

/** The kind under which eWeLink login states are kept among the one-time secrets. */
const STATE_KIND = 'ewelink-state';

/**
 * The OAuthStateRepository as one kind of one-time secret: kept under the state's hash with
 * the table's TTL, taken once by a conditional delete (see DynamoOneTimeSecrets).
 */
export class DynamoOAuthStateRepository implements OAuthStateRepository {
  constructor(private readonly once: OneTimeSecretRepository) {}

  async put(state: string, record: OAuthState): Promise<void> {
    await this.once.put(STATE_KIND, state, { accountId: record.accountId, redirectUrl: record.redirectUrl }, record.expiresAt);
  }

  async take(state: string): Promise<OAuthState | undefined> {
    const kept = await this.once.take(STATE_KIND, state);
    if (!kept) return undefined;
    return { accountId: String(kept.fields.accountId), redirectUrl: String(kept.fields.redirectUrl), expiresAt: kept.expiresAt };
  }
}
