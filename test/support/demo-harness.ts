import { afterAll, beforeAll, beforeEach } from 'vitest';
import { demoSeed } from '../../sim/demo-seed';
import type { AccountSeed } from '../../sim';
import { testTokens, type FixedTokens } from './assistant-tokens';
import { ACCOUNT, startHarness, type Harness } from './bridge';

/** The demo account (every family the demo has), under the harness's login. */
export function demoAccount(): AccountSeed {
  return { ...demoSeed({}), email: 'owner@example.com', password: 'owner-password' };
}

/** The demo account's devices, by what they are. */
export const DEMO = {
  lamp: '1000000001',
  strip: '1000000004',
  garage: '1000000009',
  dimmer: '1000000044',
  ledStrip: '1000000059',
  whiteBulb: '1000000013',
  colourBulb: '1000000014',
  heater: '1000000015',
  washer: '1000000005',
} as const;

/**
 * One harness over the demo account for a test file, with the test account's assistant
 * tokens. Before each test the device list is read and the cloud's counters reset, so what a
 * test counts is its own traffic.
 *
 * @example
 * const demo = demoHarness();
 * it('…', async () => { await answerDirective(demo.h.bridge, message, { tokens: demo.tokens }); });
 */
export function demoHarness(): { h: Harness; tokens: FixedTokens } {
  const demo = { tokens: testTokens(ACCOUNT) } as { h: Harness; tokens: FixedTokens };
  beforeAll(async () => {
    demo.h = await startHarness({ account: demoAccount() });
  });
  afterAll(async () => {
    await demo.h.close();
  });
  beforeEach(async () => {
    await demo.h.bridge.directory.list(ACCOUNT);
    demo.h.sim.stats.reset();
  });
  return demo;
}
