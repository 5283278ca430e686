import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, socketUpdates, startHarness, warmSocket, type Harness } from '../support/bridge';

/*
 * Commands to one device run one after the other within an instance: each toggle reads the
 * state the one before it left, so toggles sent at once alternate instead of repeating.
 */

const LAMP = '1000000001';
const STRIP = '1000000004';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function alternating(count: number, from: 'on' | 'off'): ('on' | 'off')[] {
  return Array.from({ length: count }, (_, i) => ((i % 2 === 0) === (from === 'off') ? 'on' : 'off'));
}

describe('commands to one device', () => {
  it('20 toggles at once: the cloud receives on and off alternately, in the order they came, and the lamp ends where it began', async () => {
    // Prepare
    await warmSocket(h);
    const before = h.sim.device(LAMP).params.switch as 'on' | 'off';
    h.sim.stats.reset();

    // Act
    const results = await Promise.all(Array.from({ length: 20 }, () => h.bridge.controller.control(ACCOUNT, LAMP, { power: 'toggle' })));

    // Assess
    const sent = (socketUpdates(h.sim, LAMP) as { message: { params: { switch?: string } } }[]).map((u) => u.message.params.switch);
    expect(sent).toEqual(alternating(20, before));
    expect(results.map((r) => r.power)).toEqual(alternating(20, before));
    expect(results.every((r) => r.via === 'socket')).toBe(true);
    expect(h.sim.device(LAMP).params.switch).toBe(before);
  });

  it('commands to different devices are not held up by each other', async () => {
    // Prepare
    await warmSocket(h);
    h.sim.stats.reset();

    // Act: a toggle of each, at once; each reads its own device first
    const [lamp, strip] = await Promise.all([
      h.bridge.controller.control(ACCOUNT, LAMP, { power: 'toggle' }),
      h.bridge.controller.control(ACCOUNT, STRIP, { power: 'toggle', channel: 1 }),
    ]);

    // Assess: both queries went out before either update (the two did not wait for each other)
    const actions = h.sim.stats.log.flatMap((r) => (r.kind === 'socket' && (r.action === 'query' || r.action === 'update') ? [r.action] : []));
    expect(actions).toEqual(['query', 'query', 'update', 'update']);
    expect([lamp.via, strip.via]).toEqual(['socket', 'socket']);
  });
});
