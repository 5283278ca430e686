import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiHandler } from '../../../lib/adapters/http/lambda';
import { ANSWER_MARGIN_MS } from '../../../lib/deadline';
import { startHarness, type Harness } from '../../support/bridge';
import { lossyStore, silentStore, type FaultyStore } from '../../support/faulty-store';
import { timed, withStoreAt, type ServedBridge } from './stacks';

/*
 * The HTTP API over a DynamoDB that fails as a real one can (test/support/faulty-store.ts):
 * one that hangs answers every route in time with 503 `store_unavailable`, never 500; one that
 * carries a timer or scene write out but loses its answer makes the route say the change may
 * have been stored (504 `outcome_unknown`), and it was.
 */

const LAMP = '1000000001';
/** The hanging stack's budget: well under a store call's own limit (3 s), so only the budget can end its calls in time. */
const HANGING_BUDGET_MS = 1_000;
/** What the answer may take past the budget: the answer itself, on a loaded machine. */
const SLACK_MS = 800;
/** The lossy stack's: time for a whole timer change against a working table. */
const BUDGET_MS = 1_200;
const TIMER = { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } };
const SCENE = { name: 'Evening', actions: [{ deviceid: LAMP, command: { power: 'on' } }] };

let h: Harness;
let silent: FaultyStore;
let lossy: FaultyStore;
let hanging: ServedBridge;
let losing: ServedBridge;

beforeAll(async () => {
  h = await startHarness();
  silent = await silentStore();
  // Loses the answers to writes of a device's timers, of scenes, of new webhooks and of new keys.
  lossy = await lossyStore(
    h.table.endpoint,
    ({ operation, body }) =>
      (operation === 'UpdateItem' && body.includes('TIMERS#')) ||
      (operation === 'PutItem' && body.includes('SCENE#')) ||
      (operation === 'TransactWriteItems' && (body.includes('"HOOK#') || body.includes('"APIKEY#'))),
  );
  hanging = await withStoreAt(h, silent.endpoint, HANGING_BUDGET_MS);
  losing = await withStoreAt(h, lossy.endpoint, BUDGET_MS);
  // The device list is cached, so the lossy stack's requests read it from the table.
  expect((await h.call('GET', '/devices')).status).toBe(200);
});

afterAll(async () => {
  await hanging?.close();
  await losing?.close();
  await silent?.close();
  await lossy?.close();
  await h?.close();
});

describe('a DynamoDB that takes requests and never answers', () => {
  const calls: [string, string, { body?: unknown; auth?: boolean }?][] = [
    ['GET', '/devices'],
    ['POST', `/devices/${LAMP}/control`, { body: { power: 'on' } }],
    ['POST', `/devices/${LAMP}/timers`, { body: TIMER }],
    ['GET', '/scenes'],
    ['POST', '/scenes', { body: SCENE }],
    ['POST', '/hooks/Qk3xN0p4R2tY/nosuchsecret1', { auth: false }],
  ];

  it('answers every route 503 store_unavailable within the budget, never 500', async () => {
    // Act
    const answers = await Promise.all(calls.map(([method, path, options]) => timed(() => hanging.call(method, path, options))));

    // Assess
    for (const [i, answer] of answers.entries()) {
      const [method, path] = calls[i]!;
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(503);
      expect(answer.body.error.code).toBe('store_unavailable');
      expect(answer.ms, `${method} ${path}`).toBeGreaterThanOrEqual(HANGING_BUDGET_MS - 50);
      expect(answer.ms, `${method} ${path}`).toBeLessThan(HANGING_BUDGET_MS + SLACK_MS);
    }
    expect(silent.count()).toBeGreaterThanOrEqual(calls.length);
  });

  it("gives a Lambda invocation its remaining time less the margin: it answers before the function's timeout", async () => {
    // Prepare: a function with 1 s and the margin left, so a budget of 1 s; a call's own limit (3 s) would run past the function
    const handler = httpApiHandler(hanging.bridge, new Logger({ logLevel: 'SILENT' }));
    const started = Date.now();
    const context = { getRemainingTimeInMillis: () => 1_000 + ANSWER_MARGIN_MS - (Date.now() - started) } as Context;
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/devices',
      rawQueryString: '',
      headers: { host: 'bridge.example.com', authorization: `Bearer ${h.apiKey}` },
      requestContext: { domainName: 'bridge.example.com', requestId: 'budget', http: { method: 'GET', path: '/devices' } },
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2;

    // Act
    const answer = await handler(event, context);
    const ms = Date.now() - started;

    // Assess
    expect(answer.statusCode).toBe(503);
    expect(JSON.parse(answer.body ?? '{}').error.code).toBe('store_unavailable');
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(1_000 + SLACK_MS);
  });
});

