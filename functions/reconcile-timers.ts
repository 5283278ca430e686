import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { bridgeFromEnv } from '../lib/bridge';

const logger = new Logger({ serviceName: 'ewelink-bridge' });

/**
 * Scheduled (hourly): brings every device's timers in line with the model. Pending arrays
 * reach devices that came back online, repeat timers follow DST changes, drift is reported.
 */
export const handler = middy(async () => {
  const bridge = await bridgeFromEnv();
  const reports = [];
  for (const accountId of await bridge.accounts.accountIds()) {
    const report = await bridge.timers.reconcile(accountId);
    logger.info('timers reconciled', { accountId, pushed: report.pushed.length, inSync: report.inSync.length, pending: report.pending, failed: report.failed, drift: report.drift });
    reports.push({ accountId, ...report });
  }
  return reports;
}).use(injectLambdaContext(logger));
