import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Budget, withBudget } from '../../lib/deadline';
import { createStore, StoreError } from '../../lib/store';
import { STORE_CALL_MS } from '../../lib/store/requests';
import { closedPort } from '../adapters/http/stacks';
import { freshTable, type FreshTable } from '../support/dynamo';
import { lossyStore, silentStore, type FaultyStore } from '../support/faulty-store';

/*
 * A DynamoDB that hangs, refuses, or loses answers, over real sockets: every call ends by its
 * limit, and the StoreError says whether the request may have been carried out.
 */

let table: FreshTable;
let silent: FaultyStore;
let lossy: FaultyStore;

beforeAll(async () => {
  table = await freshTable();
  silent = await silentStore();
  lossy = await lossyStore(table.endpoint, (r) => r.operation === 'PutItem' && r.body.includes('SCENE#'));
});

afterAll(async () => {
  await silent?.close();
  await lossy?.close();
});

/** The call's outcome and how long it took. */
async function timed(work: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = Date.now();
  const error = await work().then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, ms: Date.now() - started };
}

const SCENE = { id: 'scene-1', name: 'Evening', actions: [{ deviceid: '1000000001', command: { power: 'on' as const } }], enabled: true, createdAt: 1, updatedAt: 1 };

describe('a DynamoDB that takes requests and never answers', () => {
  it('ends a call at what is left of the budget, as unconfirmed: the request went out', async () => {
    // Prepare
    const store = createStore({ tableName: 'any', endpoint: silent.endpoint });
    const before = silent.count();

    // Act
    const { error, ms } = await timed(() => withBudget(Budget.of(400), () => store.tokens.get('alice')));

    // Assess
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'Unconfirmed', operation: 'tokens.get' });
    expect(ms).toBeGreaterThanOrEqual(380);
    expect(ms).toBeLessThan(400 + 300);
    expect(silent.count()).toBe(before + 1);
  });

  it('ends a call outside any request at its own limit, and does not send it again', async () => {
    // Prepare
    const store = createStore({ tableName: 'any', endpoint: silent.endpoint });
    const before = silent.count();

    // Act
    const { error, ms } = await timed(() => store.timers.getScene('alice', 'scene-1'));

    // Assess
    expect(error).toMatchObject({ name: 'StoreError', code: 'Unconfirmed' });
    expect(ms).toBeGreaterThanOrEqual(STORE_CALL_MS - 20);
    expect(ms).toBeLessThan(STORE_CALL_MS + 500);
    expect(silent.count()).toBe(before + 1);
  });

  it('does not send a call when the budget is spent', async () => {
    // Prepare
    const store = createStore({ tableName: 'any', endpoint: silent.endpoint });
    const before = silent.count();

    // Act
    const { error } = await timed(() => withBudget(Budget.of(0), () => store.tokens.get('alice')));

    // Assess
    expect(error).toMatchObject({ name: 'StoreError', code: 'StoreFailure' });
    expect(silent.count()).toBe(before);
  });
});

describe('a DynamoDB nobody listens for', () => {
  it('fails the call at once as a failure: nothing was sent', async () => {
    // Prepare
    const store = createStore({ tableName: 'any', endpoint: `http://127.0.0.1:${await closedPort()}` });

    // Act
    const { error, ms } = await timed(() => withBudget(Budget.of(2_000), () => store.timers.putScene('alice', SCENE, 0)));

    // Assess
    expect(error).toMatchObject({ name: 'StoreError', code: 'StoreFailure', operation: 'scenes.put' });
    expect(ms).toBeLessThan(1_000);
  });
});

describe('a DynamoDB whose answer to a write is lost', () => {
  it('reports the write as unconfirmed, and the write was made', async () => {
    // Prepare
    const store = createStore({ tableName: table.tableName, endpoint: lossy.endpoint });
    const direct = createStore({ tableName: table.tableName, client: table.documentClient });

    // Act
    const { error } = await timed(() => withBudget(Budget.of(500), () => store.timers.putScene('alice', SCENE, 0)));

    // Assess
    expect(error).toMatchObject({ name: 'StoreError', code: 'Unconfirmed', operation: 'scenes.put' });
    expect(lossy.count()).toBe(1);
    expect(await direct.timers.getScene('alice', SCENE.id)).toMatchObject({ name: 'Evening', version: 1 });
  });
});
