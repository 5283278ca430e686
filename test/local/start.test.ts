import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { interrupt, localRuns, startLocal, startLocalUntilExit, type Running } from '../support/local-start';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
async function call(running: Running, method: 'GET' | 'POST', path: string, body?: unknown, key = running.adminKey): Promise<{ status: number; body: any }> {
  const res = await request(`${running.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, body: await res.body.json() };
}

/** The printed line that begins with `start` (trimmed), or a failure that shows the output. */
function printedLine(running: Running, start: string): string {
  const line = running.output.split('\n').map((l) => l.trim()).find((l) => l.startsWith(start));
  if (!line) throw new Error(`npm start printed no line beginning "${start}":\n${running.output}`);
  return line;
}

/**
 * Printed lines pasted into a shell, one after another, as a reader would paste them: into a
 * new terminal that has only PATH and HOME (the suite's silencing of the AWS SDK's Node-version
 * notice is not passed on).
 */
async function paste(lines: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  return promisify(execFile)('bash', ['-e', '-c', lines.join('\n')], { cwd: ROOT, env });
}

/** The paste block npm start prints for another terminal: the bridge's address, the admin key, the simulator's address, the admin command's settings. */
function exportLines(running: Running): string[] {
  return [printedLine(running, 'export BRIDGE='), printedLine(running, 'export KEY='), printedLine(running, 'export SIM='), printedLine(running, 'export TABLE_NAME=')];
}

describe('npm start keeps its data between runs', () => {
  const local = localRuns();

  it('a scene, a timer and the admin key survive Ctrl-C, the timer pushed again at start; --fresh starts empty', { timeout: 150_000 }, async () => {
    const { dataDir } = local;
    let running: Running;
    // Prepare: a first run, a scene made through the API
    running = local.running = await startLocal(dataDir);
    const firstKey = running.adminKey;
    const created = await call(running, 'POST', '/scenes', { name: 'All on', actions: [{ deviceid: '1000000001', command: { power: 'on' } }] });
    expect(created.status).toBe(201);
    const sceneId = created.body.scene.id as string;
    const timer = { schedule: { type: 'repeat', days: [1, 2, 3, 4, 5], time: '07:00' }, timeZone: 'Europe/Berlin', action: { power: 'on' } };
    expect((await call(running, 'POST', '/devices/1000000001/timers', timer)).body.push.status).toBe('done');
    expect((await stat(join(dataDir, 'sim', 'admin-key'))).mode & 0o777).toBe(0o600);

    // Act + Assess: the printed Alexa lines, pasted as they are, discover the devices and switch one on
    expect((await call(running, 'POST', '/devices/1000000001/control', { power: 'off' })).status).toBe(200);
    const settings = printedLine(running, 'export TABLE_NAME=');
    const discover = JSON.parse((await paste([settings, printedLine(running, `echo '{"directive":{"header":{"namespace":"Alexa.Discovery"`)])).stdout);
    expect(discover.event.header.name).toBe('Discover.Response');
    expect(discover.event.payload.endpoints.map((e: { endpointId: string }) => e.endpointId)).toContain('1000000001');
    const turnOn = JSON.parse((await paste([settings, printedLine(running, `echo '{"directive":{"header":{"namespace":"Alexa.PowerController"`)])).stdout);
    expect(turnOn.event.header.name).toBe('Response');
    expect(turnOn.context.properties).toContainEqual(expect.objectContaining({ name: 'powerState', value: 'ON' }));
    expect((await call(running, 'GET', '/devices/1000000001')).body).toMatchObject({ power: 'on' });
    // the simulator refuses calls over the real cloud's limits, as the cloud does, and the bridge crossed none
    const simFaults = (await (await fetch(`${running.simUrl}/_sim/faults`)).json()) as { enforceLimits: boolean };
    const simStats = (await (await fetch(`${running.simUrl}/_sim/stats`)).json()) as { limitCrossings: { total: number } };
    expect(simFaults.enforceLimits).toBe(true);
    expect(simStats.limitCrossings.total).toBe(0);
    expect(await interrupt(running)).toBe(0);

    // Act: start again on the same folder
    running = local.running = await startLocal(dataDir);

    // Assess: the same key, the scene, and a new simulator the demo account was linked to again
    expect(running.adminKey).toBe(firstKey);
    expect(running.output).toContain('linking its demo account again');
    // the new simulator's lamp started without timers: the reconcile at start pushed the kept one
    const lamp = (await (await fetch(`${running.simUrl}/_sim/devices/1000000001`)).json()) as { params: { timers?: unknown[] } };
    expect(lamp.params.timers).toEqual([expect.objectContaining({ do: { switch: 'on' } })]);
    const scenes = await call(running, 'GET', '/scenes');
    expect(scenes.status).toBe(200);
    expect(scenes.body.scenes.map((s: { id: string }) => s.id)).toEqual([sceneId]);
    const run = await call(running, 'POST', `/scenes/${sceneId}/run`);
    expect(run.body).toMatchObject({ sceneId, ok: 1, failed: 0 });
    expect(await interrupt(running)).toBe(0);

    // Act: start empty
    running = local.running = await startLocal(dataDir, ['--fresh']);

    // Assess: a new key, the old one refused, no scene
    expect(running.output).toContain('starting empty');
    expect(running.adminKey).not.toBe(firstKey);
    expect((await call(running, 'GET', '/scenes', undefined, firstKey)).status).toBe(401);
    expect((await call(running, 'GET', '/scenes')).body.scenes).toEqual([]);
    expect(await interrupt(running)).toBe(0);
    local.running = undefined;
  });
});

