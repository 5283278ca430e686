import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { answerDirective, type AlexaOptions } from '../../../lib/adapters/alexa/handler';
import type { AlexaResponse } from '../../../lib/adapters/alexa/responses';
import { demoSeed } from '../../../sim/demo-seed';
import type { AccountSeed } from '../../../sim';
import { alexaSample, alexaSchemaErrors } from '../../support/assistant-schemas';
import { GOOD_TOKEN } from '../../support/assistant-tokens';
import type { Harness } from '../../support/bridge';

/** The demo account (every family the demo has), under the harness's login. */
export function demoAccount(): AccountSeed {
  return { ...demoSeed({}), email: 'owner@example.com', password: 'owner-password' };
}

export const DEMO = {
  lamp: '1000000001',
  strip: '1000000004',
  garage: '1000000009',
  dimmer: '1000000044',
  ledStrip: '1000000059',
  whiteBulb: '1000000013',
  colourBulb: '1000000014',
  heater: '1000000015',
  washer: '1000000005',
} as const;

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