describe('a DynamoDB whose answer to a write is lost', () => {
  it('answers a timer it may have stored with 504 outcome_unknown, not 503, and the timer was stored', async () => {
    // Prepare
    const before = (await h.call('GET', `/devices/${LAMP}/timers`)).body.timers.length as number;
    const lost = lossy.count();

    // Act
    const answer = await timed(() => losing.call('POST', `/devices/${LAMP}/timers`, { body: TIMER }));

    // Assess
    expect(answer.status, answer.text).toBe(504);
    expect(answer.body.error.code).toBe('outcome_unknown');
    expect(answer.body.error.message).toMatch(/the timer may have been stored/);
    expect(answer.body.error.message).toContain(`GET /devices/${LAMP}/timers`);
    expect(answer.ms).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(lossy.count()).toBe(lost + 1);
    expect((await h.call('GET', `/devices/${LAMP}/timers`)).body.timers).toHaveLength(before + 1);
  });

  it('answers a scene it may have stored with 504 outcome_unknown, and the scene was stored', async () => {
    // Act
    const answer = await losing.call('POST', '/scenes', { body: { ...SCENE, name: 'Lost answer' } });

    // Assess
    expect(answer.status, answer.text).toBe(504);
    expect(answer.body.error).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('GET /scenes') });
    const listed = (await h.call('GET', '/scenes')).body.scenes as { name: string }[];
    expect(listed.map((s) => s.name)).toContain('Lost answer');
  });

  it('answers a new webhook or API key it may have stored with 504 outcome_unknown naming the list to check, and it was stored', async () => {
    // Prepare
    const hooksBefore = (await h.call('GET', '/hooks')).body.hooks.length as number;
    const keysBefore = (await h.call('GET', '/keys')).body.keys.length as number;

    // Act
    const hook = await losing.call('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'on' }, name: 'lost answer' } });
    const key = await losing.call('POST', '/keys', { body: { label: 'lost answer' } });

    // Assess: neither answer carries the secret the caller never got; the lists show what was stored
    expect(hook.status, hook.text).toBe(504);
    expect(hook.body.error).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('GET /hooks') });
    expect(key.status, key.text).toBe(504);
    expect(key.body.error).toMatchObject({ code: 'outcome_unknown', message: expect.stringContaining('GET /keys') });
    const hooks = (await h.call('GET', '/hooks')).body.hooks as { name?: string }[];
    const keys = (await h.call('GET', '/keys')).body.keys as { label: string }[];
    expect(hooks).toHaveLength(hooksBefore + 1);
    expect(hooks.map((x) => x.name)).toContain('lost answer');
    expect(keys).toHaveLength(keysBefore + 1);
    expect(keys.map((x) => x.label)).toContain('lost answer');
  });

  it('answers a change it stored and pushed as made, though the record of the push was lost', async () => {
    // Prepare: a lossy store that loses only the answer to the push's record
    const pushLossy = await lossyStore(h.table.endpoint, ({ operation, body }) => operation === 'UpdateItem' && body.includes('"#push"'));
    const stack = await withStoreAt(h, pushLossy.endpoint, BUDGET_MS);
    const held = () => ((h.sim.device(LAMP).params.timers as unknown[] | undefined) ?? []).length;
    const heldBefore = held();
    try {
      // Act
      const answer = await stack.call('POST', `/devices/${LAMP}/timers`, { body: { ...TIMER, action: { power: 'off' } } });

      // Assess: stored and pushed; only the push's record is unconfirmed
      expect(answer.status, answer.text).toBe(201);
      expect(answer.body.push.status).toBe('done');
      expect(pushLossy.count()).toBe(1);
      expect(held()).toBeGreaterThan(heldBefore);
    } finally {
      await stack.close();
      await pushLossy.close();
    }
  });
});
