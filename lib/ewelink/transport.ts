import type { EwelinkError } from './errors';
import type { Region } from './hosts';
import type { CloudApi, CloudDevice, Credentials, DeviceParams, DispatchTarget, RefreshedTokens, StatusChange } from './types';

/** How one device of a batch answered: done, or the typed error the cloud gave for it. */
export type StatusResult = { deviceid: string; ok: true } | { deviceid: string; ok: false; error: EwelinkError };

/**
 * What the rest of the bridge needs from the cloud for a linked account, whichever API the
 * account uses: `EwelinkClient` speaks v1, `EwelinkV2Client` v2, and both give the same
 * device shape and the same typed errors. The operations only v1 has (groups, renaming,
 * history, sharing, passwords) are not part of it: a v2 account has none of them.
 *
 * @example
 * const transport = transports.for(creds.api);
 * const devices = await transport.devices(creds);
 */
export interface CloudTransport {
  readonly api: CloudApi;
  readonly appId: string;
  /** Whether `setStatuses` is one call for every device (v2's batch status), not one call per device (v1). */
  readonly batchesStatus: boolean;
  /** A new access token for the refresh token (the rt may come back unchanged). */
  refresh(rt: string, region: Region): Promise<RefreshedTokens>;
  /** Every device of the account and those shared to it. */
  devices(creds: Credentials): Promise<CloudDevice[]>;
  /** One device, with its current params and online flag. */
  device(creds: Credentials, deviceid: string): Promise<CloudDevice>;
  /** A device's params over HTTP; `names` narrows them. */
  getStatus(creds: Credentials, deviceid: string, names?: string[]): Promise<DeviceParams>;
  /** Sends params to a device over HTTP. */
  setStatus(creds: Credentials, deviceid: string, params: DeviceParams): Promise<void>;
  /** Sends params to several devices: one call on v2, one per device on v1; each device answers for itself. */
  setStatuses(creds: Credentials, changes: StatusChange[]): Promise<StatusResult[]>;
  /** Where the account's WebSocket lives. */
  dispatch(creds: Credentials): Promise<DispatchTarget>;
  /** The socket URL for a dispatch answer. */
  socketUrl(target: DispatchTarget): string;
}

/**
 * One transport per API, picked by what the account was linked through (`creds.api`).
 *
 * @example
 * const transports = new CloudTransports(new EwelinkClient(config), new EwelinkV2Client(config));
 * await transports.for(creds.api).setStatus(creds, deviceid, { switch: 'on' });
 */
export class CloudTransports {
  constructor(
    readonly v1: CloudTransport,
    readonly v2: CloudTransport,
  ) {}

  for(api: CloudApi | undefined): CloudTransport {
    return api === 'v2' ? this.v2 : this.v1;
  }
}

/**
 * The transport for an account's API, from either one transport (a caller that speaks only
 * one API, as older tests wire it) or the pair.
 *
 * @example
 * await transportFor(this.transports, creds.api).devices(creds);
 */
export function transportFor(transports: CloudTransport | CloudTransports, api: CloudApi | undefined): CloudTransport {
  return transports instanceof CloudTransports ? transports.for(api) : transports;
}
