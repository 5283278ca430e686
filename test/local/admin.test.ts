import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore, type Store } from '../../lib/store';
import { startSim, type Sim } from '../../sim';
import { APP_ID, APP_SECRET, testAccount } from '../support/bridge';
import { freshTable, scanTable, type FreshTable } from '../support/dynamo';

const run = promisify(execFile);

describe('local/admin.ts (account set-up CLI)', () => {
  let sim: Sim;
  let table: FreshTable;
  let store: Store;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    sim = await startSim({ appId: APP_ID, appSecret: APP_SECRET, accounts: [testAccount({ region: 'us' })] });
    table = await freshTable();
    store = createStore({ tableName: table.tableName, client: table.documentClient });
    env = {
      ...process.env,
      TABLE_NAME: table.tableName,
      DYNAMODB_ENDPOINT: table.endpoint,
      EWELINK_APP_ID: APP_ID,
      EWELINK_APP_SECRET: APP_SECRET,
      EWELINK_API_URL: sim.apiUrlTemplate,
      NODE_NO_WARNINGS: '1',
    };
  });
  afterAll(async () => sim.close());

  const admin = (...args: string[]) => run('npx', ['tsx', 'local/admin.ts', ...args], { env });

  it('creates an API key that the store finds, stored only hashed', async () => {
    const { stdout } = await admin('create-api-key', '--label', 'ci');
    const key = stdout.trim().split('\n').pop() as string;
    expect(key).toMatch(/^ebk_/);
    expect(await store.apiKeys.find(key)).toMatchObject({ accountId: 'default', label: 'ci' });
    expect(JSON.stringify(await scanTable(table))).not.toContain(key);
  });

  it('logs in once, follows the region, and stores the pair but not the password', async () => {
    const { stdout } = await admin('login', '--email', 'owner@example.com', '--password', 'owner-password', '--region', 'eu', '--account', 'home');
    expect(stdout).toMatch(/region us/);
    const record = await store.tokens.get('home');
    expect(record).toMatchObject({ region: 'us' });
    expect(JSON.stringify(await scanTable(table))).not.toContain('owner-password');
  });

  it('imports a pair given at the wrong region and stores the right one', async () => {
    const pair = sim.issueTokens('owner@example.com');
    await admin('import', '--at', pair.at, '--rt', pair.rt, '--apikey', pair.apikey, '--region', 'as', '--account', 'imported');
    expect(await store.tokens.get('imported')).toMatchObject({ at: pair.at, rt: pair.rt, region: 'us' });
  });

  it('refuses a bad region and an incomplete import, storing nothing', async () => {
    await expect(admin('import', '--at', 'x', '--account', 'bad')).rejects.toMatchObject({ stderr: expect.stringContaining('import needs') });
    await expect(admin('login', '--region', 'mars', '--account', 'bad')).rejects.toMatchObject({ stderr: expect.stringContaining('--region must be') });
    expect(await store.tokens.get('bad')).toBeUndefined();
  });
});
