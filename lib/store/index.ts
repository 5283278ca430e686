import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoApiKeyRepository } from './api-keys';
import { DynamoAssistantLinks } from './assistant-links';
import { DynamoOneTimeSecrets } from './one-time-secrets';
import { documentClient } from './client';
import { DynamoDeviceCache } from './devices';
import { DynamoDispatchCache } from './dispatch-cache';
import type { DispatchCache } from '../ewelink/command';
import { DynamoHookRepository } from './hooks';
import { DynamoOAuthStateRepository } from './oauth-states';
import { DynamoTokenRepository } from './tokens';
import type { TimerModelRepository } from '../timers/model';
import { DynamoTimerModel } from './device-timers';
import { DynamoReplyLedger } from './replies';
import type { ReplyRepository } from '../replies';
import type { AssistantLinkRepository, OneTimeSecretRepository } from '../accounts/assistant-links';
import type { ApiKeyRepository, OAuthStateRepository, TokenRepository } from '../accounts/model';
import type { DeviceCacheRepository } from '../devices/model';
import type { HookRepository } from '../webhooks/model';

export interface StoreOptions {
  tableName: string;
  /** DynamoDB Local's URL; default `DYNAMODB_ENDPOINT`, else AWS. */
  endpoint?: string;
  /** Default `AWS_REGION`, else `us-east-1`. */
  region?: string;
  /** A client to use instead of the shared one for `endpoint` and `region`. */
  client?: DynamoDBDocumentClient;
}

/** Every repository of the bridge, over one table. */
export interface Store {
  tokens: TokenRepository;
  devices: DeviceCacheRepository;
  apiKeys: ApiKeyRepository;
  hooks: HookRepository;
  timers: TimerModelRepository;
  oauthStates: OAuthStateRepository;
  replies: ReplyRepository;
  /** The assistants' OAuth clients, links, codes and tokens. */
  assistantLinks: AssistantLinkRepository;
  /** Link codes and the authorize form's one-time tokens. */
  oneTimeSecrets: OneTimeSecretRepository;
  /** Where each region's socket lives, shared by the instances. */
  dispatch: DispatchCache;
}

/**
 * The store over one table; build it once per process, at module scope in a handler, so warm
 * invocations reuse the client and its connections.
 *
 * @example
 * const store = createStore({ tableName: process.env.TABLE_NAME! });
 * const tokens = await store.tokens.get('default');
 */
export function createStore(options: StoreOptions): Store {
  const client = options.client ?? documentClient({ endpoint: options.endpoint, region: options.region });
  const table = { client, tableName: options.tableName };
  const oneTimeSecrets = new DynamoOneTimeSecrets(table);
  return {
    tokens: new DynamoTokenRepository(table),
    devices: new DynamoDeviceCache(table),
    apiKeys: new DynamoApiKeyRepository(table),
    hooks: new DynamoHookRepository(table),
    timers: new DynamoTimerModel(table),
    oauthStates: new DynamoOAuthStateRepository(oneTimeSecrets),
    replies: new DynamoReplyLedger(table),
    assistantLinks: new DynamoAssistantLinks(table),
    oneTimeSecrets,
    dispatch: new DynamoDispatchCache(table),
  };
}

export { DynamoApiKeyRepository } from './api-keys';
export { documentClient, type ClientOptions } from './client';
export { DynamoDeviceCache } from './devices';
export { StoreError, type StoreErrorCode } from './errors';
export { DynamoHookRepository } from './hooks';
export { ensureTable } from './table';
export { createTableInput, DEFAULT_TABLE_NAME, PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema';
export { DynamoOAuthStateRepository } from './oauth-states';
export { DynamoTokenRepository } from './tokens';
export type { TableConfig } from './types';
export { DynamoTimerModel } from './device-timers';
export { DynamoReplyLedger } from './replies';
export { DynamoAssistantLinks } from './assistant-links';
export { DynamoOneTimeSecrets } from './one-time-secrets';
