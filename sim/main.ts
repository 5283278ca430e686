import { demoSeed, startSim, type SimConfig } from './index';

/*
 * `npm run sim`: the simulated cloud as its own process, configured from the environment.
 */

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number (got "${raw}")`);
  return value;
}

/** SIM_CLOCK_START (a UTC ISO time or ms since the epoch) makes the cloud's clock manual (device timers, token lifetimes, the share and code resend waits), moved by /_sim/clock. */
function clockFromEnv(): SimConfig['clock'] {
  const raw = process.env['SIM_CLOCK_START'];
  if (raw === undefined || raw === '') return undefined;
  const start = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(start)) throw new Error(`SIM_CLOCK_START must be a UTC ISO time or ms since the epoch (got "${raw}")`);
  return { mode: 'manual', start };
}

async function main(): Promise<void> {
  const account = demoSeed(process.env);
  const appId = process.env['SIM_APP_ID'] || 'sim-app-id';
  const appSecret = process.env['SIM_APP_SECRET'] || 'sim-app-secret';
  const sim = await startSim({
    port: numberFromEnv('SIM_PORT') ?? 8780,
    host: process.env['SIM_HOST'] || '127.0.0.1',
    appId,
    appSecret,
    dispatchDomain: process.env['SIM_DISPATCH_DOMAIN'] || undefined,
    dispatchPort: numberFromEnv('SIM_DISPATCH_PORT'),
    atLifetimeSec: numberFromEnv('SIM_AT_LIFETIME'),
    rtLifetimeSec: numberFromEnv('SIM_RT_LIFETIME'),
    smsIntervalSec: numberFromEnv('SIM_SMS_INTERVAL'),
    shareTimeoutMs: numberFromEnv('SIM_SHARE_TIMEOUT_MS'),
    shareRetryAfterSec: numberFromEnv('SIM_SHARE_RETRY_AFTER'),
    clock: clockFromEnv(),
    accounts: [account],
  });

  console.log(
    [
      'eWeLink cloud simulator',
      `  base URL (global host): ${sim.url}`,
      `  API URL template:       ${sim.apiUrlTemplate}`,
      `  WebSocket:              via POST /dispatch/app, then /api/ws on port ${sim.port}`,
      `  app id / secret:        ${appId} / ${appSecret}`,
      `  demo account:           ${account.email} / ${account.password} (region ${account.region})`,
      `  demo devices:           ${(account.devices ?? []).map((d) => `${d.deviceid} "${d.name}" uiid ${d.uiid}${d.online === false ? ' (offline)' : ''}`).join(', ')}`,
      `  test controls:          ${sim.url}/_sim/stats, /_sim/faults, /_sim/devices/{id}, /_sim/codes?to={address}, /_sim/clock (${sim.clock.mode}), /_sim/timers/fired, /_sim/deviations`,
    ].join('\n'),
  );

  const stop = (signal: string) => {
    console.log(`sim: ${signal}, closing`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
