import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplyClaim, ReplyKey, ReplyRepository } from '../replies';
import { replyKey } from './keys';
import { CONDITION_FAILED, conditionalRequest, namesIn, request } from './requests';
import type { TableConfig } from './types';

const PENDING = 'pending';
const ANSWERED = 'answered';

/**
 * The ReplyRepository in the bridge's table: one item per message id, under its account,
 * with the fingerprint of the request that claimed it. `keptUntil` and `heldUntil` (ms) decide
 * in the conditions; `expiresAt` (s) lets DynamoDB's TTL delete the item later, which it does
 * only eventually, so it never decides anything. The answer is kept as JSON text: assistants'
 * messages hold empty objects and mixed lists that are simplest kept exactly as they were sent.
 */
export class DynamoReplyLedger implements ReplyRepository {
  constructor(private readonly table: TableConfig) {}

  async claim(key: ReplyKey, fingerprint: string, now: number, holdMs: number, keepMs: number): Promise<ReplyClaim> {
    const condition = 'attribute_not_exists(#pk) OR #keptUntil <= :now OR (#state = :pending AND #heldUntil <= :now)';
    const item = { ...replyKey(key), state: PENDING, fingerprint, heldUntil: now + holdMs, keptUntil: now + keepMs, expiresAt: Math.ceil((now + keepMs) / 1000) };
    const put = await conditionalRequest('replies.claim', (options) =>
      this.table.client.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(condition),
          ExpressionAttributeValues: { ':now': now, ':pending': PENDING },
        }),
        options,
      ),
    );
    if (put !== CONDITION_FAILED) return { status: 'claimed' };
    const { Item } = await request('replies.claim', (options) =>
      this.table.client.send(new GetCommand({ TableName: this.table.tableName, Key: replyKey(key), ConsistentRead: true }), options),
    );
    if (Item?.fingerprint !== undefined && Item.fingerprint !== fingerprint) return { status: 'reused' };
    if (Item?.state === ANSWERED && typeof Item.answer === 'string') return { status: 'answered', answer: JSON.parse(Item.answer) as unknown };
    // Held by a copy still acting (or gone since, in which case the assistant's next retry claims it).
    return { status: 'pending' };
  }

  async record(key: ReplyKey, answer: unknown, now: number, keepMs: number): Promise<void> {
    const update = 'SET #state = :answered, #answer = :answer, #keptUntil = :keptUntil, #expiresAt = :expiresAt REMOVE #heldUntil';
    const condition = 'attribute_exists(#pk)';
    await conditionalRequest('replies.record', (options) =>
      this.table.client.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: replyKey(key),
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(update, condition),
          ExpressionAttributeValues: { ':answered': ANSWERED, ':answer': JSON.stringify(answer), ':keptUntil': now + keepMs, ':expiresAt': Math.ceil((now + keepMs) / 1000) },
        }),
        options,
      ),
    );
  }

  async release(key: ReplyKey): Promise<void> {
    const condition = '#state = :pending';
    await conditionalRequest('replies.release', (options) =>
      this.table.client.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: replyKey(key),
          ConditionExpression: condition,
          ExpressionAttributeNames: namesIn(condition),
          ExpressionAttributeValues: { ':pending': PENDING },
        }),
        options,
      ),
    );
  }
}
