import { BadRequest, CloudFailure, deviceAddError, EwelinkError, followRegion, passwordChangeError } from './errors';
import { DEFAULT_API_URL, dispatchTarget, globalUrl, isRegion, regionUrl, socketUrl, type Region } from './hosts';
import { isObject, toDevice } from './device-shape';
import { CloudHttp, type Call, type Reply } from './http';
import { accountLane, type Politeness } from './politeness';
import type { CloudTransport, StatusResult } from './transport';
import type {
  CloudDevice,
  CloudGroup,
  CloudUser,
  Credentials,
  DeviceHistoryEntry,
  DeviceParams,
  DispatchTarget,
  StatusChange,
  TokenGrant,
} from './types';

export interface ClientConfig {
  appId: string;
  appSecret: string;
  /** Host template with `{region}`; default the real cloud, `https://{region}-api.coolkit.cc:8080`. */
  apiUrl?: string;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
  /** The rate limiter the calls wait on (default the process's `cloudPoliteness`). */
  politeness?: Politeness;
}

export type LoginIdentity = { email: string; phoneNumber?: undefined } | { phoneNumber: string; email?: undefined };

/** What `/api/sms` sends a code for: 0 registration, 1 password reset, 3 closing the account, 4 WeChat login. */
export type VerificationPurpose = '0' | '1' | '3' | '4';

/** A Wi-Fi device as pairing reports it, for `addDevice`. `apikey` is the device's own, not the account's. */
export interface NewDevice {
  deviceid: string;
  apikey: string;
  name: string;
  chipid?: string;
  isSub?: 0 | 1;
  subDeviceId?: string;
}

/** A time range (seconds) and page for `deviceHistory`; pageSize and currentPage go together, pages count from 1. */
export interface HistoryQuery {
  startTime?: number;
  endTime?: number;
  pageSize?: number;
  currentPage?: number;
}

/** One device moving between groups: `from` the group it leaves, `to` the one it joins; no `to` = out of `from`. */
export interface GroupMove {
  deviceid: string;
  from?: string;
  to?: string;
}

/**
 * The eWeLink v1 HTTP API (interface version 8): one method per operation, errors as typed
 * `EwelinkError`s. Regions are followed: a 301 answer is retried once at the region it names.
 * It is the v1 `CloudTransport`; a personal app id gets `NotAvailableForApp` (407) on every call.
 *
 * @example
 * const client = new EwelinkClient({ appId, appSecret });
 * const grant = await client.login({ email: 'me@example.com' }, 'secret', 'eu');
 * const devices = await client.devices({ at: grant.at, apikey: grant.user.apikey, region: grant.region });
 */
export class EwelinkClient implements CloudTransport {
  readonly api = 'v1' as const;
  readonly batchesStatus = false;
  readonly apiUrl: string;
  private readonly http: CloudHttp;

  constructor(readonly config: ClientConfig) {
    this.apiUrl = config.apiUrl ?? DEFAULT_API_URL;
    this.http = new CloudHttp({ appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs, politeness: config.politeness });
  }

  get appId(): string {
    return this.config.appId;
  }

  /** The region the cloud assigns to this app (and country code), from the region-less host. */
  async region(countryCode?: string): Promise<Region> {
    const reply = await this.http.send(globalUrl(this.apiUrl), {
      operation: 'region',
      method: 'GET',
      path: '/api/user/region',
      auth: { kind: 'sign' },
      params: { country_code: countryCode },
    });
    if (!isRegion(reply.region)) throw new CloudFailure(0, 'region', 'region: the cloud did not name a known region');
    return reply.region;
  }

  /** Logs in by e-mail or phone number; follows the account to its region. */
  async login(identity: LoginIdentity, password: string, region: Region): Promise<TokenGrant> {
    const reply = await this.inRegion(region, {
      operation: 'login',
      method: 'POST',
      path: '/api/user/login',
      auth: { kind: 'sign' },
      params: { ...identity, password },
    });
    return toGrant(reply.reply, reply.region, 'login');
  }

