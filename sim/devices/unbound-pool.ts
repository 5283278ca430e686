import type { Account, AccountBook, DeviceRecord } from '../accounts/account-book';
import { deviceKind } from './kinds';
import type { DeviceSeed, GsmDeviceSeed } from '../types';

/** A failure of the device-adding routes, in their legacy shape `{code, error: "<text>"}`. */
export class AddRefusal extends Error {
  override name = 'AddRefusal';
  constructor(
    readonly code: number,
    readonly text: string,
  ) {
    super(text);
  }

  body(): Record<string, unknown> {
    return { code: this.code, error: this.text };
  }
}

/** The spec's failure texts of `/api/user/device/addGsm`, reused for `/api/user/device/add`. */
export const ADD_TEXTS = {
  empty: 'Device name, id and apikey must not be empty!',
  badId: 'Invalid device id format!',
  failed: 'Add device failed!',
  unknown: 'fd data is null',
  otherBrand: 'Device not belong to this brand!',
  addedAlready: 'Device has already been added!',
  otherUser: 'Device belongs to other user!',
  brandLookup: 'find brand failed!',
  modelLookup: 'find modelInfo failed!',
} as const;

/** Not in the spec: the device apikey given with a Wi-Fi device is not the one it paired with. */
const WRONG_DEVICE_KEY = 'Device apikey does not match!';

const GSM_ID = /^[A-Za-z0-9_-]{6,64}$/;

const REFUSAL_TEXTS: Record<NonNullable<GsmDeviceSeed['refuseWith']>, string> = {
  403: ADD_TEXTS.otherBrand,
  500: ADD_TEXTS.failed,
  502: ADD_TEXTS.brandLookup,
  503: ADD_TEXTS.modelLookup,
};

function checkSeed(seed: DeviceSeed, what: string): void {
  if (!deviceKind(seed.uiid)) throw new Error(`sim: ${what} ${seed.deviceid}: uiid ${seed.uiid} is not simulated`);
}

/**
 * Devices that exist but belong to no account: paired Wi-Fi devices by deviceid, GSM
 * devices by the id of their QR code. Adding one moves it into the account; deleting it
 * from the account puts it back, so it can be added again.
 */
export class UnboundPool {
  private readonly wifi = new Map<string, DeviceSeed>();
  private readonly gsm = new Map<string, GsmDeviceSeed>();
  /** deviceid → gsm id, for every GSM device ever taken from the pool. */
  private readonly gsmIdOf = new Map<string, string>();
  private readonly deviceOfGsm = new Map<string, string>();

  constructor(
    private readonly book: AccountBook,
    wifi: readonly DeviceSeed[],
    gsm: readonly GsmDeviceSeed[],
  ) {
    const ids = new Set<string>();
    const claim = (deviceid: string) => {
      if (ids.has(deviceid) || book.device(deviceid)) throw new Error(`sim: device ${deviceid} is seeded twice`);
      ids.add(deviceid);
    };
    for (const seed of wifi) {
      claim(seed.deviceid);
      checkSeed(seed, 'unbound device');
      if (!seed.devicekey) throw new Error(`sim: unbound device ${seed.deviceid} needs a devicekey (the apikey its pairing reports)`);
      this.wifi.set(seed.deviceid, structuredClone(seed));
    }
    for (const entry of gsm) {
      claim(entry.device.deviceid);
      checkSeed(entry.device, 'GSM device');
      if (!GSM_ID.test(entry.gsmId)) throw new Error(`sim: GSM id "${entry.gsmId}" must be 6 to 64 letters, digits, _ or -`);
      if (this.gsm.has(entry.gsmId)) throw new Error(`sim: GSM id ${entry.gsmId} is seeded twice`);
      this.gsm.set(entry.gsmId, structuredClone(entry));
      this.deviceOfGsm.set(entry.gsmId, entry.device.deviceid);
    }
  }

  /** A paired Wi-Fi device into the account; `devicekey` is the apikey its pairing reported. */
  addWifi(account: Account, deviceid: string, devicekey: string, name: string): DeviceRecord {
    this.refuseIfBound(account, deviceid);
    const seed = this.wifi.get(deviceid);
    if (!seed) throw new AddRefusal(404, ADD_TEXTS.unknown);
    if (seed.devicekey !== devicekey) throw new AddRefusal(403, WRONG_DEVICE_KEY);
    this.wifi.delete(deviceid);
    return this.book.addDevice(account, { ...seed, name });
  }

  /** A GSM device into the account, by the id of its QR code. */
  addGsm(account: Account, gsmId: string, name: string): DeviceRecord {
    if (!GSM_ID.test(gsmId)) throw new AddRefusal(401, ADD_TEXTS.badId);
    const deviceid = this.deviceOfGsm.get(gsmId);
    if (deviceid === undefined) throw new AddRefusal(404, ADD_TEXTS.unknown);
    this.refuseIfBound(account, deviceid);
    const entry = this.gsm.get(gsmId);
    if (!entry) throw new AddRefusal(404, ADD_TEXTS.unknown);
    if (entry.refuseWith) throw new AddRefusal(entry.refuseWith, REFUSAL_TEXTS[entry.refuseWith]);
    this.gsm.delete(gsmId);
    this.gsmIdOf.set(deviceid, gsmId);
    return this.book.addDevice(account, { ...entry.device, name });
  }

  /** A device deleted from its account, back in the pool as it is now (tags and name reset). */
  release(device: DeviceRecord): void {
    const seed: DeviceSeed = {
      deviceid: device.deviceid,
      name: device.deviceid,
      uiid: device.uiid,
      online: device.online,
      params: structuredClone(device.params),
      devicekey: device.devicekey,
    };
    const gsmId = this.gsmIdOf.get(device.deviceid);
    if (gsmId !== undefined) this.gsm.set(gsmId, { gsmId, device: seed });
    else this.wifi.set(device.deviceid, seed);
  }

  private refuseIfBound(account: Account, deviceid: string): void {
    const bound = this.book.device(deviceid);
    if (bound) throw new AddRefusal(409, bound.owner === account ? ADD_TEXTS.addedAlready : ADD_TEXTS.otherUser);
  }
}
