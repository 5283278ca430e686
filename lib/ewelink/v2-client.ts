import { isObject, thingToDevice } from './device-shape';
import { CloudFailure, cloudError, followRegion, NotFound } from './errors';
import { DEFAULT_DISPATCH_URL, DEFAULT_LOGIN_PAGE_URL, DEFAULT_V2_API_URL, dispatchTarget, regionUrl, socketUrl, type Region } from './hosts';
import { oauthLoginUrl } from './oauth-login';
import type { CloudTransport, StatusResult } from './transport';
import type { CloudDevice, CloudFamily, CloudUser, Credentials, DeviceParams, DispatchTarget, OAuthTokens, RefreshedTokens, StatusChange } from './types';
import { accountLane, type Politeness } from './politeness';
import { CloudHttpV2, type V2Call } from './v2-http';

export interface V2ClientConfig {
  appId: string;
  appSecret: string;
  /** REST host template with `{region}`; default the real cloud's, `https://{region}-apia.coolkit.cc`. */
  apiUrl?: string;
  /** Dispatch host template with `{region}`; default `https://{region}-dispa.coolkit.cc`. */
  dispatchUrl?: string;
  /** The OAuth 2.0 login page; default the vendor's. */
  loginPageUrl?: string;
  /** Per-request timeout, ms. */
  timeoutMs?: number;
  /** The rate limiter the calls wait on (default the process's `cloudPoliteness`). */
  politeness?: Politeness;
  /**
   * How many things to ask for per page of the thing list; default 0, all in one answer. Pages
   * are followed whenever the cloud sends fewer than the total it names.
   */
  thingPageSize?: number;
}

/** v2's thing type for a device (2 is a group). */
const DEVICE = 1;
/** More pages than this is a cloud that does not move on: stop rather than loop. */
const MAX_PAGES = 100;

/**
 * The eWeLink v2 HTTP API, as far as a personal app id may call it: the OAuth 2.0 login link,
 * the code exchange, refresh and unlink, the homes, the thing list (as the same devices v1 lists),
 * thing status read and write, many devices in one call, and the dispatch of the socket, whose
 * protocol is v1's. Errors are the same typed `EwelinkError`s as v1's; a 301 is followed once.
 *
 * @example
 * const v2 = new EwelinkV2Client({ appId, appSecret });
 * const link = v2.loginUrl('https://bridge.example.com/ewelink/oauth/callback', state);
 * // … the person signs in and lands on the callback with code, region and state …
 * const tokens = await v2.exchangeCode(code, 'https://bridge.example.com/ewelink/oauth/callback', region);
 * const devices = await v2.devices({ at: tokens.at, apikey: '', region: tokens.region, api: 'v2' });
 */
export class EwelinkV2Client implements CloudTransport {
  readonly api = 'v2' as const;
  readonly batchesStatus = true;
  readonly apiUrl: string;
  readonly dispatchUrl: string;
  readonly loginPageUrl: string;
  private readonly http: CloudHttpV2;

  constructor(readonly config: V2ClientConfig) {
    this.apiUrl = config.apiUrl ?? DEFAULT_V2_API_URL;
    this.dispatchUrl = config.dispatchUrl ?? DEFAULT_DISPATCH_URL;
    this.loginPageUrl = config.loginPageUrl ?? DEFAULT_LOGIN_PAGE_URL;
    this.http = new CloudHttpV2({ appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs, politeness: config.politeness });
  }

  get appId(): string {
    return this.config.appId;
  }

  /**
   * The login page address to send a person to; they come back to `redirectUrl` with a code and
   * `state`. Makes no call.
   *
   * @example
   * response.redirect(v2.loginUrl(callbackUrl, state));
   */
  loginUrl(redirectUrl: string, state: string, now?: number): string {
    return oauthLoginUrl({ appId: this.config.appId, appSecret: this.config.appSecret, redirectUrl, state, pageUrl: this.loginPageUrl, now });
  }

  /**
   * Trades the code from the login page's redirect for tokens, at the region the redirect named.
   * A code is good once and briefly; `redirectUrl` must be the one it was sent to.
   *
   * @example
   * const tokens = await v2.exchangeCode(query.code, callbackUrl, query.region);
   */
  async exchangeCode(code: string, redirectUrl: string, region: Region): Promise<OAuthTokens> {
    const { data, region: home } = await this.inRegion(region, {
      operation: 'exchangeCode',
      method: 'POST',
      path: '/v2/user/oauth/token',
      auth: { kind: 'sign' },
      body: { code, redirectUrl, grantType: 'authorization_code' },
    });
    const { accessToken, refreshToken, atExpiredTime, rtExpiredTime } = data;
    if (typeof accessToken !== 'string' || typeof refreshToken !== 'string' || typeof atExpiredTime !== 'number' || typeof rtExpiredTime !== 'number') {
      throw new CloudFailure(0, 'exchangeCode', 'exchangeCode: the cloud’s answer lacks the tokens or their expiry times');
    }
    return { at: accessToken, rt: refreshToken, atExpiresAt: atExpiredTime, rtExpiresAt: rtExpiredTime, region: home };
  }