  /** Trades the refresh token for a new access token. */
  async refresh(rt: string, region: Region): Promise<TokenGrant> {
    const reply = await this.inRegion(region, {
      operation: 'refresh',
      method: 'GET',
      path: '/api/user/refresh',
      auth: { kind: 'sign' },
      params: { grantType: 'refresh', rt },
    });
    return toGrant(reply.reply, reply.region, 'refresh');
  }

  /**
   * Asks the cloud to send a verification code to an e-mail address or phone number.
   *
   * @example
   * await client.sendVerificationCode({ email: 'me@example.com' }, '0', 'eu'); // then register()
   */
  async sendVerificationCode(to: LoginIdentity, sendType: VerificationPurpose, region: Region): Promise<void> {
    // The spec: an e-mail address goes in `email`, a phone number in `to`, never both.
    const address = to.email !== undefined ? { email: to.email } : { to: to.phoneNumber };
    await this.inRegion(region, { operation: 'sms', method: 'POST', path: '/api/sms', auth: { kind: 'sign' }, params: { sendType, ...address } });
  }

  /**
   * Creates an account with a code from `sendVerificationCode(…, '0', …)` and logs it in.
   *
   * @example
   * const grant = await client.register({ email: 'me@example.com' }, 'secret12', '1234', 'eu');
   */
  async register(identity: LoginIdentity, password: string, verificationCode: string, region: Region): Promise<TokenGrant> {
    const reply = await this.inRegion(region, {
      operation: 'register',
      method: 'POST',
      path: '/api/user/register',
      auth: { kind: 'sign' },
      params: { ...identity, password, verificationCode },
    });
    return toGrant(reply.reply, reply.region, 'register');
  }

  /** Sets a new password with a code from `sendVerificationCode(…, '1', …)`; answers with fresh tokens. */
  async resetPassword(identity: LoginIdentity, newPassword: string, verificationCode: string, region: Region): Promise<TokenGrant> {
    const reply = await this.inRegion(region, {
      operation: 'resetPassword',
      method: 'POST',
      path: '/api/user/password/reset',
      auth: { kind: 'sign' },
      params: { ...identity, password: newPassword, verificationCode },
    });
    return toGrant(reply.reply, reply.region, 'resetPassword');
  }

  /** Changes the password of a logged-in account; a wrong old password is an `AuthFailed`. */
  async changePassword(creds: Credentials, oldPassword: string, newPassword: string): Promise<void> {
    const reply = await this.authorised(creds, 'changePassword', 'POST', '/api/user/password', { oldPassword, newPassword }, legacyPasswordFailure);
    // A legacy answer: `{message}` is success, `{error: "<text>"}` failure (handled above).
    if (typeof reply.message !== 'string') {
      throw new CloudFailure(0, 'changePassword', 'changePassword: the cloud answered with neither a message nor an error');
    }
  }

  /**
   * Adds a paired Wi-Fi device (or a sub-device, with `isSub: 1`) to the account.
   *
   * @example
   * const device = await client.addDevice(creds, { deviceid: '1000000001', apikey: deviceApikey, name: 'Lamp' });
   */
  async addDevice(creds: Credentials, device: NewDevice): Promise<CloudDevice> {
    const reply = await this.authorised(
      creds,
      'addDevice',
      'POST',
      '/api/user/device/add',
      {
        deviceid: device.deviceid,
        apikey: device.apikey,
        name: device.name,
        isSub: device.isSub ?? 0,
        subDeviceId: device.subDeviceId,
        chipid: device.chipid,
      },
      legacyAddFailure('addDevice'),
    );
    return toDevice(reply.device ?? reply, 'addDevice');
  }

  /** Adds a GSM device by the id in its QR code. */
  async addGsmDevice(creds: Credentials, device: { id: string; name: string }): Promise<CloudDevice> {
    const reply = await this.authorised(creds, 'addGsmDevice', 'POST', '/api/user/device/addGsm', { id: device.id, name: device.name }, legacyAddFailure('addGsmDevice'));
    return toDevice(reply.device ?? reply, 'addGsmDevice');
  }

  /** Removes a device from the account (its shares go with it). */
  async deleteDevice(creds: Credentials, deviceid: string, options: { isSub?: 0 | 1; subDeviceId?: string } = {}): Promise<void> {
    await this.authorised(creds, 'deleteDevice', 'DELETE', `/api/user/device/${encodeURIComponent(deviceid)}`, {
      deviceid,
      apikey: creds.apikey,
      isSub: options.isSub ?? 0,
      subDeviceId: options.subDeviceId,
    });
  }

