import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { invalidArgument } from './errors';
import { TOKENS_PARTITION, tokensKey, withoutKeys } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, queryAll, request } from './requests';
import type { NewTokens, RefreshedTokens, TokenRecord, TokenRepository } from '../accounts/model';
import type { TableConfig } from './types';

/** The TokenRepository in the bridge's DynamoDB table. */
export class DynamoTokenRepository implements TokenRepository {
  constructor(private readonly table: TableConfig) {}

  async get(accountId: string): Promise<TokenRecord | undefined> {
    const { Item } = await request('tokens.get', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: tokensKey(accountId), ConsistentRead: true }), options),
    );
    return Item ? withoutKeys<TokenRecord>(Item) : undefined;
  }

  async remove(accountId: string): Promise<boolean> {
    const { Attributes } = await request('tokens.remove', (options) =>
      this.table.client.send(new DeleteCommand({ TableName: this.table.tableName, Key: tokensKey(accountId), ReturnValues: 'ALL_OLD' }), options),
    );
    return Attributes !== undefined;
  }

  async save(tokens: NewTokens, now = Date.now()): Promise<TokenRecord> {
    // One UpdateItem rather than read-then-put: the version bump is atomic, so two saves racing
    // still end two versions apart and neither can be mistaken for the other.
    // The pair's API is stored as given; a record without one (written before there were two) is v1.
    // So is the login: a new link without one may be another eWeLink account, so an old one goes.
    const update =
      'SET #accountId = :accountId, #at = :at, #rt = :rt, #region = :region, #apikey = :apikey, ' +
      `${tokens.api ? '#api = :api, ' : ''}${tokens.login ? '#login = :login, ' : ''}#atExpiresAt = :atExpiresAt, #rtExpiresAt = :rtExpiresAt, #updatedAt = :now, ` +
      '#version = if_not_exists(#version, :zero) + :one ' +
      `REMOVE #leaseOwner, #leaseUntil${tokens.api ? '' : ', #api'}${tokens.login ? '' : ', #login'}`;
    const { Attributes } = await request('tokens.save', (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: tokensKey(tokens.accountId),
          UpdateExpression: update,
          ExpressionAttributeNames: namesIn(update),
          ExpressionAttributeValues: {
            ':accountId': tokens.accountId,
            ':at': tokens.at,
            ':rt': tokens.rt,
            ':region': tokens.region,
            ':apikey': tokens.apikey,
            ...(tokens.api && { ':api': tokens.api }),
            ...(tokens.login && { ':login': tokens.login }),
            ':atExpiresAt': tokens.atExpiresAt,
            ':rtExpiresAt': tokens.rtExpiresAt,
            ':now': now,
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
        options,
      ),
    );
    return withoutKeys<TokenRecord>(Attributes ?? {});
  }

  async acquireRefreshLease(
    accountId: string,
    expectedVersion: number,
    owner: string,
    leaseMs: number,
    now = Date.now(),
  ): Promise<boolean> {
    if (!(leaseMs > 0)) throw invalidArgument('tokens.acquireRefreshLease', `leaseMs must be positive, got ${leaseMs}`);
    const result = await this.updateIf(
      'tokens.acquireRefreshLease',
      accountId,
      'SET #leaseOwner = :owner, #leaseUntil = :until',
      '#version = :expected AND (attribute_not_exists(#leaseUntil) OR #leaseUntil <= :now)',
      { ':owner': owner, ':until': now + leaseMs, ':expected': expectedVersion, ':now': now },
    );
    return result !== CONDITION_FAILED;
  }

  async saveRefreshed(
    accountId: string,
    expectedVersion: number,
    owner: string,
    tokens: RefreshedTokens,
    now = Date.now(),
  ): Promise<TokenRecord | undefined> {
    // No check that the lease is unexpired: if it ran out but nobody took it over, the pair is
    // still the one refreshed from, so saving is right. A takeover changes leaseOwner, and a
    // login or a rival's save changes version; either makes this fail.
    const result = await this.updateIf(
      'tokens.saveRefreshed',
      accountId,
      'SET #at = :at, #rt = :rt, #atExpiresAt = :atExpiresAt, #rtExpiresAt = :rtExpiresAt, ' +
        '#updatedAt = :now, #version = #version + :one REMOVE #leaseOwner, #leaseUntil',
      '#version = :expected AND #leaseOwner = :owner',
      {
        ':at': tokens.at,
        ':rt': tokens.rt,
        ':atExpiresAt': tokens.atExpiresAt,
        ':rtExpiresAt': tokens.rtExpiresAt,
        ':now': now,
        ':one': 1,
        ':expected': expectedVersion,
        ':owner': owner,
      },
    );
    return result === CONDITION_FAILED ? undefined : result;
  }

  async releaseLease(accountId: string, owner: string): Promise<boolean> {
    const result = await this.updateIf('tokens.releaseLease', accountId, 'REMOVE #leaseOwner, #leaseUntil', '#leaseOwner = :owner', {
      ':owner': owner,
    });
    return result !== CONDITION_FAILED;
  }

  /** One conditional UpdateItem on the account's pair; the record as it now stands, or CONDITION_FAILED. */
  private async updateIf(
    operation: string,
    accountId: string,
    update: string,
    condition: string,
    values: Record<string, unknown>,
  ): Promise<TokenRecord | typeof CONDITION_FAILED> {
    const result = await conditionalRequest(operation, (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: tokensKey(accountId),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
        options,
      ),
    );
    return result === CONDITION_FAILED ? result : withoutKeys<TokenRecord>(result.Attributes ?? {});
  }

  async list(options: { pageSize?: number } = {}): Promise<TokenRecord[]> {
    const items = await queryAll(
      this.table,
      'tokens.list',
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: namesIn('#pk'),
        ExpressionAttributeValues: { ':pk': TOKENS_PARTITION },
        ConsistentRead: true,
      },
      options.pageSize,
    );
    return items.map((item) => withoutKeys<TokenRecord>(item));
  }
}
