import { demoSeed, politenessFromEnv, startSim, type SimConfig } from './index';

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

/** SIM_APP_KIND: 'enterprise' (the default: v1 and v2) or 'personal' (v1 paths answer 407, as the real cloud does for such app ids). */
function appKindFromEnv(): SimConfig['appKind'] {
  const raw = process.env['SIM_APP_KIND'];
  if (raw === undefined || raw === '') return undefined;
  if (raw !== 'enterprise' && raw !== 'personal') throw new Error(`SIM_APP_KIND must be enterprise or personal (got "${raw}")`);
  return raw;
}

/** SIM_REDIRECT_URLS: the redirect URLs registered for the app, separated by commas (https, or http://localhost / http://127.0.0.1). */
function redirectUrlsFromEnv(): string[] {
  return (process.env['SIM_REDIRECT_URLS'] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
}

async function main(): Promise<void> {
  const account = demoSeed(process.env);
  const appId = process.env['SIM_APP_ID'] || 'sim-app-id';
  const appSecret = process.env['SIM_APP_SECRET'] || 'sim-app-secret';
  const redirectUrls = redirectUrlsFromEnv();
  const sim = await startSim({
    port: numberFromEnv('SIM_PORT') ?? 8780,
    host: process.env['SIM_HOST'] || '127.0.0.1',
    appId,
    appSecret,
    appKind: appKindFromEnv(),
    redirectUrls,
    oauthCodeLifetimeSec: numberFromEnv('SIM_OAUTH_CODE_LIFETIME'),
    dispatchDomain: process.env['SIM_DISPATCH_DOMAIN'] || undefined,
    dispatchPort: numberFromEnv('SIM_DISPATCH_PORT'),
    atLifetimeSec: numberFromEnv('SIM_AT_LIFETIME'),
    rtLifetimeSec: numberFromEnv('SIM_RT_LIFETIME'),
    smsIntervalSec: numberFromEnv('SIM_SMS_INTERVAL'),
    shareTimeoutMs: numberFromEnv('SIM_SHARE_TIMEOUT_MS'),
    shareRetryAfterSec: numberFromEnv('SIM_SHARE_RETRY_AFTER'),
    clock: clockFromEnv(),
    politeness: politenessFromEnv(process.env),
    accounts: [account],
  });

  console.log(
    [
      'eWeLink cloud simulator',
      `  base URL (global host): ${sim.url}`,
      `  API URL template:       ${sim.apiUrlTemplate}`,
      `  v2 API URL template:    ${sim.v2ApiUrlTemplate}`,
      `  v2 dispatch template:   ${sim.dispatchUrlTemplate}`,
      `  OAuth login page:       ${sim.loginPageUrl}`,
      `  WebSocket:              via POST /dispatch/app (v1) or GET /dispatch/app (v2), then /api/ws on port ${sim.port}`,
      `  app id / secret:        ${appId} / ${appSecret} (${sim.appKind}${sim.appKind === 'personal' ? ': v1 paths answer 407' : ': v1 and v2'})`,
      `  redirect URLs:          ${redirectUrls.length > 0 ? redirectUrls.join(', ') : '(none registered: set SIM_REDIRECT_URLS)'}`,
      `  demo account:           ${account.email} / ${account.password} (region ${account.region})`,
      `  politeness limits:      ${sim.faults.enforceLimits ? 'enforced (429 over them)' : 'counted only (SIM_ENFORCE_LIMITS=0)'}; same endpoint 500 ms apart, 300 calls per 5 min`,
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
