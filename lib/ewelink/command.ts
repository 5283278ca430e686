import { EventEmitter } from 'node:events';
import { callLimit, withinDeadline, withoutBudget } from '../deadline';
import { AnswerLost, CloudFailure, CloudUnreachable, EwelinkError, SocketReplyLost, SocketUnavailable, tokenRefused } from './errors';
import { accountLane, cloudPoliteness, type Politeness } from './politeness';
import { CloudSocket, type PushedMessage } from './socket';
import { transportFor, type CloudTransport, type CloudTransports, type StatusResult } from './transport';
import type { Credentials, DeviceParams, DispatchTarget, ShareOutcome } from './types';

export type { ShareOutcome } from './types';

/** The device a command goes to; `apikey` is the owner's (differs from ours for shared devices). */
export interface CommandTarget {
  deviceid: string;
  apikey: string;
}

export interface CommandChannelOptions {
  /** A session unused for this long is closed, and never reused after a freeze, ms (default 60 000). */
  idleMs?: number;
  /** How long a dispatch answer is reused, ms (default 10 minutes). */
  dispatchTtlMs?: number;
  /** Connection + handshake limit, ms (default 4 000). */
  connectTimeoutMs?: number;
  /** Reply limit per socket request, ms (default 5 000); past it the command goes over HTTP. */
  requestTimeoutMs?: number;
  /**
   * Reply limit for `share` / `updateShare`, ms (default 60 000): the cloud answers only once
   * the receiver accepts or refuses in their app, or with 504 when it gives up waiting.
   */
  shareTimeoutMs?: number;
  /** The first window in which the socket is not tried again after it could not be had, ms (default 1 000); it doubles with each failed probe. */
  backoffBaseMs?: number;
  /** The longest such window, ms (default 60 000). */
  backoffMaxMs?: number;
  /** Where dispatch answers are kept between instances (the table); default this instance's memory only. */
  dispatchCache?: DispatchCache;
  /** The rate limiter the `userOnline` handshake waits on (default the process's `cloudPoliteness`). */
  politeness?: Politeness;
  /** Source of the backoff's jitter, 0 ≤ x < 1 (default Math.random). */
  random?: () => number;
}

/** The command path's default limit for opening a socket, ms: the upgrade and the `userOnline` handshake together. */
export const SOCKET_CONNECT_TIMEOUT_MS = 4_000;
/** The command path's default wait for the reply to an `update` or `query`, ms, before it falls back to HTTP. */
export const SOCKET_REQUEST_TIMEOUT_MS = 5_000;
/** After the socket could not be had, it is not tried again for this long, ms; each failed probe doubles the window. */
export const SOCKET_BACKOFF_BASE_MS = 1_000;
/** The longest backoff window, ms. */
export const SOCKET_BACKOFF_MAX_MS = 60_000;
/** Each window is stretched or shrunk by up to this share at random, so instances that failed together do not probe together. */
export const SOCKET_BACKOFF_JITTER = 0.2;

/**
 * Dispatch answers kept where every instance of the bridge finds them (the table), per API and
 * region, until they expire: a new instance skips the dispatch call. Failures to read or write
 * it are not the command's: the channel then asks the cloud, or keeps the answer to itself.
 */
export interface DispatchCache {
  get(key: string): Promise<{ target: DispatchTarget; until: number } | undefined>;
  put(key: string, target: DispatchTarget, until: number): Promise<void>;
}

/** How to treat params whose answer is lost. */
export interface SendOptions {
  /**
   * The params were worked out from the device's state (a toggle resolved to on or off): after
   * a lost answer they are not sent again; the device is read to see whether they landed, and
   * when it does not show them the outcome is unknown (`AnswerLost`).
   */
  fromState?: boolean;
}

/** What the channel reports about an account's socket, as `'session'` events (for logs and tests). */
export type SessionEvent = { apikey: string; outcome: 'open' } | { apikey: string; outcome: 'failed'; error: Error; retryInMs: number };

/** An invitation to share a device: who (`uid`, an e-mail address or phone number) and what they may do with its timers. */
export interface ShareInvite {
  uid: string;
  /** The device's name as the receiver will see it. */
  deviceName: string;
  /** Sum of 1 add timer, 2 edit timer, 4 delete timer, 8 enable timer (15 = all). */
  permit?: number;
  /** 1 to 10 characters, shown to the receiver: the cloud requires it on share and updateShare. */
  note: string;
}

