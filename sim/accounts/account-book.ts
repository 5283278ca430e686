import { randomBytes, randomUUID } from 'node:crypto';
import { isRegion, type Region } from '../../lib/ewelink/hosts';
import { deviceKind, DEVICE_KINDS, type DeviceKind, type Params } from '../devices/kinds';
import type { AccountSeed, DeviceSeed, ShareAnswer } from '../types';

export interface Account {
  readonly id: string;
  readonly email: string | undefined;
  readonly phoneNumber: string | undefined;
  /** Changed by a password reset or change. */
  password: string;
  readonly region: Region;
  readonly apikey: string;
  readonly nickname: string;
  readonly createdAt: string;
  readonly devices: Map<string, DeviceRecord>;
  /** The account's homes (v2 families) by name, the current one first. */
  readonly homes: string[];
  /** How the account answers share invitations while it is online (a person may change their mind). */
  shareAnswer: ShareAnswer;
}

export interface DeviceRecord {
  readonly id: string;
  readonly deviceid: string;
  /** Changed by a rename. */
  name: string;
  /** The legacy `group` field a rename sets (default ''); the groups proper are in GroupBook. */
  group: string;
  readonly uiid: number;
  readonly kind: DeviceKind;
  readonly owner: Account;
  readonly devicekey: string;
  readonly createdAt: string;
  readonly tags: Record<string, unknown>;
  /** The owner's home it is in. */
  readonly home: string;
  online: boolean;
  params: Params;
  onlineTime: string;
  offlineTime: string | undefined;
}

/** Every account's first home, the current one: where devices go unless seeded elsewhere. */
export const FIRST_HOME = 'My Home';

function objectId(): string {
  return randomBytes(12).toString('hex');
}

function present(value: string | undefined): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** The accounts and their devices, built from seeds; a device belongs to exactly one account. */
export class AccountBook {
  private readonly accounts: Account[] = [];
  private readonly devices = new Map<string, DeviceRecord>();

  constructor(seeds: readonly AccountSeed[]) {
    for (const seed of seeds) this.add(seed);
  }

  /** Login lookup: by phone number when one is given, else by e-mail. */
  findForLogin(login: { email?: string | undefined; phoneNumber?: string | undefined }): Account | undefined {
    if (login.phoneNumber !== undefined) return this.accounts.find((a) => a.phoneNumber === login.phoneNumber);
    if (login.email !== undefined) {
      const email = login.email.toLowerCase();
      return this.accounts.find((a) => a.email?.toLowerCase() === email);
    }
    return undefined;
  }

  /** An account by its e-mail or phone number. */
  findByLogin(login: string): Account | undefined {
    return this.findForLogin({ phoneNumber: login }) ?? this.findForLogin({ email: login });
  }

  device(deviceid: string): DeviceRecord | undefined {
    return this.devices.get(deviceid);
  }

  /** Every device of every account. */
  allDevices(): IterableIterator<DeviceRecord> {
    return this.devices.values();
  }

  /** A new account from a seed (registration makes one too); throws when the login or apikey is taken. */
  add(seed: AccountSeed): Account {
    const email = present(seed.email);
    const phoneNumber = present(seed.phoneNumber);
    if (!email && !phoneNumber) throw new Error('sim: an account seed needs an email or a phoneNumber');
    if (!isRegion(seed.region)) throw new Error(`sim: account ${email ?? phoneNumber}: region must be cn, as, eu or us`);
    if (!seed.password) throw new Error(`sim: account ${email ?? phoneNumber}: a password is required`);
    for (const login of [email, phoneNumber]) {
      if (login && this.findByLogin(login)) throw new Error(`sim: two accounts share the login ${login}`);
    }
    const apikey = seed.apikey ?? randomUUID();
    if (this.accounts.some((a) => a.apikey === apikey)) throw new Error(`sim: two accounts share the apikey ${apikey}`);

    const now = new Date().toISOString();
    const account: Account = {
      id: objectId(),
      email,
      phoneNumber,
      password: seed.password,
      region: seed.region,
      apikey,
      nickname: seed.nickname ?? (email ? email.split('@')[0] ?? email : 'eWeLink user'),
      createdAt: now,
      devices: new Map(),
      homes: [FIRST_HOME],
      shareAnswer: seed.shareAnswer ?? 'accept',
    };
    this.accounts.push(account);
    for (const deviceSeed of seed.devices ?? []) this.addDevice(account, deviceSeed, now);
    return account;
  }

  /** Takes a device out of its owner's account and out of the sim. */
  removeDevice(device: DeviceRecord): void {
    device.owner.devices.delete(device.deviceid);
    this.devices.delete(device.deviceid);
  }

  /** Puts a device from a seed into an account (seeding, or adding a paired device); throws when the id is taken. */
  addDevice(owner: Account, seed: DeviceSeed, now = new Date().toISOString()): DeviceRecord {
    if (this.devices.has(seed.deviceid)) throw new Error(`sim: device ${seed.deviceid} is seeded twice`);
    const kind = deviceKind(seed.uiid);
    if (!kind) {
      throw new Error(`sim: device ${seed.deviceid}: uiid ${seed.uiid} is not simulated (known: ${[...DEVICE_KINDS.keys()].join(', ')})`);
    }
    const online = seed.online ?? true;
    const home = seed.home ?? FIRST_HOME;
    if (!owner.homes.includes(home)) owner.homes.push(home);
    const params = { ...kind.initialParams(), ...structuredClone(seed.params ?? {}) };
    kind.measure(params);
    const device: DeviceRecord = {
      id: objectId(),
      deviceid: seed.deviceid,
      name: seed.name,
      group: '',
      uiid: seed.uiid,
      kind,
      owner,
      devicekey: seed.devicekey ?? randomUUID(),
      createdAt: now,
      tags: structuredClone(seed.tags ?? {}),
      home,
      online,
      params,
      onlineTime: now,
      offlineTime: online ? undefined : now,
    };
    owner.devices.set(device.deviceid, device);
    this.devices.set(device.deviceid, device);
    return device;
  }
}
