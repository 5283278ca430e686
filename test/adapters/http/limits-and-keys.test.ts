import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanTable } from '../../support/dynamo';
import { socketUpdates, startHarness, type Harness } from '../../support/bridge';

const LAMP = '1000000001';

/*
 * Issue 12's first two asks, through the HTTP API: hooks and keys are listed, rotated and
 * revoked by their owner, and each hook and key has a token bucket that answers 429 with
 * Retry-After once spent.
 */
describe('hooks and API keys, managed and rate limited (HTTP API, simulated cloud, DynamoDB Local)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.close());

  const pathOf = (url: string) => new URL(url).pathname;

  async function newHook(body: Record<string, unknown> = {}) {
    const created = await h.call('POST', '/hooks', { body: { deviceid: LAMP, action: { power: 'toggle' }, ...body } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { hookId: string; secret: string; url: string; limit: { perSecond: number; burst: number } };
  }

  async function newKey(body: Record<string, unknown> = { label: 'spare' }) {
    const created = await h.call('POST', '/keys', { body });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; key: string; label: string };
  }

  describe('hooks', () => {
    it('lists the hooks with their limits and no secret; a deleted hook is gone from the list and its URL answers 401', async () => {
      // Prepare
      const hook = await newHook({ name: 'porch' });
      // Act
      const listed = await h.call('GET', '/hooks');
      const deleted = await h.call('DELETE', `/hooks/${hook.hookId}`);
      const run = await h.call('POST', pathOf(hook.url), { auth: false });
      const again = await h.call('DELETE', `/hooks/${hook.hookId}`);
      const after = await h.call('GET', '/hooks');
      // Assess
      expect(listed.status).toBe(200);
      expect(listed.body.hooks).toContainEqual({ hookId: hook.hookId, deviceid: LAMP, action: { power: 'toggle' }, name: 'porch', createdAt: expect.any(String), limit: { perSecond: 1, burst: 5 } });
      expect(JSON.stringify(listed.body)).not.toContain(hook.secret);
      expect(deleted.status).toBe(204);
      expect(run.status).toBe(401);
      expect(again).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
      expect(after.body.hooks.map((x: { hookId: string }) => x.hookId)).not.toContain(hook.hookId);
    });

    it('rotates a secret: the old URL answers 401, the new one runs, and nothing stored holds the secret', async () => {
      // Prepare
      const hook = await newHook();
      // Act
      const rotated = await h.call('PUT', `/hooks/${hook.hookId}/secret`);
      const old = await h.call('POST', pathOf(hook.url), { auth: false });
      const fresh = await h.call('POST', pathOf(rotated.body.url), { auth: false });
      // Assess
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ hookId: hook.hookId, secret: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/) });
      expect(rotated.body.url).toBe(`${h.url}/hooks/${hook.hookId}/${rotated.body.secret}`);
      expect(old.status).toBe(401);
      expect(fresh.status).toBe(200);
      expect(JSON.stringify(await scanTable(h.table))).not.toContain(rotated.body.secret);
    });

    it('answers 404 for a hook of another account, and 422 for a change with nothing in it', async () => {
      // Prepare
      const theirs = await h.parts.store.hooks.create({ accountId: 'someone-else', deviceid: LAMP, action: { power: 'on' } });
      const mine = await newHook();
      // Act
      const del = await h.call('DELETE', `/hooks/${theirs.hook.hookId}`);
      const rot = await h.call('PUT', `/hooks/${theirs.hook.hookId}/secret`);
      const patch = await h.call('PATCH', `/hooks/${theirs.hook.hookId}`, { body: { name: 'mine now' } });
      const empty = await h.call('PATCH', `/hooks/${mine.hookId}`, { body: {} });
      const tooFast = await h.call('PATCH', `/hooks/${mine.hookId}`, { body: { limit: { perSecond: 500, burst: 5 } } });
      // Assess
      expect([del.status, rot.status, patch.status]).toEqual([404, 404, 404]);
      expect(await h.parts.store.hooks.get(theirs.hook.hookId)).toMatchObject({ accountId: 'someone-else' });
      expect(empty.status).toBe(422);
      expect(tooFast).toMatchObject({ status: 422, body: { error: { field: 'limit.perSecond' } } });
    });

    it('300 calls to one toggle hook: 5 and about one a second go through, the rest answer 429 with Retry-After and reach no device', async () => {
      // Prepare
      const hook = await newHook();
      h.sim.stats.reset();
      const started = Date.now();
      // Act: ten callers at a time, as fast as the bridge answers
      const statuses: number[] = [];
      const retryAfter: string[] = [];
      for (let wave = 0; wave < 30; wave++) {
        const answers = await Promise.all(Array.from({ length: 10 }, () => h.call('POST', pathOf(hook.url), { auth: false })));
        for (const answer of answers) {
          statuses.push(answer.status);
          if (answer.status === 429) retryAfter.push(String(answer.headers['retry-after']));
        }
      }
      const seconds = (Date.now() - started) / 1000;
      // Assess
      const ran = statuses.filter((s) => s === 200).length;
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      expect(ran).toBeGreaterThanOrEqual(5);
      expect(ran).toBeLessThanOrEqual(5 + Math.ceil(seconds));
      expect(socketUpdates(h.sim, LAMP)).toHaveLength(ran);
      expect(retryAfter).toHaveLength(300 - ran);
      expect(retryAfter.every((value) => /^[1-9][0-9]*$/.test(value))).toBe(true);
    });

    it('a 429 body says what limit was met and when to come back', async () => {
      // Prepare
      const hook = await newHook({ limit: { perSecond: 0.01, burst: 1 } });
      await h.call('POST', pathOf(hook.url), { auth: false });
      // Act
      const limited = await h.call('POST', pathOf(hook.url), { auth: false });
      // Assess
      expect(limited.status).toBe(429);
      expect(limited.headers['content-type']).toMatch(/^application\/json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(90);
      expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^this webhook takes 0\.01 call\(s\) a second with bursts of 1; try again in \d+ s$/) });
    });
  });

  describe('API keys', () => {
    it('makes a key shown once, lists keys without them (marking the one in use), and a revoked key answers 401 at once', async () => {
      // Prepare
      const made = await newKey({ label: 'home assistant' });
      // Act
      const byNew = await h.call('GET', '/keys', { auth: made.key });
      const revoked = await h.call('DELETE', `/keys/${made.id}`);
      const afterRevoke = await h.call('GET', '/devices', { auth: made.key });
      const again = await h.call('DELETE', `/keys/${made.id}`);
      // Assess
      expect(made).toMatchObject({ key: expect.stringMatching(/^ebk_/), label: 'home assistant', limit: { perSecond: 10, burst: 20 } });
      expect(byNew.status).toBe(200);
      const entry = byNew.body.keys.find((k: { id: string }) => k.id === made.id);
      expect(entry).toEqual({ id: made.id, label: 'home assistant', createdAt: expect.any(String), lastUsedAt: expect.any(String), limit: { perSecond: 10, burst: 20 }, current: true });
      expect(byNew.body.keys.filter((k: { current: boolean }) => k.current)).toHaveLength(1);
      expect(JSON.stringify(byNew.body)).not.toContain(made.key);
      expect(revoked.status).toBe(204);
      expect(afterRevoke).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
      expect(again.status).toBe(404);
      expect(JSON.stringify(await scanTable(h.table))).not.toContain(made.key);
    });

    it('another account\'s key cannot be revoked, and stays working', async () => {
      // Prepare
      const { apiKey, key } = await h.parts.store.apiKeys.create({ accountId: 'someone-else', label: 'theirs' });
      // Act
      const revoked = await h.call('DELETE', `/keys/${apiKey.id}`);
      const theirs = await h.call('GET', '/keys', { auth: key });
      // Assess
      expect(revoked.status).toBe(404);
      expect(theirs.status).toBe(200);
      expect(theirs.body.keys).toEqual([expect.objectContaining({ id: apiKey.id, current: true })]);
    });

    it('a key\'s own limit: calls past it answer 429 with Retry-After and do nothing; refused input spends nothing', async () => {
      // Prepare
      const { key } = await newKey({ label: 'slow', limit: { perSecond: 0.01, burst: 3 } });
      h.sim.stats.reset();
      // Act
      const badBodies = await Promise.all(Array.from({ length: 5 }, () => h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'sideways' }, auth: key })));
      const allowed = [];
      for (let i = 0; i < 3; i++) allowed.push(await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'on' }, auth: key }));
      const limited = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'off' }, auth: key });
      const otherKey = await h.call('GET', '/keys');
      // Assess
      expect(badBodies.map((a) => a.status)).toEqual([422, 422, 422, 422, 422]);
      expect(allowed.map((a) => a.status)).toEqual([200, 200, 200]);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(90);
      expect(limited.body.error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^this API key takes 0\.01 call\(s\) a second/) });
      expect(h.sim.device(LAMP).params.switch).toBe('on');
      expect(socketUpdates(h.sim, LAMP)).toHaveLength(3);
      expect(otherKey.status).toBe(200);
    });

    it('refuses a key without a label, with an unknown field, or with a limit out of range (422), storing nothing', async () => {
      // Prepare
      const before = (await h.call('GET', '/keys')).body.keys.length;
      // Act
      const answers = await Promise.all([
        h.call('POST', '/keys', { body: {} }),
        h.call('POST', '/keys', { body: { label: 'x', admin: true } }),
        h.call('POST', '/keys', { body: { label: 'x', limit: { perSecond: 1, burst: 0 } } }),
        h.call('POST', '/keys', { body: { label: 'bell\u0007' } }),
      ]);
      // Assess
      expect(answers.map((a) => [a.status, a.body.error.field])).toEqual([
        [422, 'label'],
        [422, 'admin'],
        [422, 'limit.burst'],
        [422, 'label'],
      ]);
      expect((await h.call('GET', '/keys')).body.keys).toHaveLength(before);
    });
  });
});
