import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { localRuns, startLocal, type Running } from '../support/local-start';
import { shellBlocks } from '../support/markdown';

/*
 * The README's quick start as a reader follows it: its shell blocks are read from README.md
 * itself, so the document cannot drift from what works. The set-up and test blocks are the
 * commands `.ci/run` and this suite already run; the export line is the one `npm start`
 * printed (the README shows its shape); each numbered call is pasted into bash after it,
 * against a running `npm start`, and must answer as its comment says. The admin command's
 * recipe, further down the README, is run the same way, against the same `npm start`.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A block's numbered steps: each `# N. …` comment with the command lines under it. */
function steps(block: string): { title: string; script: string }[] {
  const out: { title: string; script: string }[] = [];
  for (const line of block.split('\n')) {
    const numbered = /^# (\d+)\. (.*)$/.exec(line);
    if (numbered) out.push({ title: numbered[2] as string, script: '' });
    else if (line.trim() !== '') {
      const step = out.at(-1);
      if (!step) throw new Error(`a command before the first numbered comment: ${line}`);
      step.script += `${line}\n`;
    }
  }
  return out;
}

/** Runs lines in bash as a reader pasting them would, stopping at the first failure; stdout, one JSON answer a line. */
async function paste(lines: string): Promise<string> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const { stdout } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', lines], { cwd: ROOT, env });
  return stdout;
}

/** Each JSON answer a pasted step printed (curl prints no newline after a body, so they are split at `}{`). */
function answers(stdout: string): any[] {
  return stdout
    .replace(/}\s*{/g, '}\n{')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
}

describe("the README's quick start and admin command recipe, pasted as they stand into one npm start", () => {
  let readme: string;
  let blocks: string[];
  const local = localRuns();
  let running: Running | undefined;
  let exportLines: string;

  beforeAll(async () => {
    readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    blocks = shellBlocks(readme, '## Quick start');
    running = local.running = await startLocal(local.dataDir, ['--fresh']);
    const printed = running.output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('export '));
    if (printed.length === 0) throw new Error(`npm start printed no export lines:\n${running.output}`);
    exportLines = printed.join('\n');
  }, 120_000);

  it('has the blocks a reader meets, in order: set-up, start, export, the calls, the tests', () => {
    expect(blocks).toHaveLength(5);
    expect(blocks[0]).toMatch(/^git clone .*\nnpm install$/);
    expect(blocks[1]).toBe('npm start');
    expect(blocks[2]).toMatch(/^export BRIDGE=.*\nexport KEY=/);
    expect(blocks[4]).toBe('npm test');
    // .ci/run, which installs from scratch, and this suite are what the set-up and test blocks run
    expect(readFileOf('.ci/run')).toMatch(/npm ci[\s\S]*npm test/);
  });

  it('shows the first export lines npm start prints, as it prints them: the URL the bridge is on, and its key', () => {
    const shown = (blocks[2] as string).split('\n');
    const printed = exportLines.split('\n');
    expect(printed).toHaveLength(4);
    expect(shown).toEqual(["export BRIDGE='http://127.0.0.1:3000'", "export KEY='<the key npm start printed>'"]);
    expect(printed[0]).toBe(`export BRIDGE='${running!.url}'`);
    expect(printed[1]).toBe(`export KEY='${running!.adminKey}'`);
    expect(printed[2]).toBe(`export SIM='${running!.simUrl}'`);
    expect(printed[3]).toMatch(/^export TABLE_NAME=/);
  });

  it('answers each of the five calls as its comment says', { timeout: 60_000 }, async () => {
    // Prepare
    const calls = steps(blocks[3] as string);
    expect(calls.map((c) => c.title)).toHaveLength(5);
    const run = async (i: number) => answers(await paste(`${exportLines}\n${calls[i]!.script}`));

    // Act + Assess: 1. the devices, with what each can do
    const [list] = await run(0);
    expect(list.devices.length).toBeGreaterThanOrEqual(9);
    expect(list.devices.find((d: { deviceid: string }) => d.deviceid === '1000000001')).toMatchObject({ name: 'Desk lamp', online: true });

    // 2. the lamp switched on, and read back
    const [switched, read] = await run(1);
    expect(switched).toMatchObject({ deviceid: '1000000001', power: 'on' });
    expect(read).toMatchObject({ deviceid: '1000000001', online: true, power: 'on' });

    // 3. the dimmer at 30 %
    const [dimmed] = await run(2);
    expect(dimmed).toMatchObject({ deviceid: '1000000044', power: 'on', brightness: 30 });

    // 4. a timer stored and pushed to the lamp
    const [timer] = await run(3);
    expect(timer.timer).toMatchObject({ schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin' });
    expect(timer.push.status).toBe('done');

    // 5. the webhook toggles the lamp, which was on
    const [toggled] = await run(4);
    expect(toggled).toMatchObject({ deviceid: '1000000001', power: 'off' });
  });

  it("runs the admin command's recipe against npm start, each step doing what its comment says", { timeout: 90_000 }, async () => {
    // Prepare
    const [recipe, ...others] = shellBlocks(readme, '## The admin command');
    expect(others).toEqual([]);
    const recipeSteps = steps(recipe as string);
    expect(recipeSteps).toHaveLength(5);
    const run = (i: number) => paste(`${exportLines}\n${recipeSteps[i]!.script}`);
    const timersOf = async (deviceid: string) => (await fetch(`${running!.url}/devices/${deviceid}/timers`, { headers: { authorization: `Bearer ${running!.adminKey}` } })).json();

    // Act + Assess: 1. the linked demo account
    expect(await run(0)).toMatch(/^account "default": region eu/m);
    // 2. the offline plug's timer is stored and waits
    const [waiting] = answers(await run(1));
    expect(waiting).toMatchObject({ timer: { schedule: { type: 'repeat', days: [0, 6], time: '09:00' } }, push: { status: 'pending' } });
    // 3. once the plug is back, the reconcile pushes it: the device holds it
    const reconciled = await run(2);
    expect(reconciled).toMatch(/^account "default": pushed \d+ \([^)]*\b1000000009\b[^)]*\); in sync \d+( \([^)]*\))?; pending \(offline\) 0; failed 0$/m);
    expect(await timersOf('1000000009')).toMatchObject({ timers: [{ id: waiting.timer.id }], push: { status: 'done', entries: 1 } });
    const plug = (await (await fetch(`${running!.simUrl}/_sim/devices/1000000009`)).json()) as { params: { timers?: unknown[] } };
    expect(plug.params.timers).toEqual([expect.objectContaining({ do: { switch: 'on' } })]);
    // 4. a new account registered with the code the simulator kept, into its own bridge account
    expect(await run(3)).toContain('account "me" registered and linked: me@example.com, region eu');
    // 5. a key for it, which works
    const key = /\b(ebk_[A-Za-z0-9_-]+)/.exec(await run(4))?.[1];
    expect(key).toBeDefined();
    const devices = await fetch(`${running!.url}/devices`, { headers: { authorization: `Bearer ${key}` } });
    expect(devices.status).toBe(200);
  });
});

function readFileOf(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}
