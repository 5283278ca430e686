import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEEP_MS } from '../../../lib/replies';
import { scanTable } from '../../support/dynamo';
import { httpCalls, socketUpdates, startHarness, type Harness } from '../../support/bridge';
import { cloudTraffic } from '../../support/refusals';
import { withoutCloud } from './stacks';

/*
 * Idempotency-Key through the HTTP API, against the simulated cloud and DynamoDB Local: a
 * repeat acts no more and gets the first answer; the key is one request's; an answer that did
 * nothing is not kept; 24 hours on, the key is free again.
 */

const LAMP = '1000000001';
const STRIP = '1000000004';
const PLUG = '1000000009';
const TIMER = { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } };

let h: Harness;
let n = 0;
/** A key no other test uses. */
const newKey = () => `test-key-${++n}-${Date.now()}`;
const keyed = (key: string) => ({ 'idempotency-key': key });
const lamp = () => h.sim.device(LAMP).params.switch;
/** Changes sent to the cloud since the stats were reset, whichever way they went (a new instance's first command goes over HTTP). */
const changesSent = (deviceid: string) => socketUpdates(h.sim, deviceid).length + httpCalls(h.sim, 'POST /api/user/device/status');

beforeAll(async () => {
  // The bridge's clock is the simulated cloud's, moved by hand; it starts at real time, never behind it (DynamoDB Local deletes items whose TTL has passed).
  h = await startHarness({ sim: { clock: { mode: 'manual', start: Date.now() } } });
});

afterAll(async () => {
  await h?.close();
});

describe('a repeated Idempotency-Key', () => {
  it('switches the device once, and the repeat gets the first answer, marked replayed', async () => {
    // Prepare
    const key = newKey();
    const before = lamp();
    h.sim.stats.reset();

    // Act
    const first = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'toggle' }, headers: keyed(key) });
    const repeat = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'toggle' }, headers: keyed(key) });

    // Assess
    expect(first.status, first.text).toBe(200);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(lamp()).not.toBe(before);
    expect(changesSent(LAMP)).toBe(1);
  });

  it('refuses the key for another request, the same route with another body or another device, and does nothing', async () => {
    // Prepare
    const key = newKey();
    expect((await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'on' }, headers: keyed(key) })).status).toBe(200);
    h.sim.stats.reset();

    // Act
    const otherBody = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'off' }, headers: keyed(key) });
    const otherDevice = await h.call('POST', `/devices/${STRIP}/control`, { body: { power: 'on' }, headers: keyed(key) });

    // Assess
    for (const answer of [otherBody, otherDevice]) {
      expect(answer.status, answer.text).toBe(422);
      expect(answer.body.error.code).toBe('idempotency_key_reused');
    }
    expect(lamp()).toBe('on');
    expect(cloudTraffic(h)).toBe(0);
  });

  it('lets one of two copies sent together act: the other is told it is in flight, or gets the answer', async () => {
    // Prepare
    const key = newKey();
    const before = lamp();
    h.sim.stats.reset();

    // Act
    const answers = await Promise.all([0, 1].map(() => h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'toggle' }, headers: keyed(key) })));

    // Assess
    expect(changesSent(LAMP)).toBe(1);
    expect(lamp()).not.toBe(before);
    const acted = answers.filter((a) => a.status === 200 && a.headers['idempotent-replayed'] === undefined);
    expect(acted).toHaveLength(1);
    const other = answers.find((a) => a !== acted[0])!;
    if (other.status === 409) {
      expect(other.body.error.code).toBe('idempotency_key_in_flight');
      expect(other.headers['retry-after']).toBe('1');
    } else {
      expect(other.status).toBe(200);
      expect(other.headers['idempotent-replayed']).toBe('true');
      expect(other.body).toEqual(acted[0]!.body);
    }
  });

  it('keeps the answer for 24 hours; then the key is free, and the request acts again', async () => {
    // Prepare
    const key = newKey();
    const send = () => h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'toggle' }, headers: keyed(key) });
    const first = await send();
    h.sim.stats.reset();

    // Act
    await h.sim.clock.advance(IDEMPOTENCY_KEEP_MS - 1_000);
    const lastMoment = await send();
    await h.sim.clock.advance(2_000);
    const nextDay = await send();

    // Assess
    expect(first.status).toBe(200);
    expect(lastMoment.headers['idempotent-replayed']).toBe('true');
    expect(nextDay.status, nextDay.text).toBe(200);
    expect(nextDay.headers['idempotent-replayed']).toBeUndefined();
    expect(nextDay.body.power).not.toBe(first.body.power);
    expect(changesSent(LAMP)).toBe(1);
  });

  it('keeps no answer that did nothing: the request, corrected, acts under the same key', async () => {
    // Prepare
    const key = newKey();

    // Act
    const refused = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'on', channel: 2 }, headers: keyed(key) });
    const corrected = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'off' }, headers: keyed(key) });

    // Assess
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.code).toBe('invalid_input');
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.headers['idempotent-replayed']).toBeUndefined();
    expect(lamp()).toBe('off');
  });

  it('keeps no answer of a cloud that could not be reached: the same key acts once the cloud is back', async () => {
    // Prepare: the harness's bridge, table and key, with its cloud taken away
    const key = newKey();
    const cut = await withoutCloud(h, { coldCache: true });
    const before = lamp();
    const other = before === 'on' ? 'off' : 'on';

    try {
      // Act
      const unreachable = await cut.call('POST', `/devices/${LAMP}/control`, { body: { power: other }, headers: keyed(key) });
      const again = await h.call('POST', `/devices/${LAMP}/control`, { body: { power: other }, headers: keyed(key) });

      // Assess
      expect(unreachable.status, unreachable.text).toBe(502);
      expect(unreachable.body.error.code).toBe('cloud_unavailable');
      expect(again.status, again.text).toBe(200);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      expect(lamp()).toBe(other);
    } finally {
      await cut.close();
    }
  });

  it('keeps a failure after which the command may have landed, and gives it again without asking the cloud', async () => {
    // Prepare
    const key = newKey();
    const first = await h.call('POST', `/devices/${PLUG}/control`, { body: { power: 'on' }, headers: keyed(key) });
    h.sim.stats.reset();

    // Act
    const repeat = await h.call('POST', `/devices/${PLUG}/control`, { body: { power: 'on' }, headers: keyed(key) });

    // Assess
    expect(first.status, first.text).toBe(504);
    expect(repeat.status).toBe(504);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(cloudTraffic(h)).toBe(0);
  });

  it('refuses a key that is not 1 to 255 visible ASCII characters, naming the header, and does nothing', async () => {
    // Prepare
    h.sim.stats.reset();

    // Act
    const answers = await Promise.all(['has space', 'x'.repeat(256), ''].map((key) => h.call('POST', `/devices/${LAMP}/control`, { body: { power: 'toggle' }, headers: keyed(key) })));

    // Assess
    for (const answer of answers) {
      expect(answer.status, answer.text).toBe(422);
      expect(answer.body.error).toMatchObject({ code: 'invalid_input', field: 'Idempotency-Key' });
    }
    expect(cloudTraffic(h)).toBe(0);
  });
});

