/**
 * `npx ewelink-bridge <command>`: account set-up against a deployed (or local) table. The
 * cloud operations that take a password or a verification code live here, not in the HTTP
 * API, so a deployment never holds a password: each command that yields tokens stores them
 * through the token keeper and prints only what was linked, the region and the expiry.
 */
import '../local/node-version-notice';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isLinkId } from '../lib/accounts/assistant-links';
import { loginIdentity } from '../lib/accounts/logins';
import type { Linked } from '../lib/accounts/linking';
import type { Bridge } from '../lib/bridge';
import type { LoginIdentity, VerificationPurpose } from '../lib/ewelink/client';
import { isRegion, REGIONS, type Region } from '../lib/ewelink/hosts';
import type { TokenRecord } from '../lib/accounts/model';
import { AccountNotLinked, AlreadyLinked, InvalidInput } from '../lib/errors';
import { ReconcileFailed, type ReconcileLog, type ReconcileReport } from '../lib/timers/reconcile-accounts';
import { API_KEY_INPUT } from '../lib/accounts/api-keys';
import { parse } from '../lib/schema';
import { pastedLine } from './pasted-line';
import { readPasswords } from './passwords';

export const USAGE = `usage: npx ewelink-bridge <command> [options]

Links eWeLink accounts to the bridge, mints API keys and registers the voice assistants'
OAuth clients. Reads TABLE_NAME (DYNAMODB_ENDPOINT
for DynamoDB Local; AWS credentials otherwise) and the eWeLink app credentials
(EWELINK_APP_ID + EWELINK_APP_SECRET, or EWELINK_SECRET_ARN).

account set-up (a command that yields tokens stores them for --account):
  region [--country CODE] which region to register in: the one the cloud serves for a
                          country calling code (44, 86, …) or for this app
  send-code --for register|reset|delete-account|wechat (--email E | --phone +CC…)
                          asks the cloud to send a verification code
                          (with the simulator, read the code at <simulator>/_sim/codes?to=E)
  register (--email E | --phone +CC…) --code CODE [--replace]
                          creates an eWeLink account (password: the new account's)
  login (--email E | --phone +CC…) [--replace]
                          logs in once (password: the account's)
  reset-password (--email E | --phone +CC…) --code CODE [--replace]
                          sets a forgotten password (password: the new one) and logs in;
                          these three refuse to replace --account's link to another eWeLink
                          account unless --replace is given
  change-password         changes the linked account's password (passwords: current, new)
  oauth-login [--redirect-url URL]
                          links through the eWeLink login page (OAuth 2.0: what a personal
                          app id allows; the account then uses the v2 API): prints the login
                          address, then reads the address your browser lands on after
                          signing in, pasted back. URL is the redirect URL registered for the
                          app (default EWELINK_REDIRECT_URL); the sign-in must end within
                          10 minutes
  import [--at AT --rt RT --apikey APIKEY]
                          stores a token pair obtained elsewhere (or EWELINK_AT, EWELINK_RT,
                          EWELINK_APIKEY); the pair is checked and its region corrected
bridge:
  create-api-key [--label NAME] [--rate N --burst N]
                          prints a new API key for --account (shown once); its limit
                          is N calls a second with bursts of N (default 10 and 20)
  list-api-keys           the account's keys: id, label, made, last used, limit
  revoke-api-key --id ID  revokes one of them at once
  list-hooks              the account's webhooks: id, device, action, last used, limit
  delete-hook --id ID     deletes a webhook; its URL stops working at once
  rotate-hook --id ID     gives a webhook a new secret (shown once); the old URL stops
  status                  the linked account's region, API (v1 or v2) and when its tokens expire
  reconcile               the hourly timer reconcile, now, for every linked account (or
                          --account's): pushes timers waiting for devices back online and
                          prints what was pushed, in sync, pending (offline), failed, drifted
  unlink                  unlinks the account: a v2 link is revoked at eWeLink, then the
                          bridge forgets the tokens (keys, hooks, timers and scenes stay)
voice assistants (the bridge's OAuth 2.0 server: <bridge>/oauth/authorize and /oauth/token):
  oauth-client add --name NAME --redirect-uri URI [--redirect-uri URI …] [--require-pkce]
                          registers an assistant (Alexa, Google) and prints its client id and
                          secret (shown once); redirect URIs are https (http only to 127.0.0.1
                          or localhost) and must match exactly; --require-pkce makes every
                          request of the client carry a PKCE S256 challenge
  oauth-client list       the registered clients: id, name, made, PKCE, redirect URIs
  oauth-client remove --id ID
                          removes a client: every link made for it ends, its tokens stop working
  link-code               prints a code that proves, once and within 10 minutes, that you may
                          link --account on the authorize page (instead of an API key)
  oauth-links             the account's assistant links: id, client, made, last refreshed
  oauth-revoke --link ID  ends a link: its access and refresh tokens stop working at once
  alexa --directive FILE  answers an Alexa Smart Home directive (a JSON file, or - for
                          stdin) for --account, as the skill's Lambda would, and prints the
                          answer; the directive's token is not checked (you hold the table)

options:
  --account ID            the bridge account (default "default")
  --region R              ${REGIONS.join(', ')} (default eu); followed when the cloud names another

Passwords are never taken on the command line (they would stay in the shell history) and
never stored or printed: set EWELINK_PASSWORD (and EWELINK_NEW_PASSWORD for the new one of
change-password), type them when asked, or pipe them in, one a line.`;