const SHARE_RESULTS: Readonly<Record<number, ShareOutcome>> = { 1: 'no_such_account', 2: 'accepted', 3: 'refused', 4: 'already_shared' };

/** How a command reached the cloud. */
export type Via = 'socket' | 'http';

/** Params for one device of a batch. */
export interface TargetedParams extends SendOptions {
  target: CommandTarget;
  params: DeviceParams;
}

/** How one device of a batch answered: the route that carried its params, or the cloud's error for it. */
export type BatchOutcome = { ok: true; via: Via } | { ok: false; error: EwelinkError };

/** An account's socket: open, or being opened, with the token it was opened with. */
interface Session {
  at: string;
  socket?: CloudSocket;
  opening?: Promise<CloudSocket | undefined>;
}

/** An account whose socket could not be had: not tried again until `until`. */
interface Backoff {
  windowMs: number;
  until: number;
}

/**
 * The command path. Device params go over the account's WebSocket session when one is open;
 * when none is, they go at once to the HTTP status call of the account's API (`POST
 * /api/user/device/status` on v1, `/v2/device/thing/status` on v2) while the session opens in
 * the background for the commands after. So a cold instance's first command costs one HTTP
 * request, and never waits on a socket being opened. A v1 scene of two or more devices is the
 * exception: v1 has no batch status call, and one call per device, each waiting its turn under
 * the cloud's limits, is slower than the session being opened, so it waits for that.
 *
 * A session that cannot be had (dispatch failing, upgrade refused, handshake silent) puts the
 * account's socket in a backoff window (1 s, doubling to 60 s, with jitter): commands in it go
 * over HTTP without trying the socket, and the first command after it makes the one probe.
 * A dispatch answer is kept for its lifetime whatever else fails.
 *
 * A command sent on the socket whose reply is lost (the socket drops, or stays silent) may have
 * landed: absolute params are sent again over HTTP (harmless either way); params worked out from
 * the device's state (`fromState`, a toggle) are not: the device is read, and unless it shows
 * them the command fails as `AnswerLost`. An HTTP status call that times out after it was sent,
 * or whose connection is cut before its answer, is `AnswerLost` too. Cloud errors (504 device silent, 400 bad params …) are the device's
 * answer and are thrown as they are.
 *
 * Given `CloudTransports`, each account's calls go by its `creds.api`; a v2 account without an
 * apikey (it owns no device) is served over HTTP only. Waits are cut to the current request's
 * budget (`callLimit`); the background opening runs outside it.
 *
 * @example
 * const channel = new CommandChannel(client);
 * await channel.send(creds, { deviceid, apikey: device.apikey }, { switch: 'on' }); // 'http', the socket opening meanwhile
 * await channel.send(creds, { deviceid, apikey: device.apikey }, { switch: 'off' }); // 'socket', once it is open
 */
export class CommandChannel extends EventEmitter {
  private readonly sessions = new Map<string, Session>();
  private readonly backoff = new Map<string, Backoff>();
  /** By API and region: v1 and v2 dispatch on different hosts. */
  private readonly dispatchCache = new Map<string, { target: DispatchTarget; until: number }>();
  private readonly idleMs: number;
  /** Bumped by `close()`: a session that finishes opening under an older one is closed at once. */
  private generation = 0;

  constructor(
    private readonly transports: CloudTransport | CloudTransports,
    private readonly options: CommandChannelOptions = {},
  ) {
    super();
    this.idleMs = options.idleMs ?? 60_000;
  }

  /** Sends params to a device; says which route carried them. */
  async send(creds: Credentials, target: CommandTarget, params: DeviceParams, options: SendOptions = {}): Promise<Via> {
    const socket = this.openSession(creds);
    if (socket) {
      try {
        await socket.update(target.deviceid, target.apikey, params);
        return 'socket';
      } catch (err) {
        if (err instanceof SocketReplyLost) return this.afterLostReply(creds, target, params, options);
        if (!(err instanceof SocketUnavailable)) throw err;
      }
    }
    return this.sendOverHttp(creds, target, params);
  }

