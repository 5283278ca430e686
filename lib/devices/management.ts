import type { TokenKeeper } from '../accounts/token-keeper';
import type { EwelinkClient } from '../ewelink/client';
import type { Credentials, DeviceHistoryEntry } from '../ewelink/types';
import { BridgeError, invalidInput } from '../errors';
import { dateTime, integer, mapOf, optional, required, shape, text, type Field } from '../input';
import type { CachedDevice } from '../store/types';
import type { DeviceDirectory } from './directory';

/** A device id as the cloud writes them (`1000000001`): also the `{id}` of device routes. */
export const DEVICE_ID: Field<string> = text({
  description: 'the device id, as `GET /devices` lists it',
  minLength: 1,
  maxLength: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  rule: 'must be a device id: letters, digits, "_" or "-"',
  example: '1000000001',
});

/** A name people read: 1 to 64 characters, at least one visible, no control characters. */
export function displayName(description: string, example: string): Field<string> {
  return text({
    description,
    minLength: 1,
    maxLength: 64,
    pattern: /^(?=.*\S)[^\u0000-\u001F\u007F]+$/,
    rule: 'must have a visible character and no control characters',
    example,
  });
}

export const DEVICE_NAME = displayName('the name the eWeLink app shows', 'Hall lamp');

export const ADD_DEVICE = shape(
  {
    deviceid: required(DEVICE_ID),
    apikey: required(
      text({
        description: "the device's own apikey, read from the device while pairing it",
        minLength: 8,
        maxLength: 64,
        pattern: /^[A-Za-z0-9-]+$/,
        rule: 'must be the apikey the device reported while pairing: letters, digits and "-"',
      }),
    ),
    name: required(DEVICE_NAME),
    chipid: optional(
      text({ description: "the device's chip id, when pairing reported one", minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: 'must be letters, digits, "_" or "-"' }),
    ),
  },
  { description: 'a Wi-Fi device just paired (its id and apikey come from the pairing)', example: { deviceid: '1000000123', apikey: '5a1b6e7c-0d2f-4b1e-9c3a-7e8f9a0b1c2d', name: 'Porch light' } },
);

export const ADD_GSM_DEVICE = shape(
  {
    id: required(
      text({ description: "the GSM id from the QR code on the device", minLength: 1, maxLength: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: 'must be the GSM id from the QR code: letters, digits, "_" or "-"' }),
    ),
    name: required(DEVICE_NAME),
  },
  { description: 'a GSM device, by the id on its QR code', example: { id: 'gsm0123456789', name: 'Gate' } },
);

export const RENAME_DEVICE = shape({ name: required(DEVICE_NAME) }, { example: { name: 'Hall lamp' } });

export const CHANNEL_NAMES = shape(
  {
    names: required(
      mapOf(displayName('the channel name', 'Kettle'), {
        description: 'channel number (0 is the first) to name; every channel of the device not listed here loses its name',
        keyPattern: /^(0|[1-9][0-9]?)$/,
        keyRule: 'must be a channel number: 0, 1, 2 …',
        minProperties: 1,
        maxProperties: 64,
        example: { '0': 'Kettle', '1': 'Toaster' },
      }),
    ),
  },
  { example: { names: { '0': 'Kettle', '1': 'Toaster' } } },
);

export const HISTORY_PAGE_SIZE = 20;
export const HISTORY_QUERY = shape({
  from: optional(dateTime({ description: 'the oldest entry to list (RFC 3339, with its offset)', example: '2024-05-01T00:00:00Z' })),
  to: optional(dateTime({ description: 'the newest entry to list; after `from`', example: '2024-05-08T00:00:00Z' })),
  page: optional(integer({ description: 'which page, 1 is the newest (default 1)', minimum: 1, maximum: 10_000, fromText: true })),
  pageSize: optional(integer({ description: `entries per page (default ${HISTORY_PAGE_SIZE})`, minimum: 1, maximum: 100, fromText: true })),
});

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
  async add(accountId: string, input: unknown): Promise<DeviceSummary> {
    const device = ADD_DEVICE.read(input, '');
    await this.keeper.withCredentials(accountId, (creds) => this.client.addDevice(creds, device));
    return this.listed(accountId, device.deviceid);
  }

  /** Adds a GSM device by the id on its QR code. */
  async addGsm(accountId: string, input: unknown): Promise<DeviceSummary> {
    const { id, name } = ADD_GSM_DEVICE.read(input, '');
    const added = await this.keeper.withCredentials(accountId, (creds) => this.client.addGsmDevice(creds, { id, name }));
    return this.listed(accountId, added.deviceid);
  }

  async rename(accountId: string, deviceid: string, input: unknown): Promise<DeviceSummary> {
    const { name } = RENAME_DEVICE.read(input, '');
    const device = await this.directory.find(accountId, deviceid);
    await this.asOwner(accountId, device, 'rename', (creds) => this.client.renameDevice(creds, deviceid, name));
    await this.directory.forget(accountId);
    return { ...summaryOf(device), name };
  }

  /** Names the channels of a multi-channel device; channels not named lose their name. */
  async setChannelNames(accountId: string, deviceid: string, input: unknown): Promise<{ deviceid: string; names: Record<string, string> }> {
    const { names } = CHANNEL_NAMES.read(input, '');
    const device = await this.directory.find(accountId, deviceid);
    const channels = device.channels ?? 1;
    if (channels < 2) throw invalidInput('names', `device "${deviceid}" has one channel: rename the device instead`);
    for (const channel of Object.keys(names)) {
      if (Number(channel) >= channels) throw invalidInput(`names.${channel}`, `device "${deviceid}" has channels 0 to ${channels - 1}`);
    }
    await this.asOwner(accountId, device, 'name the channels of', (creds) => this.client.setChannelNames(creds, deviceid, names));
    await this.directory.forget(accountId);
    return { deviceid, names };
  }

  /** Removes the device from the account, and from the accounts it is shared with. */
  async remove(accountId: string, deviceid: string): Promise<void> {
    const device = await this.directory.find(accountId, deviceid);
    await this.asOwner(accountId, device, 'delete', (creds) => this.client.deleteDevice(creds, deviceid));
    await this.directory.forget(accountId);
  }

  /** A page of what was done to the device, newest first. */
  async history(accountId: string, deviceid: string, query: Record<string, string>): Promise<DeviceHistory> {
    const { from, to, page = 1, pageSize = HISTORY_PAGE_SIZE } = HISTORY_QUERY.read(query, '');
    if (from !== undefined && to !== undefined && to <= from) throw invalidInput('to', 'must be after from');
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
        throw new BridgeError('not_owner', `device "${device.deviceid}" was shared to this account; only its owner can ${what} it`);
      }
      return task(creds);
    });
  }

  /** The device as a fresh device list shows it (and the list cached again). */
  private async listed(accountId: string, deviceid: string): Promise<DeviceSummary> {
    const device = (await this.directory.fetch(accountId)).find((d) => d.deviceid === deviceid);
    if (!device) throw new BridgeError('cloud_unavailable', `the cloud added device "${deviceid}" but does not list it yet; list the devices again shortly`);
    return summaryOf(device);
  }
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
