import { Logger } from '@aws-lambda-powertools/logger';
import { request } from 'undici';
import { httpApiHandler } from '../../lib/adapters/http/lambda';
import { OAUTH_CALLBACK_PATH } from '../../lib/adapters/http/routes/oauth';
import { wireBridge, type Bridge, type BridgeParts, type BridgeTuning } from '../../lib/bridge';
import type { BridgeConfig } from '../../lib/config';
import { ANSWER_MARGIN_MS } from '../../lib/deadline';
import { serveApi } from '../../local/api-server';
import { signInOnLoginPage, startSim, type AccountSeed, type Sim, type SimConfig } from '../../sim';
import { answerBody } from './answers';
import { freshTable, type FreshTable } from './dynamo';

export const APP_ID = 'test-app-id';
export const APP_SECRET = 'test-app-secret';
export const ACCOUNT = 'default';
/** The limit of the harness's API key: the highest a key may be given, far above what a test sends, so only the rate-limit tests meet one. */
export const TEST_KEY_LIMIT = { perSecond: 100, burst: 100 };

/**
 * The cloud's limits as the suite keeps them: the real rule (one gap per endpoint, 300 calls in
 * 5 minutes) with a 25 ms gap instead of 500, so every call still waits its turn as in the product
 * without the suite waiting half a second a call. The simulator is told the same gap. Tests of
 * the limits themselves use the real `CLOUD_LIMITS`.
 */
export const TEST_CLOUD_LIMITS = { minGapMs: 25, maxCalls: 300, windowMs: 300_000 };

/** The test account: a single switch, a four-channel switch, an offline plug (region eu). */
export function testAccount(overrides: Partial<AccountSeed> = {}): AccountSeed {
  return {
    email: 'owner@example.com',
    password: 'owner-password',
    region: 'eu',
    devices: [
      { deviceid: '1000000001', name: 'Lamp', uiid: 1, params: { switch: 'off' } },
      {
        deviceid: '1000000004',
        name: 'Strip',
        uiid: 4,
        params: { switches: [0, 1, 2, 3].map((outlet) => ({ switch: 'off', outlet })) },
      },
      { deviceid: '1000000009', name: 'Plug', uiid: 1, online: false, params: { switch: 'off' } },
    ],
    ...overrides,
  };
}

/**
 * Each request's budget behind the harness's server: the deployed HTTP function's (its 29 s
 * timeout in infra/stack.ts, less the margin), so the suite's slowest paths (a timer edit
 * losing races round after round) run as they would in AWS, not within the local server's 10 s.
 */
export const HARNESS_BUDGET_MS = 29_000 - ANSWER_MARGIN_MS;

