import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { bridgeFromEnv } from '../lib/bridge';
import { invocationBudget, withBudget } from '../lib/deadline';

const logger = new Logger({ serviceName: 'ewelink-bridge' });

/**
 * Scheduled: refreshes every account token that expires within 7 days. Fails the run if any
 * refresh failed, so it is retried. Its calls end within the function's remaining time.
 */
export const handler = middy(async (_event: unknown, context: Context) => {
  const report = await withBudget(invocationBudget(context), async () => (await bridgeFromEnv()).accounts.refreshExpiring());
  const summary = { refreshed: report.refreshed.length, current: report.current.length, failed: report.failed };
  if (report.failed.length > 0) logger.error('token refresh failed', summary);
  else logger.info('token refresh', summary);
  if (report.failed.length > 0) throw new Error(`token refresh failed for ${report.failed.map((f) => f.accountId).join(', ')}`);
  return report;
}).use(injectLambdaContext(logger));