  /**
   * A new access token for the refresh token; a dead rt is a `RefreshTokenExpired` (sign in again).
   *
   * @example
   * const { at, rt } = await v2.refresh(stored.rt, stored.region);
   */
  async refresh(rt: string, region: Region): Promise<RefreshedTokens> {
    const { data, region: home } = await this.inRegion(region, { operation: 'refresh', method: 'POST', path: '/v2/user/refresh', auth: { kind: 'sign' }, body: { rt } });
    if (typeof data.at !== 'string') throw new CloudFailure(0, 'refresh', 'refresh: the cloud’s answer lacks the access token');
    const user = isObject(data.user) && typeof data.user.apikey === 'string' ? (data.user as CloudUser) : undefined;
    return { at: data.at, rt: typeof data.rt === 'string' ? data.rt : rt, region: home, ...(user && { user }) };
  }

  /**
   * Ends the app's access to the account: the at and its rt stop working.
   *
   * @example
   * await v2.unlink(creds);
   */
  async unlink(creds: Credentials): Promise<void> {
    await this.authorised(creds, { operation: 'unlink', method: 'DELETE', path: '/v2/user/oauth/token' });
  }

  /**
   * The account's homes (each with its rooms) and which one is current.
   *
   * @example
   * const { families, currentFamilyId } = await v2.families(creds);
   */
  async families(creds: Credentials): Promise<{ families: CloudFamily[]; currentFamilyId?: string }> {
    const data = await this.authorised(creds, { operation: 'families', method: 'GET', path: '/v2/family', query: { lang: 'en' } });
    if (!Array.isArray(data.familyList)) throw new CloudFailure(0, 'families', 'families: the cloud sent no familyList');
    const families = data.familyList.map((raw) => toFamily(raw));
    return typeof data.currentFamilyId === 'string' ? { families, currentFamilyId: data.currentFamilyId } : { families };
  }

  /**
   * Every device of the account and those shared to it (groups left out), in the shape v1's
   * device list gives. v2 lists one home (family) at a time, the current one unless named, so
   * this asks for the homes first and lists each; `familyid` lists that home only.
   *
   * @example
   * const devices = await v2.devices(creds);
   */
  async devices(creds: Credentials, options: { familyid?: string; lang?: 'en' | 'cn' } = {}): Promise<CloudDevice[]> {
    const familyids = options.familyid !== undefined ? [options.familyid] : (await this.families(creds)).families.map((family) => family.id);
    const seen = new Set<string>();
    const devices: CloudDevice[] = [];
    for (const familyid of familyids) {
      for (const device of await this.homeDevices(creds, familyid, options.lang ?? 'en')) {
        if (seen.has(device.deviceid)) continue;
        seen.add(device.deviceid);
        devices.push(device);
      }
    }
    return devices;
  }

