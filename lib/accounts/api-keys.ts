import { displayName } from '../devices/management';
import { NotFound, Unauthorized, unconfirmedWrite } from '../errors';
import { KEY_RATE, RATE_LIMIT, spendToken, type RateLimit } from '../rate-limit';
import { Type, type Static } from '../schema';
import type { ApiKey, ApiKeyRepository, FoundApiKey } from './model';

/** A key as a caller asks for it. */
export const API_KEY_INPUT = Type.Object(
  {
    label: displayName('what the key is for, so it can be told apart when listed', 'home assistant', 100),
    limit: Type.Optional(RATE_LIMIT),
  },
  { $id: 'CreateApiKey', additionalProperties: false, examples: [{ label: 'home assistant' }] },
);
export type ApiKeyInput = Static<typeof API_KEY_INPUT>;

/** A key as it is listed: never the key, always the limit it runs under. */
export interface ApiKeyView {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt?: string;
  limit: RateLimit;
}

const invalid = () => new Unauthorized('the API key is not valid');
const iso = (ms: number) => new Date(ms).toISOString();

/** What a caller hears when a new key's write went to the table and its answer (with the key) was lost. */
export const KEY_UNCONFIRMED =
  'the API key may have been stored, but the key was lost with the answer. List the keys (GET /keys) and revoke one you never received (DELETE /keys/{keyId}) before making another';

/**
 * API keys: each speaks for one bridge account. Keys are stored and looked up by their hash
 * only, so a key is never kept or compared in clear. Each has a token bucket (`KEY_RATE`
 * unless given its own limit), spent by `admit` once a request's input has been checked.
 *
 * @example
 * const { key } = await apiKeys.create('default', { label: 'phone shortcut' });
 * const found = await apiKeys.authenticate(key); // { accountId: 'default', id: '…', … }
 * await apiKeys.admit(key, found); // or RateLimited
 */
export class ApiKeys {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new key for the account; the key is returned once, here. */
  async create(accountId: string, { label, limit }: ApiKeyInput): Promise<ApiKeyView & { key: string }> {
    const { apiKey, key } = await this.keys.create({ accountId, label, limit }, this.now()).catch((err: unknown) => {
      throw unconfirmedWrite(err, KEY_UNCONFIRMED);
    });
    return { ...view(apiKey), key };
  }

  /** Stores a key chosen elsewhere (the local runner's admin key). */
  createWithKey(accountId: string, label: string, key: string): Promise<ApiKey> {
    return this.keys.createWithKey(accountId, label, key, this.now());
  }

  /** The account's keys, oldest first. */
  async list(accountId: string): Promise<ApiKeyView[]> {
    return (await this.keys.list(accountId)).map(view);
  }

  /** Revokes one of the account's keys at once; `not_found` if it has none with that id. */
  async revoke(accountId: string, id: string): Promise<void> {
    if (!(await this.keys.revoke(accountId, id))) throw new NotFound(`the account has no API key "${id}"`);
  }

  /** The key's record, for `admit`; `unauthorized` if the key is unknown or revoked. */
  async authenticate(key: string): Promise<FoundApiKey> {
    if (key.length === 0 || key.length > 256) throw invalid();
    const found = await this.keys.find(key);
    if (!found) throw invalid();
    return found;
  }

  /** Spends one call of the key's rate limit (`rate_limited` when there is none left). */
  admit(key: string, found: FoundApiKey): Promise<void> {
    return spendToken(found.limit ?? KEY_RATE, found, this.keys.bucket(key, found), 'this API key', invalid, this.now);
  }
}

function view(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    label: key.label,
    createdAt: iso(key.createdAt),
    ...(key.lastUsedAt === undefined ? {} : { lastUsedAt: iso(key.lastUsedAt) }),
    limit: key.limit ?? KEY_RATE,
  };
}
