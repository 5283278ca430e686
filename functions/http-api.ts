import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { httpApiHandler } from '../lib/adapters/http/lambda';
import { bridgeFromEnv } from '../lib/bridge';

const logger = new Logger({ serviceName: 'ewelink-bridge' });
// Wired once per container (warm invocations reuse the store client, token cache and socket).
void bridgeFromEnv().catch(() => undefined);

/** The HTTP API: devices, control, webhooks (routes in lib/adapters/http/routes/). */
export const handler = httpApiHandler(bridgeFromEnv, logger).use(injectLambdaContext(logger));
