import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplyKey } from '../../lib/assistants/replies';
import { Replies } from '../../lib/assistants/replies';
import { DynamoReplyLedger } from '../../lib/store/replies';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

const HOLD = 15_000;
const KEEP = 300_000;
const T0 = Date.parse('2026-06-01T10:00:00Z');

let table: FreshTable;
let ledger: DynamoReplyLedger;
beforeAll(async () => {
  table = await freshTable();
  ledger = new DynamoReplyLedger({ client: table.documentClient, tableName: table.tableName });
});

let n = 0;
const key = (): ReplyKey => ({ assistant: 'alexa', accountId: 'default', messageId: `message-${++n}` });

describe('DynamoReplyLedger', () => {
  it('lets one claim through; a second finds it pending, then answered once recorded', async () => {
    // Prepare
    const k = key();

    // Act
    const claims = await Promise.all([ledger.claim(k, T0, HOLD, KEEP), ledger.claim(k, T0, HOLD, KEEP)]);
    await ledger.record(k, { event: { payload: {} }, list: [1, 'two'] }, T0 + 100, KEEP);
    const later = await ledger.claim(k, T0 + 200, HOLD, KEEP);

    // Assess
    expect(claims.map((c) => c.status).sort()).toEqual(['claimed', 'pending']);
    expect(later).toEqual({ status: 'answered', answer: { event: { payload: {} }, list: [1, 'two'] } });
  });

  it('frees a claim that was never answered once its hold has passed', async () => {
    const k = key();
    await ledger.claim(k, T0, HOLD, KEEP);
    expect(await ledger.claim(k, T0 + HOLD - 1, HOLD, KEEP)).toEqual({ status: 'pending' });
    expect(await ledger.claim(k, T0 + HOLD, HOLD, KEEP)).toEqual({ status: 'claimed' });
  });

  it('frees an answer once its keep time has passed, and writes the TTL in seconds', async () => {
    // Prepare
    const k = key();
    await ledger.claim(k, T0, HOLD, KEEP);
    await ledger.record(k, 'first', T0, KEEP);

    // Act
    const within = await ledger.claim(k, T0 + KEEP - 1, HOLD, KEEP);
    const after = await ledger.claim(k, T0 + KEEP, HOLD, KEEP);

    // Assess
    expect(within).toEqual({ status: 'answered', answer: 'first' });
    expect(after).toEqual({ status: 'claimed' });
    const item = (await scanTable(table)).find((i) => i.sk === `REPLY#alexa#${k.messageId}`);
    expect(item).toMatchObject({ pk: 'ACCOUNT#default', state: 'pending', expiresAt: Math.ceil((T0 + 2 * KEEP) / 1000) });
  });

  it('releases a claim whose work failed, so the next copy acts', async () => {
    const k = key();
    await ledger.claim(k, T0, HOLD, KEEP);
    await ledger.release(k);
    expect(await ledger.claim(k, T0 + 1, HOLD, KEEP)).toEqual({ status: 'claimed' });
  });
});

describe('Replies.once', () => {
  it('runs the work once and gives its answer to every copy; a failed run is given up', async () => {
    // Prepare
    let runs = 0;
    const replies = new Replies(ledger, () => T0);
    const k = { ...key(), content: { name: 'TurnOn', endpointId: 'lamp' } };

    // Act
    const failed = await replies.once(k, async () => {
      runs += 1;
      throw new Error('store down');
    }).catch((err: Error) => err.message);
    const first = await replies.once(k, async () => ++runs);
    const again = await replies.once(k, async () => ++runs);

    // Assess
    expect(failed).toBe('store down');
    expect(first).toEqual({ status: 'fresh', answer: 2 });
    expect(again).toEqual({ status: 'repeated', answer: 2 });
    expect(runs).toBe(2);
  });

  it('takes the same id with other content for another message: it acts, and neither copy gets the other answer', async () => {
    // Prepare
    const replies = new Replies(ledger, () => T0);
    const id = key();

    // Act
    const on = await replies.once({ ...id, content: { name: 'TurnOn' } }, async () => 'on');
    const off = await replies.once({ ...id, content: { name: 'TurnOff' } }, async () => 'off');
    const onAgain = await replies.once({ ...id, content: { name: 'TurnOn' } }, async () => 'on, twice');

    // Assess
    expect([on, off, onAgain]).toEqual([
      { status: 'fresh', answer: 'on' },
      { status: 'fresh', answer: 'off' },
      { status: 'repeated', answer: 'on' },
    ]);
  });
});
