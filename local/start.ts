/**
 * `npm start`: the whole bridge on one machine. DynamoDB Local, the simulated eWeLink cloud
 * (or the real one when credentials are configured), the Lambda handlers behind a local HTTP
 * server, and the schedules (token refresh daily, timer reconcile hourly; both once at start) in-process. Ctrl-C
 * stops all of it. The table and the admin key are kept in a data folder (`.data/` unless
 * LOCAL_DATA_DIR says otherwise) so a restart finds them again; `--fresh` (or LOCAL_FRESH=1)
 * starts empty. The simulator's app id is of the enterprise kind (v1 and v2) unless
 * SIM_APP_KIND=personal: then every v1 path answers 407, as the real cloud answers a personal
 * app id, and the demo account is linked through the simulated OAuth login page (v2).
 */
import './node-version-notice';
import { isRegion, type Region } from '../lib/ewelink/hosts';
import { CloudAuthRefused, NotAvailableForApp } from '../lib/errors';
import { documentClient, ensureTable, DEFAULT_TABLE_NAME } from '../lib/store';
import { OAUTH_CALLBACK_PATH } from '../lib/adapters/http/routes/oauth';
import { startSim, demoSeed, politenessFromEnv, signInOnLoginPage, type AppKind, type Sim } from '../sim';
import { localContext, serveApi } from './api-server';
import { DEFAULT_DATA_ROOT, keptAdminKey, prepareDataDir } from './data-dir';
import { startDynamoLocal } from './dynamo-local';
import { ensurePortsFree, explainListenError, type PortSetting } from './ports';

const ACCOUNT = 'default';
const env = process.env;
const stops: (() => Promise<void> | void)[] = [];
/** The ports this run listens on, for naming the setting to change when one is taken. */
let ports: PortSetting[] = [];

