import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createBridge } from '../lib/app';
import { configFromEnv } from '../lib/config';

const logger = new Logger({ serviceName: 'ewelink-bridge' });
const bridge = configFromEnv().then((config) => createBridge(config));

/** Scheduled: refreshes every account token that expires within 7 days. Fails the run if any refresh failed, so the schedule retries. */
export const handler = middy(async () => {
  const report = await (await bridge).keeper.refreshExpiring();
  logger.info('token refresh', { refreshed: report.refreshed.length, current: report.current.length, failed: report.failed });
  if (report.failed.length > 0) throw new Error(`token refresh failed for ${report.failed.map((f) => f.accountId).join(', ')}`);
  return report;
}).use(injectLambdaContext(logger));
