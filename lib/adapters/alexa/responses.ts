import { randomUUID } from 'node:crypto';
import type { AlexaErrorPayload } from './errors';

/*
 * The events the bridge answers Alexa with. Every answer gets its own messageId and carries
 * the directive's correlationToken back; the caller's token is never echoed.
 */

export interface Header {
  namespace: string;
  name: string;
  payloadVersion: '3';
  messageId: string;
  correlationToken?: string;
}

export interface Property {
  namespace: string;
  name: string;
  value: unknown;
  timeOfSample: string;
  uncertaintyInMilliseconds: number;
}

export interface AlexaResponse {
  context?: { properties?: Property[] };
  event: { header: Header; endpoint?: { endpointId: string }; payload: Record<string, unknown> };
}

/** What an answer repeats of its directive. */
export interface Answering {
  correlationToken?: string;
  endpointId?: string;
}

function header(namespace: string, name: string, to: Answering): Header {
  return { namespace, name, payloadVersion: '3', messageId: randomUUID(), ...(to.correlationToken && { correlationToken: to.correlationToken }) };
}

/**
 * An event of the given namespace and name, answering a directive.
 *
 * @example
 * event('Alexa', 'Response', { correlationToken, endpointId }, {}, properties)
 */
export function event(namespace: string, name: string, to: Answering, payload: Record<string, unknown> = {}, properties?: Property[]): AlexaResponse {
  const answer: AlexaResponse = {
    event: { header: header(namespace, name, to), ...(to.endpointId && { endpoint: { endpointId: to.endpointId } }), payload },
  };
  if (properties) answer.context = { properties };
  return answer;
}

/**
 * An ErrorResponse (namespace `Alexa`, or the directive's own for AcceptGrant's).
 *
 * @example
 * errorResponse({ type: 'ENDPOINT_UNREACHABLE', message: 'the device is offline' }, { endpointId })
 */
export function errorResponse(payload: AlexaErrorPayload, to: Answering, namespace = 'Alexa'): AlexaResponse {
  return event(namespace, 'ErrorResponse', to, { ...payload });
}