const PURPOSES: Record<string, VerificationPurpose> = { register: '0', reset: '1', 'delete-account': '3', wechat: '4' };

/** Bad usage: printed with a pointer to --help, exit code 2. */
class UsageError extends Error {}

interface Options {
  account: string;
  region: Region;
  label: string;
  country?: string;
  for?: string;
  email?: string;
  phone?: string;
  code?: string;
  at?: string;
  rt?: string;
  apikey?: string;
  id?: string;
  rate?: string;
  burst?: string;
  'redirect-url'?: string;
  directive?: string;
  name?: string;
  'redirect-uri'?: string[];
  'require-pkce'?: boolean;
  link?: string;
  replace?: boolean;
  /** False when --account was not given (it is then "default"). */
  accountGiven: boolean;
}

type Command = (bridge: Bridge, options: Options, print: (line: string) => void) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  region,
  'send-code': sendCode,
  register,
  login,
  'reset-password': resetPassword,
  'change-password': changePassword,
  'oauth-login': oauthLogin,
  import: importPair,
  'create-api-key': createApiKey,
  'list-api-keys': listApiKeys,
  'revoke-api-key': revokeApiKey,
  'list-hooks': listHooks,
  'delete-hook': deleteHook,
  'rotate-hook': rotateHook,
  status,
  reconcile,
  unlink,
  alexa,
  'oauth-client add': addOAuthClient,
  'oauth-client list': listOAuthClients,
  'oauth-client remove': removeOAuthClient,
  'link-code': linkCode,
  'oauth-links': listLinks,
  'oauth-revoke': revokeLink,
};

/**
 * Runs one command; answers the exit code (0 done, 1 failed, 2 bad usage).
 *
 * @example
 * process.exitCode = await main(['status', '--account', 'home']);
 */
/** Every command's name, as typed after `npx ewelink-bridge` (docs/cli.md's table lists each). */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

export async function main(argv: string[], print: (line: string) => void = console.log, complain: (line: string) => void = console.error): Promise<number> {
  // `oauth-client` takes a second word: add, list or remove.
  const [command, ...rest] = argv[0] === 'oauth-client' && argv[1] && !argv[1].startsWith('-') ? [`oauth-client ${argv[1]}`, ...argv.slice(2)] : argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    print(USAGE);
    return command ? 0 : 2;
  }
  const run = COMMANDS[command];
  let bridge: Bridge | undefined;
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    const options = readOptions(rest);
    // Loaded only now (the AWS SDK takes most of a second), so help and usage errors are quick.
    const [{ createBridge }, { configFromEnv }] = await Promise.all([import('../lib/bridge'), import('../lib/config')]);
    bridge = createBridge(await configFromEnv());
    return await run(bridge, options, print);
  } catch (err) {
    complain(`error: ${(err as Error).message}`);
    if (err instanceof UsageError) complain('see npx ewelink-bridge --help');
    return err instanceof UsageError ? 2 : 1;
  } finally {
    if (bridge) {
      bridge.close();
      await (await import('../lib/ewelink/http')).closeHttpPools();
    }
  }
}

/** `--id X` as `--id=X` (and `--link`): ids are base64url and may begin with "-", which parseArgs would take for an option. */
function joinIds(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if ((arg === '--id' || arg === '--link') && i + 1 < args.length) out.push(`${arg}=${args[++i]}`);
    else out.push(arg);
  }
  return out;
}

