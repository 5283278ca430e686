/**
 * Account set-up against a deployed (or local) table: `npx tsx local/admin.ts <command>`.
 * Reads TABLE_NAME (and DYNAMODB_ENDPOINT for DynamoDB Local; AWS credentials otherwise) and
 * the eWeLink app credentials (EWELINK_APP_ID + EWELINK_APP_SECRET, or EWELINK_SECRET_ARN).
 * Passwords are used once for the login and never stored; only the resulting tokens are.
 */
import { parseArgs } from 'node:util';
import { createBridge } from '../lib/app';
import { configFromEnv } from '../lib/config';
import { isRegion, REGIONS, type Region } from '../lib/ewelink/hosts';
import { closeHttpPools } from '../lib/ewelink/http';

const USAGE = `usage: npx tsx local/admin.ts <command> [options]

commands:
  create-api-key [--account default] [--label NAME]     prints a new API key (shown once)
  login (--email E | --phone +CC...) --password P [--region eu] [--account default]
                                                        logs in once and stores the token pair
  import --at AT --rt RT --apikey APIKEY [--region eu] [--account default]
                                                        stores a token pair obtained elsewhere
                                                        (the region is checked and corrected)
  status [--account default]                            when the stored tokens expire

regions: ${REGIONS.join(', ')}`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: {
      account: { type: 'string', default: 'default' },
      label: { type: 'string', default: 'admin' },
      email: { type: 'string' },
      phone: { type: 'string' },
      password: { type: 'string' },
      region: { type: 'string', default: 'eu' },
      at: { type: 'string' },
      rt: { type: 'string' },
      apikey: { type: 'string' },
    },
    strict: true,
  });
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const region = values.region as string;
  if (!isRegion(region)) throw new Error(`--region must be one of ${REGIONS.join(', ')}`);
  const bridge = createBridge(await configFromEnv());
  const account = values.account as string;
  try {
    switch (command) {
      case 'create-api-key': {
        const { id, key } = await bridge.store.apiKeys.create(account, values.label as string);
        console.log(`API key ${id} for account "${account}" (shown once, store it now):\n${key}`);
        return 0;
      }
      case 'login': {
        if (!values.password || (!values.email && !values.phone)) throw new Error('login needs --email or --phone, and --password');
        const identity = values.phone ? { phoneNumber: values.phone } : { email: values.email as string };
        const grant = await bridge.client.login(identity, values.password, region);
        await bridge.keeper.adopt(account, { at: grant.at, rt: grant.rt, region: grant.region, apikey: grant.user.apikey });
        console.log(`account "${account}" linked (region ${grant.region}); the password was not stored`);
        return 0;
      }
      case 'import': {
        if (!values.at || !values.rt || !values.apikey) throw new Error('import needs --at, --rt and --apikey');
        const creds = { at: values.at, apikey: values.apikey, region: region as Region };
        // One call checks the pair and moves the region if the cloud says it lives elsewhere.
        const devices = await bridge.client.devices(creds);
        await bridge.keeper.adopt(account, { at: values.at, rt: values.rt, region: creds.region, apikey: values.apikey });
        console.log(`account "${account}" linked (region ${creds.region}, ${devices.length} devices)`);
        return 0;
      }
      case 'status': {
        const record = await bridge.store.tokens.get(account);
        if (!record) {
          console.log(`account "${account}" has no tokens`);
          return 1;
        }
        console.log(`account "${account}": region ${record.region}, at expires ${new Date(record.atExpiresAt).toISOString()}, rt expires ${new Date(record.rtExpiresAt).toISOString()}`);
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    bridge.close();
    await closeHttpPools();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`error: ${err.message}`);
    process.exit(1);
  },
);
