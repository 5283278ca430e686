import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  linkIdOf,
  type AssistantClient,
  type AssistantLink,
  type AssistantLinkRepository,
  type AuthorizationGrant,
  type GrantOwner,
  type IssuedGrant,
  type TokenPair,
} from '../accounts/assistant-links';
import { hashSecret } from '../secrets';
import { StoreError, invalidArgument } from './errors';
import {
  ACCOUNT_LINK_PREFIX,
  CLIENTS_PARTITION,
  CLIENT_LINK_PREFIX,
  accountLinkKey,
  accountPartition,
  assistantClientKey,
  clientLinkKey,
  clientPartition,
  grantKey,
  linkPartition,
  type ItemKey,
} from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, queryAll, request } from './requests';
import { PARTITION_KEY, SORT_KEY, TTL_ATTRIBUTE } from './schema';
import type { TableConfig } from './types';

/**
 * How long an expired access token's item is kept past its expiry, so that checking it still
 * says "expired" (an assistant then refreshes) rather than "invalid" (it unlinks).
 */
const EXPIRED_ACCESS_KEPT_MS = 24 * 60 * 60_000;

const ttl = (ms: number) => Math.ceil(ms / 1000);

/**
 * The AssistantLinkRepository in the bridge's table. Clients share one partition; each link
 * has a partition of its own (`LINK#<id>`) for its codes and tokens, each under its SHA-256, so
 * a token is found by key in one read and a link is ended by emptying its partition. The link
 * itself is listed under its account (the link's head, checked by every refresh) and under its
 * client (for ending the client's links). Every item carries the TTL attribute.
 */
export class DynamoAssistantLinks implements AssistantLinkRepository {
  constructor(private readonly table: TableConfig) {}