function readOptions(args: string[]): Options {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinIds(args),
      options: {
        account: { type: 'string' },
        region: { type: 'string', default: 'eu' },
        label: { type: 'string', default: 'admin' },
        country: { type: 'string' },
        for: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
        code: { type: 'string' },
        at: { type: 'string' },
        rt: { type: 'string' },
        apikey: { type: 'string' },
        id: { type: 'string' },
        rate: { type: 'string' },
        burst: { type: 'string' },
        'redirect-url': { type: 'string' },
        directive: { type: 'string' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'require-pkce': { type: 'boolean' },
        link: { type: 'string' },
        replace: { type: 'boolean' },
        password: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.password !== undefined) {
    throw new UsageError('--password would leave the password in your shell history: set EWELINK_PASSWORD, type it when asked, or pipe it in');
  }
  if (!isRegion(values.region)) throw new UsageError(`--region must be one of ${REGIONS.join(', ')}`);
  values.accountGiven = values.account !== undefined;
  values.account ??= 'default';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(values.account as string)) throw new UsageError('--account must be 1 to 64 letters, digits, ".", "_" or "-"');
  return values as unknown as Options;
}

function identityOf(options: Options): LoginIdentity {
  const given = [options.email, options.phone].filter((v) => v !== undefined);
  if (given.length !== 1) throw new UsageError('give the login as --email ADDRESS or --phone +CC… (one of them)');
  const identity = loginIdentity(given[0] as string);
  if (!identity || (options.email !== undefined) !== (identity.email !== undefined)) {
    throw new UsageError(options.email !== undefined ? '--email must be an e-mail address' : '--phone must be a number with its country code, such as +447700900123');
  }
  return identity;
}

function verificationCode(options: Options): string {
  if (!options.code || !/^[0-9A-Za-z]{4,12}$/.test(options.code)) throw new UsageError('--code must be the verification code the cloud sent (see send-code)');
  return options.code;
}

const who = (identity: LoginIdentity) => identity.email ?? identity.phoneNumber;
const day = (ms: number) => new Date(ms).toISOString();

/** Stores a grant for the account and says so, without the tokens; a link to another eWeLink account stands unless --replace. */
async function link(linking: Promise<Linked>, options: Options, what: string, print: (line: string) => void): Promise<TokenRecord> {
  const { record, login = 'the eWeLink account' } = await linking.catch((err: unknown) => {
    throw err instanceof AlreadyLinked ? new Error(`${err.message}: give --replace to link this one in its place (the other link's tokens are forgotten)`) : err;
  });
  print(`account "${options.account}" ${what}: ${login}, region ${record.region}`);
  print(`tokens stored: access token until ${day(record.atExpiresAt)}, refresh token until ${day(record.rtExpiresAt)} (the password was not stored)`);
  return record;
}

async function region(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const country = options.country?.replace(/^\+/, '');
  if (country !== undefined && !/^[0-9]{1,4}$/.test(country)) throw new UsageError('--country must be a country calling code, such as 44 or 86');
  const found = await bridge.accounts.region(country);
  print(country ? `region for country code ${country}: ${found}` : `region for this app: ${found}`);
  return 0;
}

async function sendCode(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const purpose = PURPOSES[options.for ?? ''];
  if (!purpose) throw new UsageError(`--for must be one of ${Object.keys(PURPOSES).join(', ')}`);
  const identity = identityOf(options);
  await bridge.accounts.sendCode(identity, purpose, options.region);
  print(`a verification code (${options.for}) was sent to ${who(identity)}`);
  return 0;
}

async function register(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const identity = identityOf(options);
  const code = verificationCode(options);
  const [password] = await readPasswords([{ env: 'EWELINK_PASSWORD', prompt: 'password for the new account', confirm: true }]);
  await link(bridge.accounts.register(options.account, identity, password as string, code, options.region, { replace: options.replace }), options, 'registered and linked', print);
  return 0;
}

async function login(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const identity = identityOf(options);
  const [password] = await readPasswords([{ env: 'EWELINK_PASSWORD', prompt: 'eWeLink password' }]);
  await link(bridge.accounts.login(options.account, identity, password as string, options.region, { replace: options.replace }), options, 'linked', print);
  return 0;
}

async function resetPassword(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const identity = identityOf(options);
  const code = verificationCode(options);
  const [password] = await readPasswords([{ env: 'EWELINK_PASSWORD', prompt: 'new eWeLink password', confirm: true }]);
  await link(bridge.accounts.resetPassword(options.account, identity, password as string, code, options.region, { replace: options.replace }), options, 'password reset and linked', print);
  return 0;
}

