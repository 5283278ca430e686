import { isObject } from './fields';
import type { RequestHold } from './request-hold';
import type { SimFaults } from './types';

const FLAGS = ['dispatchFailing', 'refuseSockets', 'dropSocketBeforeReply', 'dropSocketAfterApply', 'dropHttpAfterApply', 'hangHttp', 'silentHandshake', 'enforceLimits'] as const;

/**
 * The faults, all off; `hangHttp` reads and sets the hold, so lifting it (by any means: a
 * patch, or `sim.faults.hangHttp = false`) releases the held requests.
 *
 * @example
 * const faults = createFaults(new RequestHold(), false);
 * faults.hangHttp = true; // cloud requests now wait
 */
export function createFaults(hold: RequestHold, enforceLimits: boolean): SimFaults {
  return {
    latencyMs: 0,
    dispatchFailing: false,
    refuseSockets: false,
    dropSocketBeforeReply: false,
    dropSocketAfterApply: false,
    dropHttpAfterApply: false,
    get hangHttp() {
      return hold.active;
    },
    set hangHttp(on: boolean) {
      hold.set(on);
    },
    silentHandshake: false,
    enforceLimits,
    silentDevices: new Set(),
  };
}

/**
 * Turns every fault off again (latency 0, no silent device, held requests released), and the
 * enforcement of the limits back to `enforceLimits`, its setting at the start.
 *
 * @example
 * clearFaults(sim.faults, false); // after a test that switched faults on
 */
export function clearFaults(faults: SimFaults, enforceLimits: boolean): void {
  for (const flag of FLAGS) faults[flag] = false;
  faults.enforceLimits = enforceLimits;
  faults.latencyMs = 0;
  faults.silentDevices.clear();
}

/** Faults as JSON (silentDevices as an array). */
export function faultsView(faults: SimFaults): Record<string, unknown> {
  return { ...faults, silentDevices: [...faults.silentDevices] };
}

/** Applies a JSON subset of the faults (silentDevices as an array); throws on a bad field, changing nothing. */
export function applyFaultPatch(faults: SimFaults, patch: unknown): void {
  if (!isObject(patch)) throw new Error('faults must be a JSON object');
  const known: readonly string[] = ['latencyMs', 'silentDevices', ...FLAGS];
  const unknown = Object.keys(patch).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`unknown fault(s): ${unknown.join(', ')}`);

  const { latencyMs, silentDevices } = patch;
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0)) throw new Error('latencyMs must be a number >= 0');
  for (const flag of FLAGS) {
    if (patch[flag] !== undefined && typeof patch[flag] !== 'boolean') throw new Error(`${flag} must be a boolean`);
  }
  if (silentDevices !== undefined && !(Array.isArray(silentDevices) && silentDevices.every((id) => typeof id === 'string'))) {
    throw new Error('silentDevices must be an array of device ids');
  }

  if (typeof latencyMs === 'number') faults.latencyMs = latencyMs;
  for (const flag of FLAGS) {
    const value = patch[flag];
    if (typeof value === 'boolean') faults[flag] = value;
  }
  if (Array.isArray(silentDevices)) {
    faults.silentDevices.clear();
    for (const id of silentDevices as string[]) faults.silentDevices.add(id);
  }
}
