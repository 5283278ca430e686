import type { Region } from '../lib/ewelink/hosts';
import type { CloudService } from './accounts/regions';

/**
 * What kind of app id the sim's is, as the vendor hands them out: an `enterprise` one may call
 * v1 and v2; a `personal` one (the free kind from the developer centre) gets error 407 on every
 * v1 path, login included, and may only sign people in through the OAuth 2.0 page and call v2.
 */
export type AppKind = 'enterprise' | 'personal';

export interface SimConfig {
  /** 0 = any free port (default 0). */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  appId: string;
  appSecret: string;
  /** Default 'enterprise' (v1 and v2 both served). */
  appKind?: AppKind;
  /**
   * The redirect URLs registered for the app: the OAuth login page sends people back only to
   * one of these, exactly as written. Each must be https, except that http://localhost and
   * http://127.0.0.1 URLs may be registered for local runs (the real developer centre takes
   * https only). Default none.
   */
  redirectUrls?: readonly string[];
  /** How long an OAuth code from the login page may be exchanged; default 300. */
  oauthCodeLifetimeSec?: number;
  /** What /dispatch/app answers as domain (and IP); default the host. */
  dispatchDomain?: string;
  /** What /dispatch/app answers as port; default the bound port. */
  dispatchPort?: number;
  /** Access token lifetime; default 30 days. */
  atLifetimeSec?: number;
  /** Refresh token lifetime; default 60 days. */
  rtLifetimeSec?: number;
  /** Wait before a silent/offline device's command gets 504; default 3000. */
  deviceTimeoutMs?: number;
  /** A socket is closed when no message (ping included) came for this long; default 160. */
  idleTimeoutSec?: number;
  /** The same address may be sent a verification code again only after this long (else 160038); default 60. */
  smsIntervalSec?: number;
  /** How long a share invitation waits for a receiver who does not answer (or is offline) before 504; default 10 000. */
  shareTimeoutMs?: number;
  /** After a 504, the same receiver cannot be asked again for this long (the spec's 3 minutes); default 180. */
  shareRetryAfterSec?: number;
  accounts?: AccountSeed[];
  /**
   * The cloud's clock: what device timers, token lifetimes, the share retry wait and the
   * verification code interval go by. Real (the default) follows the machine's; manual starts
   * at `start` (ms since the epoch) and moves only by `sim.clock.advance`/`set`.
   */
  clock?: SimClockConfig;
  /** Wi-Fi devices paired but in no account, for `/api/user/device/add`; each needs its `devicekey`. */
  unboundDevices?: DeviceSeed[];
  /** GSM devices in no account, by the id of their QR code, for `/api/user/device/addGsm`. */
  unboundGsmDevices?: GsmDeviceSeed[];
  /**
   * The real cloud's politeness limits, per caller and endpoint. Crossings are always counted
   * (`stats.limitCrossings`); they are refused with 429 only while enforced. Default
   * `{enforce: false}` with the limits the protocol notes give.
   */
  politeness?: PolitenessConfig;
}

/**
 * The limits seen on the real cloud, which the sim keeps per account (the account of the Bearer
 * token or of the handshake's at; the client IP for a call without one, such as a signed call
 * before login) and per endpoint (`METHOD /path` without the region prefix, or
 * `socket userOnline` for a handshake). Times go by the cloud's clock.
 */
export interface PolitenessConfig {
  /** Refuse crossings (HTTP 429, or `{error: 429}` and a close for a handshake); the start value of `faults.enforceLimits`. */
  enforce: boolean;
  /** The same endpoint at least this far apart; default 500. */
  minGapMs?: number;
  /** At most this many calls to one endpoint within `windowMs`; default 300. */
  perWindow?: number;
  /** Default 300 000 (5 minutes). */
  windowMs?: number;
}

export type SimClockConfig = { mode: 'real' } | { mode: 'manual'; start: number };

/**
 * The cloud's clock: what device timers, token lifetimes, the share retry wait and the
 * verification code interval go by. Waits before an answer (latency, device and share
 * timeouts, the socket idle limit) stay real time.
 */
export interface SimClock {
  readonly mode: 'real' | 'manual';
  /** ms since the epoch; while a timer acts, on a manual clock, the moment it was due. */
  now(): number;
  /**
   * Manual clock only: moves it `ms` forward, running every device timer due on the way in
   * order, each at its own moment, then resolves. Rejects on a real clock.
   */
  advance(ms: number): Promise<void>;
  /** Manual clock only: moves it forward to `ms` since the epoch, like advance. Rejects on a real clock or a move back. */
  set(ms: number): Promise<void>;
}

