import { isObject } from './fields';
import type { SimFaults } from './types';

export function createFaults(): SimFaults {
  return { latencyMs: 0, dispatchFailing: false, refuseSockets: false, dropSocketBeforeReply: false, silentDevices: new Set() };
}

/** Faults as JSON (silentDevices as an array). */
export function faultsView(faults: SimFaults): Record<string, unknown> {
  return { ...faults, silentDevices: [...faults.silentDevices] };
}

/** Applies a JSON subset of the faults (silentDevices as an array); throws on a bad field. */
export function applyFaultPatch(faults: SimFaults, patch: unknown): void {
  if (!isObject(patch)) throw new Error('faults must be a JSON object');
  const known = ['latencyMs', 'dispatchFailing', 'refuseSockets', 'dropSocketBeforeReply', 'silentDevices'];
  const unknown = Object.keys(patch).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`unknown fault(s): ${unknown.join(', ')}`);

  const { latencyMs, silentDevices } = patch;
  if (latencyMs !== undefined && !(typeof latencyMs === 'number' && latencyMs >= 0)) throw new Error('latencyMs must be a number >= 0');
  for (const flag of ['dispatchFailing', 'refuseSockets', 'dropSocketBeforeReply'] as const) {
    if (patch[flag] !== undefined && typeof patch[flag] !== 'boolean') throw new Error(`${flag} must be a boolean`);
  }
  if (silentDevices !== undefined && !(Array.isArray(silentDevices) && silentDevices.every((id) => typeof id === 'string'))) {
    throw new Error('silentDevices must be an array of device ids');
  }

  if (typeof latencyMs === 'number') faults.latencyMs = latencyMs;
  for (const flag of ['dispatchFailing', 'refuseSockets', 'dropSocketBeforeReply'] as const) {
    const value = patch[flag];
    if (typeof value === 'boolean') faults[flag] = value;
  }
  if (Array.isArray(silentDevices)) {
    faults.silentDevices.clear();
    for (const id of silentDevices as string[]) faults.silentDevices.add(id);
  }
}
