import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamo-local';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_WITHIN_MS = 45_000;

interface Running {
  child: ChildProcess;
  output: string;
  url: string;
  adminKey: string;
}

/** `npm start`'s entry as a child process, resolved once it prints its Ctrl-C line. */
async function startLocal(dataDir: string, args: string[] = []): Promise<Running> {
  const [port, simPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
  // Only what the runner reads: nothing of this process's cloud or table settings leaks in.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    PORT: String(port),
    SIM_PORT: String(simPort),
    DYNAMODB_LOCAL_PORT: String(dynamoPort),
    LOCAL_DATA_DIR: dataDir,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no Ctrl-C line within ${READY_WITHIN_MS} ms:\n${output}`)), READY_WITHIN_MS);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops everything.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited (code ${code}) before it was ready:\n${output}`));
    });
  });
  await ready;
  const adminKey = /admin API key: (\S+)/.exec(output)?.[1];
  if (!adminKey) throw new Error(`no admin key printed:\n${output}`);
  return { child, get output() { return output; }, url: `http://127.0.0.1:${port}`, adminKey };
}

/** Ctrl-C, and the process gone. */
async function interrupt(running: Running): Promise<number | null> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

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