/** One action of a device's own timer. */
export interface TimerFiring {
  deviceid: string;
  /** The entry's mId. */
  mId: string;
  /** The clock's ms when it acted (the moment it was due). */
  at: number;
  /** Which of the entry's params it applied: `do`, or `startDo`/`endDo` of a duration entry. */
  action: 'do' | 'startDo' | 'endDo';
  /** What the device applied, as it was pushed; {} when it refused. */
  params: Record<string, unknown>;
  /** Why the device could not apply it in its state at that moment (a mode rule), when it could not. */
  refused?: string;
}

/** How an account answers a share invitation: at once yes, at once no, or never (504 after shareTimeoutMs). */
export type ShareAnswer = 'accept' | 'refuse' | 'ignore';

export interface AccountSeed {
  email?: string;
  phoneNumber?: string;
  password: string;
  region: Region;
  apikey?: string;
  nickname?: string;
  devices?: DeviceSeed[];
  /** How the account answers share invitations while online; default 'accept'. */
  shareAnswer?: ShareAnswer;
}

export interface DeviceSeed {
  deviceid: string;
  name: string;
  uiid: number;
  online?: boolean;
  params?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  /** The device's own apikey (`devicekey` in the device list), which pairing reports; random by default. */
  devicekey?: string;
  /**
   * The home (v2 family) it is in, by name; default the account's first, `My Home`, which is
   * the current one. Each name makes one home; v2's thing list shows one home at a time.
   */
  home?: string;
}

export interface GsmDeviceSeed {
  /** The id in the device's QR code. */
  gsmId: string;
  device: DeviceSeed;
  /** Make adding it fail with this documented code (403 other brand, 500, 502, 503). */
  refuseWith?: 403 | 500 | 502 | 503;
}

export interface Sim {
  readonly port: number;
  /** 'http://127.0.0.1:PORT': the region-less global host. */
  readonly url: string;
  /** 'http://127.0.0.1:PORT/{region}': region by path prefix. */
  readonly apiUrlTemplate: string;
  /** 'http://127.0.0.1:PORT/{region}-apia': the v2 REST hosts, region by path prefix. */
  readonly v2ApiUrlTemplate: string;
  /** 'http://127.0.0.1:PORT/{region}-dispa': the v2 dispatch hosts, region by path prefix. */
  readonly dispatchUrlTemplate: string;
  /** 'http://127.0.0.1:PORT/oauth/index.html': the sim's own OAuth 2.0 login page. */
  readonly loginPageUrl: string;
  readonly appKind: AppKind;
  readonly stats: SimStats;
  readonly faults: SimFaults;
  /** Turns every fault off (the limits enforced again only if they were at the start): for a test's clean-up. */
  clearFaults(): void;
  /** The cloud's clock; a manual one is moved by tests, running the device timers due on the way and ageing tokens. */
  readonly clock: SimClock;
  /** Every action of a device's own timer, oldest first. */
  readonly timerLog: readonly TimerFiring[];
  /**
   * Requests the real cloud accepted but the spec forbids, oldest first (a live array): the
   * sim answers them as the real cloud did and notes each here. Not cleared by `stats.reset()`.
   */
  readonly deviations: readonly SpecDeviation[];
  /** Empties `deviations` in place. */
  resetDeviations(): void;
  /** A live view of one device; throws on an unknown id. */
  device(deviceid: string): SimDevice;
  /** Tokens exactly as a login would issue them (so the account's older ats are revoked). */
  issueTokens(login: string): { at: string; rt: string; apikey: string; region: Region };
  /**
   * How the account answers share invitations (and changes of a share) from now on: a receiver
   * who accepted a share may decline a change of it, or stop answering. Throws on an unknown login.
   */
  setShareAnswer(login: string, answer: ShareAnswer): void;
  /** That at is expired from now on (402). */
  expireAccessToken(at: string): void;
  /**
   * How many socket sessions the account has open now: handshaken, and not yet closed by either
   * side (once none is, no push can reach the account). Throws on an unknown login.
   */
  openSockets(login: string): number;
  /** Sets the device online or offline and pushes `sysmsg` to the owner's sockets (and those it is shared to). */
  setDeviceOnline(deviceid: string, online: boolean): void;
  /** The last verification code sent to that e-mail address or phone number; throws when none was. */
  verificationCode(address: string): string;
  /**
   * The device changes by itself (a button press): the params are applied, pushed as an
   * `update` with userAgent "device" (when it is online), and recorded in its history.
   * Throws on params it refuses.
   */
  reportFromDevice(deviceid: string, params: Record<string, unknown>): void;
  /** Closes the server and all sockets, clears timers, stops the clock's ticker. */
  close(): Promise<void>;
}

