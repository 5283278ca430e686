import { CloudFailure, RegionRedirect } from './errors';
import { DEFAULT_API_URL, globalUrl, isRegion, regionUrl, type Region } from './hosts';
import { CloudHttp, type Call, type Reply } from './http';
import type { CloudDevice, CloudUser, Credentials, DeviceParams, DispatchTarget, TokenGrant } from './types';

export interface ClientConfig {
  appId: string;
  appSecret: string;
  /** Host template with `{region}`; default the real cloud, `https://{region}-api.coolkit.cc:8080`. */
  apiUrl?: string;
  /** Per-request timeout, ms (default 10 000). */
  timeoutMs?: number;
}

export type LoginIdentity = { email: string; phoneNumber?: undefined } | { phoneNumber: string; email?: undefined };

/**
 * The eWeLink v1 HTTP API (interface version 8): one method per operation, errors as typed
 * `EwelinkError`s. Regions are followed: a 301 answer is retried once at the region it names.
 *
 * @example
 * const client = new EwelinkClient({ appId, appSecret });
 * const grant = await client.login({ email: 'me@example.com' }, 'secret', 'eu');
 * const devices = await client.devices({ at: grant.at, apikey: grant.user.apikey, region: grant.region });
 */
export class EwelinkClient {
  readonly apiUrl: string;
  private readonly http: CloudHttp;

  constructor(readonly config: ClientConfig) {
    this.apiUrl = config.apiUrl ?? DEFAULT_API_URL;
    this.http = new CloudHttp({ appId: config.appId, appSecret: config.appSecret, timeoutMs: config.timeoutMs });
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
    // The spec documents `{error, device}` but shows the bare device object; accept both.
    return toDevice(reply.device ?? reply, 'device');
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

  /** Where to open the account's WebSocket. */
  async dispatch(creds: Credentials): Promise<DispatchTarget> {
    const reply = await this.authorised(creds, 'dispatch', 'POST', '/dispatch/app', { accept: 'ws' });
    const port = Number(reply.port);
    const domain = typeof reply.domain === 'string' && reply.domain ? reply.domain : String(reply.IP ?? '');
    if (!domain || !Number.isInteger(port)) throw new CloudFailure(0, 'dispatch', 'dispatch: the cloud named no socket host');
    return { domain, ip: String(reply.IP ?? domain), port };
  }

  /** A Bearer call at the credentials' region; a 301 moves `creds.region` and retries once. */
  private async authorised(creds: Credentials, operation: string, method: Call['method'], path: string, params: Record<string, unknown>): Promise<Reply> {
    const { reply, region } = await this.inRegion(creds.region, { operation, method, path, auth: { kind: 'bearer', at: creds.at }, params });
    creds.region = region;
    return reply;
  }

  private async inRegion(region: Region, call: Call): Promise<{ reply: Reply; region: Region }> {
    try {
      return { reply: await this.http.send(regionUrl(this.apiUrl, region), call), region };
    } catch (err) {
      if (!(err instanceof RegionRedirect) || err.region === region) throw err;
      return { reply: await this.http.send(regionUrl(this.apiUrl, err.region), call), region: err.region };
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function toGrant(reply: Reply, askedRegion: Region, operation: string): TokenGrant {
  const user = reply.user;
  if (typeof reply.at !== 'string' || typeof reply.rt !== 'string' || !isObject(user) || typeof user.apikey !== 'string') {
    throw new CloudFailure(0, operation, `${operation}: the cloud's answer lacks at, rt or user.apikey`);
  }
  return { at: reply.at, rt: reply.rt, region: isRegion(reply.region) ? reply.region : askedRegion, user: user as CloudUser };
}

function toDevice(raw: unknown, operation: string): CloudDevice {
  if (!isObject(raw) || typeof raw.deviceid !== 'string') {
    throw new CloudFailure(0, operation, `${operation}: the cloud sent a device without a deviceid`);
  }
  const extra = isObject(raw.extra) && isObject(raw.extra.extra) ? raw.extra.extra : {};
  const uiid = Number(raw.uiid ?? extra.uiid);
  return {
    ...raw,
    deviceid: raw.deviceid,
    name: typeof raw.name === 'string' ? raw.name : raw.deviceid,
    uiid: Number.isFinite(uiid) ? uiid : 0,
    apikey: typeof raw.apikey === 'string' ? raw.apikey : '',
    online: raw.online === true,
    params: isObject(raw.params) ? raw.params : {},
    tags: isObject(raw.tags) ? raw.tags : undefined,
  };
}