describe('Idempotency-Key on the routes that create', () => {
  it('stores one timer and one scene for a repeated key', async () => {
    // Prepare
    const timerKey = newKey();
    const sceneKey = newKey();
    const timersBefore = (await h.call('GET', `/devices/${STRIP}/timers`)).body.timers.length as number;
    const scenesBefore = (await h.call('GET', '/scenes')).body.scenes.length as number;
    const scene = { name: `Once ${sceneKey}`, actions: [{ deviceid: STRIP, command: { power: 'on' } }] };

    // Act
    const timers = [];
    const scenes = [];
    for (let i = 0; i < 2; i++) {
      timers.push(await h.call('POST', `/devices/${STRIP}/timers`, { body: TIMER, headers: keyed(timerKey) }));
      scenes.push(await h.call('POST', '/scenes', { body: scene, headers: keyed(sceneKey) }));
    }

    // Assess
    expect(timers.map((a) => a.status)).toEqual([201, 201]);
    expect(timers[1]!.body.timer.id).toBe(timers[0]!.body.timer.id);
    expect((await h.call('GET', `/devices/${STRIP}/timers`)).body.timers).toHaveLength(timersBefore + 1);
    expect(scenes.map((a) => a.status)).toEqual([201, 201]);
    expect(scenes[1]!.body.scene.id).toBe(scenes[0]!.body.scene.id);
    expect((await h.call('GET', '/scenes')).body.scenes).toHaveLength(scenesBefore + 1);
  });

  it('runs a scene once for a repeated key', async () => {
    // Prepare
    const created = await h.call('POST', '/scenes', { body: { name: 'Strip on', actions: [{ deviceid: STRIP, command: { power: 'on', channel: 3 } }] } });
    const key = newKey();
    h.sim.stats.reset();

    // Act
    const first = await h.call('POST', `/scenes/${created.body.scene.id}/run`, { headers: keyed(key) });
    const repeat = await h.call('POST', `/scenes/${created.body.scene.id}/run`, { headers: keyed(key) });

    // Assess
    expect(first.status, first.text).toBe(200);
    expect(repeat.body).toEqual(first.body);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(changesSent(STRIP)).toBe(1);
  });

  it("makes one hook, and never keeps its secret: the repeat is told the hook and how to get a new secret", async () => {
    // Prepare
    const key = newKey();
    const hooksBefore = (await h.call('GET', '/hooks')).body.hooks.length as number;
    const body = { deviceid: LAMP, action: { power: 'on' }, name: 'porch button' };

    // Act
    const first = await h.call('POST', '/hooks', { body, headers: keyed(key) });
    const repeat = await h.call('POST', '/hooks', { body, headers: keyed(key) });

    // Assess
    expect(first.status, first.text).toBe(201);
    expect(first.body.secret).toEqual(expect.any(String));
    expect(repeat.status).toBe(201);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.body).toMatchObject({ hookId: first.body.hookId, deviceid: LAMP, name: 'porch button' });
    expect(repeat.body.secret).toBeUndefined();
    expect(repeat.body.url).toBeUndefined();
    expect(repeat.body.note).toContain(`PUT /hooks/${first.body.hookId}/secret`);
    expect((await h.call('GET', '/hooks')).body.hooks).toHaveLength(hooksBefore + 1);
    expect(JSON.stringify(await scanTable(h.table))).not.toContain(first.body.secret);
  });
});
