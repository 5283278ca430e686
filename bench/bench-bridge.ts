import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Bridge } from '../lib/bridge';
import type { BridgeConfig } from '../lib/config';
import { signInOnLoginPage, startSim, type AccountSeed, type Sim } from '../sim';

/** Which API the bench account is linked through: v1 (password login, enterprise app id) or v2 (the login page, personal app id). */
export type BenchApi = 'v1' | 'v2';

const APP = { appId: 'bench-app', appSecret: 'bench-secret' };
const REDIRECT = 'https://bench.example.com/ewelink/oauth/callback';

/** A sim of the app-id kind the API needs, and the bridge's cloud settings for it. */
export async function benchCloud(api: BenchApi, account: AccountSeed): Promise<{ sim: Sim; cloud: Omit<BridgeConfig, 'tableName'> }> {
  const sim = await startSim({ ...APP, appKind: api === 'v2' ? 'personal' : 'enterprise', redirectUrls: [REDIRECT], accounts: [account] });
  return { sim, cloud: { ...APP, apiUrl: sim.apiUrlTemplate, v2ApiUrl: sim.v2ApiUrlTemplate, dispatchUrl: sim.dispatchUrlTemplate, loginPageUrl: sim.loginPageUrl, oauthRedirectUrl: REDIRECT } };
}

/** Links the bench account: a password login on v1, the login page on v2. */
export async function linkBenchAccount(bridge: Bridge, api: BenchApi, accountId: string, account: AccountSeed): Promise<void> {
  const login = account.email ?? account.phoneNumber ?? '';
  if (api === 'v1') {
    await bridge.accounts.login(accountId, { email: login }, account.password, account.region);
    return;
  }
  const landing = (await signInOnLoginPage((await bridge.accounts.startOAuth(accountId)).url, login, account.password)).searchParams;
  await bridge.accounts.finishOAuth({ state: landing.get('state') ?? undefined, code: landing.get('code') ?? undefined, region: landing.get('region') ?? undefined });
}

/**
 * Counts the table's reads and writes made through `client` (every store over the same endpoint
 * shares it); the bench zeroes the counts before each command.
 */
export function countTableCalls(client: DynamoDBDocumentClient): { reads: number; writes: number } {
  const counts = { reads: 0, writes: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/^(Get|BatchGet|Query|Scan|TransactGet)/.test(context.commandName ?? '')) counts.reads += 1;
      if (/^(Put|Update|Delete|BatchWrite|TransactWrite)/.test(context.commandName ?? '')) counts.writes += 1;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountTableCalls' },
  );
  return counts;
}