  /**
   * Sends params to several devices at once (a scene): each over the account's socket session,
   * and those the socket cannot carry in ONE status call for all of them (v2's batch status; v1
   * has none and sends one call per device). Each device answers for itself, in `changes`' order;
   * a refused token is thrown, so the caller's renewal can run and send again. `onOutcome` hears
   * each device's answer as soon as it is known, for a caller that cannot wait for the slowest.
   *
   * @example
   * const outcomes = await channel.sendMany(creds, [{ target: lamp, params: { switch: 'on' } }, { target: fan, params: { switch: 'off' } }]);
   */
  async sendMany(creds: Credentials, changes: TargetedParams[], onOutcome?: (index: number, outcome: BatchOutcome) => void): Promise<BatchOutcome[]> {
    const outcomes: (BatchOutcome | undefined)[] = changes.map(() => undefined);
    const settle = (i: number, outcome: BatchOutcome): void => {
      outcomes[i] = outcome;
      onOutcome?.(i, outcome);
    };
    const lost = new Set<number>();
    const socket = changes.length > 0 ? await this.sessionForMany(creds, changes.length) : undefined;
    if (socket) {
      await Promise.all(
        changes.map(async ({ target, params }, i) => {
          try {
            await socket.update(target.deviceid, target.apikey, params);
            settle(i, { ok: true, via: 'socket' });
          } catch (err) {
            if (err instanceof SocketReplyLost) lost.add(i);
            if (err instanceof SocketUnavailable) return;
            if (!(err instanceof EwelinkError)) throw err;
            settle(i, { ok: false, error: err });
          }
        }),
      );
    }
    const confirming = changes.flatMap((change, i) => (outcomes[i] === undefined && lost.has(i) && change.fromState ? [i] : []));
    const confirmed = Promise.all(
      confirming.map(async (i) => {
        const { target, params } = changes[i] as TargetedParams;
        try {
          settle(i, { ok: true, via: await this.confirmLanded(creds, target, params) });
        } catch (err) {
          settle(i, { ok: false, error: err as EwelinkError });
        }
      }),
    );
    const rest = changes.flatMap((change, i) => (outcomes[i] === undefined && !confirming.includes(i) ? [{ i, change }] : []));
    if (rest.length > 0) {
      let results: StatusResult[];
      try {
        results = await this.transportFor(creds).setStatuses(creds, rest.map(({ change }) => ({ deviceid: change.target.deviceid, params: change.params })));
      } catch (err) {
        if (!(err instanceof CloudUnreachable)) throw err;
        // The cloud did not answer the batch: each device gets that as its answer (a lost one when it was sent).
        results = rest.map(({ change }) => ({ deviceid: change.target.deviceid, ok: false, error: err }));
      }
      const refused = results.find((r) => !r.ok && tokenRefused(r.error));
      if (refused && !refused.ok) throw refused.error;
      results.forEach((result, k) => {
        const { i } = rest[k] as { i: number };
        settle(i, result.ok ? { ok: true, via: 'http' } : { ok: false, error: lostIfSent(result.error, lost.has(i)) as EwelinkError });
      });
    }
    await confirmed;
    return outcomes as BatchOutcome[];
  }

  /** Reads a device's params (`names` empty = all), over the socket or else HTTP. */
  async query(creds: Credentials, target: CommandTarget, names: string[] = []): Promise<DeviceParams> {
    const socket = this.openSession(creds);
    if (socket) {
      try {
        return await socket.query(target.deviceid, target.apikey, names);
      } catch (err) {
        // A read is safe to make again.
        if (!(err instanceof SocketUnavailable)) throw err;
      }
    }
    return this.transportFor(creds).getStatus(creds, target.deviceid, names);
  }

  /**
   * Opens the account's socket session, or waits for the one being opened: true once it is open,
   * false when it cannot be had now (the attempt failed, or the socket is in its backoff window).
   * Commands never need this; it is for work that only the socket can do, and for warming up.
   *
   * @example
   * if (await channel.connect(creds)) await channel.send(creds, lamp, { switch: 'on' }); // 'socket'
   */
  async connect(creds: Credentials): Promise<boolean> {
    return (this.openSession(creds) ?? (await this.sessions.get(creds.apikey)?.opening)) !== undefined;
  }

  /** When the account's socket may be tried again, epoch ms; undefined when it is not backing off. */
  socketDownUntil(creds: Pick<Credentials, 'apikey'>): number | undefined {
    const down = this.backoff.get(creds.apikey);
    return down && down.until > Date.now() ? down.until : undefined;
  }