async function main(): Promise<void> {
  const realCloud = realCloudWanted();
  const host = env.HOST || '127.0.0.1';
  const port = Number(env.PORT) || 3000;
  const simPort = Number(env.SIM_PORT) || 8780;
  ports = [
    { variable: 'PORT', port, host },
    ...(realCloud ? [] : [{ variable: 'SIM_PORT', port: simPort, host: '127.0.0.1' }]),
    // DynamoDB Local (Java) listens on every interface.
    ...(Number(env.DYNAMODB_LOCAL_PORT) ? [{ variable: 'DYNAMODB_LOCAL_PORT', port: Number(env.DYNAMODB_LOCAL_PORT), host: '0.0.0.0' }] : []),
  ];
  // Before anything is started or written: a taken port is one line to act on, not a stack trace.
  await ensurePortsFree(ports);
  const fresh = process.argv.includes('--fresh') || ['1', 'true', 'yes'].includes((env.LOCAL_FRESH ?? '').toLowerCase());
  const data = await prepareDataDir({ root: env.LOCAL_DATA_DIR || DEFAULT_DATA_ROOT, cloud: realCloud ? 'ewelink' : 'sim', fresh });
  if (fresh) console.log(data.emptied ? `starting empty: removed the table and admin key kept in ${data.path}` : `starting empty: nothing was kept in ${data.path}`);
  const ddb = await startDynamoLocal({ port: Number(env.DYNAMODB_LOCAL_PORT) || undefined, dbPath: data.path });
  stops.push(() => ddb.stop());
  const tableName = env.TABLE_NAME || DEFAULT_TABLE_NAME;
  await ensureTable(documentClient({ endpoint: ddb.endpoint }), tableName);

  let sim: Sim | undefined;
  const bridgeUrl = `http://${host}:${port}`;
  if (!realCloud) {
    sim = await startSim({
      port: simPort,
      appId: env.SIM_APP_ID || 'sim-app-id',
      appSecret: env.SIM_APP_SECRET || 'sim-app-secret',
      appKind: (env.SIM_APP_KIND || 'enterprise') as AppKind,
      // The bridge's own callback is the app's registered redirect URL, so GET /ewelink/oauth/start works here too.
      redirectUrls: [`${bridgeUrl}${OAUTH_CALLBACK_PATH}`],
      accounts: [demoSeed(env)],
      // Over the real cloud's limits the simulator answers 429 as it does (SIM_ENFORCE_LIMITS=0: only counted).
      politeness: politenessFromEnv(env),
    });
    stops.push(() => sim?.close());
    env.EWELINK_APP_ID = env.SIM_APP_ID || 'sim-app-id';
    env.EWELINK_APP_SECRET = env.SIM_APP_SECRET || 'sim-app-secret';
    env.EWELINK_API_URL = sim.apiUrlTemplate;
    env.EWELINK_V2_API_URL = sim.v2ApiUrlTemplate;
    env.EWELINK_DISPATCH_URL = sim.dispatchUrlTemplate;
    env.EWELINK_LOGIN_PAGE_URL = sim.loginPageUrl;
    env.EWELINK_REDIRECT_URL = `${bridgeUrl}${OAUTH_CALLBACK_PATH}`;
  }
  env.TABLE_NAME = tableName;
  env.DYNAMODB_ENDPOINT = ddb.endpoint;
  env.POWERTOOLS_LOG_LEVEL ??= 'WARN';

  // The handlers read the environment when loaded, exactly as in Lambda.
  const { handler: api } = await import('../functions/http-api');
  const { handler: refresh } = await import('../functions/refresh-tokens');
  const { handler: reconcile } = await import('../functions/reconcile-timers');
  const { bridgeFromEnv } = await import('../lib/bridge');
  const bridge = await bridgeFromEnv();
  stops.push(() => bridge.close());

  await linkAccount(bridge, sim);
  // createWithKey is idempotent: a key already in the table is left as it is.
  const adminKey = env.LOCAL_ADMIN_KEY || (await keptAdminKey(data.path)).key;
  await bridge.apiKeys.createWithKey(ACCOUNT, 'local admin', adminKey);

  const server = await serveApi(api, port, host);
  stops.push(() => server.close());
  // The schedules run with their functions' timeouts (infra/stack.ts), which their budgets follow.
  const refreshContext = () => localContext('refresh-tokens', undefined, 60_000);
  const reconcileContext = () => localContext('reconcile-timers', undefined, 300_000);
  const daily = setInterval(() => void refresh({}, refreshContext()).catch((e: Error) => console.error(`token refresh: ${e.message}`)), 86_400_000);
  stops.push(() => clearInterval(daily));
  await refresh({}, refreshContext()).catch((e: Error) => console.error(`token refresh: ${e.message}`));
  // The reconcile, too, runs once at start: timers left pending while npm start was stopped, and
  // with the simulator every device's timers (its devices start afresh each run), go out now.
  await reconcile({}, reconcileContext()).catch((e: Error) => console.error(`timer reconcile: ${e.message}`));
  const hourly = setInterval(() => void reconcile({}, reconcileContext()).catch((e: Error) => console.error(`timer reconcile: ${e.message}`)), 3_600_000);
  stops.push(() => clearInterval(hourly));

  const devices = await bridge.directory.list(ACCOUNT);
  const first = devices.find((d) => d.online) ?? devices[0];
  const multi = devices.find((d) => (d.channels ?? 1) > 1);
  const light = devices.find((d) => d.online && [44, 59, 103, 104].includes(d.uiid));
  // The curl lines read the bridge's address and the key from the shell, as the paste block sets them.
  const auth = `-H "Authorization: Bearer $KEY"`;
  const json = `-H 'content-type: application/json' -d`;
  const lines = [
    `ewelink-bridge is running at ${server.url}  (${sim ? `simulated cloud at ${sim.url}` : `eWeLink cloud ${env.EWELINK_API_URL ?? 'default hosts'}`}, DynamoDB Local at ${ddb.endpoint})`,
    `data kept in ${data.path} (npm start -- --fresh starts empty)`,
    ...(sim ? [appKindLine(sim)] : []),
    `admin API key: ${adminKey}${env.LOCAL_ADMIN_KEY ? ' (from LOCAL_ADMIN_KEY)' : ` (kept in ${data.path}/admin-key)`}`,
    '',
    `devices (${devices.length}):`,
    ...devices.map((d) => `  ${d.deviceid}  ${d.online ? 'online ' : 'offline'}  uiid ${d.uiid}  ${d.name}`),
    '',
    'in another terminal, paste these first: the lines below use them, and the last points the admin command (npx ewelink-bridge) at this set-up:',
    `  export BRIDGE=${shellQuoted(server.url)}`,
    `  export KEY=${shellQuoted(adminKey)}`,
    ...(sim ? [`  export SIM=${shellQuoted(sim.url)}`] : []),
    `  ${adminCommandSettings()}`,
    '',
    'try:',
    `  curl -s $BRIDGE/devices ${auth}`,
  ];
  if (first) {
    lines.push(
      `  curl -s $BRIDGE/devices/${first.deviceid} ${auth}`,
      `  curl -s -X POST $BRIDGE/devices/${first.deviceid}/control ${auth} ${json} '{"power":"toggle"}'`,
    );
  }
  if (multi) lines.push(`  curl -s -X POST $BRIDGE/devices/${multi.deviceid}/control ${auth} ${json} '{"power":"on","channel":1}'`);
  if (light) lines.push(`  curl -s -X POST $BRIDGE/devices/${light.deviceid}/control ${auth} ${json} '{"power":"on","brightness":30}'`);
  if (first) {
    lines.push(
      `  curl -s -X POST $BRIDGE/devices/${first.deviceid}/timers ${auth} ${json} '{"schedule":{"type":"repeat","days":[1,2,3,4,5],"time":"07:00"},"timeZone":"Europe/Berlin","action":{"power":"on"}}'`,
      `  curl -s -X POST $BRIDGE/scenes ${auth} ${json} '{"name":"All on","actions":[${devices.filter((d) => d.online).slice(0, 3).map((d) => `{"deviceid":"${d.deviceid}","command":{"power":"on"}}`).join(',')}]}'`,
      `  curl -s -X POST $BRIDGE/scenes/<the scene id>/run ${auth}`,
      `  curl -s -X POST $BRIDGE/hooks ${auth} ${json} '{"deviceid":"${first.deviceid}","action":{"power":"toggle"},"name":"lamp button"}'`,
      '  curl -s -X POST <the "url" that call returns>      # what IFTTT would call',
      `  curl -s $BRIDGE/hooks ${auth}                # your hooks and their limits; DELETE /hooks/<id> revokes one`,
      `  curl -s $BRIDGE/keys ${auth}                 # your API keys; POST /keys makes another`,
    );
  }
  lines.push(
    ...(sim ? [`  curl -s "$SIM/_sim/codes?to=me@example.com"    # the verification code npx ewelink-bridge send-code "sent" there (the simulator sends no mail)`] : []),
    '  npx ewelink-bridge status           # the linked eWeLink account: region, API, token expiry',
    '  npx ewelink-bridge reconcile        # the timer reconcile, now (it runs at start and hourly): pushes timers waiting for a device that is back online',
  );
  lines.push('', ...assistantLines(server.url, first?.deviceid));
  lines.push('', 'Ctrl-C stops everything.');
  console.log(lines.join('\n'));
}