describe('npm start prints lines a reader pastes into another terminal', () => {
  const local = localRuns();

  it('the exports make the curl lines and the admin command work on this set-up; the reconcile command pushes a timer that waited for its device', { timeout: 150_000 }, async () => {
    const { dataDir } = local;
    let running: Running;
    // Prepare
    running = local.running = await startLocal(dataDir);
    const exports = exportLines(running);
    expect(exports[0]).toBe(`export BRIDGE='${running.url}'`);
    expect(exports[1]).toBe(`export KEY='${running.adminKey}'`);
    expect(exports[2]).toBe(`export SIM='${running.simUrl}'`);
    // the admin command's settings name the simulator's app and real ports, and DynamoDB Local's
    const simPort = new URL(running.simUrl).port;
    for (const setting of ["EWELINK_APP_ID='sim-app-id'", "EWELINK_APP_SECRET='sim-app-secret'", `EWELINK_API_URL='http://127.0.0.1:${simPort}/{region}'`, `EWELINK_V2_API_URL='http://127.0.0.1:${simPort}/`, `EWELINK_DISPATCH_URL='http://127.0.0.1:${simPort}/`, "DYNAMODB_ENDPOINT='http://127.0.0.1:", "TABLE_NAME='ewelink-bridge'"]) {
      expect(exports[3]).toContain(setting);
    }
    expect(running.output).not.toContain('NodeVersionSupportWarning');
    // the curl lines read the address and the key from the shell, every one of them
    const curls = running.output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('curl '));
    expect(curls.length).toBeGreaterThan(10);
    expect(curls.filter((l) => l.includes('Bearer') && !l.includes('<access_token>') && !l.includes('"Authorization: Bearer $KEY"'))).toEqual([]);
    expect(curls.filter((l) => l.includes(running!.url))).toEqual([]);
    expect(running.output.split('Ctrl-C')[0]?.split('\n').filter((l) => l.includes(running!.adminKey))).toEqual([`admin API key: ${running.adminKey} (kept in ${join(dataDir, 'sim')}/admin-key)`, `  export KEY='${running.adminKey}'`]);

    // Act + Assess: the first curl line, pasted after the exports, lists the devices
    const listed = JSON.parse((await paste([...exports, printedLine(running, 'curl -s $BRIDGE/devices -H')])).stdout);
    expect(listed.devices.map((d: { deviceid: string }) => d.deviceid)).toContain('1000000009');

    // Act + Assess: the printed status line, after the exports, reads the linked demo account, with no SDK notice
    const status = await paste([...exports, printedLine(running, 'npx ewelink-bridge status')]);
    expect(status.stdout).toMatch(/^account "default": region eu, access token until /m);
    expect(status.stderr).not.toContain('NodeVersionSupportWarning');

    // Prepare: a timer for the offline plug waits; the plug comes back online in the simulator
    const made = await call(running, 'POST', '/devices/1000000009/timers', { schedule: { type: 'repeat', days: [1, 3], time: '07:15' }, timeZone: 'Europe/Berlin', action: { power: 'on' } });
    expect(made.status).toBe(201);
    expect(made.body.push.status).toBe('pending');
    const online = await fetch(`${running.simUrl}/_sim/devices/1000000009/online`, { method: 'POST', body: JSON.stringify({ online: true }) });
    expect(online.status).toBe(200);
    expect((await call(running, 'GET', '/devices/1000000009/timers')).body.push.status).toBe('pending');

    // Act: the printed reconcile line, after the exports
    const reconciled = await paste([...exports, printedLine(running, 'npx ewelink-bridge reconcile')]);

    // Assess: it says what it pushed; the bridge records the push done and the plug holds the timer
    expect(reconciled.stdout).toContain('account "default": pushed 1 (1000000009); in sync 0; pending (offline) 0; failed 0');
    expect(reconciled.stderr).not.toContain('NodeVersionSupportWarning');
    const timers = await call(running, 'GET', '/devices/1000000009/timers');
    expect(timers.body.push).toMatchObject({ status: 'done', entries: 1 });
    const plug = (await (await fetch(`${running.simUrl}/_sim/devices/1000000009`)).json()) as { params: { timers?: unknown[] } };
    expect(plug.params.timers).toHaveLength(1);

    // Act + Assess: the code send-code "sent" is read with the printed /_sim/codes line; registering into the linked demo account is refused, another account takes it
    const codeLine = printedLine(running, 'curl -s "$SIM/_sim/codes?to=me@example.com"');
    const sent = await paste([...exports, 'npx ewelink-bridge send-code --for register --email me@example.com', codeLine]);
    const { code } = JSON.parse(sent.stdout.split('\n').find((l) => l.startsWith('{')) as string) as { code: string };
    expect(code).toMatch(/^\d{4}$/);
    const register = (account: string[]) => paste([...exports, `EWELINK_PASSWORD=me-password npx ewelink-bridge register --email me@example.com --code ${code} ${account.join(' ')} || echo "exit $?"`]);
    const refused = await register([]);
    expect(refused.stderr.trim()).toBe('error: account "default" is already linked to another eWeLink account; nothing was changed: give --replace to link this one in its place (the other link\'s tokens are forgotten)');
    expect(refused.stdout).toContain('exit 1');
    expect((await call(running, 'GET', '/devices/1000000001')).status).toBe(200);
    const registered = await register(['--account', 'me']);
    expect(registered.stdout).toContain('account "me" registered and linked: me@example.com, region eu');
    expect(await interrupt(running)).toBe(0);
    local.running = undefined;
  });
});

