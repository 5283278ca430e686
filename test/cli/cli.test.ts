import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../lib/secrets';
import { createStore, type Store } from '../../lib/store';
import { startSim, type Sim } from '../../sim';
import { APP_ID, APP_SECRET, cliEnvironment, testAccount } from '../support/bridge';
import { runCli, spawnCli, type CliRun } from '../support/cli';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';
import { linkAssistant } from '../support/assistant-oauth';
import { serveBridge } from '../adapters/http/stacks';
import { simCloudConfig } from '../support/bridge';

// Each run starts a Node process that loads the bridge (about a second); a test makes several.
describe('npx ewelink-bridge (account set-up CLI)', { timeout: 120_000 }, () => {
  let sim: Sim;
  let table: FreshTable;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sim = await startSim({ appId: APP_ID, appSecret: APP_SECRET, smsIntervalSec: 0.001, accounts: [testAccount({ region: 'us' })] });
    table = await freshTable();
    store = createStore({ tableName: table.tableName, client: table.documentClient });
    env = cliEnvironment(sim, table);
  });
  afterAll(async () => sim.close());

  /** Runs the CLI's bin as a user would, with `input` on its stdin (a pipe, not a terminal). */
  function cli(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
    return spawnCli(args, { ...env, ...options.env }, options.input);
  }

  /** Runs a command in this process, with the same environment as the spawned runs. */
  const inProcess = (args: string[]) => runCli(args, env);

  /** The whole table as text, to look for what must never be in it. */
  const tableText = async () => JSON.stringify(await scanTable(table));

  it('runs as `npx ewelink-bridge` from the repository, and explains itself', async () => {
    const { stdout } = await promisify(execFile)('npx', ['--no', '--', 'ewelink-bridge', '--help'], { env });
    expect(stdout).toContain('usage: npx ewelink-bridge <command>');
    for (const command of ['region', 'send-code', 'register', 'login', 'reset-password', 'change-password', 'import', 'create-api-key', 'list-api-keys', 'revoke-api-key', 'list-hooks', 'delete-hook', 'rotate-hook', 'status', 'reconcile', 'unlink', 'oauth-client add', 'oauth-client list', 'oauth-client remove', 'link-code', 'oauth-links', 'oauth-revoke', 'alexa']) {
      expect(stdout).toContain(command);
    }
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "fly"');
  });

  it('creates an API key that the store finds, stored only hashed', async () => {
    const { code, stdout } = await cli(['create-api-key', '--label', 'ci']);
    expect(code).toBe(0);
    const key = stdout.trim().split('\n').pop() as string;
    expect(key).toMatch(/^ebk_/);
    expect(await store.apiKeys.find(key)).toMatchObject({ accountId: 'default', label: 'ci' });
    expect(await tableText()).not.toContain(key);
  });

  it('lists, limits and revokes API keys, never printing a stored key', async () => {
    // Prepare
    const made = await inProcess(['create-api-key', '--label', 'slow one', '--rate', '0.5', '--burst', '3', '--account', 'keys']);
    const key = made.stdout.trim().split('\n').pop() as string;
    const id = /API key (\S+) for account "keys", limit 0\.5\/s, bursts of 3/.exec(made.stdout)?.[1];
    // Act
    const listed = await inProcess(['list-api-keys', '--account', 'keys']);
    const revoked = await inProcess(['revoke-api-key', '--id', id as string, '--account', 'keys']);
    const again = await inProcess(['revoke-api-key', '--id', id as string, '--account', 'keys']);
    const empty = await inProcess(['list-api-keys', '--account', 'keys']);
    // Assess
    expect(made.code, made.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  "slow one"  made \\S+  last used never  limit 0\\.5/s, bursts of 3$`, 'm'));
    expect(listed.stdout).not.toContain(key);
    expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('revoked') });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`the account has no API key "${id}"`);
    expect(empty.stdout).toContain('has no API keys');
    expect(await store.apiKeys.find(key)).toBeUndefined();
  });

  it('refuses a bad label or limit for a key as bad usage, naming the option, storing nothing', async () => {
    // Act
    const runs = await Promise.all([
      inProcess(['create-api-key', '--label', 'bell\u0007', '--account', 'refused']),
      inProcess(['create-api-key', '--rate', '500', '--account', 'refused']),
      inProcess(['create-api-key', '--burst', 'many', '--account', 'refused']),
      inProcess(['revoke-api-key', '--account', 'refused']),
    ]);
    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    expect(runs[0]?.stderr).toMatch(/--label: must be 1 to 100 characters/);
    expect(runs[1]?.stderr).toMatch(/--rate: must be a number from 0\.01 to 100/);
    expect(runs[2]?.stderr).toMatch(/--burst: /);
    expect(runs[3]?.stderr).toMatch(/--id must be the id the list shows/);
    expect(await store.apiKeys.list('refused')).toEqual([]);
  });

  it('lists, rotates and deletes webhooks', async () => {
    // Prepare
    const { hook, secret } = await store.hooks.create({ accountId: 'hooks', deviceid: '1000000001', action: { power: 'toggle' }, name: 'porch' });
    // Act
    const listed = await inProcess(['list-hooks', '--account', 'hooks']);
    const rotated = await inProcess(['rotate-hook', '--id', hook.hookId, '--account', 'hooks']);
    const fresh = rotated.stdout.trim().split('\n').pop() as string;
    const stored = await store.hooks.get(hook.hookId);
    const deleted = await inProcess(['delete-hook', '--id', hook.hookId, '--account', 'hooks']);
    const otherAccount = await inProcess(['delete-hook', '--id', hook.hookId, '--account', 'someone']);
    // Ids are base64url, so one may begin with "-": it is still the value of --id, not an option.
    const dashed = await inProcess(['delete-hook', '--id', '-x9_Kq2mZ', '--account', 'hooks']);
    // Assess
    expect(listed.stdout).toMatch(new RegExp(`^${hook.hookId}  "porch"  device 1000000001 \\{"power":"toggle"\\}  made \\S+  last used never  limit 1/s, bursts of 5$`, 'm'));
    expect(listed.stdout).not.toContain(secret);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(fresh).toMatch(new RegExp(`^/hooks/${hook.hookId}/[A-Za-z0-9_-]{32}$`));
    expect(stored?.secretHash).toBe(hashSecret(fresh.split('/').pop() as string));
    expect(stored?.secretHash).not.toBe(hashSecret(secret));
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(otherAccount.code).toBe(1);
    expect(dashed).toMatchObject({ code: 1, stderr: 'error: the account has no webhook "-x9_Kq2mZ"\n' });
    expect(await store.hooks.get(hook.hookId)).toBeUndefined();
  });

  it('logs in with the password from EWELINK_PASSWORD, follows the region, and prints neither password nor tokens', async () => {
    // Act
    const run = await cli(['login', '--email', 'owner@example.com', '--region', 'eu', '--account', 'home'], { env: { EWELINK_PASSWORD: 'owner-password' } });
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/account "home" linked: owner@example\.com, region us/);
    expect(run.stdout).toMatch(/access token until \d{4}-\d\d-\d\dT/);
    const record = await store.tokens.get('home');
    expect(record).toMatchObject({ region: 'us' });
    expect(run.stdout + run.stderr).not.toContain(record?.at);
    expect(run.stdout + run.stderr).not.toContain(record?.rt);
    expect(run.stdout + run.stderr).not.toContain('owner-password');
    expect(await tableText()).not.toContain('owner-password');
  });

  it('reads the password from stdin when it is piped', async () => {
    const run = await cli(['login', '--email', 'owner@example.com', '--account', 'piped'], { input: 'owner-password\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(await store.tokens.get('piped')).toMatchObject({ region: 'us' });
  });

  it('refuses --password, a bad region, a bad login and an incomplete import, storing nothing', async () => {
    // Act: independent runs, side by side
    const [password, region, phone, partial, noPassword] = await Promise.all([
      cli(['login', '--email', 'owner@example.com', '--password', 'owner-password', '--account', 'bad']),
      cli(['login', '--email', 'owner@example.com', '--region', 'mars', '--account', 'bad']),
      cli(['login', '--phone', '07700900123', '--account', 'bad'], { input: 'x\n' }),
      cli(['import', '--at', 'x', '--account', 'bad']),
      cli(['login', '--email', 'owner@example.com', '--account', 'bad']),
    ]);
    // Assess
    expect(password.code).toBe(2);
    expect(password.stderr).toContain('shell history');
    expect(region.stderr).toContain('--region must be one of');
    expect(phone.stderr).toContain('--phone must be a number with its country code');
    expect(partial.code).toBe(2);
    expect(partial.stderr).toContain('import needs');
    expect(noPassword.code).toBe(1);
    expect(noPassword.stderr).toContain('EWELINK_PASSWORD');
    expect(await store.tokens.get('bad')).toBeUndefined();
  });

  it('registers a new account with a verification code and links it', async () => {
    // Prepare
    const region = await cli(['region', '--country', '1']);
    expect(region.code, region.stderr).toBe(0);
    expect(region.stdout).toContain('region for country code 1: us');
    const sent = await cli(['send-code', '--for', 'register', '--email', 'new@example.com', '--region', 'us']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain('new@example.com');
    const wrong = await cli(['register', '--email', 'new@example.com', '--code', '0000x', '--region', 'us', '--account', 'new'], { env: { EWELINK_PASSWORD: 'new-password' } });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/verification code is wrong/);
    // Act
    const code = sim.verificationCode('new@example.com');
    const run = await cli(['register', '--email', 'new@example.com', '--code', code, '--region', 'us', '--account', 'new'], { env: { EWELINK_PASSWORD: 'new-password' } });
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/account "new" registered and linked: new@example\.com, region us/);
    expect(await store.tokens.get('new')).toMatchObject({ region: 'us' });
    expect(await tableText()).not.toContain('new-password');
    const login = await cli(['login', '--email', 'new@example.com', '--region', 'us', '--account', 'new'], { env: { EWELINK_PASSWORD: 'new-password' } });
    expect(login.code, login.stderr).toBe(0);
  });

  it("refuses to replace an account's link to another eWeLink account unless --replace; linking the same one again is fine", async () => {
    // Prepare: "taken" is linked to owner@example.com; a code for a new address, read where the simulator shows it
    expect((await cli(['login', '--email', 'owner@example.com', '--region', 'us', '--account', 'taken'], { env: { EWELINK_PASSWORD: 'owner-password' } })).code).toBe(0);
    const first = await store.tokens.get('taken');
    expect((await cli(['send-code', '--for', 'register', '--email', 'second@example.com', '--region', 'us'])).code).toBe(0);
    const shown = (await (await fetch(`${sim.url}/_sim/codes?to=second@example.com`)).json()) as { to: string; code: string };
    expect(shown).toEqual({ to: 'second@example.com', code: sim.verificationCode('second@example.com') });
    const register = (extra: string[]) => cli(['register', '--email', 'second@example.com', '--code', shown.code, '--region', 'us', '--account', 'taken', ...extra], { env: { EWELINK_PASSWORD: 'second-password' } });
    const login = (extra: string[]) => cli(['login', '--email', 'owner@example.com', '--region', 'us', '--account', 'taken', ...extra], { env: { EWELINK_PASSWORD: 'owner-password' } });
    const refusal = 'error: account "taken" is already linked to another eWeLink account; nothing was changed: give --replace to link this one in its place (the other link\'s tokens are forgotten)\n';
    sim.stats.reset();

    // Act + Assess: a registration into it is refused before the cloud is asked (the code stays good), the link stands
    const refused = await register([]);
    expect(refused).toMatchObject({ code: 1, stdout: '', stderr: refusal });
    expect(sim.stats.byPath['POST /api/user/register'] ?? 0).toBe(0);
    expect(await store.tokens.get('taken')).toEqual(first);

    // Act + Assess: with --replace it registers and links the new account in its place
    const replaced = await register(['--replace']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(replaced.stdout).toContain('account "taken" registered and linked: second@example.com, region us');
    const second = await store.tokens.get('taken');
    expect(second?.apikey).not.toBe(first?.apikey);

    // Act + Assess: logging the first account in again is refused now, and nothing changes; --replace links it
    expect(await login([])).toMatchObject({ code: 1, stderr: refusal });
    expect(await store.tokens.get('taken')).toEqual(second);
    expect((await login(['--replace'])).code).toBe(0);
    const relinked = await store.tokens.get('taken');
    expect(relinked?.apikey).toBe(first?.apikey);

    // Act + Assess: the same eWeLink account logging in again needs no flag (fresh tokens)
    const again = await login([]);
    expect(again.code, again.stderr).toBe(0);
    expect(await store.tokens.get('taken')).toMatchObject({ apikey: first?.apikey, version: (relinked?.version ?? 0) + 1 });
  });

  it('resets a forgotten password with a code, linking the account; the new password logs in', async () => {
    await cli(['send-code', '--for', 'reset', '--email', 'new@example.com', '--region', 'us']);
    const run = await cli(['reset-password', '--email', 'new@example.com', '--code', sim.verificationCode('new@example.com'), '--region', 'us', '--account', 'reset'], {
      input: 'reset-password-2\n',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/password reset and linked/);
    expect(await store.tokens.get('reset')).toMatchObject({ region: 'us' });
    const old = await cli(['login', '--email', 'new@example.com', '--region', 'us', '--account', 'x'], { env: { EWELINK_PASSWORD: 'new-password' } });
    expect(old.code).toBe(1);
    const fresh = await cli(['login', '--email', 'new@example.com', '--region', 'us', '--account', 'reset'], { env: { EWELINK_PASSWORD: 'reset-password-2' } });
    expect(fresh.code, fresh.stderr).toBe(0);
  });

  it("changes the linked account's password, current and new read one a line", async () => {
    const run = await cli(['change-password', '--account', 'reset'], { input: 'reset-password-2\nchanged-password-3\n' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/password changed/);
    expect(run.stdout).not.toContain('changed-password-3');
    const login = await cli(['login', '--email', 'new@example.com', '--region', 'us', '--account', 'reset'], { env: { EWELINK_PASSWORD: 'changed-password-3' } });
    expect(login.code, login.stderr).toBe(0);
    const unlinked = await cli(['change-password', '--account', 'nobody'], { input: 'a\nb\n' });
    expect(unlinked.code).toBe(1);
    expect(unlinked.stderr).toMatch(/no eWeLink tokens/);
  });

  it('imports a pair given at the wrong region (flags or environment) and stores the right one', async () => {
    const pair = sim.issueTokens('owner@example.com');
    const flags = await cli(['import', '--at', pair.at, '--rt', pair.rt, '--apikey', pair.apikey, '--region', 'as', '--account', 'imported']);
    expect(flags.code, flags.stderr).toBe(0);
    expect(flags.stdout).not.toContain(pair.at);
    expect(await store.tokens.get('imported')).toMatchObject({ at: pair.at, rt: pair.rt, region: 'us' });
    const again = sim.issueTokens('owner@example.com');
    const fromEnv = await cli(['import', '--account', 'from-env'], { env: { EWELINK_AT: again.at, EWELINK_RT: again.rt, EWELINK_APIKEY: again.apikey } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(await store.tokens.get('from-env')).toMatchObject({ at: again.at, region: 'us' });
  });

  it('says when the tokens expire, or that the account is not linked', async () => {
    const linked = await cli(['status', '--account', 'imported']);
    expect(linked.code).toBe(0);
    expect(linked.stdout).toMatch(/account "imported": region us, access token until \d{4}-/);
    const none = await cli(['status', '--account', 'nobody']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('not linked');
  });

  it('unlinks an account: the tokens are forgotten (v1: no cloud call), its keys kept; nothing to unlink is an error', async () => {
    // Prepare
    const pair = sim.issueTokens('owner@example.com');
    expect((await inProcess(['import', '--at', pair.at, '--rt', pair.rt, '--apikey', pair.apikey, '--region', 'us', '--account', 'leaving'])).code).toBe(0);
    expect((await inProcess(['create-api-key', '--account', 'leaving'])).code).toBe(0);
    sim.stats.reset();
    // Act
    const unlinked = await inProcess(['unlink', '--account', 'leaving']);
    const again = await inProcess(['unlink', '--account', 'leaving']);
    // Assess
    expect(unlinked.code, unlinked.stderr).toBe(0);
    expect(unlinked.stdout).toMatch(/account "leaving" unlinked/);
    expect(unlinked.stdout).toMatch(/v1 has no way to revoke them/);
    expect(sim.stats.log).toHaveLength(0);
    expect(await store.tokens.get('leaving')).toBeUndefined();
    expect(await store.apiKeys.list('leaving')).toHaveLength(1);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('not linked: nothing to unlink');
  });

  /** The client id and secret `oauth-client add` printed. */
  const printedClient = (stdout: string) => ({ id: /^client id: +(\S+)$/m.exec(stdout)?.[1] as string, secret: /^client secret: +(\S+)$/m.exec(stdout)?.[1] as string });

  it('registers, lists and removes OAuth clients: the secret printed once and stored only hashed, bad redirect URIs refused as bad usage', async () => {
    // Act
    const added = await cli(['oauth-client', 'add', '--name', 'alexa', '--redirect-uri', 'https://layla.example.com/link', '--redirect-uri', 'http://127.0.0.1:8123/back', '--require-pkce']);
    const { id, secret } = printedClient(added.stdout);
    const listed = await inProcess(['oauth-client', 'list']);
    const refused = await Promise.all([
      inProcess(['oauth-client', 'add', '--name', 'plain', '--redirect-uri', 'http://example.com/back']),
      inProcess(['oauth-client', 'add', '--name', 'fragment', '--redirect-uri', 'https://example.com/back#x']),
      inProcess(['oauth-client', 'add', '--redirect-uri', 'https://example.com/back']),
      inProcess(['oauth-client', 'add', '--name', 'nowhere']),
      inProcess(['oauth-client', 'fly']),
    ]);
    const removed = await inProcess(['oauth-client', 'remove', '--id', id]);
    const again = await inProcess(['oauth-client', 'remove', '--id', id]);
    // Assess
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('PKCE S256 required');
    expect(added.stdout).toContain('/oauth/authorize');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(listed.stdout).toMatch(new RegExp(`^${id}  "alexa"  made \\S+  PKCE required  https://layla\\.example\\.com/link http://127\\.0\\.0\\.1:8123/back$`, 'm'));
    expect(listed.stdout).not.toContain(secret);
    expect(refused.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(refused[0]?.stderr).toMatch(/--redirect-uri: http:\/\/example\.com\/back must be https/);
    expect(refused[1]?.stderr).toMatch(/must not have a fragment/);
    expect(refused[2]?.stderr).toMatch(/needs --name/);
    expect(refused[3]?.stderr).toMatch(/needs --redirect-uri/);
    expect(refused[4]?.stderr).toMatch(/unknown command "oauth-client fly"/);
    expect(removed).toMatchObject({ code: 0, stdout: expect.stringContaining('0 links ended') });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`there is no OAuth client "${id}"`);
    expect(await tableText()).not.toContain(secret);
    expect((await inProcess(['oauth-client', 'list'])).stdout).not.toContain(id);
  });

  it('prints a link code the authorize page takes once; lists the link it made, and revokes it', async () => {
    // Prepare: the bridge's HTTP API over the same table, and a client
    const served = await serveBridge({ ...simCloudConfig(sim), tableName: table.tableName, dynamoEndpoint: table.endpoint }, '');
    try {
      const added = await inProcess(['oauth-client', 'add', '--name', 'google', '--redirect-uri', 'https://assistant.example.com/link/return']);
      const printed = printedClient(added.stdout);
      const client = { client: (await served.bridge.assistantLinks.clients()).find((c) => c.id === printed.id)!, secret: printed.secret };
      // Act
      const coded = await cli(['link-code', '--account', 'assistant']);
      const code = coded.stdout.trim().split('\n').pop() as string;
      const tokens = await linkAssistant(served.url, client, code);
      const reused = await linkAssistant(served.url, client, code).catch((err: Error) => err.message);
      const links = await inProcess(['oauth-links', '--account', 'assistant']);
      const linkId = /^(\S+)  "google"  made \S+  last refreshed never$/m.exec(links.stdout)?.[1] as string;
      const revoked = await inProcess(['oauth-revoke', '--link', linkId]);
      const again = await inProcess(['oauth-revoke', '--link', linkId]);
      const malformed = await inProcess(['oauth-revoke', '--link', 'x']);
      const none = await inProcess(['oauth-links', '--account', 'assistant']);
      // Assess
      expect(coded.code, coded.stderr).toBe(0);
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(coded.stdout).toContain('good once');
      expect(reused).toMatch(/answered 401|no code/);
      expect(linkId).toMatch(/^[A-Za-z0-9_-]{16}$/);
      expect(revoked).toMatchObject({ code: 0, stdout: expect.stringContaining('no longer work') });
      expect(await served.bridge.assistantLinks.verify(tokens.access_token)).toEqual({ status: 'invalid' });
      expect(again.code).toBe(1);
      expect(malformed.code).toBe(2);
      expect(none.stdout).toContain('has no assistant links');
      const text = await tableText();
      for (const secret of [code, code.replace(/-/g, ''), tokens.access_token, tokens.refresh_token]) expect(text).not.toContain(secret);
    } finally {
      await served.close();
    }
  });
});