/** Settings the admin command reads, as this run set them: pasted into another terminal, `npx ewelink-bridge` works on this set-up. */
const ADMIN_COMMAND_SETTINGS = ['TABLE_NAME', 'DYNAMODB_ENDPOINT', 'EWELINK_APP_ID', 'EWELINK_APP_SECRET', 'EWELINK_API_URL', 'EWELINK_V2_API_URL', 'EWELINK_DISPATCH_URL', 'EWELINK_LOGIN_PAGE_URL', 'EWELINK_REDIRECT_URL'];

/**
 * The `export` line of the admin command's settings. The app secret is printed only when it is
 * the simulator's; a real one is already in the reader's environment.
 */
function adminCommandSettings(): string {
  const settings = ADMIN_COMMAND_SETTINGS.filter((name) => env[name] && (name !== 'EWELINK_APP_SECRET' || env[name] === (env.SIM_APP_SECRET || 'sim-app-secret')));
  return `export ${settings.map((name) => `${name}=${shellQuoted(env[name] as string)}`).join(' ')}`;
}

/** A value as one shell word, whatever it holds. */
const shellQuoted = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * How to try both assistants here: Alexa through the admin command (the skill's own code path,
 * reading a directive from stdin), Google through a link made on the authorize page, as Google
 * would make it, and its fulfillment route.
 */