  /**
   * Shares a device with another account of the same region. The receiver must be online and
   * answers in their app; no answer in time is a `ShareTimeout` (ask again after 3 minutes).
   * There is no HTTP route for sharing: without a socket session this is `SocketUnavailable`.
   *
   * @example
   * const outcome = await channel.share(creds, { deviceid, apikey: creds.apikey }, { uid: 'friend@example.com', deviceName: 'Lamp', permit: 15 });
   */
  async share(creds: Credentials, target: CommandTarget, invite: ShareInvite): Promise<ShareOutcome> {
    const params = { uid: invite.uid, deviceName: invite.deviceName, permit: invite.permit, shareTime: Date.now(), note: invite.note };
    // ts: 0 is a field of `share` only, as the spec's table lists it.
    const reply = await this.shareRequest(creds, 'share', target, params, { ts: 0 });
    return shareOutcome(reply, 'share');
  }

  /** Changes what the receiver may do with the device's timers; the receiver answers as for `share`. */
  async updateShare(creds: Credentials, target: CommandTarget, invite: ShareInvite & { permit: number }): Promise<ShareOutcome> {
    const params = { uid: invite.uid, deviceName: invite.deviceName, permit: invite.permit, shareTime: Date.now(), note: invite.note };
    const reply = await this.shareRequest(creds, 'updateShare', target, params);
    return shareOutcome(reply, 'updateShare');
  }

  /** Ends a share: the device leaves the receiver's list. Ending one that is not there is no error. */
  async cancelShare(creds: Credentials, target: CommandTarget, who: { uid: string; deviceName: string }): Promise<void> {
    await this.shareRequest(creds, 'cancelShare', target, { uid: who.uid, deviceName: who.deviceName });
  }

  /** Closes every open session; sessions still opening are closed as they open. The channel opens new ones when used again. */
  close(): void {
    this.generation += 1;
    for (const session of this.sessions.values()) session.socket?.close();
    this.sessions.clear();
  }

  private async shareRequest(
    creds: Credentials,
    action: 'share' | 'updateShare' | 'cancelShare',
    target: CommandTarget,
    params: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const socket = this.openSession(creds) ?? (await this.sessions.get(creds.apikey)?.opening);
    if (!socket) throw new SocketUnavailable(action, 'no WebSocket session could be opened, and sharing has no HTTP route');
    // JSON drops an undefined permit left out by the caller.
    const body = { apikey: target.apikey, selfApikey: creds.apikey, deviceid: target.deviceid, params, ...extra };
    const timeoutMs = action === 'cancelShare' ? undefined : (this.options.shareTimeoutMs ?? 60_000);
    return socket.request(action, body, timeoutMs);
  }

  private transportFor(creds: Credentials): CloudTransport {
    return transportFor(this.transports, creds.api);
  }

  private async sendOverHttp(creds: Credentials, target: CommandTarget, params: DeviceParams, resent = false): Promise<Via> {
    try {
      await this.transportFor(creds).setStatus(creds, target.deviceid, params);
      return 'http';
    } catch (err) {
      throw lostIfSent(err, resent);
    }
  }

  /** The socket's reply to a sent command was lost: the command may have landed. */
  private async afterLostReply(creds: Credentials, target: CommandTarget, params: DeviceParams, options: SendOptions): Promise<Via> {
    if (options.fromState) return this.confirmLanded(creds, target, params);
    // Absolute params: sending them again does no harm whether or not the first copy landed.
    return this.sendOverHttp(creds, target, params, true);
  }

  /**
   * For params worked out from the device's state whose answer was lost: reads the device over
   * HTTP; 'http' when it shows them, else `AnswerLost`. Nothing is sent again: a state that does
   * not show them yet does not prove the first copy will not still land (a device may apply it
   * late), nor that nobody else changed it since; the caller, told the outcome is unknown, reads
   * and decides. Every failure here is `AnswerLost`, a refused token too, so that no renewal
   * runs the command again.
   */
  private async confirmLanded(creds: Credentials, target: CommandTarget, params: DeviceParams): Promise<Via> {
    let current: DeviceParams;
    try {
      current = await this.transportFor(creds).getStatus(creds, target.deviceid, Object.keys(params));
    } catch (err) {
      throw new AnswerLost('update', `and the device could not be read to see whether it landed: ${(err as Error).message}`);
    }
    if (paramsShown(current, params)) return 'http';
    throw new AnswerLost('update', 'the device does not show the change yet, and may still make it');
  }

