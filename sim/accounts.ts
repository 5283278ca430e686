import { randomBytes, randomUUID } from 'node:crypto';
import { isRegion, type Region } from '../lib/ewelink/hosts';
import { deviceKind, DEVICE_KINDS, type DeviceKind, type Params } from './device-kinds';
import type { AccountSeed, DeviceSeed } from './types';

export interface Account {
  readonly id: string;
  readonly email: string | undefined;
  readonly phoneNumber: string | undefined;
  readonly password: string;
  readonly region: Region;
  readonly apikey: string;
  readonly nickname: string;
  readonly createdAt: string;
  readonly devices: Map<string, DeviceRecord>;
}

export interface DeviceRecord {
  readonly id: string;
  readonly deviceid: string;
  readonly name: string;
  readonly uiid: number;
  readonly kind: DeviceKind;
  readonly owner: Account;
  readonly devicekey: string;
  readonly createdAt: string;
  readonly tags: Record<string, unknown>;
  online: boolean;
  params: Params;
  onlineTime: string;
  offlineTime: string | undefined;
}

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

  private add(seed: AccountSeed): void {
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
    };
    this.accounts.push(account);
    for (const deviceSeed of seed.devices ?? []) this.addDevice(account, deviceSeed, now);
  }

  private addDevice(owner: Account, seed: DeviceSeed, now: string): void {
    if (this.devices.has(seed.deviceid)) throw new Error(`sim: device ${seed.deviceid} is seeded twice`);
    const kind = deviceKind(seed.uiid);
    if (!kind) {
      throw new Error(`sim: device ${seed.deviceid}: uiid ${seed.uiid} is not simulated (known: ${[...DEVICE_KINDS.keys()].join(', ')})`);
    }
    const online = seed.online ?? true;
    const device: DeviceRecord = {
      id: objectId(),
      deviceid: seed.deviceid,
      name: seed.name,
      uiid: seed.uiid,
      kind,
      owner,
      devicekey: randomUUID(),
      createdAt: now,
      tags: structuredClone(seed.tags ?? {}),
      online,
      params: { ...kind.initialParams(), ...structuredClone(seed.params ?? {}) },
      onlineTime: now,
      offlineTime: online ? undefined : now,
    };
    owner.devices.set(device.deviceid, device);
    this.devices.set(device.deviceid, device);
  }
}