export interface Harness {
  sim: Sim;
  table: FreshTable;
  bridge: Bridge;
  /** The bridge's store, client, token keeper and socket channel: for looking behind the API in assertions. */
  parts: BridgeParts;
  apiKey: string;
  url: string;
  /** Calls the bridge's HTTP API; `auth` false sends no key, a string sends that one; `headers` are sent besides. */
  call(method: string, path: string, options?: { body?: unknown; raw?: string; auth?: boolean | string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string; headers: Record<string, string | string[] | undefined> }>;
  /** Stops everything, then fails when the simulated cloud noted a spec deviation (`sim.deviations`) by the bridge. */
  close(): Promise<void>;
}

/**
 * The whole bridge over real parts: the simulated cloud on a real port, a fresh table in
 * DynamoDB Local, the HTTP handler behind a local server, the account linked by a login. The
 * sim's app has the bridge's own OAuth callback registered as its redirect URL, and knows its
 * v2 hosts and login page.
 */
export async function startHarness(options: { sim?: Partial<SimConfig>; tuning?: BridgeTuning; account?: AccountSeed; link?: boolean } = {}): Promise<Harness> {
  const account = options.account ?? testAccount();
  // The server comes first: its address is the redirect URL the sim's app registers.
  let handler: ReturnType<typeof httpApiHandler> | undefined;
  const server = await serveApi((event, context) => (handler as NonNullable<typeof handler>)(event, context), 0, '127.0.0.1', { budgetMs: HARNESS_BUDGET_MS });
  const sim = await startSim({
    appId: APP_ID,
    appSecret: APP_SECRET,
    deviceTimeoutMs: 300,
    accounts: [account],
    redirectUrls: [`${server.url}${OAUTH_CALLBACK_PATH}`],
    politeness: { enforce: false, minGapMs: TEST_CLOUD_LIMITS.minGapMs },
    ...options.sim,
  });
  const table = await freshTable();
  // The bridge compiles timers by the devices' clock, as a real bridge and real devices share real time.
  const { bridge, parts } = wireBridge({ ...simCloudConfig(sim), tableName: table.tableName, dynamoEndpoint: table.endpoint }, { now: () => sim.clock.now(), cloudLimits: TEST_CLOUD_LIMITS, ...options.tuning });
  if (options.link !== false) {
    const identity = account.email ? { email: account.email } : { phoneNumber: account.phoneNumber as string };
    await bridge.accounts.login(ACCOUNT, identity, account.password, 'eu');
  }
  // The suite calls far faster than a person: its key runs under a limit no test reaches by accident.
  const { key: apiKey } = await bridge.apiKeys.create(ACCOUNT, { label: 'test', limit: TEST_KEY_LIMIT });
  handler = httpApiHandler(bridge, new Logger({ serviceName: 'ewelink-bridge-test', logLevel: 'SILENT' }));
  sim.stats.reset();
  return {
    sim,
    table,
    bridge,
    parts,
    apiKey,
    url: server.url,
    async call(method, path, { body, raw, auth = true, headers: extra = {} } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...extra };
      if (auth) headers.authorization = `Bearer ${auth === true ? apiKey : auth}`;
      const res = await request(server.url + path, {
        method: method as 'GET',
        headers,
        body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await res.body.text();
      return { status: res.statusCode, body: answerBody(text, res.headers['content-type']), text, headers: res.headers };
    },
    async close() {
      bridge.close();
      await server.close();
      await sim.close();
      // Every bridge test also checks that the bridge kept to the spec where the cloud would not have minded.
      if (sim.deviations.length > 0) {
        const lines = sim.deviations.map((d) => `${d.rule}: ${d.method} ${d.path} (${d.detail})`);
        throw new Error(`the bridge broke spec rules the simulated cloud let through:\n${lines.join('\n')}`);
      }
    },
  };
}

/**
 * Links a bridge account through the sim's login page, as a person would in a browser (the
 * harness's own callback being the registered redirect URL): the start, the sign-in form, the
 * callback's query handed to the finish. The account then uses v2.
 *
 * @example
 * await linkThroughLoginPage(h, ACCOUNT, testAccount());
 */
export async function linkThroughLoginPage(h: Harness, accountId: string, account: AccountSeed): Promise<void> {
  const { bridge } = h;
  const { url } = await bridge.accounts.startOAuth(accountId, `${h.url}${OAUTH_CALLBACK_PATH}`);
  const landing = (await signInOnLoginPage(url, account.email ?? account.phoneNumber ?? '', account.password)).searchParams;
  await bridge.accounts.finishOAuth({ state: landing.get('state') ?? undefined, code: landing.get('code') ?? undefined, region: landing.get('region') ?? undefined });
}

/**
 * The bridge's cloud settings for a simulator: its app, its v1 and v2 hosts, its login page.
 *
 * @example
 * wireBridge({ ...simCloudConfig(sim), tableName, dynamoEndpoint });
 */
export function simCloudConfig(sim: Sim): Omit<BridgeConfig, 'tableName'> {
  return { appId: APP_ID, appSecret: APP_SECRET, apiUrl: sim.apiUrlTemplate, v2ApiUrl: sim.v2ApiUrlTemplate, dispatchUrl: sim.dispatchUrlTemplate, loginPageUrl: sim.loginPageUrl };
}

/**
 * The environment the admin command (`npx ewelink-bridge`) runs with against a simulator and a
 * table in DynamoDB Local, as a person's shell would set it.
 *
 * @example
 * spawn(process.execPath, ['bin/ewelink-bridge.mjs', 'status'], { env: cliEnvironment(sim, table) });
 */
export function cliEnvironment(sim: Sim, table: { tableName: string; endpoint: string }): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TABLE_NAME: table.tableName,
    DYNAMODB_ENDPOINT: table.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    EWELINK_APP_ID: APP_ID,
    EWELINK_APP_SECRET: APP_SECRET,
    EWELINK_API_URL: sim.apiUrlTemplate,
    EWELINK_V2_API_URL: sim.v2ApiUrlTemplate,
    EWELINK_DISPATCH_URL: sim.dispatchUrlTemplate,
    EWELINK_LOGIN_PAGE_URL: sim.loginPageUrl,
    NODE_NO_WARNINGS: '1',
  };
}

/**
 * Points the process environment at the harness's table and simulator, as a deployed function's
 * configuration would: for tests that load a real entry point from functions/.
 */
export function exposeHarnessEnv(h: Harness): void {
  Object.assign(process.env, {
    TABLE_NAME: h.table.tableName,
    DYNAMODB_ENDPOINT: h.table.endpoint,
    EWELINK_APP_ID: APP_ID,
    EWELINK_APP_SECRET: APP_SECRET,
    EWELINK_API_URL: h.sim.apiUrlTemplate,
    EWELINK_V2_API_URL: h.sim.v2ApiUrlTemplate,
    EWELINK_DISPATCH_URL: h.sim.dispatchUrlTemplate,
    EWELINK_LOGIN_PAGE_URL: h.sim.loginPageUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
}

/**
 * Opens the account's socket session and waits for it, as a warm instance has it: a cold one
 * sends its first command over HTTP while the session opens in the background. For tests that
 * mean to see commands go over the socket. A backoff window an earlier test left open is waited
 * out, as the channel says when it ends.
 *
 * @example
 * await warmSocket(h);
 */
export async function warmSocket(h: Pick<Harness, 'parts'>, accountId: string = ACCOUNT): Promise<void> {
  const open = await h.parts.keeper.withCredentials(accountId, async (creds) => {
    // A test before this one may have left the socket in a backoff window: the probe comes at its end.
    const downUntil = h.parts.channel.socketDownUntil(creds);
    if (downUntil !== undefined) await new Promise((resolve) => setTimeout(resolve, downUntil - Date.now() + 1));
    return h.parts.channel.connect(creds);
  });
  if (!open) throw new Error(`the socket session of account "${accountId}" could not be opened`);
}

/** The `update` messages the simulated cloud received on sockets for a device. */
export function socketUpdates(sim: Sim, deviceid: string): unknown[] {
  return sim.stats.log.filter(
    (r) => r.kind === 'socket' && r.action === 'update' && (r.message as { deviceid?: string }).deviceid === deviceid,
  );
}

/** HTTP requests the simulated cloud received on a path (`POST /api/user/device/status`). */
export function httpCalls(sim: Sim, methodAndPath: string): number {
  return sim.stats.byPath[methodAndPath] ?? 0;
}
