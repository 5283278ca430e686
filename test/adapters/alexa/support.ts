import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { answerDirective, type AlexaOptions } from '../../../lib/adapters/alexa/answer';
import type { AlexaResponse } from '../../../lib/adapters/alexa/responses';
import { alexaSample, alexaSchemaErrors } from '../../support/assistant-schemas';
import { GOOD_TOKEN } from '../../support/assistant-tokens';
import type { Harness } from '../../support/bridge';

export { DEMO, demoAccount } from '../../support/demo-harness';

/** A directive to an endpoint, with a fresh messageId unless given. */
export function directive(namespace: string, name: string, endpointId: string | undefined, payload: Record<string, unknown> = {}, options: { token?: string; messageId?: string } = {}): unknown {
  const scope = { type: 'BearerToken', token: options.token ?? GOOD_TOKEN };
  return {
    directive: {
      header: { namespace, name, payloadVersion: '3', messageId: options.messageId ?? randomUUID(), correlationToken: 'correlation-token' },
      ...(endpointId !== undefined && { endpoint: { endpointId, scope, cookie: {} } }),
      payload,
    },
  };
}

/**
 * One of Amazon's sample directives, aimed at an endpoint of ours with our token. The samples
 * all share one messageId, which would make every one after the first a retry: each gets its own.
 */
export function sample(path: string, endpointId?: string): any {
  const message = alexaSample(path);
  message.directive.header.messageId = randomUUID();
  if (message.directive.endpoint) {
    message.directive.endpoint.endpointId = endpointId;
    message.directive.endpoint.scope.token = GOOD_TOKEN;
  }
  if (message.directive.payload.scope) message.directive.payload.scope.token = GOOD_TOKEN;
  if (message.directive.payload.grantee) message.directive.payload.grantee.token = GOOD_TOKEN;
  return message;
}

/** Sends a directive and checks the answer against Alexa's message schema before handing it back. */
export async function send(h: Harness, options: AlexaOptions, message: unknown): Promise<AlexaResponse> {
  const answer = await answerDirective(h.bridge, message, options);
  expect(alexaSchemaErrors(answer), JSON.stringify(answer)).toEqual([]);
  return answer;
}

/** The value of a context property of an answer. */
export function property(answer: AlexaResponse, namespace: string, name: string): unknown {
  return answer.context?.properties?.find((p) => p.namespace === namespace && p.name === name)?.value;
}

/** The ErrorResponse type of an answer (undefined for any other answer). */
export function errorType(answer: AlexaResponse): unknown {
  return answer.event.header.name === 'ErrorResponse' ? answer.event.payload.type : undefined;
}