  /** One home's things, following the thing list's pages. */
  private async homeDevices(creds: Credentials, familyid: string, lang: 'en' | 'cn'): Promise<CloudDevice[]> {
    const things: unknown[] = [];
    let beginIndex: number | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const data = await this.authorised(creds, {
        operation: 'deviceList',
        method: 'GET',
        path: '/v2/device/thing',
        query: { num: this.config.thingPageSize ?? 0, beginIndex, familyid, lang },
      });
      if (!Array.isArray(data.thingList)) throw new CloudFailure(0, 'deviceList', 'deviceList: the cloud sent no thingList');
      things.push(...data.thingList);
      const last: unknown = data.thingList.at(-1);
      const next = isObject(last) && typeof last.index === 'number' ? last.index + 1 : undefined;
      const total = typeof data.total === 'number' ? data.total : things.length;
      // Pages go by the things' own indexes, which are not positions; a page that does not move on ends the list.
      if (things.length >= total || next === undefined || (beginIndex !== undefined && next <= beginIndex)) break;
      beginIndex = next;
    }
    return things.flatMap((thing) => thingToDevice(thing, 'deviceList') ?? []);
  }

  /**
   * The named devices only (one call), in the v1 shape; ids the account cannot see are left out.
   *
   * @example
   * const [lamp] = await v2.devicesById(creds, ['1000000001']);
   */
  async devicesById(creds: Credentials, deviceids: string[]): Promise<CloudDevice[]> {
    if (deviceids.length === 0) return [];
    const data = await this.authorised(creds, {
      operation: 'devicesById',
      method: 'POST',
      path: '/v2/device/thing',
      body: { thingList: deviceids.map((id) => ({ itemType: DEVICE, id })) },
    });
    if (!Array.isArray(data.thingList)) throw new CloudFailure(0, 'devicesById', 'devicesById: the cloud sent no thingList');
    return data.thingList.flatMap((thing) => thingToDevice(thing, 'devicesById') ?? []);
  }

  /** One device, with its current params and online flag; `NotFound` when the account cannot see it. */
  async device(creds: Credentials, deviceid: string): Promise<CloudDevice> {
    const found = (await this.devicesById(creds, [deviceid])).find((device) => device.deviceid === deviceid);
    if (!found) throw new NotFound(404, 'device', `device: the account has no device ${deviceid}`);
    return found;
  }

  /** A device's params; `names` narrows them (`['switch', 'timers']`). */
  async getStatus(creds: Credentials, deviceid: string, names?: string[]): Promise<DeviceParams> {
    const data = await this.authorised(creds, {
      operation: 'getStatus',
      method: 'GET',
      path: '/v2/device/thing/status',
      query: { type: DEVICE, id: deviceid, params: names && names.length > 0 ? names.join('|') : undefined },
    });
    return isObject(data.params) ? data.params : {};
  }

  /** Sends params to a device (a `timers` array replaces the device's, as in v1). */
  async setStatus(creds: Credentials, deviceid: string, params: DeviceParams): Promise<void> {
    await this.authorised(creds, { operation: 'setStatus', method: 'POST', path: '/v2/device/thing/status', body: { type: DEVICE, id: deviceid, params } });
  }

  /**
   * Sends params to several devices in one call; each device answers for itself.
   *
   * @example
   * const results = await v2.setStatuses(creds, [{ deviceid: lamp, params: { switch: 'on' } }, { deviceid: fan, params: { switch: 'off' } }]);
   * const failed = results.filter((r) => !r.ok);
   */
  async setStatuses(creds: Credentials, changes: StatusChange[]): Promise<StatusResult[]> {
    if (changes.length === 0) return [];
    const data = await this.authorised(creds, {
      operation: 'batchStatus',
      method: 'POST',
      path: '/v2/device/thing/batch-status',
      body: { thingList: changes.map((change) => ({ type: DEVICE, id: change.deviceid, params: change.params })) },
    });
    const answers = Array.isArray(data.respList) ? data.respList.filter(isObject) : [];
    return changes.map(({ deviceid }): StatusResult => {
      const index = answers.findIndex((answer) => answer.id === deviceid);
      const answer = index >= 0 ? answers.splice(index, 1)[0] : undefined;
      if (!answer) return { deviceid, ok: false, error: new CloudFailure(0, 'setStatus', `setStatus: the cloud did not say how device ${deviceid} answered`) };
      const code = Number(answer.error);
      if (code === 0) return { deviceid, ok: true };
      return { deviceid, ok: false, error: cloudError(code, 'setStatus', typeof answer.msg === 'string' ? answer.msg : undefined) };
    });
  }

  /** Where to open the account's WebSocket (no auth): the dispatch host of its region. */
  async dispatch(creds: Credentials): Promise<DispatchTarget> {
    return dispatchTarget(await this.http.sendBare(regionUrl(this.dispatchUrl, creds.region), { operation: 'dispatch', method: 'GET', path: '/dispatch/app', auth: { kind: 'none' }, account: accountLane(creds) }));
  }

  socketUrl(target: DispatchTarget): string {
    return socketUrl(this.dispatchUrl, target.domain, target.port);
  }

  /** A Bearer call at the credentials' region; a 301 moves `creds.region` and retries once. */
  private async authorised(creds: Credentials, call: Omit<V2Call, 'auth'>): Promise<Record<string, unknown>> {
    const { data, region } = await this.inRegion(creds.region, { ...call, auth: { kind: 'bearer', at: creds.at }, account: accountLane(creds) });
    creds.region = region;
    return data;
  }

  private async inRegion(region: Region, call: V2Call): Promise<{ data: Record<string, unknown>; region: Region }> {
    const { result, region: answered } = await followRegion(region, (at) => this.http.send(regionUrl(this.apiUrl, at), call));
    return { data: result, region: answered };
  }
}

function toFamily(raw: unknown): CloudFamily {
  if (!isObject(raw) || typeof raw.id !== 'string') throw new CloudFailure(0, 'families', 'families: the cloud sent a family without an id');
  const rooms = Array.isArray(raw.roomList) ? raw.roomList.filter(isObject) : [];
  return {
    id: raw.id,
    name: typeof raw.name === 'string' ? raw.name : '',
    index: typeof raw.index === 'number' ? raw.index : 0,
    rooms: rooms.flatMap((room) => (typeof room.id === 'string' ? [{ id: room.id, name: typeof room.name === 'string' ? room.name : '' }] : [])),
  };
}
