import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../infra/bundling';
import { median } from './warm-command';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist/bench`;
const FUNCTIONS = ['http-api', 'alexa', 'refresh-tokens', 'reconcile-timers'];
const RUNS = 21;

/**
 * Bundles each Lambda entry point as the stack does (esbuild, ESM, minified, SDK inside) and
 * times loading it in a fresh node against a bare `node -e 0`.
 */
export async function benchColdLoad(): Promise<string[]> {
  mkdirSync(OUT, { recursive: true });
  const env = { ...process.env, EWELINK_APP_ID: 'bench', EWELINK_APP_SECRET: 'bench', TABLE_NAME: 'bench', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const lines: string[] = [];
  for (const name of FUNCTIONS) {
    const outfile = `${OUT}/${name}.mjs`;
    await build({
      ...LAMBDA_BUNDLE,
      entryPoints: [`${ROOT}functions/${name}.ts`],
      outfile,
      // Lambda runs node22; this machine has node20, which loads the same code.
      target: 'node20',
      logLevel: 'silent',
    });
    const script = `await import(${JSON.stringify(outfile)}); process.stdout.write(String(process.memoryUsage().rss));`;
    // Bare and loaded runs alternate, so a noisy neighbour hits both alike.
    const bare: number[] = [];
    const loaded: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bare.push(timeRun(['-e', '0'], env));
      loaded.push(timeRun(['--input-type=module', '-e', script], env));
    }
    const rss = Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env }).toString());
    const kib = Math.round(statSync(outfile).size / 1024);
    const over = median(loaded.map((ms, i) => ms - (bare[i] as number)));
    lines.push(
      `${name}: bundle ${kib} KiB; load median ${median(loaded).toFixed(1)} ms vs bare node -e 0 ${median(bare).toFixed(1)} ms: ` +
        `+${over.toFixed(1)} ms (median of ${RUNS} paired runs; target < 150 ms); RSS after load ${(rss / 1048576).toFixed(0)} MiB`,
    );
  }
  return lines;
}

function timeRun(args: string[], env: NodeJS.ProcessEnv): number {
  const started = performance.now();
  execFileSync(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
  return performance.now() - started;
}