export interface SimDevice {
  readonly deviceid: string;
  readonly uiid: number;
  readonly online: boolean;
  readonly params: Record<string, unknown>;
  readonly ownerApikey: string;
  readonly name: string;
}

export interface HttpRecord {
  kind: 'http';
  /** ms since the epoch when the request arrived. */
  time: number;
  method: string;
  /** Without the region prefix and without the query. */
  path: string;
  /** Which host: v1 REST (`api`), v2 REST (`apia`), v2 dispatch (`dispa`) or the login page (`oauth`). */
  service: CloudService;
  region: Region | null;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The raw body as received. */
  body: string;
}

export interface SocketRecord {
  kind: 'socket';
  /** ms since the epoch when the message arrived. */
  time: number;
  /** Which connection (1, 2, …, in the order accepted). */
  connection: number;
  /** The message's action, 'ping', or '(invalid)' for a frame that is neither JSON nor ping. */
  action: string;
  /** The parsed message, 'ping', or the raw text when it did not parse. */
  message: unknown;
}

export type SimRecord = HttpRecord | SocketRecord;

/**
 * A spec rule the real cloud did not enforce:
 * - `nonce-length`: a nonce of fewer than the 8 letters or digits the spec asks for;
 * - `nonce-missing`: a GET or DELETE whose query carries no nonce;
 * - `json-content-type`: a POST or PUT whose JSON body came as `Content-Type: text/plain`.
 */
export type DeviationRule = 'nonce-length' | 'nonce-missing' | 'json-content-type';

/** One request that broke a spec rule the real cloud did not enforce. */
export interface SpecDeviation {
  rule: DeviationRule;
  method: string;
  /** Without the region prefix and without the query. */
  path: string;
  /** What was sent, in words. */
  detail: string;
  /** ms since the epoch when it was noted. */
  at: number;
}

export interface SimStats {
  /** HTTP requests received (all routes except /_sim/*). */
  http: number;
  /** New HTTP connections that carried a request to the cloud (connections used only for /_sim/* are not counted). */
  httpConnections: number;
  /** Messages received from clients on sockets (ping included). */
  socketMessages: number;
  /** WebSocket connections accepted. */
  connections: number;
  /** WebSocket upgrades asked for on /api/ws, accepted or refused: a client's connection attempts. */
  upgrades: number;
  /**
   * Calls that broke a politeness limit (too soon after the last call to the same endpoint, or
   * over the window's count), refused or not; by endpoint: 'POST /api/user/device/status',
   * 'socket userOnline'.
   */
  limitCrossings: { total: number; byEndpoint: Record<string, number> };
  /** 'POST /api/user/login' -> count (path without region prefix; every request, answered or refused). */
  byPath: Record<string, number>;
  /** 'userOnline' | 'update' | 'query' | 'ping' ... -> count. */
  byAction: Record<string, number>;
  log: SimRecord[];
  reset(): void;
}

export interface SimFaults {
  /**
   * Added before every HTTP response and every socket reply (pong too). A new connection (an
   * HTTP one, or a WebSocket upgrade) also pays twice as much once, before its first answer:
   * the TCP and TLS set-up of the real cloud.
   */
  latencyMs: number;
  /** /dispatch/app answers HTTP 503 + {error:500}. */
  dispatchFailing: boolean;
  /** WebSocket upgrades refused with HTTP 503. */
  refuseSockets: boolean;
  /** An update/query closes its socket instead of replying; the change is not applied. */
  dropSocketBeforeReply: boolean;
  /** An update is carried out (the change applied and pushed), then its socket is closed instead of the reply. */
  dropSocketAfterApply: boolean;
  /**
   * Cloud HTTP requests (not /_sim/*, not the login page) are carried out, then their
   * connection is closed instead of the answer: an answer lost after the cloud acted.
   */
  dropHttpAfterApply: boolean;
  /**
   * Cloud HTTP requests (not /_sim/*) get no answer while it is on. Turning it off carries out
   * the held ones, oldest first, and answers them: even one whose client has gone.
   */
  hangHttp: boolean;
  /** WebSocket upgrades are accepted, but userOnline is never answered (the socket stays open). */
  silentHandshake: boolean;
  /** Politeness crossings are refused (429), not only counted; starts as `politeness.enforce`. */
  enforceLimits: boolean;
  /** These devices never answer: commands get 504 after deviceTimeoutMs. */
  silentDevices: Set<string>;
}