function assistantLines(url: string, deviceid: string | undefined): string[] {
  const directive = (namespace: string, name: string, messageId: string, endpointId?: string) =>
    JSON.stringify({ directive: { header: { namespace, name, payloadVersion: '3', messageId }, ...(endpointId ? { endpoint: { scope: { type: 'BearerToken', token: 'local' }, endpointId } } : {}), payload: endpointId ? {} : { scope: { type: 'BearerToken', token: 'local' } } } });
  const redirect = 'http://localhost/linked';
  return [
    'voice assistants (README "Voice assistants"), in the terminal with the exports above:',
    'Alexa, without AWS (the skill\'s code path; the directive\'s token is not checked):',
    `  echo '${directive('Alexa.Discovery', 'Discover', 'try-discover')}' | npx ewelink-bridge alexa --directive -`,
    ...(deviceid ? [`  echo '${directive('Alexa.PowerController', 'TurnOn', 'try-turn-on', deviceid)}' | npx ewelink-bridge alexa --directive -`] : []),
    'Google, linked as Google would link it:',
    `  npx ewelink-bridge oauth-client add --name try --redirect-uri ${redirect}     # prints a client id and secret`,
    `  # open ${url}/oauth/authorize?response_type=code&client_id=<client id>&redirect_uri=${redirect}&state=try`,
    '  # give the admin API key, Approve, and copy code=… from the address the browser lands on (it does not load)',
    `  curl -s -X POST $BRIDGE/oauth/token -u '<client id>:<client secret>' -d grant_type=authorization_code -d redirect_uri=${redirect} -d code=<code>`,
    `  curl -s -X POST $BRIDGE/google/fulfillment -H 'Authorization: Bearer <access_token>' -H 'content-type: application/json' -d '{"requestId":"try-sync","inputs":[{"intent":"action.devices.SYNC"}]}'`,
  ];
}

function appKindLine(sim: Sim): string {
  return sim.appKind === 'personal'
    ? 'simulated app id: personal (v1 paths answer 407; the demo account is linked through the OAuth login page and uses v2; groups, renaming, history and sharing answer 501). SIM_APP_KIND=enterprise for both APIs.'
    : 'simulated app id: enterprise (v1 and v2; the demo account logs in with its password). SIM_APP_KIND=personal tries a personal app id: OAuth login + v2 only.';
}

/**
 * Links the account: the simulator's demo login, an imported pair, or a login to the real cloud.
 * A pair kept from an earlier run is used as it is: against the real cloud a new login would
 * sign the person's phone app out. The simulator, though, starts afresh each run and knows no
 * earlier pair, so in simulator mode a refused pair is replaced by a new demo login.
 */
async function linkAccount(bridge: import('../lib/bridge').Bridge, sim: Sim | undefined): Promise<void> {
  if (await bridge.accounts.status(ACCOUNT)) {
    if (!sim || (await simulatorKnowsPair(bridge))) return;
    console.log('the simulator starts afresh each run and did not know the kept token pair: linking its demo account again');
    // The new simulator's demo account is a new eWeLink account to the bridge (a new apikey): replacing the link is the point.
    await loginOrImport(bridge, sim, { replace: true });
    // The new simulator's devices, whose timers the reconcile at start pushes again.
    await bridge.directory.fetch(ACCOUNT);
    return;
  }
  await loginOrImport(bridge, sim);
}

