import { expect } from 'vitest';
import { fulfill, type GoogleAnswer, type GoogleOptions } from '../../../lib/adapters/google/fulfill';
import { googleSchemaErrors } from '../../support/assistant-schemas';
import { GOOD_TOKEN } from '../../support/assistant-tokens';
import type { Harness } from '../../support/bridge';

const RESPONSE_SCHEMA: Record<string, string> = {
  'action.devices.SYNC': 'intents/sync/sync.response.schema.json',
  'action.devices.QUERY': 'intents/query/query.response.schema.json',
  'action.devices.EXECUTE': 'intents/execute/execute.response.schema.json',
  'action.devices.DISCONNECT': 'intents/disconnect/disconnect.response.schema.json',
};

const STATE_SCHEMAS = ['traits/onoff/onoff.states.schema.json', 'traits/brightness/brightness.states.schema.json'];

/** Checks device states against the trait schemas: OnOff's and Brightness's always, ColorSetting's when a colour is shown. */
export function expectTraitStates(states: Record<string, unknown>): void {
  for (const path of STATE_SCHEMAS) expect(googleSchemaErrors(path, states), `${path}: ${JSON.stringify(states)}`).toEqual([]);
  if ('color' in states) expect(googleSchemaErrors('traits/colorsetting/colorsetting.states.schema.json', states), JSON.stringify(states)).toEqual([]);
}

/**
 * Sends a fulfillment request with a bearer token (the test account's unless given) and checks
 * the answer against the intent's response schema (EXECUTE's, the loosest, when the request
 * names none it knows), and every device state in it against the trait schemas.
 */
export async function send(h: Harness, options: GoogleOptions, request: any, bearer: string | undefined = GOOD_TOKEN): Promise<GoogleAnswer> {
  const answer = await fulfill(h.bridge, request, bearer, options);
  const schema = RESPONSE_SCHEMA[request?.inputs?.[0]?.intent] ?? RESPONSE_SCHEMA['action.devices.EXECUTE']!;
  expect(googleSchemaErrors(schema, answer.body), JSON.stringify(answer.body)).toEqual([]);
  const payload = answer.body.payload as { devices?: unknown; commands?: { states?: Record<string, unknown> }[] } | undefined;
  if (payload?.devices && !Array.isArray(payload.devices)) for (const states of Object.values(payload.devices as Record<string, Record<string, unknown>>)) expectTraitStates(states);
  for (const command of payload?.commands ?? []) if (command.states) expectTraitStates(command.states);
  return answer;
}

let counter = 0;
/** A fresh requestId (a UUID, as Google sends and the schemas require). */
export function requestId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

export const onOff = (on: boolean) => ({ command: 'action.devices.commands.OnOff', params: { on } });

/** An EXECUTE request: one command group for the ids. */
export function executeRequest(ids: string[], execution: { command: string; params?: Record<string, unknown> }[], id = requestId()): unknown {
  return { requestId: id, inputs: [{ intent: 'action.devices.EXECUTE', payload: { commands: [{ devices: ids.map((i) => ({ id: i })), execution }] } }] };
}

export function queryRequest(ids: string[]): unknown {
  return { requestId: requestId(), inputs: [{ intent: 'action.devices.QUERY', payload: { devices: ids.map((id) => ({ id })) } }] };
}
