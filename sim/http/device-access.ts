import type { Account, DeviceRecord } from '../accounts/account-book';
import type { SimContext } from '../context';
import { Refusal } from '../errors';
import type { Access, Share } from '../accounts/sharing';
import { deviceView, familyIdOf, loginView, thingView } from '../views';

/*
 * Who may do what with a device: its owner everything; a share receiver may see and control
 * it (timers as the permit allows), but not rename, delete, tag or share it on.
 */

/** A device the account owns or has been shared; any other is as unknown as a missing one (404). */
export function usableDevice(ctx: SimContext, account: Account, deviceid: string): { device: DeviceRecord; access: Access } {
  const device = ctx.book.device(deviceid);
  const access = device && ctx.shares.access(device, account);
  if (!device || !access) throw new Refusal(404, `device ${deviceid} does not exist`);
  return { device, access };
}

/** A device the account owns: 403 when it is only shared to the account, 404 when it is not its at all. */
export function ownedDevice(ctx: SimContext, account: Account, deviceid: string, doing: string): DeviceRecord {
  const { device, access } = usableDevice(ctx, account, deviceid);
  if (access.role !== 'owner') throw new Refusal(403, `device ${deviceid} is shared to this account: only its owner may ${doing}`);
  return device;
}

/** The account's own devices, then those shared to it. */
export function visibleDevices(ctx: SimContext, account: Account): DeviceRecord[] {
  const shared = ctx.shares.sharedWith(account).flatMap((deviceid) => ctx.book.device(deviceid) ?? []);
  return [...account.devices.values(), ...shared];
}

function shareView(share: Share): Record<string, unknown> {
  return {
    ...loginView(share.receiver),
    nickname: share.receiver.nickname,
    permit: share.permit,
    shareTime: share.shareTime,
    ...(share.note !== undefined && { note: share.note }),
  };
}

/** Who shared the device with the account, and with what permit: undefined for the owner. */
function sharedByView(ctx: SimContext, account: Account, device: DeviceRecord): Record<string, unknown> | undefined {
  if (device.owner === account) return undefined;
  const share = ctx.shares.find(device.deviceid, account);
  return (
    share && {
      apikey: device.owner.apikey,
      ...loginView(device.owner),
      nickname: device.owner.nickname,
      permit: share.permit,
      shareTime: share.shareTime,
    }
  );
}

/** The device's entry as this account sees it: its own groups, and the share from its side. */
export function viewFor(ctx: SimContext, account: Account, device: DeviceRecord, withTags: boolean): Record<string, unknown> {
  const groups = ctx.groups.membership(account, device.deviceid);
  if (device.owner === account) return deviceView(device, withTags, { groups, sharedTo: ctx.shares.sharesOf(device.deviceid).map(shareView) });
  const sharedBy = sharedByView(ctx, account, device);
  return deviceView(device, withTags, { groups, sharedTo: [], ...(sharedBy && { sharedBy }) });
}

/** One entry of the v2 thing list: itemType 1 for a device the account owns, 2 for one shared to it. */
export interface ThingItem {
  itemType: 1 | 2;
  itemData: Record<string, unknown>;
  index: number;
}

/**
 * The account's things in one of its homes (v2 families; every home when `familyid` is
 * undefined), in list order, as v2 numbers them: the devices it owns, then those shared to it,
 * which are in its current home. Like the real cloud's, the indexes are not positions (they run
 * from minus the home's count up to -1), so a client that pages by counting is caught.
 */
export function thingsFor(ctx: SimContext, account: Account, familyid?: string): ThingItem[] {
  const homes = familyid === undefined ? account.homes : account.homes.filter((home) => familyIdOf(account, home) === familyid);
  const visible = visibleDevices(ctx, account);
  return homes.flatMap((home) => {
    const devices = visible.filter((device) => (device.owner === account ? device.home : account.homes[0]) === home);
    return devices.map((device, position): ThingItem => {
      const index = position - devices.length;
      const sharedBy = sharedByView(ctx, account, device);
      return { itemType: sharedBy ? 2 : 1, itemData: thingView(device, { familyid: familyIdOf(account, home), index, ...(sharedBy && { sharedBy }) }), index };
    });
  });
}

/** The `apikey` field of a Bearer route: required, and the calling account's own. */
export function callerApikey(input: Record<string, unknown>, account: Account): void {
  const apikey = input['apikey'];
  if (apikey === undefined || apikey === null || apikey === '') throw new Refusal(400, 'apikey is required');
  if (typeof apikey !== 'string') throw new Refusal(400, 'apikey must be a string');
  if (apikey !== account.apikey) throw new Refusal(400, "apikey must be the apikey of the token's account");
}

/** Takes a device out of the sim's accounts: its shares, group places and history go, and it is unbound again. */
export function removeDevice(ctx: SimContext, device: DeviceRecord): void {
  ctx.book.removeDevice(device);
  ctx.shares.forgetDevice(device.deviceid);
  ctx.groups.forgetDevice(device.deviceid);
  ctx.history.forget(device.deviceid);
  ctx.pool.release(device);
}
