/**
 * What the bridge knows of a device family from its uiid (see the uiid table in the
 * protocol notes). Unknown uiids are described from the params they report.
 */
export interface PowerLayout {
  /** `switch` for single-channel devices, `switches` (array by outlet) for the rest. */
  form: 'switch' | 'switches';
  channels: number;
}

const FOUR_CHANNEL = [2, 3, 4, 7, 8, 9, 29, 30, 31, 82, 83, 84, 113, 114, 139, 140, 141, 161, 162, 163];
const CHANNELS_BY_UIID: Record<number, number> = {
  2: 2, 3: 3, 4: 4, 7: 2, 8: 3, 9: 4, 29: 2, 30: 3, 31: 4, 82: 2, 83: 3, 84: 4,
  113: 2, 114: 3, 139: 2, 140: 3, 141: 4, 161: 2, 162: 3, 163: 4,
};
/** One channel, but addressed in the multi-channel form. */
const SINGLE_IN_SWITCHES = [77, 78, 81, 107, 112, 138, 160];

/**
 * How a device is switched.
 *
 * @example
 * powerLayout(4, {})          // { form: 'switches', channels: 4 }
 * powerLayout(1, {})          // { form: 'switch', channels: 1 }
 * powerLayout(9999, { switches: [{}, {}] }) // { form: 'switches', channels: 2 }
 */
export function powerLayout(uiid: number, params: Record<string, unknown>): PowerLayout {
  if (FOUR_CHANNEL.includes(uiid)) return { form: 'switches', channels: CHANNELS_BY_UIID[uiid] ?? 4 };
  if (SINGLE_IN_SWITCHES.includes(uiid)) return { form: 'switches', channels: 1 };
  if (Array.isArray(params.switches) && !('switch' in params)) {
    const outlets = params.switches
      .map((s) => (typeof s === 'object' && s !== null ? Number((s as { outlet?: unknown }).outlet) : Number.NaN))
      .filter((n) => Number.isInteger(n) && n >= 0);
    return { form: 'switches', channels: outlets.length > 0 ? Math.max(...outlets) + 1 : params.switches.length };
  }
  return { form: 'switch', channels: 1 };
}
