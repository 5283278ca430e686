import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DeviceOffline } from '../../lib/errors';
import { ACCOUNT, startHarness, warmSocket, type Harness } from '../support/bridge';
import { DEMO, demoAccount } from '../support/demo-harness';

let h: Harness;
beforeAll(async () => {
  // A silent device answers 504 only after 3 s, well past the deadlines below.
  h = await startHarness({ account: demoAccount(), sim: { deviceTimeoutMs: 3_000 } });
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.sim.faults.silentDevices.clear();
  await h.bridge.directory.list(ACCOUNT);
  // The deadlines below are the socket's: over HTTP the cloud's rate limits space a batch's calls 500 ms apart.
  await warmSocket(h);
  h.sim.stats.reset();
});

describe('controlMany with withinMs', () => {
  it('fails a device that has not answered by then as DeviceOffline, and the others answer for themselves', async () => {
    // Prepare: the heater never answers; the lamp and the dimmer do
    h.sim.faults.silentDevices.add(DEMO.heater);
    const started = Date.now();

    // Act
    const outcomes = await h.bridge.controller.controlMany(
      ACCOUNT,
      [
        { deviceid: DEMO.lamp, command: { power: 'on' } },
        { deviceid: DEMO.heater, command: { power: 'on' } },
        { deviceid: DEMO.dimmer, command: { brightness: 40 } },
      ],
      { withinMs: 1_000 },
    );

    // Assess
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcomes.map((o) => [o.deviceid, o.ok])).toEqual([
      [DEMO.lamp, true],
      [DEMO.heater, false],
      [DEMO.dimmer, true],
    ]);
    const heater = outcomes[1]!;
    expect(!heater.ok && heater.error).toBeInstanceOf(DeviceOffline);
    expect(h.sim.device(DEMO.lamp).params.switch).toBe('on');
    expect(h.sim.device(DEMO.dimmer).params.switch).toBe('on');
  });

  it('waits for every device without withinMs', async () => {
    // Prepare
    h.sim.faults.silentDevices.add(DEMO.heater);
    const started = Date.now();

    // Act
    const outcomes = await h.bridge.controller.controlMany(ACCOUNT, [
      { deviceid: DEMO.lamp, command: { power: 'off' } },
      { deviceid: DEMO.heater, command: { power: 'off' } },
    ]);

    // Assess: the heater's own 504, after the device timeout; the lamp switched regardless
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
    expect(outcomes[0]).toMatchObject({ deviceid: DEMO.lamp, ok: true, result: { power: 'off' } });
    expect(outcomes[1]).toMatchObject({ deviceid: DEMO.heater, ok: false });
    expect(h.sim.device(DEMO.lamp).params.switch).toBe('off');
  });
});