describe('npm start refuses what it cannot run, in one line, before starting anything', () => {
  const local = localRuns();
  let held: Server | undefined;
  afterAll(() => held?.close());

  /** The single line a refused start printed; fails showing the output when there were more, or a stack trace. */
  function onlyLine(output: string): string {
    const lines = output.split('\n').filter((l) => l.trim() !== '');
    expect(lines, output).toHaveLength(1);
    expect(output).not.toMatch(/^\s+at /m);
    return lines[0] as string;
  }

  it('one app credential without the other: names the missing one, exits 1, writes nothing', { timeout: 60_000 }, async () => {
    // Act
    const [idOnly, secretOnly] = await Promise.all([
      startLocalUntilExit(join(local.dataDir, 'id-only'), { EWELINK_APP_ID: 'my-app-id' }),
      startLocalUntilExit(join(local.dataDir, 'secret-only'), { EWELINK_APP_SECRET: 'my-app-secret' }),
    ]);
    // Assess
    expect(idOnly.code).toBe(1);
    expect(onlyLine(idOnly.output)).toBe('npm start failed: EWELINK_APP_ID is set but EWELINK_APP_SECRET is not: set both for the real eWeLink cloud, or neither for the simulator');
    expect(secretOnly.code).toBe(1);
    expect(onlyLine(secretOnly.output)).toBe('npm start failed: EWELINK_APP_SECRET is set but EWELINK_APP_ID is not: set both for the real eWeLink cloud, or neither for the simulator');
    expect(secretOnly.output).not.toContain('my-app-secret');
    await expect(stat(join(local.dataDir, 'id-only'))).rejects.toThrow(/ENOENT/);
  });

  it('a port in use (PORT, SIM_PORT, DYNAMODB_LOCAL_PORT): names the port and the variable, exits 1, writes nothing', { timeout: 60_000 }, async () => {
    // Prepare: another process's server holds a port
    held = createServer();
    await new Promise<void>((resolve) => held!.listen(0, '127.0.0.1', resolve));
    const port = String((held.address() as { port: number }).port);
    // Act
    const runs = await Promise.all(
      ['PORT', 'SIM_PORT', 'DYNAMODB_LOCAL_PORT'].map((variable) => startLocalUntilExit(join(local.dataDir, variable), { [variable]: port })),
    );
    // Assess
    for (const [i, variable] of ['PORT', 'SIM_PORT', 'DYNAMODB_LOCAL_PORT'].entries()) {
      const run = runs[i]!;
      expect(run.code, run.output).toBe(1);
      expect(onlyLine(run.output)).toBe(`npm start failed: port ${port} is in use (${variable}): stop what holds it, or set ${variable} to a free port`);
      await expect(stat(join(local.dataDir, variable))).rejects.toThrow(/ENOENT/);
    }
  });
});
