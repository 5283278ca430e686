import type { TokenKeeper } from '../accounts/token-keeper';
import type { EwelinkClient } from '../ewelink/client';
import type { Credentials, DeviceHistoryEntry } from '../ewelink/types';
import { Forbidden, WrongDeviceKey } from '../ewelink/errors';
import { CloudUnavailable, InvalidInput, NotOwner } from '../errors';
import { DateTime, Int, RULE, Text, Type, type Static } from '../schema';
import type { CachedDevice } from './model';
import type { DeviceDirectory } from './directory';

/** A device id as the cloud writes them (`1000000001`): also the `{id}` of device routes. */
export const DEVICE_ID = Text({
  description: 'the device id, as `GET /devices` lists it',
  minLength: 1,
  maxLength: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'must be a device id: letters, digits, "_" or "-"',
  example: '1000000001',
});

/** A name people read: 1 to 64 characters, at least one visible, no control characters or lone surrogates. */
export function displayName(description: string, example: string, maxLength = 64) {
  return Text({
    description,
    minLength: 1,
    maxLength,
    pattern: /^(?=[\s\S]*\S)(?:[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])+$/,
    rule: `must be 1 to ${maxLength} characters with a visible one, and no control characters`,
    example,
  });
}

export const DEVICE_NAME = displayName('the name the eWeLink app shows', 'Hall lamp');

export const ADD_DEVICE = Type.Object(
  {
    deviceid: DEVICE_ID,
    apikey: Text({
      description: "the device's own apikey, read from the device while pairing it",
      minLength: 8,
      maxLength: 64,
      pattern: /^[A-Za-z0-9-]+$/,
      rule: 'must be the apikey the device reported while pairing: letters, digits and "-"',
    }),
    name: DEVICE_NAME,
    chipid: Type.Optional(
      Text({ description: "the device's chip id, when pairing reported one", minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: 'must be letters, digits, "_" or "-"' }),
    ),
  },
  {
    $id: 'AddDevice',
    additionalProperties: false,
    description: 'a Wi-Fi device just paired (its id and apikey come from the pairing)',
    examples: [{ deviceid: '1000000123', apikey: '5a1b6e7c-0d2f-4b1e-9c3a-7e8f9a0b1c2d', name: 'Porch light' }],
  },
);
export type AddDevice = Static<typeof ADD_DEVICE>;

export const ADD_GSM_DEVICE = Type.Object(
  {
    id: Text({ description: 'the GSM id from the QR code on the device', minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: 'must be the GSM id from the QR code: letters, digits, "_" or "-"' }),
    name: DEVICE_NAME,
  },
  { $id: 'AddGsmDevice', additionalProperties: false, description: 'a GSM device, by the id on its QR code', examples: [{ id: 'gsm0123456789', name: 'Gate' }] },
);
export type AddGsmDevice = Static<typeof ADD_GSM_DEVICE>;

export const RENAME_DEVICE = Type.Object({ name: DEVICE_NAME }, { $id: 'RenameDevice', additionalProperties: false, examples: [{ name: 'Hall lamp' }] });

export const CHANNEL_NAMES = Type.Object(
  {
    names: Type.Record(Type.String({ pattern: '^(0|[1-9][0-9]?)$' }), displayName('the channel name', 'Kettle'), {
      description: 'channel number (0 is the first) to name; every channel of the device not listed here loses its name',
      additionalProperties: false,
      minProperties: 1,
      maxProperties: 64,
      'x-key-rule': 'must be a channel number: 0, 1, 2 …',
      [RULE]: 'must be an object of 1 to 64 channel names by channel number',
      examples: [{ '0': 'Kettle', '1': 'Toaster' }],
    }),
  },
  { $id: 'ChannelNames', additionalProperties: false, examples: [{ names: { '0': 'Kettle', '1': 'Toaster' } }] },
);
export type ChannelNames = Static<typeof CHANNEL_NAMES>;

