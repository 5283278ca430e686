import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:net';
import { interrupt, startLocal, startLocalUntilExit, type Running } from '../support/local-start';

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

/** Printed lines pasted into a shell, one after another, as a reader would paste them. */
async function paste(lines: string[]): Promise<{ stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  return promisify(execFile)('bash', ['-e', '-c', lines.join('\n')], { cwd: ROOT, env });
}

describe('npm start keeps its data between runs', () => {
  let dataDir: string;
  let running: Running | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ewelink-bridge-data-'));
  });
  afterAll(async () => {
    if (running) await interrupt(running);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a scene and the admin key survive Ctrl-C; --fresh starts empty', { timeout: 150_000 }, async () => {
    // Prepare: a first run, a scene made through the API
    running = await startLocal(dataDir);
    const firstKey = running.adminKey;
    const created = await call(running, 'POST', '/scenes', { name: 'All on', actions: [{ deviceid: '1000000001', command: { power: 'on' } }] });
    expect(created.status).toBe(201);
    const sceneId = created.body.scene.id as string;
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
    running = await startLocal(dataDir);

    // Assess: the same key, the scene, and a new simulator the demo account was linked to again
    expect(running.adminKey).toBe(firstKey);
    expect(running.output).toContain('linking its demo account again');
    const scenes = await call(running, 'GET', '/scenes');
    expect(scenes.status).toBe(200);
    expect(scenes.body.scenes.map((s: { id: string }) => s.id)).toEqual([sceneId]);
    const run = await call(running, 'POST', `/scenes/${sceneId}/run`);
    expect(run.body).toMatchObject({ sceneId, ok: 1, failed: 0 });
    expect(await interrupt(running)).toBe(0);

    // Act: start empty
    running = await startLocal(dataDir, ['--fresh']);

    // Assess: a new key, the old one refused, no scene
    expect(running.output).toContain('starting empty');
    expect(running.adminKey).not.toBe(firstKey);
    expect((await call(running, 'GET', '/scenes', undefined, firstKey)).status).toBe(401);
    expect((await call(running, 'GET', '/scenes')).body.scenes).toEqual([]);
    expect(await interrupt(running)).toBe(0);
    running = undefined;
  });
});

describe('npm start refuses what it cannot run, in one line, before starting anything', () => {
  let dataDir: string;
  let held: Server | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ewelink-bridge-data-'));
  });
  afterAll(async () => {
    held?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

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
      startLocalUntilExit(join(dataDir, 'id-only'), { EWELINK_APP_ID: 'my-app-id' }),
      startLocalUntilExit(join(dataDir, 'secret-only'), { EWELINK_APP_SECRET: 'my-app-secret' }),
    ]);
    // Assess
    expect(idOnly.code).toBe(1);
    expect(onlyLine(idOnly.output)).toBe('npm start failed: EWELINK_APP_ID is set but EWELINK_APP_SECRET is not: set both for the real eWeLink cloud, or neither for the simulator');
    expect(secretOnly.code).toBe(1);
    expect(onlyLine(secretOnly.output)).toBe('npm start failed: EWELINK_APP_SECRET is set but EWELINK_APP_ID is not: set both for the real eWeLink cloud, or neither for the simulator');
    expect(secretOnly.output).not.toContain('my-app-secret');
    await expect(stat(join(dataDir, 'id-only'))).rejects.toThrow(/ENOENT/);
  });

  it('a port in use (PORT, SIM_PORT, DYNAMODB_LOCAL_PORT): names the port and the variable, exits 1, writes nothing', { timeout: 60_000 }, async () => {
    // Prepare: another process's server holds a port
    held = createServer();
    await new Promise<void>((resolve) => held!.listen(0, '127.0.0.1', resolve));
    const port = String((held.address() as { port: number }).port);
    // Act
    const runs = await Promise.all(
      ['PORT', 'SIM_PORT', 'DYNAMODB_LOCAL_PORT'].map((variable) => startLocalUntilExit(join(dataDir, variable), { [variable]: port })),
    );
    // Assess
    for (const [i, variable] of ['PORT', 'SIM_PORT', 'DYNAMODB_LOCAL_PORT'].entries()) {
      const run = runs[i]!;
      expect(run.code, run.output).toBe(1);
      expect(onlyLine(run.output)).toBe(`npm start failed: port ${port} is in use (${variable}): stop what holds it, or set ${variable} to a free port`);
      await expect(stat(join(dataDir, variable))).rejects.toThrow(/ENOENT/);
    }
  });
});
