import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from '../../support/bridge';
import { timed, withBudgetMs, type ServedBridge } from './stacks';

/*
 * The HTTP API over a cloud that hangs (the simulator's `hangHttp`: no HTTP answer, the
 * dispatch's included, until it is lifted). A new instance's command and a read each end
 * within the request's budget with their documented answer, long before a cloud call's own
 * limit. The command the cloud held and carried out later was answered as one whose outcome
 * is unknown, never as a failure a client would retry.
 */

const LAMP = '1000000001';
/** Well under a cloud call's own limit (6 s), so only the budget can end the calls in time. */
const BUDGET_MS = 1_000;
/** What the answer may take past the budget: the answer itself, on a loaded machine. */
const SLACK_MS = 800;

let h: Harness;
let fresh: ServedBridge;

beforeAll(async () => {
  h = await startHarness();
  // The device list is cached in the table, so the new instance looks the lamp up there.
  expect((await h.call('GET', '/devices')).status).toBe(200);
  fresh = await withBudgetMs(h, BUDGET_MS);
});

afterAll(async () => {
  h?.sim.clearFaults();
  await fresh?.close();
  await h?.close();
});

describe('a cloud that takes requests and never answers', () => {
  it('a command answers 504 outcome_unknown within the budget; the cloud carries it out once it is back, as the answer warned', async () => {
    // Prepare
    const before = h.sim.device(LAMP).params.switch;
    const other = before === 'on' ? 'off' : 'on';
    h.sim.faults.hangHttp = true;

    // Act
    const answer = await timed(() => fresh.call('POST', `/devices/${LAMP}/control`, { body: { power: other } }));
    const during = h.sim.device(LAMP).params.switch;
    h.sim.faults.hangHttp = false;

    // Assess
    expect(answer.status, answer.text).toBe(504);
    expect(answer.body.error.code).toBe('outcome_unknown');
    expect(answer.body.error.message).toMatch(/may have changed/);
    expect(answer.ms).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(answer.ms).toBeLessThan(BUDGET_MS + SLACK_MS);
    expect(during).toBe(before);
    await vi.waitFor(() => expect(h.sim.device(LAMP).params.switch).toBe(other));
  });

  it('a read of the live state answers 504 cloud_timeout within the budget', async () => {
    // Prepare
    h.sim.faults.hangHttp = true;

    // Act
    const answer = await timed(() => fresh.call('GET', `/devices/${LAMP}`));
    h.sim.faults.hangHttp = false;

    // Assess
    expect(answer.status, answer.text).toBe(504);
    expect(answer.body.error.code).toBe('cloud_timeout');
    expect(answer.ms).toBeGreaterThanOrEqual(BUDGET_MS - 50);
    expect(answer.ms).toBeLessThan(BUDGET_MS + SLACK_MS);
  });
});
