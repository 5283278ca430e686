import { expect } from 'vitest';
import type { Harness } from './bridge';

/** The error a promise rejected with; fails the test when it resolved. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (err: unknown) => ({ err }),
  );
  if (!('err' in outcome)) throw new Error(`resolved with ${JSON.stringify(outcome.value)}`);
  expect(outcome.err).toBeInstanceOf(Error);
  return outcome.err as Error;
}

/** Everything the simulated cloud received since the last reset: HTTP requests and socket messages. */
export function cloudTraffic(h: Harness): number {
  return h.sim.stats.http + h.sim.stats.socketMessages;
}

/**
 * Calls a route with bad input and checks the answer is 422 `invalid_input` naming `field`,
 * with nothing sent to the cloud.
 */
export async function expectInvalid(h: Harness, method: string, path: string, input: { body?: unknown; raw?: string }, field: string): Promise<void> {
  h.sim.stats.reset();
  const res = await h.call(method, path, input);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
  expect(cloudTraffic(h)).toBe(0);
}
