import type { Context } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { bridgeFromEnv } from '../../lib/bridge';
import type { TimerDef } from '../../lib/timers/model';
import { ACCOUNT, startHarness, type Harness, exposeHarnessEnv } from '../support/bridge';

const LAMP = '1000000001';
const PLUG = '1000000009';
const DAY = 86_400_000;
const context = { functionName: 'reconcile-timers', awsRequestId: 'test' } as unknown as Context;

describe('functions/reconcile-timers.ts, the scheduled reconcile', () => {
  let h: Harness | undefined;
  afterAll(async () => {
    (await bridgeFromEnv().catch(() => undefined))?.close();
    await h?.close();
  });

  it('reconciles the healthy account past one the cloud refuses, then fails the run naming only the refused one', async () => {
    // Prepare: the linked account's plug was offline when it got a timer (pending) and is back now
    h = await startHarness();
    const added = await h.call('POST', `/devices/${PLUG}/timers`, {
      body: { schedule: { type: 'repeat', days: [1, 3], time: '07:00' }, timeZone: 'UTC', action: { power: 'on' } },
    });
    expect(added.body.push.status).toBe('pending');
    h.sim.setDeviceOnline(PLUG, true);
    // A second account whose stored pair the simulated cloud has never issued (at refused, rt unknown),
    // with a timer of its own; it sorts first, so the run meets the failure before the healthy account.
    const garbage = { at: 'a'.repeat(40), rt: 'b'.repeat(40) };
    await h.parts.store.tokens.save({ accountId: 'broken', ...garbage, region: 'eu', apikey: 'c'.repeat(36), atExpiresAt: Date.now() + 20 * DAY, rtExpiresAt: Date.now() + 50 * DAY });
    const timer: TimerDef = { id: 't1', schedule: { type: 'repeat', days: [2], time: '08:00' }, timeZone: 'UTC', action: { power: 'off' }, enabled: true, createdAt: Date.now() };
    await h.parts.store.timers.putTimers('broken', LAMP, [timer], 0);
    expect((await h.parts.store.tokens.list()).map((t) => t.accountId)).toEqual(['broken', ACCOUNT]);
    exposeHarnessEnv(h);
    const { handler } = await import('../../functions/reconcile-timers');

    // Act
    const outcome = await handler({}, context).then(
      () => undefined,
      (err: unknown) => err as Error,
    );

    // Assess: the run failed, naming the refused account and nothing secret
    expect(outcome?.name).toBe('ReconcileFailed');
    expect(outcome?.message).toMatch(/\bbroken\b/);
    expect(outcome?.message).not.toMatch(new RegExp(`\\b${ACCOUNT}\\b`));
    expect(outcome?.message).not.toContain(garbage.at);
    expect(outcome?.message).not.toContain(garbage.rt);
    // ...and the healthy account was still reconciled: the plug holds its timer, the push is recorded
    const onPlug = h.sim.device(PLUG).params.timers as { at: string; do: unknown }[];
    expect(onPlug).toEqual([expect.objectContaining({ at: '0 7 * * 1,3', do: { switch: 'on' } })]);
    expect((await h.parts.store.timers.getTimers(ACCOUNT, PLUG)).push?.status).toBe('done');
    expect(h.sim.device(LAMP).params.timers ?? []).toEqual([]);
  });
});