  async putClient(client: AssistantClient, secretHash: string): Promise<void> {
    const result = await conditionalRequest('assistantLinks.putClient', (options) =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...assistantClientKey(client.id), ...client, secretHash },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
        }),
        options,
      ),
    );
    if (result === CONDITION_FAILED) throw new StoreError('Conflict', 'assistantLinks.putClient', 'assistantLinks.putClient: a freshly generated client id collided with a stored one; try again');
  }

  async client(clientId: string): Promise<(AssistantClient & { secretHash: string }) | undefined> {
    if (!clientId) return undefined;
    const Item = await this.get('assistantLinks.client', assistantClientKey(clientId));
    return Item ? { ...toClient(Item), secretHash: String(Item.secretHash) } : undefined;
  }

  async clients(): Promise<AssistantClient[]> {
    const items = await queryAll(this.table, 'assistantLinks.clients', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: namesIn('#pk'),
      ExpressionAttributeValues: { ':pk': CLIENTS_PARTITION },
    });
    return items.map(toClient);
  }

  removeClient(clientId: string): Promise<boolean> {
    return this.remove('assistantLinks.removeClient', assistantClientKey(clientId));
  }

  async linksOfClient(clientId: string): Promise<string[]> {
    const items = await this.partition('assistantLinks.linksOfClient', clientPartition(clientId), CLIENT_LINK_PREFIX);
    return items.map((item) => String(item.sk).slice(CLIENT_LINK_PREFIX.length));
  }

  async putCode(code: string, grant: AuthorizationGrant): Promise<void> {
    const { linkId, ...rest } = grant;
    await request('assistantLinks.putCode', (options) =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...secretKey(code, 'CODE', linkId), ...rest, linkId, expiresAtMs: grant.expiresAt, [TTL_ATTRIBUTE]: ttl(grant.expiresAt) },
        }),
        options,
      ),
    );
  }

  async code(code: string): Promise<AuthorizationGrant | undefined> {
    const key = keyOf(code, 'CODE');
    const Item = key && (await this.get('assistantLinks.code', key));
    if (!Item) return undefined;
    const grant: AuthorizationGrant = { ...owner(Item), redirectUri: String(Item.redirectUri), expiresAt: Number(Item.expiresAtMs) };
    if (typeof Item.scope === 'string') grant.scope = Item.scope;
    if (typeof Item.codeChallenge === 'string') grant.codeChallenge = Item.codeChallenge;
    if (typeof Item.codeChallengeMethod === 'string') grant.codeChallengeMethod = Item.codeChallengeMethod;
    return grant;
  }

  async takeCode(code: string): Promise<boolean> {
    const key = keyOf(code, 'CODE');
    return key !== undefined && this.remove('assistantLinks.takeCode', key);
  }

  async openLink(link: GrantOwner, pair: TokenPair, now: number): Promise<boolean> {
    const until = ttl(pair.refresh.expiresAt);
    const result = await conditionalRequest('assistantLinks.openLink', (options) =>
      this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.tableName,
                Item: { ...accountLinkKey(link.accountId, link.linkId), ...link, createdAt: now, expiresAtMs: pair.refresh.expiresAt, [TTL_ATTRIBUTE]: until },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PARTITION_KEY },
              },
            },
            { Put: { TableName: this.table.tableName, Item: { ...clientLinkKey(link.clientId, link.linkId), accountId: link.accountId, [TTL_ATTRIBUTE]: until } } },
            ...this.tokenPuts(link, pair),
          ],
        }),
        options,
      ),
    );
    return result !== CONDITION_FAILED;
  }

  async rotate(link: GrantOwner, pair: TokenPair, now: number): Promise<boolean> {
    const until = ttl(pair.refresh.expiresAt);
    const update = 'SET #refreshedAt = :now, #expiresAtMs = :ms, #expiresAt = :until';
    const result = await conditionalRequest('assistantLinks.rotate', (options) =>
      this.table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              // The link's head: gone once the link is ended, and then no new pair is stored.
              Update: {
                TableName: this.table.tableName,
                Key: accountLinkKey(link.accountId, link.linkId),
                UpdateExpression: update,
                ConditionExpression: 'attribute_exists(#pk)',
                ExpressionAttributeNames: namesIn(update, '#pk'),
                ExpressionAttributeValues: { ':now': now, ':ms': pair.refresh.expiresAt, ':until': until },
              },
            },
            {
              Update: {
                TableName: this.table.tableName,
                Key: clientLinkKey(link.clientId, link.linkId),
                UpdateExpression: 'SET #expiresAt = :until, #accountId = :accountId',
                ExpressionAttributeNames: namesIn('#expiresAt #accountId'),
                ExpressionAttributeValues: { ':until': until, ':accountId': link.accountId },
              },
            },
            ...this.tokenPuts(link, pair),
          ],
        }),
        options,
      ),
    );
    return result !== CONDITION_FAILED;
  }

  access(token: string): Promise<IssuedGrant | undefined> {
    return this.issued('assistantLinks.access', token, 'ACCESS');
  }

  refresh(token: string): Promise<IssuedGrant | undefined> {
    return this.issued('assistantLinks.refresh', token, 'REFRESH');
  }

  async takeRefresh(token: string): Promise<boolean> {
    const key = keyOf(token, 'REFRESH');
    return key !== undefined && this.remove('assistantLinks.takeRefresh', key);
  }

  async links(accountId: string): Promise<AssistantLink[]> {
    const items = await this.partition('assistantLinks.links', accountPartition(accountId), ACCOUNT_LINK_PREFIX);
    return items.map((item) => {
      const link: AssistantLink = { ...owner(item), createdAt: Number(item.createdAt), expiresAt: Number(item.expiresAtMs) };
      if (typeof item.refreshedAt === 'number') link.refreshedAt = item.refreshedAt;
      return link;
    });
  }

  async removeLink(linkId: string): Promise<boolean> {
    const operation = 'assistantLinks.removeLink';
    const found = await this.partition(operation, linkPartition(linkId));
    const anyItem = found[0];
    if (!anyItem) return false;
    const { accountId, clientId } = owner(anyItem);
    // The head goes first: a refresh racing with this fails its condition on it, and one that
    // committed before is in the partition when it is read again below.
    await this.remove(operation, accountLinkKey(accountId, linkId));
    for (const item of await this.partition(operation, linkPartition(linkId))) {
      await this.remove(operation, { pk: String(item[PARTITION_KEY]), sk: String(item[SORT_KEY]) });
    }
    await this.remove(operation, clientLinkKey(clientId, linkId));
    return true;
  }

  private tokenPuts(link: GrantOwner, pair: TokenPair) {
    const fields = { accountId: link.accountId, clientId: link.clientId, linkId: link.linkId, ...(pair.scope ? { scope: pair.scope } : {}) };
    return [
      { Put: { TableName: this.table.tableName, Item: { ...secretKey(pair.access.token, 'ACCESS', link.linkId), ...fields, expiresAtMs: pair.access.expiresAt, [TTL_ATTRIBUTE]: ttl(pair.access.expiresAt + EXPIRED_ACCESS_KEPT_MS) } } },
      { Put: { TableName: this.table.tableName, Item: { ...secretKey(pair.refresh.token, 'REFRESH', link.linkId), ...fields, expiresAtMs: pair.refresh.expiresAt, [TTL_ATTRIBUTE]: ttl(pair.refresh.expiresAt) } } },
    ];
  }

  private async issued(operation: string, token: string, kind: 'ACCESS' | 'REFRESH'): Promise<IssuedGrant | undefined> {
    const key = keyOf(token, kind);
    const Item = key && (await this.get(operation, key));
    if (!Item) return undefined;
    const grant: IssuedGrant = { ...owner(Item), expiresAt: Number(Item.expiresAtMs) };
    if (typeof Item.scope === 'string') grant.scope = Item.scope;
    return grant;
  }

  private async get(operation: string, Key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await request(operation, (options) => this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key, ConsistentRead: true }), options));
    return Item;
  }

  private async remove(operation: string, Key: ItemKey): Promise<boolean> {
    const result = await conditionalRequest(operation, (options) =>
      this.table.client.send(
        new DeleteCommand({ TableName: this.table.tableName, Key, ConditionExpression: 'attribute_exists(#pk)', ExpressionAttributeNames: { '#pk': PARTITION_KEY } }),
        options,
      ),
    );
    return result !== CONDITION_FAILED;
  }

  private partition(operation: string, pk: string, prefix?: string): Promise<Record<string, unknown>[]> {
    const condition = prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk';
    return queryAll(this.table, operation, {
      KeyConditionExpression: condition,
      ExpressionAttributeNames: namesIn(condition),
      ExpressionAttributeValues: { ':pk': pk, ...(prefix ? { ':prefix': prefix } : {}) },
      ConsistentRead: true,
    });
  }
}

/** The key of a code or token by its hash, under its link; undefined when the text is not of the form. */
function keyOf(secret: string, kind: 'CODE' | 'ACCESS' | 'REFRESH'): ItemKey | undefined {
  const linkId = linkIdOf(secret);
  return linkId === undefined ? undefined : grantKey(linkId, kind, hashSecret(secret));
}

function secretKey(secret: string, kind: 'CODE' | 'ACCESS' | 'REFRESH', linkId: string): ItemKey {
  const key = keyOf(secret, kind);
  if (!key || linkIdOf(secret) !== linkId) throw invalidArgument('assistantLinks', `a ${kind.toLowerCase()} must be "<linkId>.<secret>" of its own link`);
  return key;
}

function owner(item: Record<string, unknown>): GrantOwner {
  return { linkId: String(item.linkId), accountId: String(item.accountId), clientId: String(item.clientId) };
}

function toClient(item: Record<string, unknown>): AssistantClient {
  return {
    id: String(item.id),
    name: String(item.name),
    redirectUris: (item.redirectUris as string[] | undefined) ?? [],
    requirePkce: item.requirePkce === true,
    createdAt: Number(item.createdAt),
  };
}