async function simulatorKnowsPair(bridge: import('../lib/bridge').Bridge): Promise<boolean> {
  try {
    await bridge.directory.fetch(ACCOUNT);
    return true;
  } catch (err) {
    // A personal app id refuses a kept v1 pair's every call (407): link again, through the login page.
    if (err instanceof CloudAuthRefused || err instanceof NotAvailableForApp) return false;
    throw err;
  }
}

/**
 * The demo account linked through the simulated login page, as a person would in a browser:
 * the sign-in form is posted with the demo login, and the address the page sends the browser
 * back to is handed to the link's finish (the bridge's server is not up yet).
 */
async function linkThroughLoginPage(bridge: import('../lib/bridge').Bridge, seed: ReturnType<typeof demoSeed>): Promise<void> {
  const { url } = await bridge.accounts.startOAuth(ACCOUNT);
  const query = (await signInOnLoginPage(url, seed.email ?? seed.phoneNumber ?? '', seed.password)).searchParams;
  const value = (name: string) => query.get(name) ?? undefined;
  const linked = await bridge.accounts.finishOAuth({ state: value('state'), code: value('code'), region: value('region'), error: value('error') });
  console.log(`linked the demo account through the simulated OAuth login page (v2, ${linked.devices} devices)`);
}

async function loginOrImport(bridge: import('../lib/bridge').Bridge, sim: Sim | undefined, options: { replace?: boolean } = {}): Promise<void> {
  if (sim?.appKind === 'personal') return linkThroughLoginPage(bridge, demoSeed(env));
  const region: Region = isRegion(env.EWELINK_REGION) ? env.EWELINK_REGION : sim ? (demoSeed(env).region) : 'eu';
  if (env.EWELINK_AT && env.EWELINK_RT) {
    const apikey = env.EWELINK_APIKEY;
    if (!apikey) throw new Error('EWELINK_APIKEY is needed with an imported EWELINK_AT/EWELINK_RT pair');
    await bridge.accounts.importPair(ACCOUNT, { at: env.EWELINK_AT, rt: env.EWELINK_RT, region, apikey });
    return;
  }
  const seed = sim ? demoSeed(env) : undefined;
  const email = env.EWELINK_EMAIL || seed?.email;
  const phoneNumber = env.EWELINK_PHONE || (email ? undefined : seed?.phoneNumber);
  const password = env.EWELINK_PASSWORD || seed?.password;
  if (!password || (!email && !phoneNumber)) {
    throw new Error('real-cloud mode needs EWELINK_EMAIL (or EWELINK_PHONE) and EWELINK_PASSWORD, or an imported pair: EWELINK_AT, EWELINK_RT, EWELINK_APIKEY, EWELINK_REGION');
  }
  await bridge.accounts.login(ACCOUNT, phoneNumber ? { phoneNumber } : { email: email as string }, password, region, options);
}

/**
 * True for the real cloud (both app credentials set), false for the simulator (neither). One
 * without the other is a mistake to say, not a reason to fall back to the simulator unasked.
 */
function realCloudWanted(): boolean {
  const id = Boolean(env.EWELINK_APP_ID);
  const secret = Boolean(env.EWELINK_APP_SECRET);
  if (id !== secret) {
    const [set, unset] = id ? ['EWELINK_APP_ID', 'EWELINK_APP_SECRET'] : ['EWELINK_APP_SECRET', 'EWELINK_APP_ID'];
    throw new Error(`${set} is set but ${unset} is not: set both for the real eWeLink cloud, or neither for the simulator`);
  }
  return id;
}

async function shutdown(code: number): Promise<never> {
  for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (err: unknown) => {
  console.error(`npm start failed: ${(explainListenError(err, ports) as Error).message}`);
  await shutdown(1);
});