  /** Renames a device; `group` is the legacy group field, empty by default. */
  async renameDevice(creds: Credentials, deviceid: string, name: string, group = ''): Promise<void> {
    await this.authorised(creds, 'renameDevice', 'POST', `/api/user/device/${encodeURIComponent(deviceid)}`, {
      deviceid,
      apikey: creds.apikey,
      name,
      group,
    });
  }

  /**
   * Names the channels of a multi-channel device (the `ck_channel_name` tag).
   *
   * @example
   * await client.setChannelNames(creds, '1000000004', { '0': 'Kitchen', '1': 'Hall' });
   */
  async setChannelNames(creds: Credentials, deviceid: string, names: Record<string, string>): Promise<void> {
    await this.authorised(creds, 'setChannelNames', 'POST', '/api/user/tags', {
      deviceid,
      apikey: creds.apikey,
      key: 'ck_channel_name',
      value: names,
    });
  }

  /**
   * A device's operation records, newest first: a time range in seconds, and a page
   * (`pageSize` with `currentPage`, counted from 1).
   *
   * @example
   * const today = await client.deviceHistory(creds, deviceid, { startTime: midnightSec });
   */
  async deviceHistory(creds: Credentials, deviceid: string, query: HistoryQuery = {}): Promise<DeviceHistoryEntry[]> {
    const { startTime, endTime, pageSize, currentPage } = query;
    checkHistoryQuery(query);
    const reply = await this.authorised(creds, 'deviceHistory', 'POST', '/api/user/deviceHistory', {
      deviceid,
      apikey: creds.apikey,
      // Typed as the spec's table types them: startTime a number, the other three strings.
      startTime,
      endTime: endTime === undefined ? undefined : String(endTime),
      pageSize: pageSize === undefined ? undefined : String(pageSize),
      currentPage: currentPage === undefined ? undefined : String(currentPage),
    });
    const list = reply.deviceHistories;
    if (!Array.isArray(list)) throw new CloudFailure(0, 'deviceHistory', 'deviceHistory: the cloud sent no deviceHistories');
    return list.map((entry) => toHistoryEntry(entry));
  }

  /** The account's device groups. */
  async groups(creds: Credentials): Promise<CloudGroup[]> {
    const reply = await this.authorised(creds, 'groups', 'GET', '/api/group', { groupType: 0, apikey: creds.apikey });
    const list = reply.groupinfos;
    if (!Array.isArray(list)) throw new CloudFailure(0, 'groups', 'groups: the cloud sent no groupinfos');
    return list.map((group) => toGroup(group));
  }

  /** Creates a device group at position `index`; answers its id. */
  async createGroup(creds: Credentials, name: string, index: number): Promise<string> {
    const reply = await this.authorised(creds, 'createGroup', 'POST', '/api/group', { index, name, groupType: 0, apikey: creds.apikey });
    const id = reply.groupid;
    if ((typeof id !== 'string' && typeof id !== 'number') || id === '') {
      throw new CloudFailure(0, 'createGroup', 'createGroup: the cloud did not name the new group');
    }
    return String(id);
  }

  /** Renames and reorders a device group. */
  async updateGroup(creds: Credentials, id: string, changes: { name: string; index: number }): Promise<void> {
    await this.authorised(creds, 'updateGroup', 'PUT', '/api/group', { id, index: changes.index, name: changes.name, groupType: 0, apikey: creds.apikey });
  }

  /** Deletes a device group; its devices become ungrouped. */
  async deleteGroup(creds: Credentials, id: string): Promise<void> {
    await this.authorised(creds, 'deleteGroup', 'DELETE', '/api/group', { id, type: 0, apikey: creds.apikey });
  }

