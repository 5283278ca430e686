import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { bridgeFromEnv } from '../lib/bridge';
import { invocationBudget, withBudget } from '../lib/deadline';

const logger = new Logger({ serviceName: 'ewelink-bridge' });

/**
 * Scheduled (hourly): brings every device's timers in line with the model. Pending arrays
 * reach devices that came back online, repeat timers follow DST changes, drift is reported.
 * Every account gets its turn; the run fails at the end if any account failed, so it is retried.
 * Its calls end within the function's remaining time, so a hanging table fails the run in time.
 */
export const handler = middy(async (_event: unknown, context: Context) => withBudget(invocationBudget(context), async () => (await bridgeFromEnv()).reconcileTimers(logger))).use(
  injectLambdaContext(logger),
);
