import { spawn } from 'node:child_process';
import { main } from '../../cli/cli';

/** What a run of the admin command printed, and its exit code. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the admin command in this process, through the same `main` the bin calls, with `env`
 * set as a person's shell would have it (and put back afterwards): for commands whose wiring a
 * spawned run already covers, without paying a process start (about a second) for each.
 *
 * @example
 * const run = await runCli(['status'], cliEnvironment(sim, table));
 */
export async function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  try {
    const code = await main(args, (line) => (stdout += `${line}\n`), (line) => (stderr += `${line}\n`));
    return { code, stdout, stderr };
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
  }
}

/**
 * Runs the admin command's bin in its own Node process, as a person's shell would, with `env`
 * as its whole environment and `input` on its stdin (a pipe, not a terminal).
 *
 * @example
 * const run = await spawnCli(['reconcile'], cliEnvironment(sim, table));
 */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/ewelink-bridge.mjs', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}
