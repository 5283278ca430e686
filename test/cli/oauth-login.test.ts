import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../lib/store';
import { startSim, type Sim } from '../../sim';
import { APP_ID, APP_SECRET, cliEnvironment, testAccount } from '../support/bridge';
import { freshTable, type FreshTable } from '../support/dynamo';
import { submitLogin } from '../ewelink/v2-fixture';

const REDIRECT = 'https://bridge.example.com/ewelink/oauth/callback';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// `npx ewelink-bridge oauth-login` as a person runs it: the command prints the login address, the
// person signs in (here: the sim's form, posted), then pastes the address the browser landed on.
describe('npx ewelink-bridge oauth-login', { timeout: 60_000 }, () => {
  let sim: Sim;
  let table: FreshTable;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sim = await startSim({ appId: APP_ID, appSecret: APP_SECRET, appKind: 'personal', redirectUrls: [REDIRECT], accounts: [testAccount()] });
    table = await freshTable();
    store = createStore({ tableName: table.tableName, client: table.documentClient });
    env = cliEnvironment(sim, table);
  });
  afterAll(async () => sim?.close());

  /** Runs the command; once it prints the login address, `paste` says what to paste back (undefined: end stdin). */
  function oauthLogin(args: string[], paste: (loginUrl: string) => Promise<string | undefined>): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['bin/ewelink-bridge.mjs', 'oauth-login', ...args], { env });
      let stdout = '';
      let stderr = '';
      let asked = false;
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const url = /^(http\S+oauth\/index\.html\S+)$/m.exec(stdout)?.[1];
        if (url && !asked) {
          asked = true;
          paste(url).then((line) => child.stdin.end(line === undefined ? '' : `${line}\n`), reject);
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        if (!asked) child.stdin.destroy();
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  const signIn = async (url: string, decision = 'allow') => (await submitLogin(url, { login: 'owner@example.com', password: 'owner-password', decision })).to?.toString();

  it('prints the login address, takes the pasted landing address and links the account on v2', async () => {
    // Act
    const run = await oauthLogin(['--account', 'home', '--redirect-url', REDIRECT], (url) => signIn(url));
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/account "home" linked through the eWeLink login page: region eu, 3 devices \(v2 API\)/);
    const record = await store.tokens.get('home');
    expect(record).toMatchObject({ api: 'v2', region: 'eu' });
    expect(record!.apikey).not.toBe('');
    // The tokens are never printed.
    expect(run.stdout).not.toContain(record!.at);
    expect(run.stdout).not.toContain(record!.rt);
  });

  it('links nothing for a denied sign-in, an address from another sign-in, or nothing pasted; and needs a redirect URL', async () => {
    // Act
    const denied = await oauthLogin(['--account', 'denied', '--redirect-url', REDIRECT], (url) => signIn(url, 'deny'));
    const other = await oauthLogin(['--account', 'other', '--redirect-url', REDIRECT], async () => `${REDIRECT}?code=abc&region=eu&state=someone-elses`);
    const nothing = await oauthLogin(['--account', 'nothing', '--redirect-url', REDIRECT], async () => undefined);
    const noUrl = await oauthLogin(['--account', 'nourl'], async () => undefined);
    // Assess
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/not completed \("access_denied"\)/);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/not from this sign-in/);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/no address was pasted/);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/--redirect-url/);
    for (const account of ['denied', 'other', 'nothing', 'nourl']) expect(await store.tokens.get(account)).toBeUndefined();
  });
});
