import type { DeviceTarget } from '../../assistants/targets';
import { withinDeadline } from '../../deadline';
import type { DeviceState } from '../../devices/controller';
import { noAnswerInTime } from '../../errors';
import { googleStates } from './devices';
import { googleErrorCode } from './errors';
import type { IntentContext } from './execute';

/**
 * Answers a QUERY with live state: each device read once (the channels of a power strip share
 * one read), all at once, each within the deadline. An offline device is `online: false` with
 * `deviceOffline`; one the account lacks is `deviceNotFound`.
 *
 * @example
 * await query(ctx, [{ id: '1000000001' }]) // { devices: { '1000000001': { online: true, status: 'SUCCESS', on: false } } }
 */
export async function query(ctx: IntentContext, devices: { id: string }[]): Promise<{ devices: Record<string, Record<string, unknown>> }> {
  const reads = new Map<string, Promise<DeviceState>>();
  const stateOf = (target: DeviceTarget) => {
    let read = reads.get(target.deviceid);
    if (!read) {
      read = withinDeadline(ctx.bridge.controller.state(ctx.accountId, target.deviceid), ctx.deadlineMs, noAnswerInTime);
      reads.set(target.deviceid, read);
    }
    return read;
  };
  const answers = await Promise.all(
    devices.map(async ({ id }): Promise<[string, Record<string, unknown>]> => {
      try {
        const target = await ctx.bridge.targets.find(ctx.accountId, id);
        if (target.kind === 'scene') return [id, { online: true, status: 'SUCCESS' }];
        const state = await stateOf(target);
        if (!state.online) return [id, { online: false, status: 'OFFLINE', errorCode: 'deviceOffline' }];
        return [id, { online: true, status: 'SUCCESS', ...googleStates(target, state) }];
      } catch (err) {
        const { code, internal } = googleErrorCode(err);
        if (internal) ctx.onInternal(err);
        return [id, { online: false, status: code === 'deviceOffline' ? 'OFFLINE' : 'ERROR', errorCode: code }];
      }
    }),
  );
  return { devices: Object.fromEntries(answers) };
}