export const HISTORY_PAGE_SIZE = 20;
export const HISTORY_QUERY = Type.Object(
  {
    from: Type.Optional(DateTime({ description: 'the oldest entry to list (RFC 3339, with its offset)', example: '2024-05-01T00:00:00Z' })),
    to: Type.Optional(DateTime({ description: 'the newest entry to list; after `from`', example: '2024-05-08T00:00:00Z' })),
    page: Type.Optional(Int({ description: 'which page, 1 is the newest (default 1)', minimum: 1, maximum: 10_000 })),
    pageSize: Type.Optional(Int({ description: `entries per page (default ${HISTORY_PAGE_SIZE})`, minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type HistoryQuery = Static<typeof HISTORY_QUERY>;

/** A device as the device routes answer it. */
export interface DeviceSummary {
  deviceid: string;
  name: string;
  uiid: number;
  online: boolean;
  channels?: number;
}

/** One operation recorded by the cloud, read into plain terms. */
export interface HistoryEntry {
  /** When, as an ISO date-time. */
  time: string;
  /** Who did it: `device` (by hand, or a device-side timer), `app`, or an integration. */
  source: string;
  /** The account that did it, when it came from an app (perhaps a user it is shared with). */
  account?: string;
  /** What was set, as the device params (`{switch: "on"}`), when the cloud says. */
  params?: unknown;
}

export interface DeviceHistory {
  deviceid: string;
  page: number;
  pageSize: number;
  entries: HistoryEntry[];
}

/**
 * The account's devices as things to manage: add, rename, name channels, delete, read their
 * history. Every input is checked before the cloud is called; a change forgets the cached
 * device list so no route serves the old name.
 *
 * @example
 * await management.rename('default', '1000000001', { name: 'Hall lamp' });
 */
export class DeviceManagement {
  constructor(
    private readonly directory: DeviceDirectory,
    private readonly keeper: TokenKeeper,
    private readonly client: EwelinkClient,
  ) {}

  /** Adds a just-paired Wi-Fi device to the account. */
  async add(accountId: string, device: AddDevice): Promise<DeviceSummary> {
    await this.keeper.requireV1(accountId, 'adding devices');
    await this.keeper.withCredentials(accountId, (creds) => this.client.addDevice(creds, device)).catch((err: unknown) => {
      if (err instanceof WrongDeviceKey) {
        throw new InvalidInput('apikey', `is not the apikey device "${device.deviceid}" reported while pairing: send the apikey the device gave during pairing (pair it again to read it)`, { cause: err });
      }
      throw err instanceof Forbidden ? otherBrand(err, 'deviceid', device.deviceid) : err;
    });
    return this.listed(accountId, device.deviceid);
  }

  /** Adds a GSM device by the id on its QR code. */
  async addGsm(accountId: string, { id, name }: AddGsmDevice): Promise<DeviceSummary> {
    await this.keeper.requireV1(accountId, 'adding devices');
    const added = await this.keeper.withCredentials(accountId, (creds) => this.client.addGsmDevice(creds, { id, name })).catch((err: unknown) => {
      throw err instanceof Forbidden ? otherBrand(err, 'id', id) : err;
    });
    return this.listed(accountId, added.deviceid);
  }

  async rename(accountId: string, deviceid: string, name: string): Promise<DeviceSummary> {
    await this.keeper.requireV1(accountId, 'renaming devices');
    const device = await this.directory.find(accountId, deviceid);
    await this.asOwner(accountId, device, 'rename', (creds) => this.client.renameDevice(creds, deviceid, name));
    await this.directory.forget(accountId);
    return { ...summaryOf(device), name };
  }

  /** Names the channels of a multi-channel device; channels not named lose their name. */
  async setChannelNames(accountId: string, deviceid: string, names: Record<string, string>): Promise<{ deviceid: string; names: Record<string, string> }> {
    await this.keeper.requireV1(accountId, 'naming channels');
    const device = await this.directory.find(accountId, deviceid);
    const channels = device.channels ?? 1;
    if (channels < 2) throw new InvalidInput('names', `device "${deviceid}" has one channel: rename the device instead`);
    for (const channel of Object.keys(names)) {
      if (Number(channel) >= channels) throw new InvalidInput(`names.${channel}`, `device "${deviceid}" has channels 0 to ${channels - 1}`);
    }
    await this.asOwner(accountId, device, 'name the channels of', (creds) => this.client.setChannelNames(creds, deviceid, names));
    await this.directory.forget(accountId);
    return { deviceid, names };
  }

  /** Removes the device from the account, and from the accounts it is shared with. */
  async remove(accountId: string, deviceid: string): Promise<void> {
    await this.keeper.requireV1(accountId, 'deleting devices');
    const device = await this.directory.find(accountId, deviceid);
    await this.asOwner(accountId, device, 'delete', (creds) => this.client.deleteDevice(creds, deviceid));
    await this.directory.forget(accountId);
  }

  /** A page of what was done to the device, newest first. */
  async history(accountId: string, deviceid: string, query: HistoryQuery): Promise<DeviceHistory> {
    await this.keeper.requireV1(accountId, 'device history');
    const { page = 1, pageSize = HISTORY_PAGE_SIZE } = query;
    const from = query.from === undefined ? undefined : Date.parse(query.from);
    const to = query.to === undefined ? undefined : Date.parse(query.to);
    if (from !== undefined && to !== undefined && to <= from) throw new InvalidInput('to', 'must be after from');
    await this.directory.find(accountId, deviceid);
    const entries = await this.keeper.withCredentials(accountId, (creds) =>
      this.client.deviceHistory(creds, deviceid, {
        startTime: from === undefined ? undefined : Math.floor(from / 1000),
        endTime: to === undefined ? undefined : Math.ceil(to / 1000),
        pageSize,
        currentPage: page,
      }),
    );
    return { deviceid, page, pageSize, entries: entries.map(historyEntry) };
  }

  /** Runs `task` if the account owns the device: one shared to it cannot be renamed, named or deleted. */
  private asOwner<T>(accountId: string, device: CachedDevice, what: string, task: (creds: Credentials) => Promise<T>): Promise<T> {
    return this.keeper.withCredentials(accountId, (creds) => {
      if (device.apikey !== creds.apikey) {
        throw new NotOwner(`device "${device.deviceid}" was shared to this account; only its owner can ${what} it`);
      }
      return task(creds);
    });
  }

  /** The device as a fresh device list shows it (and the list cached again). */
  private async listed(accountId: string, deviceid: string): Promise<DeviceSummary> {
    const device = (await this.directory.fetch(accountId)).find((d) => d.deviceid === deviceid);
    if (!device) throw new CloudUnavailable(`the cloud added device "${deviceid}" but does not list it yet; list the devices again shortly`);
    return summaryOf(device);
  }
}

/** The spec's 403 on adding: the device is of a brand this app id may not add. */
function otherBrand(cause: unknown, field: string, id: string): InvalidInput {
  return new InvalidInput(field, `the eWeLink cloud refused device "${id}": it does not belong to this app id's brand, so this app id cannot add it`, { cause });
}

export function summaryOf({ deviceid, name, uiid, online, channels }: CachedDevice): DeviceSummary {
  return { deviceid, name, uiid, online, channels };
}

function historyEntry(raw: DeviceHistoryEntry): HistoryEntry {
  const entry: HistoryEntry = { time: raw.opsTime, source: raw.userAgent };
  if (raw.opsAccount) entry.account = raw.opsAccount;
  if (raw.opsSwitchs !== undefined) entry.params = raw.opsSwitchs;
  return entry;
}
