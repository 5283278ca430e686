import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { AssistantTokens } from '../lib/accounts/assistant-tokens';
import { alexaHandler } from '../lib/adapters/alexa/lambda';
import { bridgeFromEnv } from '../lib/bridge';

const logger = new Logger({ serviceName: 'ewelink-bridge' });
// Wired once per container (warm invocations reuse the store client, token cache and socket).
void bridgeFromEnv().catch(() => undefined);

/** The bridge's assistant links, reached once the bridge is wired: bearer tokens are checked in the table. */
const tokens: AssistantTokens = {
  verify: async (token) => (await bridgeFromEnv()).assistantLinks.verify(token),
  revoke: async (linkId) => (await bridgeFromEnv()).assistantLinks.revoke(linkId),
};

/** The Alexa Smart Home skill: each directive's bearer token is one the bridge's OAuth server issued (see /oauth/authorize). */
export const handler = alexaHandler(bridgeFromEnv, { tokens, logger }).use(injectLambdaContext(logger));
