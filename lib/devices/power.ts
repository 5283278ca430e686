import type { DeviceParams } from '../ewelink/types';

export type Power = 'on' | 'off';

/** How a device is switched. */
export interface PowerLayout {
  /**
   * `switch` or `state` (lights driven by channels) for single-channel devices, `switches` (an
   * array by outlet) for the rest and for a few single-channel ones.
   */
  form: 'switch' | 'switches' | 'state';
  channels: number;
  /**
   * The TH's thermostat: a switch by hand goes with `mainSwitch` and `deviceType: "normal"`, so
   * the device's own temperature rule does not switch it straight back.
   */
  byHand?: boolean;
}

/**
 * The params that set `power` on the given channels (every channel when `channels` is
 * undefined). On a multi-channel device only those outlets are sent: a full array would
 * overwrite the others with whatever the caller last knew of them.
 *
 * @example
 * powerParams({ form: 'switches', channels: 4 }, 'on', [2]) // { switches: [{ switch: 'on', outlet: 2 }] }
 * powerParams({ form: 'state', channels: 1 }, 'off')        // { state: 'off' }
 */
export function powerParams(layout: PowerLayout, power: Power, channels?: number[]): DeviceParams {
  if (layout.form === 'state') return { state: power };
  if (layout.form === 'switch') return layout.byHand ? { switch: power, mainSwitch: power, deviceType: 'normal' } : { switch: power };
  const outlets = channels ?? Array.from({ length: layout.channels }, (_, i) => i);
  return { switches: outlets.map((outlet) => ({ switch: power, outlet })) };
}

/** The top-level param that holds the power. */
export function powerParam(layout: PowerLayout): string {
  return layout.form;
}

/** Power per channel as the params report it; channels the params don't mention are left out. */
export function readPower(layout: PowerLayout, params: DeviceParams): { channel: number; power: Power }[] {
  if (layout.form !== 'switches') {
    const value = params[layout.form];
    return value === 'on' || value === 'off' ? [{ channel: 0, power: value }] : [];
  }
  const list = Array.isArray(params.switches) ? params.switches : [];
  const out: { channel: number; power: Power }[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const { switch: state, outlet } = entry as { switch?: unknown; outlet?: unknown };
    if ((state === 'on' || state === 'off') && Number.isInteger(outlet) && (outlet as number) < layout.channels) {
      out.push({ channel: outlet as number, power: state });
    }
  }
  return out.sort((a, b) => a.channel - b.channel);
}