  /**
   * The session for changes to `count` devices. Where the status call takes one device (v1),
   * two or more over HTTP each wait their turn on that endpoint, 500 ms apart, so the session
   * being opened (two or three round trips) is sooner: they wait for it, within the connect
   * limit and the budget, and go over HTTP only if it does not come.
   */
  private async sessionForMany(creds: Credentials, count: number): Promise<CloudSocket | undefined> {
    const socket = this.openSession(creds);
    if (socket || count < 2 || this.transportFor(creds).batchesStatus) return socket;
    const opening = this.sessions.get(creds.apikey)?.opening;
    if (!opening) return undefined;
    const waitMs = callLimit(this.options.connectTimeoutMs ?? SOCKET_CONNECT_TIMEOUT_MS);
    return withinDeadline(opening, waitMs, () => new SocketUnavailable('connect', 'not open in time')).catch(() => undefined);
  }

  /**
   * The account's open session when it may be used now; otherwise undefined, and unless the
   * socket is backing off (or is being opened already) a new session starts opening in the
   * background, outside the request's budget.
   */
  private openSession(creds: Credentials): CloudSocket | undefined {
    // userOnline needs the account's apikey; a v2 account that owns no device has none to give.
    if (creds.apikey === '') return undefined;
    const session = this.sessions.get(creds.apikey);
    if (session && session.at === creds.at) {
      const socket = session.socket;
      if (socket?.isOpen && (socket.pendingRequests > 0 || Date.now() - socket.lastUsed < this.idleMs)) return socket;
      if (session.opening) return undefined;
      socket?.close();
    } else {
      // A new token: the old session is dropped, and one opening with it is closed once open.
      session?.socket?.close();
    }
    if (this.socketDownUntil(creds) !== undefined) {
      if (session) this.sessions.delete(creds.apikey);
      return undefined;
    }
    this.startOpening(creds);
    return undefined;
  }

  private startOpening(creds: Credentials): void {
    const { apikey } = creds;
    const session: Session = { at: creds.at };
    const generation = this.generation;
    this.sessions.set(apikey, session);
    session.opening = withoutBudget(() => this.openSocket(creds)).then(
      (socket) => {
        session.opening = undefined;
        if (generation !== this.generation || this.sessions.get(apikey) !== session) {
          socket.close();
          return undefined;
        }
        session.socket = socket;
        this.backoff.delete(apikey);
        this.emit('session', { apikey, outcome: 'open' } satisfies SessionEvent);
        return socket;
      },
      (err: unknown) => {
        session.opening = undefined;
        if (this.sessions.get(apikey) === session) this.sessions.delete(apikey);
        // A refused token is cured by renewing it, which the HTTP path will do; no backoff for it.
        if (!tokenRefused(err)) this.backOff(apikey, err as Error);
        return undefined;
      },
    );
  }

  private backOff(apikey: string, error: Error): void {
    const base = this.options.backoffBaseMs ?? SOCKET_BACKOFF_BASE_MS;
    const max = this.options.backoffMaxMs ?? SOCKET_BACKOFF_MAX_MS;
    const previous = this.backoff.get(apikey);
    const windowMs = previous ? Math.min(previous.windowMs * 2, max) : base;
    const spread = 1 - SOCKET_BACKOFF_JITTER + 2 * SOCKET_BACKOFF_JITTER * (this.options.random ?? Math.random)();
    const retryInMs = Math.round(Math.min(max, windowMs * spread));
    this.backoff.set(apikey, { windowMs, until: Date.now() + retryInMs });
    this.emit('session', { apikey, outcome: 'failed', error, retryInMs } satisfies SessionEvent);
  }