async function changePassword(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  // Fails before asking anything when the account is not linked.
  const record = await bridge.accounts.linked(options.account);
  const [current, next] = await readPasswords([
    { env: 'EWELINK_PASSWORD', prompt: 'current eWeLink password' },
    { env: 'EWELINK_NEW_PASSWORD', prompt: 'new eWeLink password', confirm: true },
  ]);
  await bridge.accounts.changePassword(options.account, current as string, next as string);
  print(`account "${options.account}" (region ${record.region}): password changed; neither password was stored`);
  return 0;
}

async function oauthLogin(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const redirectUrl = options['redirect-url'] ?? bridge.accounts.redirectUrl;
  if (!redirectUrl) throw new UsageError('oauth-login needs --redirect-url (or EWELINK_REDIRECT_URL): the redirect URL registered for the eWeLink app');
  const { url, expiresAt } = await bridge.accounts.startOAuth(options.account, redirectUrl).catch((err: unknown) => {
    throw err instanceof InvalidInput ? new UsageError(`--redirect-url ${err.message.slice('redirectUrl: '.length)}`) : err;
  });
  const state = new URL(url).searchParams.get('state');
  print(`open this address in a browser and sign in to eWeLink (within 10 minutes, until ${day(expiresAt)}):
${url}`);
  const landed = await pastedLine('then paste the address the browser landed on (it starts with the redirect URL): ');
  if (!landed) throw new Error('no address was pasted; nothing was linked');
  let query: URLSearchParams;
  try {
    query = new URL(landed).searchParams;
  } catch {
    throw new Error('that is not an address (copy it whole from the browser); nothing was linked');
  }
  // Checked here too, so an address from another sign-in is named as such and its state left unspent.
  if (query.get('state') !== state) throw new Error('that address is not from this sign-in (its state differs); nothing was linked');
  const value = (name: string) => query.get(name) ?? undefined;
  const linked = await bridge.accounts.finishOAuth({ state: state ?? undefined, code: value('code'), region: value('region'), error: value('error') });
  print(`account "${options.account}" linked through the eWeLink login page: region ${linked.record.region}, ${linked.devices} devices (v2 API)`);
  print(linked.socket ? 'commands go over the eWeLink WebSocket, with HTTP as the fallback' : 'the account owns no device, so commands go over HTTP only (link again once it owns one to use the socket)');
  print(`tokens stored: access token until ${day(linked.record.atExpiresAt)}, refresh token until ${day(linked.record.rtExpiresAt)}`);
  return 0;
}

async function importPair(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const at = options.at ?? process.env.EWELINK_AT;
  const rt = options.rt ?? process.env.EWELINK_RT;
  const apikey = options.apikey ?? process.env.EWELINK_APIKEY;
  if (!at || !rt || !apikey) throw new UsageError('import needs --at, --rt and --apikey (or EWELINK_AT, EWELINK_RT and EWELINK_APIKEY)');
  const { record, devices } = await bridge.accounts.importPair(options.account, { at, rt, apikey, region: options.region });
  print(`account "${options.account}" linked from an imported token pair: region ${record.region}, ${devices} devices`);
  print(`the access token is taken to last until ${day(record.atExpiresAt)}, the refresh token until ${day(record.rtExpiresAt)}`);
  return 0;
}

async function createApiKey(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const limit = options.rate === undefined && options.burst === undefined ? undefined : { perSecond: Number(options.rate ?? 10), burst: Number(options.burst ?? 20) };
  // The same rules as POST /keys: the label and limit go through the API's own schema.
  const input = checked(() => parse(API_KEY_INPUT, { label: options.label, ...(limit ? { limit } : {}) }), { label: '--label', 'limit.perSecond': '--rate', 'limit.burst': '--burst' });
  const made = await bridge.apiKeys.create(options.account, input);
  print(`API key ${made.id} for account "${options.account}", ${rate(made.limit)} (shown once, store it now):\n${made.key}`);
  return 0;
}

async function listApiKeys(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const keys = await bridge.apiKeys.list(options.account);
  if (keys.length === 0) print(`account "${options.account}" has no API keys: make one with create-api-key`);
  for (const key of keys) print(`${key.id}  "${key.label}"  made ${key.createdAt}  last used ${key.lastUsedAt ?? 'never'}  ${rate(key.limit)}`);
  return 0;
}

async function revokeApiKey(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  await bridge.apiKeys.revoke(options.account, idOf(options));
  print(`API key ${options.id} of account "${options.account}" revoked: it no longer works`);
  return 0;
}

