import type { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { AssistantTokens } from '../../accounts/assistant-tokens';
import type { Bridge } from '../../bridge';
import { invocationBudget, withBudget } from '../../deadline';
import { ALEXA_BUDGET_MS, answerDirective } from './answer';
import type { AlexaResponse } from './responses';

/**
 * The Alexa skill as a Lambda handler: Alexa invokes it directly with a directive and reads
 * the answer it returns (there is no HTTP in between). The bridge is wired on first use; if it
 * cannot be (no app credentials yet), directives are answered INTERNAL_ERROR and the log says
 * why. Each directive is served within `ALEXA_BUDGET_MS` (less, if the function has less left),
 * which every cloud and DynamoDB call keeps to. Logs the directive, its endpoint, the outcome
 * and the time; never a token.
 *
 * @example
 * export const handler = alexaHandler(bridgeFromEnv, { tokens, logger }).use(injectLambdaContext(logger));
 */
export function alexaHandler(source: Bridge | (() => Promise<Bridge>), options: { tokens: AssistantTokens; logger: Logger }) {
  return middy<unknown, AlexaResponse, Error, Context>(function answerAlexa(event: unknown, context: Context) {
    return withBudget(invocationBudget(context, ALEXA_BUDGET_MS), () => answerDirective(source, event, options));
  });
}