  private async openSocket(creds: Credentials): Promise<CloudSocket> {
    // The caller may update `creds` in place (a refreshed at); this session keeps the token it was opened with.
    const { at, apikey } = creds;
    const transport = this.transportFor(creds);
    const target = await this.dispatch(creds);
    // The handshake counts against the cloud's limits like an endpoint: repeated ones get an address blocked.
    const answered = await (this.options.politeness ?? cloudPoliteness).turn(accountLane(creds), `userOnline ${transport.api}`, 'userOnline');
    const socket = await CloudSocket.open({
      url: transport.socketUrl(target),
      at,
      apikey,
      appId: transport.appId,
      connectTimeoutMs: this.options.connectTimeoutMs ?? SOCKET_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: this.options.requestTimeoutMs ?? SOCKET_REQUEST_TIMEOUT_MS,
    }).finally(answered);
    socket.on('push', (message: PushedMessage) => this.emit('push', message));
    socket.once('close', () => {
      const current = this.sessions.get(apikey);
      if (current?.socket === socket) this.sessions.delete(apikey);
    });
    this.closeWhenIdle(socket);
    return socket;
  }

  private dispatchKey(creds: Credentials): string {
    return `${this.transportFor(creds).api} ${creds.region}`;
  }

  private async dispatch(creds: Credentials): Promise<DispatchTarget> {
    const cached = this.dispatchCache.get(this.dispatchKey(creds));
    if (cached && cached.until > Date.now()) return cached.target;
    const shared = await this.options.dispatchCache?.get(this.dispatchKey(creds)).catch(() => undefined);
    if (shared && shared.until > Date.now()) {
      this.dispatchCache.set(this.dispatchKey(creds), shared);
      return shared.target;
    }
    const target = await this.transportFor(creds).dispatch(creds);
    // Keyed after the call: a 301 on the way has moved creds.region to where the account lives.
    const kept = { target, until: Date.now() + (this.options.dispatchTtlMs ?? 600_000) };
    this.dispatchCache.set(this.dispatchKey(creds), kept);
    await this.options.dispatchCache?.put(this.dispatchKey(creds), kept.target, kept.until).catch(() => undefined);
    return target;
  }

  private closeWhenIdle(socket: CloudSocket): void {
    const check = () => {
      if (!socket.isOpen) return;
      const idle = Date.now() - socket.lastUsed;
      // A request still waiting for its reply (a share waits on a person) keeps the session.
      if (idle >= this.idleMs && socket.pendingRequests === 0) socket.close();
      else if (idle >= this.idleMs) setTimeout(check, this.idleMs).unref();
      else setTimeout(check, this.idleMs - idle + 10).unref();
    };
    setTimeout(check, this.idleMs).unref();
  }
}

/** A transport failure of a call that went out (or of a re-send after a lost socket reply) is a lost answer. */
function lostIfSent(err: unknown, resent: boolean): unknown {
  if (err instanceof CloudUnreachable && err.sent) return new AnswerLost(err.operation, err.message);
  if (resent && err instanceof CloudUnreachable) return new AnswerLost(err.operation, `it was sent on the socket, and sending it again failed: ${err.message}`);
  return err;
}

/**
 * Whether a device's params show what was sent: each sent field has the same value (numbers
 * and their strings alike, objects field by field), and each outlet of a `switches` array is
 * in the state it was sent.
 *
 * @example
 * paramsShown({ switch: 'on', startup: 'off' }, { switch: 'on' }) // true
 * paramsShown({ switches: [{ switch: 'off', outlet: 0 }, { switch: 'on', outlet: 1 }] }, { switches: [{ switch: 'on', outlet: 1 }] }) // true
 */
export function paramsShown(current: DeviceParams, sent: DeviceParams): boolean {
  return Object.entries(sent).every(([name, value]) => {
    const now = current[name];
    if (name === 'switches' && Array.isArray(value)) {
      const outlets = Array.isArray(now) ? now : [];
      return value.every((entry) => outlets.some((o) => sameValue((o as { outlet?: unknown })?.outlet, (entry as { outlet?: unknown })?.outlet) && sameValue(o, entry)));
    }
    return sameValue(now, value);
  });
}

function sameValue(now: unknown, sent: unknown): boolean {
  if (typeof sent === 'object' && sent !== null) {
    if (typeof now !== 'object' || now === null) return false;
    return Object.entries(sent).every(([k, v]) => sameValue((now as Record<string, unknown>)[k], v));
  }
  return now === sent || (now !== undefined && now !== null && String(now) === String(sent));
}

function shareOutcome(reply: Record<string, unknown>, operation: 'share' | 'updateShare'): ShareOutcome {
  const outcome = SHARE_RESULTS[Number(reply.result)];
  if (!outcome) throw new CloudFailure(0, operation, `${operation}: the cloud answered without a known result (${JSON.stringify(reply.result)})`);
  return outcome;
}
