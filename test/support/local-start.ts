import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../../local/dynamo-local';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_WITHIN_MS = 45_000;

export interface Running {
  child: ChildProcess;
  output: string;
  url: string;
  /** The simulated cloud's address. */
  simUrl: string;
  adminKey: string;
}

/**
 * `npm start`'s entry as a child process, resolved once it prints its Ctrl-C line; `extraEnv`
 * adds settings (e.g. the simulator's) to the few it is given.
 *
 * @example
 * const running = await startLocal(await mkdtemp(join(tmpdir(), 'data-')), ['--fresh']);
 */
export async function startLocal(dataDir: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}): Promise<Running> {
  const { env, port, simPort } = await startEnvironment(dataDir, extraEnv);
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
  return { child, get output() { return output; }, url: `http://127.0.0.1:${port}`, simUrl: `http://127.0.0.1:${simPort}`, adminKey };
}

/**
 * `npm start`'s entry run to its end, for the starts it refuses: its exit code and everything
 * it printed (stdout and stderr together).
 *
 * @example
 * const { code, output } = await startLocalUntilExit(dataDir, { EWELINK_APP_ID: 'mine' });
 */
export async function startLocalUntilExit(dataDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; output: string }> {
  const { env } = await startEnvironment(dataDir, extraEnv);
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  return { code, output };
}

/**
 * Only what the runner reads: nothing of this process's cloud or table settings leaks in, nor
 * the suite's silencing of the AWS SDK's Node-version notice (npm start must do that itself).
 */
async function startEnvironment(dataDir: string, extraEnv: NodeJS.ProcessEnv): Promise<{ env: NodeJS.ProcessEnv; port: number; simPort: number }> {
  const [port, simPort, dynamoPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    SIM_PORT: String(simPort),
    DYNAMODB_LOCAL_PORT: String(dynamoPort),
    LOCAL_DATA_DIR: dataDir,
    ...extraEnv,
  };
  return { env, port, simPort };
}

/** Ctrl-C, and the process gone. */
export async function interrupt(running: Running): Promise<number | null> {
  const { child } = running;
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}


/** What `localRuns` gives a describe block: its data folder, and the `npm start` its tests leave running. */
export interface LocalRuns {
  readonly dataDir: string;
  /** Set by the tests; stopped after the block if still set. */
  running: Running | undefined;
}

/**
 * Called in a describe block: a data folder made before its tests and removed after them,
 * and whatever `npm start` they left in `running` interrupted first.
 *
 * @example
 * const local = localRuns();
 * it('…', async () => { local.running = await startLocal(local.dataDir); … });
 */
export function localRuns(): LocalRuns {
  let dataDir: string | undefined;
  const runs: LocalRuns = {
    get dataDir() {
      if (dataDir === undefined) throw new Error('localRuns: the data folder is made in beforeAll; read it inside a test or hook');
      return dataDir;
    },
    running: undefined,
  };
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ewelink-bridge-data-'));
  });
  afterAll(async () => {
    if (runs.running) await interrupt(runs.running);
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
  });
  return runs;
}