async function listHooks(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const hooks = await bridge.webhooks.list(options.account);
  if (hooks.length === 0) print(`account "${options.account}" has no webhooks`);
  for (const hook of hooks) {
    const name = hook.name === undefined ? '' : `"${hook.name}"  `;
    print(`${hook.hookId}  ${name}device ${hook.deviceid} ${JSON.stringify(hook.action)}  made ${hook.createdAt}  last used ${hook.lastUsedAt ?? 'never'}  ${rate(hook.limit)}`);
  }
  return 0;
}

async function deleteHook(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  await bridge.webhooks.delete(options.account, idOf(options));
  print(`webhook ${options.id} deleted: its URL no longer works`);
  return 0;
}

async function rotateHook(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const { hookId, secret } = await bridge.webhooks.rotate(options.account, idOf(options));
  print(`webhook ${hookId} has a new secret (shown once); the old URL no longer works. The new URL is your bridge's address followed by:\n/hooks/${hookId}/${secret}`);
  return 0;
}

const rate = (limit: { perSecond: number; burst: number }) => `limit ${limit.perSecond}/s, bursts of ${limit.burst}`;

function idOf(options: Options): string {
  if (!options.id || !/^[A-Za-z0-9_-]{1,128}$/.test(options.id)) throw new UsageError('--id must be the id the list shows');
  return options.id;
}

/** Runs a schema check, and reports a refusal as bad usage naming the option at fault. */
function checked<T>(check: () => T, optionOf: Record<string, string>): T {
  try {
    return check();
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err;
    const option = optionOf[err.field ?? ''] ?? err.field;
    throw new UsageError(`${option}: ${err.message.slice((err.field ?? '').length + 2)}`);
  }
}

/**
 * One directive through the skill's own code path, for trying the skill without AWS: the
 * command already holds the table's credentials, so the directive's bearer token is taken as
 * the account's whatever it says (Amazon's samples carry a placeholder).
 */
