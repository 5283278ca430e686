import { beforeAll, describe, expect, it } from 'vitest';
import type { ReplyKey } from '../../lib/replies';
import { IDEMPOTENCY_KEEP_MS, Replies } from '../../lib/replies';
import { DynamoReplyLedger } from '../../lib/store/replies';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

const HOLD = 15_000;
const KEEP = 300_000;
// Ahead of real time: DynamoDB Local deletes items whose TTL (expiresAt) has passed, which would race the assertions.
const T0 = Date.now() + 86_400_000;

let table: FreshTable;
let ledger: DynamoReplyLedger;
beforeAll(async () => {
  table = await freshTable();
  ledger = new DynamoReplyLedger({ client: table.documentClient, tableName: table.tableName });
});

let n = 0;
const key = (): ReplyKey => ({ caller: 'alexa', accountId: 'default', messageId: `message-${++n}` });
const PRINT = 'fingerprint-1';

describe('DynamoReplyLedger', () => {
  it('lets one claim through; a second finds it pending, then answered once recorded', async () => {
    // Prepare
    const k = key();

    // Act
    const claims = await Promise.all([ledger.claim(k, PRINT, T0, HOLD, KEEP), ledger.claim(k, PRINT, T0, HOLD, KEEP)]);
    await ledger.record(k, { event: { payload: {} }, list: [1, 'two'] }, T0 + 100, KEEP);
    const later = await ledger.claim(k, PRINT, T0 + 200, HOLD, KEEP);

    // Assess
    expect(claims.map((c) => c.status).sort()).toEqual(['claimed', 'pending']);
    expect(later).toEqual({ status: 'answered', answer: { event: { payload: {} }, list: [1, 'two'] } });
  });

  it('frees a claim that was never answered once its hold has passed', async () => {
    const k = key();
    await ledger.claim(k, PRINT, T0, HOLD, KEEP);
    expect(await ledger.claim(k, PRINT, T0 + HOLD - 1, HOLD, KEEP)).toEqual({ status: 'pending' });
    expect(await ledger.claim(k, PRINT, T0 + HOLD, HOLD, KEEP)).toEqual({ status: 'claimed' });
  });

  it('frees an answer once its keep time has passed, and writes the TTL in seconds', async () => {
    // Prepare
    const k = key();
    await ledger.claim(k, PRINT, T0, HOLD, KEEP);
    await ledger.record(k, 'first', T0, KEEP);

    // Act
    const within = await ledger.claim(k, PRINT, T0 + KEEP - 1, HOLD, KEEP);
    const after = await ledger.claim(k, PRINT, T0 + KEEP, HOLD, KEEP);

    // Assess
    expect(within).toEqual({ status: 'answered', answer: 'first' });
    expect(after).toEqual({ status: 'claimed' });
    const item = (await scanTable(table)).find((i) => i.sk === `REPLY#alexa#${k.messageId}`);
    expect(item).toMatchObject({ pk: 'ACCOUNT#default', state: 'pending', expiresAt: Math.ceil((T0 + 2 * KEEP) / 1000) });
  });

  it('tells a claim for another request of the held id apart: reused, whether answered or pending', async () => {
    // Prepare
    const answered = key();
    const pending = key();
    await ledger.claim(answered, PRINT, T0, HOLD, KEEP);
    await ledger.record(answered, 'first', T0, KEEP);
    await ledger.claim(pending, PRINT, T0, HOLD, KEEP);

    // Act
    const claims = await Promise.all([ledger.claim(answered, 'other', T0 + 1, HOLD, KEEP), ledger.claim(pending, 'other', T0 + 1, HOLD, KEEP)]);
    const afterKeep = await ledger.claim(answered, 'other', T0 + KEEP, HOLD, KEEP);

    // Assess
    expect(claims).toEqual([{ status: 'reused' }, { status: 'reused' }]);
    expect(afterKeep).toEqual({ status: 'claimed' });
    const item = (await scanTable(table)).find((i) => i.sk === `REPLY#alexa#${answered.messageId}`);
    expect(item).toMatchObject({ fingerprint: 'other', state: 'pending' });
  });

  it('releases a claim whose work failed, so the next copy acts', async () => {
    const k = key();
    await ledger.claim(k, PRINT, T0, HOLD, KEEP);
    await ledger.release(k);
    expect(await ledger.claim(k, PRINT, T0 + 1, HOLD, KEEP)).toEqual({ status: 'claimed' });
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

describe('Replies.once for HTTP requests (Idempotency-Key)', () => {
  const request = (content: unknown) => ({ caller: 'http' as const, accountId: 'default', messageId: `POST /devices/{id}/control key-${n}`, content });

  it('gives the first answer to the same request for 24 hours, refuses the key for another request, then frees it', async () => {
    // Prepare
    n += 1;
    let now = T0;
    const replies = new Replies(ledger, () => now);
    const on = request({ method: 'POST', path: '/devices/1000000001/control', body: '{"power":"on"}' });
    const off = request({ method: 'POST', path: '/devices/1000000001/control', body: '{"power":"off"}' });

    // Act
    const first = await replies.once(on, async () => 'switched on');
    const again = await replies.once(on, async () => 'switched on twice');
    const other = await replies.once(off, async () => 'switched off');
    now = T0 + IDEMPOTENCY_KEEP_MS - 1;
    const lastMoment = await replies.once(on, async () => 'switched on late');
    now = T0 + IDEMPOTENCY_KEEP_MS;
    const nextDay = await replies.once(off, async () => 'switched off next day');

    // Assess
    expect([first, again, other, lastMoment, nextDay]).toEqual([
      { status: 'fresh', answer: 'switched on' },
      { status: 'repeated', answer: 'switched on' },
      { status: 'reused' },
      { status: 'repeated', answer: 'switched on' },
      { status: 'fresh', answer: 'switched off next day' },
    ]);
  });

  it('tells a copy that comes while the first still acts that it is pending', async () => {
    // Prepare
    n += 1;
    const replies = new Replies(ledger, () => T0);
    const message = request({ method: 'POST', path: '/scenes', body: '{}' });
    let finish: (answer: string) => void = () => undefined;
    const first = replies.once(message, () => new Promise<string>((resolve) => (finish = resolve)));
    await expect.poll(async () => (await scanTable(table)).some((i) => i.sk === `REPLY#http#${message.messageId}`)).toBe(true);

    // Act
    const copy = await replies.once(message, async () => 'acted twice');
    finish('acted');

    // Assess
    expect(copy).toEqual({ status: 'pending' });
    expect(await first).toEqual({ status: 'fresh', answer: 'acted' });
  });
});
