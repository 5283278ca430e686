import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { bridgeFromEnv } from '../lib/app';
import { handleApiEvent } from '../lib/http-api/lambda';

const logger = new Logger({ serviceName: 'ewelink-bridge' });
// Wired once per container (warm invocations reuse the store client, token cache and socket).
void bridgeFromEnv().catch(() => undefined);

/** The HTTP API: devices, control, webhooks (routes in lib/http-api/routes.ts). */
export const handler = middy(async (event: APIGatewayProxyEventV2) => handleApiEvent(event, bridgeFromEnv, logger)).use(
  injectLambdaContext(logger),
);