  /**
   * Moves devices between groups in one call; a move without `to` takes the device out of `from`.
   *
   * @example
   * await client.moveDevices(creds, [{ deviceid: '1000000001', to: kitchenId }]);
   */
  async moveDevices(creds: Credentials, moves: GroupMove[]): Promise<void> {
    if (moves.length === 0) throw new BadRequest(400, 'moveDevices', 'moveDevices: no device to move');
    const deviceinfos = moves.map((move) => ({ source_id: move.from ?? '', target_id: move.to ?? '', deviceid: move.deviceid, type: 1 }));
    await this.authorised(creds, 'moveDevices', 'POST', '/api/group/addDevice', { deviceinfos, groupType: 0, apikey: creds.apikey });
  }

  /** Every device of the account (and those shared to it). */
  async devices(creds: Credentials, options: { getTags?: boolean; lang?: 'en' | 'cn' } = {}): Promise<CloudDevice[]> {
    const reply = await this.authorised(creds, 'deviceList', 'GET', '/api/user/device', {
      lang: options.lang ?? 'en',
      getTags: options.getTags ? 1 : undefined,
    });
    const list = reply.devicelist;
    if (!Array.isArray(list)) throw new CloudFailure(0, 'deviceList', 'deviceList: the cloud sent no device list');
    return list.map((d) => toDevice(d, 'deviceList'));
  }

  /** One device, with its current params and online flag. */
  async device(creds: Credentials, deviceid: string): Promise<CloudDevice> {
    const reply = await this.authorised(creds, 'device', 'GET', `/api/user/device/${encodeURIComponent(deviceid)}`, {
      deviceid,
      apikey: creds.apikey,
    });
    // The cloud puts the device's fields at the top level beside `error` (as the spec's example
    // shows); its table names a `device` field, so that shape is read too.
    const { error: _status, ...fields } = reply;
    return toDevice(isObject(reply.device) ? reply.device : fields, 'device');
  }

  /** Current params of a device over HTTP; `names` narrows them (`['switch', 'timers']`). */
  async getStatus(creds: Credentials, deviceid: string, names?: string[]): Promise<DeviceParams> {
    const reply = await this.authorised(creds, 'getStatus', 'GET', '/api/user/device/status', {
      deviceid,
      params: names && names.length > 0 ? names.join('|') : undefined,
    });
    return isObject(reply.params) ? reply.params : {};
  }

  /** Sends params to a device over HTTP (the fallback when no WebSocket can be had). */
  async setStatus(creds: Credentials, deviceid: string, params: DeviceParams): Promise<void> {
    await this.authorised(creds, 'setStatus', 'POST', '/api/user/device/status', { deviceid, params });
  }

  /**
   * Sends params to several devices. v1 has no batch call: one status call per device, each
   * waiting its turn on that one endpoint under the cloud's limits (500 ms apart), so a scene
   * without a socket takes half a second a device; each device answers for itself, one whose
   * turn falls past the budget as `CloudPaced`.
   *
   * @example
   * const results = await client.setStatuses(creds, [{ deviceid: lamp, params: { switch: 'on' } }]);
   */
  async setStatuses(creds: Credentials, changes: StatusChange[]): Promise<StatusResult[]> {
    return Promise.all(
      changes.map(async ({ deviceid, params }): Promise<StatusResult> => {
        try {
          await this.setStatus(creds, deviceid, params);
          return { deviceid, ok: true };
        } catch (err) {
          if (!(err instanceof EwelinkError)) throw err;
          return { deviceid, ok: false, error: err };
        }
      }),
    );
  }

  /** Where to open the account's WebSocket. */
  async dispatch(creds: Credentials): Promise<DispatchTarget> {
    return dispatchTarget(await this.authorised(creds, 'dispatch', 'POST', '/dispatch/app', { accept: 'ws' }));
  }

  socketUrl(target: DispatchTarget): string {
    return socketUrl(this.apiUrl, target.domain, target.port);
  }

  /** A Bearer call at the credentials' region; a 301 moves `creds.region` and retries once. */
  private async authorised(
    creds: Credentials,
    operation: string,
    method: Call['method'],
    path: string,
    params: Record<string, unknown>,
    legacyFailure?: Call['legacyFailure'],
  ): Promise<Reply> {
    const call: Call = { operation, method, path, auth: { kind: 'bearer', at: creds.at }, account: accountLane(creds), params, legacyFailure };
    const { reply, region } = await this.inRegion(creds.region, call);
    creds.region = region;
    return reply;
  }

