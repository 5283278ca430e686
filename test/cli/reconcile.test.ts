import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimerDef } from '../../lib/timers/model';
import { ACCOUNT, cliEnvironment, startHarness, type Harness } from '../support/bridge';
import { spawnCli, type CliRun } from '../support/cli';

/*
 * `npx ewelink-bridge reconcile`: the hourly timer reconcile, run now. A timer made while its
 * device was offline waits (pending); once the device is back, the command pushes it.
 */

const LAMP = '1000000001';
const PLUG = '1000000009';
const DAY = 86_400_000;

let h: Harness;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  h = await startHarness();
  env = cliEnvironment(h.sim, h.table);
});
afterAll(async () => h?.close());

/**
 * The bin, spawned as a reader's shell runs it: without the suite's silencing of the AWS SDK's
 * Node-version notice, and with Node's warnings shown, so the command must silence it itself.
 */
function cli(args: string[]): Promise<CliRun> {
  return spawnCli(args, { ...env, NODE_NO_WARNINGS: undefined, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: undefined });
}

describe('npx ewelink-bridge reconcile', { timeout: 60_000 }, () => {
  it('pushes the timer that waited for its device once the device is back, and says so', async () => {
    // Prepare: the plug is offline when it gets a timer; it comes back online
    const added = await h.call('POST', `/devices/${PLUG}/timers`, {
      body: { schedule: { type: 'repeat', days: [1, 3], time: '07:00' }, timeZone: 'UTC', action: { power: 'on' } },
    });
    expect(added.body.push.status).toBe('pending');
    const offline = await cli(['reconcile']);
    expect(offline.stdout).toContain(`account "${ACCOUNT}": pushed 0; in sync 0; pending (offline) 1 (${PLUG}); failed 0`);
    h.sim.setDeviceOnline(PLUG, true);

    // Act
    const run = await cli(['reconcile', '--account', ACCOUNT]);
    const again = await cli(['reconcile']);

    // Assess: pushed, recorded done, on the device; a second run finds it in sync
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`account "${ACCOUNT}": pushed 1 (${PLUG}); in sync 0; pending (offline) 0; failed 0`);
    expect(run.stdout).toMatch(new RegExp(`^  ${PLUG} held other timers than the bridge's: 1 of the bridge's entries missing or changed, 0 it no longer has; 0 set elsewhere were kept$`, 'm'));
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
    expect(offline.stderr).not.toContain('NodeVersionSupportWarning');
    expect((await h.call('GET', `/devices/${PLUG}/timers`)).body.push).toMatchObject({ status: 'done', entries: 1 });
    expect(h.sim.device(PLUG).params.timers).toEqual([expect.objectContaining({ at: '0 7 * * 1,3', do: { switch: 'on' } })]);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining(`account "${ACCOUNT}": pushed 0; in sync 1 (${PLUG}); pending (offline) 0; failed 0`) });
  });

  it('names an account it could not reconcile and why, goes on with the others, and exits 1; an unlinked --account is refused', async () => {
    // Prepare: an account whose stored pair the simulated cloud never issued, with a timer of its own
    await h.parts.store.tokens.save({ accountId: 'broken', at: 'a'.repeat(40), rt: 'b'.repeat(40), region: 'eu', apikey: 'c'.repeat(36), atExpiresAt: Date.now() + 20 * DAY, rtExpiresAt: Date.now() + 50 * DAY });
    const timer: TimerDef = { id: 't1', schedule: { type: 'repeat', days: [2], time: '08:00' }, timeZone: 'UTC', action: { power: 'off' }, enabled: true, createdAt: Date.now() };
    await h.parts.store.timers.putTimers('broken', LAMP, [timer], 0);

    // Act
    const run = await cli(['reconcile']);
    const nobody = await cli(['reconcile', '--account', 'nobody']);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`account "${ACCOUNT}": pushed 0; in sync 1 (${PLUG})`);
    // its pair is refused, so its device's array cannot be read or pushed: the device failed
    expect(run.stdout).toContain(`account "broken": pushed 0; in sync 0; pending (offline) 0; failed 1 (${LAMP})`);
    expect(run.stdout).not.toContain('a'.repeat(40));
    expect(nobody).toMatchObject({ code: 1, stdout: 'account "nobody" is not linked: nothing to reconcile\n' });
  });
});
