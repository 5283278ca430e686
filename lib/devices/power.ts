import type { DeviceParams } from '../ewelink/types';
import type { PowerLayout } from './catalogue';

export type Power = 'on' | 'off';

/** The params that set `power` on the given channels (every channel when `channels` is undefined). */
export function powerParams(layout: PowerLayout, power: Power, channels?: number[]): DeviceParams {
  if (layout.form === 'switch') return { switch: power };
  const outlets = channels ?? Array.from({ length: layout.channels }, (_, i) => i);
  return { switches: outlets.map((outlet) => ({ switch: power, outlet })) };
}

/** Power per channel as the params report it; channels the params don't mention are left out. */
export function readPower(layout: PowerLayout, params: DeviceParams): { channel: number; power: Power }[] {
  if (layout.form === 'switch') {
    return params.switch === 'on' || params.switch === 'off' ? [{ channel: 0, power: params.switch }] : [];
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