  private async inRegion(region: Region, call: Call): Promise<{ reply: Reply; region: Region }> {
    const { result, region: answered } = await followRegion(region, (at) => this.http.send(regionUrl(this.apiUrl, at), call));
    return { reply: result, region: answered };
  }
}

function toGrant(reply: Reply, askedRegion: Region, operation: string): TokenGrant {
  const user = reply.user;
  if (typeof reply.at !== 'string' || typeof reply.rt !== 'string' || !isObject(user) || typeof user.apikey !== 'string') {
    throw new CloudFailure(0, operation, `${operation}: the cloud's answer lacks at, rt or user.apikey`);
  }
  return { at: reply.at, rt: reply.rt, region: isRegion(reply.region) ? reply.region : askedRegion, user: user as CloudUser };
}

/** A number sent as a string (as the cloud sometimes does), or undefined. */
function numeric(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return undefined;
}

/** A text that is not a number in disguise: what legacy failures put in `error`. */
function failureText(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && numeric(value) === undefined ? value : undefined;
}

function legacyPasswordFailure(reply: Reply): EwelinkError | undefined {
  const text = failureText(reply.error);
  return text === undefined ? undefined : passwordChangeError(text);
}

/** `{code: <n>, error: "<text>"}`, the failure shape of the device-adding calls. */
function legacyAddFailure(operation: string): (reply: Reply) => EwelinkError | undefined {
  return (reply) => {
    const code = numeric(reply.code);
    const text = failureText(reply.error);
    const failed = text !== undefined || (code !== undefined && code !== 0 && code !== 200);
    return failed ? deviceAddError(code === 0 || code === 200 ? undefined : code, text, operation) : undefined;
  };
}

/** The largest seconds timestamp; above it, a value is milliseconds. */
const LAST_SECOND = 1e11;

function checkHistoryQuery(query: HistoryQuery): void {
  const refuse = (why: string) => new BadRequest(400, 'deviceHistory', `deviceHistory: ${why}`);
  if ((query.pageSize === undefined) !== (query.currentPage === undefined)) throw refuse('pageSize and currentPage go together: give both or neither');
  for (const name of ['startTime', 'endTime'] as const) {
    const value = query[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value < LAST_SECOND)) throw refuse(`${name} must be a timestamp in whole seconds`);
  }
  for (const name of ['pageSize', 'currentPage'] as const) {
    const value = query[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw refuse(`${name} must be a whole number from 1`);
  }
  if (query.startTime !== undefined && query.endTime !== undefined && query.startTime > query.endTime) throw refuse('startTime is after endTime');
}

/** A JSON string parsed; the string itself when it is not JSON (or not a string at all). */
function parsedJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function toHistoryEntry(raw: unknown): DeviceHistoryEntry {
  if (!isObject(raw) || typeof raw.deviceid !== 'string') {
    throw new CloudFailure(0, 'deviceHistory', 'deviceHistory: the cloud sent a record without a deviceid');
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
  return {
    hid: text(raw.hid),
    userAgent: text(raw.userAgent),
    apikey: text(raw.apikey),
    ...(typeof raw.opsAccount === 'string' && { opsAccount: raw.opsAccount }),
    opsTime: text(raw.opsTime),
    deviceid: raw.deviceid,
    opsSwitchs: parsedJson(raw.opsSwitchs),
    opsDate: numeric(raw.opsDate) ?? 0,
    ttlTime: numeric(raw.ttlTime) ?? 0,
    subType: numeric(raw.subType) ?? 0,
    request: parsedJson(raw.request),
    type: numeric(raw.type) ?? 0,
  };
}

function toGroup(raw: unknown): CloudGroup {
  if (!isObject(raw) || (typeof raw.id !== 'string' && typeof raw.id !== 'number')) {
    throw new CloudFailure(0, 'groups', 'groups: the cloud sent a group without an id');
  }
  return {
    id: String(raw.id),
    name: typeof raw.name === 'string' ? raw.name : '',
    // The spec's example leaves index and createdAt out.
    index: numeric(raw.index) ?? 0,
    ...(typeof raw.createdAt === 'string' && { createdAt: raw.createdAt }),
  };
}
