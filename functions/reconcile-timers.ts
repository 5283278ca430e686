import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { bridgeFromEnv } from '../lib/app';
import { reconcileAccounts } from '../lib/timers/reconcile-accounts';

const logger = new Logger({ serviceName: 'ewelink-bridge' });

/**
 * Scheduled (hourly): brings every device's timers in line with the model. Pending arrays
 * reach devices that came back online, repeat timers follow DST changes, drift is reported.
 * Every account gets its turn; the run fails at the end if any account failed, so it is retried.
 */
export const handler = middy(async () => {
  const bridge = await bridgeFromEnv();
  const accounts = await bridge.store.tokens.list();
  return reconcileAccounts(accounts.map((a) => a.accountId), (accountId) => bridge.timers.reconcile(accountId), logger);
}).use(injectLambdaContext(logger));