async function alexa(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  if (!options.directive) throw new UsageError('give the directive as --directive FILE (a JSON file, or - for stdin)');
  const file = options.directive;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file === '-' ? 'stdin' : file} is not JSON: ${(err as Error).message}`);
  }
  const { answerDirective } = await import('../lib/adapters/alexa/answer');
  const linkId = 'admin-command';
  const answer = await answerDirective(bridge, message, {
    tokens: { verify: async () => ({ status: 'valid', accountId: options.account, linkId }), revoke: async () => undefined },
  });
  print(JSON.stringify(answer, null, 2));
  return answer.event.header.name === 'ErrorResponse' ? 1 : 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function unlink(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  let unlinked;
  try {
    unlinked = await bridge.accounts.unlink(options.account);
  } catch (err) {
    if (!(err instanceof AccountNotLinked)) throw err;
    print(`account "${options.account}" is not linked: nothing to unlink`);
    return 1;
  }
  const { api, revoked } = unlinked;
  print(`account "${options.account}" unlinked: the bridge no longer holds its eWeLink tokens`);
  if (revoked) print('eWeLink revoked them too (v2): they work nowhere now');
  else if (api === 'v2') print('eWeLink no longer took them anyway: nothing was left to revoke');
  else print('v1 has no way to revoke them at eWeLink: they stay valid there until they expire or a newer login replaces them');
  return 0;
}

async function status(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const record = await bridge.accounts.status(options.account);
  if (!record) {
    print(`account "${options.account}" is not linked: run login, register, import or oauth-login`);
    return 1;
  }
  print(`account "${options.account}": region ${record.region}, access token until ${day(record.atExpiresAt)}, refresh token until ${day(record.rtExpiresAt)}`);
  print(record.api === 'v2' ? 'linked through the eWeLink login page: v2 API (what a personal app id allows)' : 'linked by password or an imported pair: v1 API (needs an enterprise app id)');
  return 0;
}

/**
 * The scheduled reconcile (functions/reconcile-timers.ts does the same call), run now: every
 * linked account, or the one --account names. Exit 1 when an account failed or is not linked.
 */
async function reconcile(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  if (options.accountGiven && !(await bridge.accounts.status(options.account))) {
    print(`account "${options.account}" is not linked: nothing to reconcile`);
    return 1;
  }
  // The reconcile goes on past an account that fails and logs why; the reason is printed with its account.
  const reasons = new Map<string, string>();
  const log: ReconcileLog = {
    info: () => undefined,
    error: (_message, { accountId, error }) => void (error instanceof Error && reasons.set(String(accountId), error.message)),
  };
  let reports: (ReconcileReport & { accountId: string })[];
  let failed: string[] = [];
  try {
    reports = await bridge.reconcileTimers(log, options.accountGiven ? [options.account] : undefined);
  } catch (err) {
    if (!(err instanceof ReconcileFailed)) throw err;
    ({ reports, accountIds: failed } = err);
  }
  if (reports.length === 0 && failed.length === 0) print('no account is linked: nothing to reconcile');
  const devices = (what: string, ids: string[]) => `${what} ${ids.length}${ids.length > 0 ? ` (${ids.join(', ')})` : ''}`;
  for (const report of reports) {
    print(`account "${report.accountId}": ${[devices('pushed', report.pushed), devices('in sync', report.inSync), devices('pending (offline)', report.pending), devices('failed', report.failed)].join('; ')}`);
    for (const drift of report.drift) {
      // Every pushed device drifted (that is why it was pushed): say what it held.
      print(`  ${drift.deviceid} held other timers than the bridge's: ${drift.missing.length} of the bridge's entries missing or changed, ${drift.unexpected.length} it no longer has; ${drift.foreign} set elsewhere were kept`);
    }
  }
  for (const accountId of failed) if (reasons.has(accountId)) print(`account "${accountId}": reconcile failed: ${reasons.get(accountId)}`);
  return failed.length > 0 ? 1 : 0;
}

async function addOAuthClient(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  if (!options.name) throw new UsageError('oauth-client add needs --name (what the client is, e.g. alexa or google)');
  if (!options['redirect-uri']?.length) throw new UsageError('oauth-client add needs --redirect-uri (each redirect URI the assistant names; give it again for more)');
  const input = { name: options.name, redirectUris: options['redirect-uri'], requirePkce: options['require-pkce'] === true };
  const { client, secret } = await bridge.assistantLinks.addClient(input).catch((err: unknown) => {
    if (!(err instanceof InvalidInput)) throw err;
    const option = err.field?.startsWith('redirectUris') ? '--redirect-uri' : '--name';
    throw new UsageError(`${option}: ${err.message.slice((err.field ?? '').length + 2)}`);
  });
  print(`OAuth client "${client.name}" registered${client.requirePkce ? ' (PKCE S256 required)' : ''}; the secret is shown once, store it now:`);
  print(`client id:     ${client.id}`);
  print(`client secret: ${secret}`);
  print(`give the assistant: authorization URI <your bridge's address>/oauth/authorize, token URI <your bridge's address>/oauth/token, these two, and credentials sent by HTTP Basic or in the body`);
  return 0;
}

async function listOAuthClients(bridge: Bridge, _options: Options, print: (line: string) => void): Promise<number> {
  const clients = await bridge.assistantLinks.clients();
  if (clients.length === 0) print('no OAuth clients: register one with oauth-client add');
  for (const client of clients) {
    print(`${client.id}  "${client.name}"  made ${day(client.createdAt)}  PKCE ${client.requirePkce ? 'required' : 'optional'}  ${client.redirectUris.join(' ')}`);
  }
  return 0;
}

async function removeOAuthClient(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const { linksEnded } = await bridge.assistantLinks.removeClient(idOf(options));
  print(`OAuth client ${options.id} removed: ${linksEnded} link${linksEnded === 1 ? '' : 's'} ended, and its tokens no longer work`);
  return 0;
}

async function linkCode(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const { code, expiresAt } = await bridge.assistantLinks.newLinkCode(options.account);
  print(`link code for account "${options.account}", good once until ${day(expiresAt)}: type it on the assistant's authorize page instead of an API key:\n${code}`);
  return 0;
}

async function listLinks(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  const links = await bridge.assistantLinks.links(options.account);
  if (links.length === 0) print(`account "${options.account}" has no assistant links`);
  for (const link of links) {
    print(`${link.linkId}  "${link.clientName}"  made ${day(link.createdAt)}  last refreshed ${link.refreshedAt === undefined ? 'never' : day(link.refreshedAt)}`);
  }
  return 0;
}

async function revokeLink(bridge: Bridge, options: Options, print: (line: string) => void): Promise<number> {
  if (!options.link || !isLinkId(options.link)) throw new UsageError('--link must be the id oauth-links shows');
  if (!(await bridge.assistantLinks.endLink(options.link))) {
    print(`there is no link "${options.link}" (or it has ended already)`);
    return 1;
  }
  print(`link ${options.link} revoked: its access and refresh tokens no longer work`);
  return 0;
}
