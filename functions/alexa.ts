import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { NO_ASSISTANT_TOKENS } from '../lib/accounts/assistant-tokens';
import { alexaHandler } from '../lib/adapters/alexa/lambda';
import { bridgeFromEnv } from '../lib/bridge';

const logger = new Logger({ serviceName: 'ewelink-bridge' });
// Wired once per container (warm invocations reuse the store client, token cache and socket).
void bridgeFromEnv().catch(() => undefined);

/**
 * The Alexa Smart Home skill. Until the OAuth server of account linking is in place no token
 * is valid, so every directive is answered INVALID_AUTHORIZATION_CREDENTIAL.
 */
export const handler = alexaHandler(bridgeFromEnv, { tokens: NO_ASSISTANT_TOKENS, logger }).use(injectLambdaContext(logger));
